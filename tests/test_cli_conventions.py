"""Conventions every command that writes a file follows, checked before any work starts.

* a missing output directory is an error unless ``--parents`` (geo's own default ``maps/`` is created);
* a path through a file says which part is not a directory;
* options are checked before the input is read: the tests give an input that does not exist, so a
  run that started work would fail on it instead of on the option;
* a tile source that needs a key says how to give it.
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest

#: the commands that write a file, with the arguments that make them write ``OUT``
WRITERS = {
    "places": lambda src, out: ["places", src, "-o", out],
    "map": lambda src, out: ["map", src, "-o", out],
    "map --from": lambda src, out: ["map", "--from", src, "-o", out],
    "batch": lambda src, out: ["batch", src, "-o", out],
    "parse": lambda src, out: ["parse", src, "-o", out],
}
EXT = {"places": "csv", "map": "html", "map --from": "html", "batch": "parquet", "parse": "jsonl"}


def geo(geo_exe, *args, cwd=None, env=None, timeout=300):
    proc = subprocess.run([geo_exe, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=timeout,
                          stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    return proc


def one_line(proc, code=1) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and re.match(r"^geo( [a-z]+)*: error: \S", lines[0]), proc.stderr
    return lines[0]


def listing(path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


@pytest.mark.parametrize("command", list(WRITERS))
def test_a_missing_output_directory_is_an_error_unless_parents(geo_exe, tmp_path, command):
    out = tmp_path / "nowhere" / "deeper" / f"out.{EXT[command]}"
    line = one_line(geo(geo_exe, *WRITERS[command](tmp_path / "missing-input.txt", out)))
    assert f"the directory {out.parent} does not exist" in line and "--parents" in line
    assert listing(tmp_path) == []


@pytest.mark.parametrize("command", list(WRITERS))
def test_a_path_through_a_file_says_not_a_directory(geo_exe, tmp_path, command):
    (tmp_path / "article.txt").write_text("Rain in Oslo.", encoding="utf-8")
    out = tmp_path / "article.txt" / f"x.{EXT[command]}"
    line = one_line(geo(geo_exe, *WRITERS[command](tmp_path / "missing-input.txt", out)))
    assert f"{tmp_path / 'article.txt'} is not a directory" in line, line
    assert "File exists" not in line
    assert listing(tmp_path) == ["article.txt"]


def test_parents_creates_the_directories(geo_exe, story_article, tmp_path):
    csv_out = tmp_path / "a" / "b" / "places.csv"
    r = geo(geo_exe, "places", story_article, "-o", csv_out, "--parents", "-q")
    assert r.returncode == 0, r.stderr
    html_out = tmp_path / "maps" / "2024" / "drought.html"
    r = geo(geo_exe, "map", "--from", csv_out, "-o", html_out, "--parents", "-q")
    assert r.returncode == 0, r.stderr
    assert listing(tmp_path) == ["a", "a/b", "a/b/places.csv", "maps", "maps/2024", "maps/2024/drought.html"]


def test_the_default_maps_folder_is_created(geo_exe, story_article, tmp_path):
    r = geo(geo_exe, "map", story_article, "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert listing(tmp_path) == ["maps", f"maps/{story_article.stem}.html"]


@pytest.mark.parametrize("args, expected", [
    (["--tiles", "Foo.Bar"], "unknown tile source 'Foo.Bar'"),
    (["--tiles", "https://tiles.example.org/{z}/{x}/{y}.png"], "needs an attribution"),
    (["--tiles", "Thunderforest.OpenCycleMap", "--embed-tiles-key"], "--tiles-key-env"),
])
@pytest.mark.parametrize("source", [["missing-article.txt"], ["--from", "missing-places.parquet"]],
                         ids=["article", "from"])
def test_tiles_are_checked_before_the_input_is_read(geo_exe, tmp_path, args, expected, source):
    proc = geo(geo_exe, "map", *source, *args, "-o", tmp_path / "x.html", cwd=tmp_path,
               env={"GEO_TILES_API_KEY": ""})
    line = one_line(proc, code=proc.returncode)
    assert proc.returncode in (1, 2) and expected in line, line
    assert "missing" not in line  # the input was never opened
    assert listing(tmp_path) == []


def test_a_tile_source_that_needs_a_key_says_how_to_give_it(geo_exe, story_article, tmp_path):
    out = tmp_path / "cycle.html"
    r = geo(geo_exe, "map", story_article, "--tiles", "Thunderforest.OpenCycleMap", "-o", out,
            env={"GEO_TILES_API_KEY": ""})
    assert r.returncode == 0, r.stderr
    note = next(line for line in r.stderr.splitlines() if line.startswith("geo: note:"))
    assert "#apikey=KEY" in note and "GEO_TILES_API_KEY" in note and "--tiles-key-env" in note
    assert "--embed-tiles-key" in note
    assert "{apikey}" in out.read_text(encoding="utf-8")  # the key is the reader's to give

    embedded = tmp_path / "embedded.html"
    r = geo(geo_exe, "map", story_article, "--tiles", "Thunderforest.OpenCycleMap", "--embed-tiles-key",
            "--tiles-key-env", "DESK_TILES_KEY", "-o", embedded, "-q", env={"DESK_TILES_KEY": "k-123"})
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert "apikey=k-123" in embedded.read_text(encoding="utf-8")


def test_parents_is_offered_by_every_command_that_writes_a_file():
    from geo.cli import build_parser

    parser = build_parser()
    for command in ("map", "places", "batch", "parse"):
        sub = parser._subparsers._group_actions[0].choices[command]
        assert any("--parents" in a.option_strings for a in sub._actions), command
