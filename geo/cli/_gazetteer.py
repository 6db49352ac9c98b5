"""``geo gazetteer build|info``: the embedded gazetteer."""

from __future__ import annotations

import json
import sys

from geo.cli._common import add_quiet, show_progress


def register(sub) -> None:
    p = sub.add_parser("gazetteer", help="build or describe the embedded gazetteer",
                       description="Manage the embedded gazetteer (an SQLite file in the user cache directory; "
                                   "GEO_GAZETTEER or GEO_CACHE_DIR choose another place).")
    gsub = p.add_subparsers(dest="gazetteer_command", metavar="ACTION", required=True, parser_class=type(p))
    b = gsub.add_parser("build", help="build the gazetteer now (it is also built on first use)",
                        description="Build the gazetteer from the installed data packages.")
    b.add_argument("--force", action="store_true", help="rebuild even if a sound gazetteer exists")
    add_quiet(b)
    b.set_defaults(func=run_build)
    i = gsub.add_parser("info", help="where the gazetteer is, what it holds, from which package versions",
                        description="Describe the gazetteer (building it first if needed).")
    i.add_argument("--json", action="store_true", help="print the description as JSON")
    add_quiet(i)
    i.set_defaults(func=run_info)


def run_build(args) -> int:
    import time

    from geo.gazetteer import default_path, open_gazetteer

    t0 = time.perf_counter()
    gz = open_gazetteer(default_path(), progress=show_progress(args), rebuild=args.force)
    if show_progress(args):
        info = gz.info()
        print(f"gazetteer ready at {info['path']} ({info['size_bytes'] / 1e6:.1f} MB, "
              f"{time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    return 0


def run_info(args) -> int:
    from geo.gazetteer import open_gazetteer

    info = open_gazetteer(progress=show_progress(args)).info()
    if args.json:
        print(json.dumps(info, indent=1, sort_keys=True))
        return 0
    places = ", ".join(f"{n:,} {k}" for k, n in sorted(info["places"].items()))
    pkgs = ", ".join(f"{k} {v}" for k, v in sorted(info["packages"].items()))
    print(f"path:      {info['path']}")
    print(f"size:      {info['size_bytes'] / 1e6:.1f} MB (format {info['format_version']})")
    print(f"places:    {places}")
    print(f"names:     {info['names']:,} (accent- and case-insensitive)")
    print(f"outlines:  {info['outlines']} country outlines; {info['demonyms']} demonyms")
    print(f"built in:  {info['build_seconds']:.1f} s from {pkgs}")
    print("data:      GeoNames (geonames.org), CC BY 4.0; countrystatecity-countries (ODbL); countryinfo (MIT)")
    return 0
