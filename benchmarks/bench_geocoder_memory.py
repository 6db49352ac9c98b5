"""Peak memory and time of ``geo map`` against a geocoder whose answer never ends.

    python3 benchmarks/bench_geocoder_memory.py [--mode endless|drip|stall] [--timeout 10]

Serves a Nominatim-shaped endpoint on 127.0.0.1 (tests/_servers.py: FaultyGeocoder) and runs
``/usr/bin/time -v geo map …`` against it; prints the exit code, the warning, the wall time and the
maximum resident set size.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _servers import FaultyGeocoder, Serving  # noqa: E402

ARTICLE = ("Shelling hit the village of Qasr Zawiyat al-Hamra on Tuesday, residents said. Aid convoys from "
           "Damascus reached Homs later in the week.\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="endless", choices=("endless", "drip", "stall"))
    ap.add_argument("--timeout", default="10")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        article = Path(d) / "a.txt"
        article.write_text(ARTICLE)
        server = FaultyGeocoder(args.mode)
        with Serving(server.handler) as url:
            started = time.monotonic()
            proc = subprocess.run(["/usr/bin/time", "-v", "geo", "map", str(article), "-o", str(Path(d) / "m.html"),
                                   "--no-sidecar", "--geocoder", "nominatim", "--geocoder-url", url,
                                   "--geocoder-timeout", args.timeout],
                                  capture_output=True, text=True, env={**__import__("os").environ,
                                                                       "GEO_GEOCODER_CACHE": str(Path(d) / "c.sqlite")})
            wall = time.monotonic() - started
            server.stop.set()
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    warning = [ln for ln in proc.stderr.splitlines() if ln.startswith("geo: ")]
    print(f"mode {args.mode}, timeout {args.timeout} s: exit {proc.returncode}, {wall:.1f} s, "
          f"peak RSS {int(peak.group(1)) / 1024:.0f} MB" if peak else proc.stderr[-2000:])
    for line in warning:
        print(line)


if __name__ == "__main__":
    main()
