"""Bad inputs × commands, as a hostile user would try them: one table, one assertion of the same shape.

Every case runs the real ``geo`` command (sharing the session's gazetteer) and asserts the exit code,
exactly one line on stderr (or none), no traceback, no partial or temporary file left beside the
output, and an earlier output left byte for byte as it was. The classes are those of a reliability
sweep: unsafe numbers in files, deep nesting, lone surrogates, over-long documents, files that are not
regular (FIFOs), outputs that are directories or devices, text that is not valid UTF-8 on the
command line, and the cases that already held.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from _servers import dump_row, isolated_env

EARLIER = "an earlier complete output\n"
ARTICLE = ("Fishing boats returned to Lisbon on Monday after a storm. Harbour officials in Porto said the "
           "fleet would stay in port until Wednesday.\n")
DEEP = 50_000  # deeper than any parser's recursion limit


@dataclass
class Case:
    name: str
    args: list[str]                    # {d} is the case's directory
    files: dict[str, str | bytes | Callable] = field(default_factory=dict)
    code: int = 1
    stderr: str | None = None          # a piece of the one stderr line (None: no stderr at all)
    output: str | None = None          # the output path, pre-filled with EARLIER unless `fresh`
    fresh: bool = False                # no earlier output
    keeps_earlier: bool = True         # the earlier output must be byte-identical afterwards
    check: Callable[[Path, subprocess.CompletedProcess], None] | None = None
    stdin: bytes | None = None
    stdout_to: str | None = None       # a path to open as the command's standard output


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _deep_json() -> str:
    return "[" * DEEP + "]" * DEEP


def _jsonl(*docs) -> str:
    return "".join((d if isinstance(d, str) else json.dumps(d)) + "\n" for d in docs)


GOOD = [{"id": "a", "text": "Rain fell on Lisbon."}, {"id": "b", "text": "Snow fell on Oslo."}]


def _rows_mention(*names):
    def check(d: Path, proc):
        text = (d / "out.jsonl").read_text(encoding="utf-8")
        for n in names:
            assert n in text
    return check


def _no_markup(*pieces):
    def check(d: Path, proc):
        html = (d / "m.html").read_text(encoding="utf-8")
        for p in pieces:
            assert p not in html, p
    return check


def _utf8_kept(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "Bern" in text and "Ã" not in text, text


def _title_shown(d: Path, proc):
    html = (d / "m.html").read_text(encoding="utf-8")
    assert "\ufffd" in html and "Harbour" in html


def _batch_errors(fragment):
    def check(d: Path, proc):
        errors = (d / "out.errors.jsonl").read_text(encoding="utf-8")
        assert fragment in errors
        assert (d / "out.csv").exists() and "Oslo" in (d / "out.csv").read_text(encoding="utf-8")
    return check


CASES = [
    # ---------------------------------------------------------------- numbers read from files (class 8)
    Case("places superscript population", ["map", "{d}/a.txt", "--places", "{d}/p.csv", "-o", "{d}/m.html"],
         {"a.txt": ARTICLE, "p.csv": "name,lat,lon,population\nPorto,41.1,-8.6,5\u00b2\n"},
         stderr="p.csv:2: population '5\u00b2' is not a whole number", output="m.html"),
    Case("places superscript geonameid", ["places", "{d}/a.txt", "--places", "{d}/p.csv", "-o", "{d}/o.csv"],
         {"a.txt": ARTICLE, "p.csv": "name,lat,lon,geonameid\nPorto,41.1,-8.6,12\u00b3\n"},
         stderr="geonameid '12\u00b3' is not a whole number", output="o.csv"),
    Case("places geonameid past 2**63", ["places", "{d}/a.txt", "--places", "{d}/p.csv", "-o", "{d}/o.csv"],
         {"a.txt": ARTICLE, "p.csv": "name,lat,lon,geonameid\nPorto,41.1,-8.6,99999999999999999999999\n"},
         stderr="is out of range", output="o.csv"),
    Case("places NaN latitude", ["places", "{d}/a.txt", "--places", "{d}/p.csv", "-o", "{d}/o.csv"],
         {"a.txt": ARTICLE, "p.csv": "name,lat,lon\nPorto,NaN,-8.6\n"},
         stderr="latitude 'NaN' is not a finite number", output="o.csv"),
    Case("places inf longitude", ["places", "{d}/a.txt", "--places", "{d}/p.csv", "-o", "{d}/o.csv"],
         {"a.txt": ARTICLE, "p.csv": "name,lat,lon\nPorto,41.1,-inf\n"},
         stderr="is not a finite number", output="o.csv"),
    Case("places GeoJSON nested too deeply", ["places", "{d}/a.txt", "--places", "{d}/p.geojson", "-o", "{d}/o.csv"],
         {"a.txt": ARTICLE, "p.geojson": _deep_json}, stderr="nested too deeply", output="o.csv"),
    Case("corrections nested too deeply", ["map", "{d}/a.txt", "--corrections", "{d}/c.toml", "-o", "{d}/m.html"],
         {"a.txt": ARTICLE, "c.toml": lambda: "x = " + "[" * DEEP + "]" * DEEP + "\n"},
         stderr="nested too deeply", output="m.html"),
    Case("corrections geonameid past 2**63", ["map", "{d}/a.txt", "--corrections", "{d}/c.toml", "-o", "{d}/m.html"],
         {"a.txt": ARTICLE, "c.toml": '[[pin]]\nname = "Porto"\ngeonameid = 99999999999999999999\n'},
         stderr="c.toml:3: geonameid must be a positive whole number", output="m.html"),
    Case("corrections superscript geonameid", ["map", "{d}/a.txt", "--corrections", "{d}/c.toml", "-o", "{d}/m.html"],
         {"a.txt": ARTICLE, "c.toml": '[[pin]]\nname = "Porto"\ngeonameid = "2\u00b9"\n'},
         stderr="geonameid must be a positive whole number", output="m.html"),
    Case("corrections NaN latitude", ["map", "{d}/a.txt", "--corrections", "{d}/c.toml", "-o", "{d}/m.html"],
         {"a.txt": ARTICLE, "c.toml": '[[pin]]\nname = "Porto"\nlat = nan\nlon = 1.0\n'},
         stderr="not a finite number", output="m.html"),
    Case("dump import superscript population", ["gazetteer", "import", "{d}/XX.txt", "-q"],
         {"XX.txt": lambda: dump_row(9100001, "Vila Nova", 41.1, -8.6, cc="PT").replace("\t0\t", "\t7\u00b2\t", 1)},
         stderr="population '7\u00b2' is not a whole number"),
    Case("dump import geonameid past 2**63", ["gazetteer", "import", "{d}/XX.txt", "-q"],
         {"XX.txt": lambda: dump_row(9100001, "Vila Nova", 41.1, -8.6, cc="PT").replace("9100001", "9" * 30, 1)},
         stderr="geonameid"),
    # ---------------------------------------------------------------- geo parse (classes 2 and 8)
    Case("parse bad JSON keeps the earlier output", ["parse", "{d}/in.jsonl", "-o", "{d}/out.jsonl", "-q"],
         {"in.jsonl": _jsonl(GOOD[0], '{"id": "x", "text": ', GOOD[1])},
         stderr="in.jsonl:2: not JSON", output="out.jsonl"),
    Case("parse nested too deeply", ["parse", "{d}/in.jsonl", "-o", "{d}/out.jsonl", "-q"],
         {"in.jsonl": lambda: _jsonl(GOOD[0], _deep_json())}, stderr="in.jsonl:2: not JSON (nested too deeply)",
         output="out.jsonl"),
    Case("parse lone surrogate", ["parse", "{d}/in.jsonl", "-o", "{d}/out.jsonl", "-q"],
         {"in.jsonl": _jsonl(GOOD[0], '{"id": "s", "text": "Rain in Lisbon \\ud800."}')},
         stderr="in.jsonl:2: a lone surrogate in its text", output="out.jsonl"),
    Case("parse integer id of 5000 digits", ["parse", "{d}/in.jsonl", "-o", "{d}/out.jsonl", "-q"],
         {"in.jsonl": lambda: _jsonl(GOOD[0], '{"id": ' + "7" * 5000 + ', "text": "Rain in Oslo."}')},
         stderr="in.jsonl:2: not JSON", output="out.jsonl"),
    Case("parse over-long document names its line", ["parse", "{d}/in.jsonl", "-o", "{d}/out.jsonl", "-q"],
         {"in.jsonl": lambda: _jsonl(GOOD[0], {"id": "long", "text": "Oslo. " * 170_000})},
         stderr="in.jsonl:2: text too long", output="out.jsonl"),
    Case("parse --skip-bad skips the over-long document",
         ["parse", "{d}/in.jsonl", "-o", "{d}/out.jsonl", "-q", "--skip-bad"],
         {"in.jsonl": lambda: _jsonl(GOOD[0], {"id": "long", "text": "Oslo. " * 170_000}, GOOD[1])},
         code=0, stderr="warning: skipped", output="out.jsonl", keeps_earlier=False,
         check=_rows_mention('"id": "a"', '"id": "b"')),
    Case("parse input is a FIFO", ["parse", "{d}/fifo", "-o", "{d}/out.jsonl", "-q"], {"fifo": _fifo},
         stderr="is a FIFO, not a regular file", output="out.jsonl"),
    Case("parse output to /dev/full", ["parse", "{d}/in.jsonl", "-o", "-", "-q"], {"in.jsonl": _jsonl(*GOOD)},
         stderr="No space left on device", stdout_to="/dev/full"),
    Case("parse missing input", ["parse", "{d}/nope.jsonl", "-o", "{d}/out.jsonl", "-q"],
         stderr="nope.jsonl: no such file", output="out.jsonl"),
    Case("parse good input (held)", ["parse", "{d}/in.jsonl", "-o", "{d}/out.jsonl", "-q"],
         {"in.jsonl": _jsonl(*GOOD)}, code=0, output="out.jsonl", keeps_earlier=False,
         check=_rows_mention("Lisbon", "Oslo")),
    # ---------------------------------------------------------------- geo map / places (classes 1, 5, 7)
    Case("map article is a FIFO", ["map", "{d}/fifo", "-o", "{d}/m.html", "-q"], {"fifo": _fifo},
         stderr="is a FIFO, not a regular file", output="m.html"),
    Case("map places file is a FIFO", ["map", "{d}/a.txt", "--places", "{d}/fifo", "-o", "{d}/m.html", "-q"],
         {"a.txt": ARTICLE, "fifo": _fifo}, stderr="is a FIFO", output="m.html"),
    Case("map output is a directory", ["map", "{d}/a.txt", "-o", "{d}/out.html", "-q"],
         {"a.txt": ARTICLE, "out.html/x": ""},
         stderr="is a directory"),
    Case("places GeoPackage output is a directory", ["places", "{d}/a.txt", "-o", "{d}/o.gpkg", "-q"],
         {"a.txt": ARTICLE, "o.gpkg/x": ""}, stderr="is a directory"),
    Case("places to /dev/full", ["places", "{d}/a.txt", "-q"], {"a.txt": ARTICLE},
         stderr="No space left on device", stdout_to="/dev/full"),
    Case("places to /dev/null (held)", ["places", "{d}/a.txt", "-q", "-o", "/dev/null", "-f", "csv"],
         {"a.txt": ARTICLE}, code=0),
    Case("map title not valid UTF-8", ["map", "{d}/a.txt", "-o", "{d}/m.html", "-q", "--title", b"Harbour \xff news"],
         {"a.txt": ARTICLE}, code=0, output="m.html", keeps_earlier=False, check=_title_shown),
    Case("map file name not valid UTF-8", ["map", b"{d}/\xffHarbour.txt", "-o", "{d}/m.html", "-q"],
         {b"\xffHarbour.txt": ARTICLE}, code=0, output="m.html", keeps_earlier=False, check=_title_shown),
    Case("map hostile --attr is text", ["map", "{d}/a.txt", "-o", "{d}/m.html", "-q", "--tiles",
                                        "https://127.0.0.1/t/{z}/{x}/{y}.png",
                                        "--attr", "<img src=x onerror=alert(1)>tiles"],
         {"a.txt": ARTICLE}, code=0, output="m.html", keeps_earlier=False, check=_no_markup("onerror=alert", "<img src=x")),
    Case("map tile URL that is not http(s)", ["map", "{d}/a.txt", "-o", "{d}/m.html", "-q", "--tiles",
                                              "javascript:alert(1)//{z}/{x}/{y}", "--attr", "x"],
         {"a.txt": ARTICLE}, code=2, stderr="tile URL must start with http", output="m.html"),
    Case("places UTF-8 with a broken byte at the end stays UTF-8",
         ["places", "{d}/a.txt", "-f", "csv", "-o", "{d}/o.csv"],
         {"a.txt": "Floods hit Zürich and São Paulo on Monday, officials in Bern said.\n".encode() + b"\xff\n"},
         code=0, stderr="invalid UTF-8 byte sequence replaced", output="o.csv", keeps_earlier=False,
         check=lambda d, proc: _utf8_kept(d / "o.csv")),
    Case("map stdin (held)", ["map", "-", "-o", "{d}/m.html", "-q"], code=0, stdin=ARTICLE.encode(),
         output="m.html", keeps_earlier=False),
    # ---------------------------------------------------------------- geo batch (classes 5, 7, 9)
    Case("batch lone surrogate in a title", ["batch", "{d}/in.jsonl", "-o", "{d}/out.csv", "-q"],
         {"in.jsonl": _jsonl('{"id": "s", "title": "Storm \\udc80 news", "text": "Rain in Lisbon."}', GOOD[1])},
         code=0, check=_batch_errors("a lone surrogate in its title")),
    Case("batch lone surrogate in an id", ["batch", "{d}/in.jsonl", "-o", "{d}/out.csv", "-q"],
         {"in.jsonl": _jsonl('{"id": "s\\ud801", "text": "Rain in Lisbon."}', GOOD[1])},
         code=0, check=_batch_errors("a lone surrogate in its id")),
    Case("batch --text-column nope", ["batch", "{d}/in.csv", "-o", "{d}/out.csv", "-q", "--text-column", "nope"],
         {"in.csv": "id,body\n1,Rain in Lisbon.\n"}, stderr="no column 'nope' (columns: id, body)", output="out.csv"),
    Case("batch empty batch.json from a killed run", ["batch", "{d}/in.jsonl", "-o", "{d}/out.csv", "-q"],
         {"in.jsonl": _jsonl(*GOOD), "out.csv.parts/batch.json": ""}, code=0, stderr="unreadable; taken as absent",
         output="out.csv", keeps_earlier=False),
    Case("batch input is a FIFO", ["batch", "{d}/fifo.jsonl", "-o", "{d}/out.csv", "-q"], {"fifo.jsonl": _fifo},
         stderr="is a FIFO", output="out.csv"),
    # ---------------------------------------------------------------- geo eval, map --from, gazetteer
    Case("eval bad line", ["eval", "{d}/gold.jsonl", "-q"], {"gold.jsonl": "{not json\n"}, stderr="gold.jsonl:1"),
    Case("eval FIFO", ["eval", "{d}/fifo", "-q"], {"fifo": _fifo}, stderr="is a FIFO"),
    Case("map --from a FIFO", ["map", "--from", "{d}/fifo", "-o", "{d}/m.html", "-q"], {"fifo": _fifo},
         stderr="is a FIFO", output="m.html"),
    Case("map --from nested too deeply", ["map", "--from", "{d}/p.geojson", "-o", "{d}/m.html", "-q"],
         {"p.geojson": _deep_json}, stderr="p.geojson", output="m.html"),
    Case("map --from without a name column", ["map", "--from", "{d}/p.csv", "-o", "{d}/m.html", "-q"],
         {"p.csv": "a,b\n1,2\n"}, stderr="not a places file", output="m.html"),
    Case("map --from CSV with coordinates but no name", ["map", "--from", "{d}/p.csv", "-o", "{d}/m.html", "-q"],
         {"p.csv": "a,lat,lon\n1,2,3\n"}, stderr="no 'name' column", output="m.html"),
    Case("gazetteer import a FIFO", ["gazetteer", "import", "{d}/XX.txt", "-q"], {"XX.txt": _fifo},
         stderr="is a FIFO"),
    Case("gazetteer info (held)", ["gazetteer", "info"], code=0),
    Case("gazetteer info with a damaged import: one warning line, no Python warning",
         ["gazetteer", "info"], {"../gz/gazetteer.imports/XX.sqlite": b"not an SQLite file at all" * 100},
         code=0, stderr="geo: warning: ignoring the import"),
]


def _expand(arg, d: Path):
    if isinstance(arg, bytes):
        return os.fsdecode(arg.replace(b"{d}", os.fsencode(d)))
    return arg.replace("{d}", str(d))


def _listing(d: Path) -> list[str]:
    return sorted(str(p.relative_to(d)) for p in d.rglob("*"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, geo_exe, gazetteer, tmp_path):
    d = tmp_path / "case"
    d.mkdir()
    env = isolated_env(tmp_path, Path(gazetteer.path))
    for name, content in case.files.items():
        path = Path(os.fsdecode(os.path.join(os.fsencode(d), name if isinstance(name, bytes) else name.encode())))
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is _fifo:
            _fifo(path)
            continue
        value = content() if callable(content) else content
        path.write_bytes(value if isinstance(value, bytes) else value.encode("utf-8"))
    out = d / case.output if case.output else None
    if out is not None and not case.fresh:
        out.write_text(EARLIER)
    before = set(_listing(d))
    stdout = open(case.stdout_to, "wb") if case.stdout_to else subprocess.PIPE
    try:
        proc = subprocess.run([geo_exe, *[_expand(a, d) for a in case.args]], env=env, stdout=stdout,
                              stderr=subprocess.PIPE, input=case.stdin, timeout=240, cwd=d)
    finally:
        if case.stdout_to:
            stdout.close()
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert proc.returncode == case.code, err
    lines = err.splitlines()
    if case.stderr is None:
        assert lines == [], err
    else:
        assert len(lines) == 1 and case.stderr in lines[0], err
    if out is not None and case.keeps_earlier and not case.fresh:
        assert out.read_text() == EARLIER, "the earlier output was changed"
    left = [p for p in set(_listing(d)) - before if ".tmp" in p or p.startswith(".")]
    assert left == [], f"temporary files left: {left}"
    if case.check is not None:
        case.check(d, proc)


def test_the_table_covers_every_command():
    commands = {c.args[0] + (" --from" if "--from" in c.args else "") for c in CASES}
    assert {"map", "places", "parse", "batch", "eval", "gazetteer", "map --from"} <= commands
    assert len(CASES) >= 40
