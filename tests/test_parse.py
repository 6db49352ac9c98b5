"""``geo parse INPUT.jsonl -o OUTPUT.jsonl`` end to end, in subprocesses.

Inputs are a few hand-written documents plus the first documents of ../shared/corpora/geovirus.jsonl,
read at run time (never copied into the repository). Runs that geoparse load spaCy (~2-3 s each), so
there are only a few of them and their inputs are tiny; the command-line errors fail before the model
loads and are cheap.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import termios
from pathlib import Path

import pytest
from _shared import shared_file

KEYS = {"start", "end", "name", "lat", "lon", "geonameid", "kind", "confidence"}

#: hand-written documents (not from any corpus): a place named twice, an empty text, a numeric id
#: with extra fields that must be ignored
HANDMADE = [
    {"id": "h-repeat", "text": "The mayor of Paris flew to Berlin on Monday. Back in Paris, she spoke about the trip."},
    {"id": "h-empty", "text": ""},
    {"id": 7, "text": "Nothing in this sentence is a place.", "source": "hand", "toponyms": [1, 2]},
]
#: more documents than one worker chunk (16), so that ``--workers 2`` really shares the work
N_CORPUS_DOCS = 17


def corpus_docs(n: int) -> list[dict]:
    corpus = shared_file("corpora/geovirus.jsonl")
    out = []
    with corpus.open(encoding="utf-8") as f:
        for line in f:
            out.append(json.loads(line))
            if len(out) == n:
                return out
    raise AssertionError(f"{corpus} has fewer than {n} documents")


def write_jsonl(path: Path, docs, raw_lines: dict[int, bytes] | None = None) -> Path:
    """``docs`` as JSON Lines; ``raw_lines`` {line number: bytes} are inserted as they are."""
    lines = [json.dumps(d, ensure_ascii=False).encode("utf-8") for d in docs]
    for ln, raw in sorted((raw_lines or {}).items()):
        lines.insert(ln - 1, raw)
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.fixture(scope="module")
def geo(geo_exe, gazetteer):
    """Run the CLI: ``geo(args, stdin=bytes)``; depends on ``gazetteer`` so the file exists first."""

    def run(args, *, stdin: bytes = b"", timeout=300):
        proc = subprocess.run([geo_exe, *map(str, args)], input=stdin, capture_output=True,
                              timeout=timeout, env=os.environ.copy())
        proc.out = proc.stdout.decode("utf-8")
        proc.err = proc.stderr.decode("utf-8")
        return proc

    return run


def assert_one_line_error(proc, code: int, *pieces: str) -> str:
    assert proc.returncode == code, (proc.returncode, proc.err)
    assert "Traceback" not in proc.err
    lines = proc.err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {proc.err!r}"
    assert re.match(r"^geo( parse)?: error: \S", lines[0]), lines[0]
    for piece in pieces:
        assert piece in lines[0], (piece, lines[0])
    return lines[0]


@pytest.fixture(scope="module")
def docs() -> list[dict]:
    return HANDMADE + corpus_docs(N_CORPUS_DOCS)


@pytest.fixture(scope="module")
def parsed(geo, docs, tmp_path_factory):
    """One quiet single-process run over ``docs``: (input path, output path, process)."""
    d = tmp_path_factory.mktemp("parse")
    src = write_jsonl(d / "in.jsonl", docs)
    out = d / "out.jsonl"
    proc = geo(["parse", src, "-o", out, "-q"])
    assert proc.returncode == 0, proc.err
    return src, out, proc


def test_quiet_run_prints_nothing(parsed):
    _, out, proc = parsed
    assert proc.err == "" and proc.out == ""
    assert out.is_file()
    assert not [n for n in leftovers(out.parent) if n.endswith(".tmp")]


def test_one_record_per_document_in_input_order(parsed, docs):
    _, out, _ = parsed
    records = read_jsonl(out)
    assert [r["id"] for r in records] == [d["id"] for d in docs]  # numeric id 7 stays a number
    assert all(set(r) == {"id", "toponyms"} and isinstance(r["toponyms"], list) for r in records)


def test_every_toponym_has_the_fields_and_its_offsets(parsed, docs):
    _, out, _ = parsed
    texts = {d["id"]: d["text"] for d in docs}
    n = resolved = 0
    for rec in read_jsonl(out):
        text = texts[rec["id"]]
        starts = [t["start"] for t in rec["toponyms"]]
        assert starts == sorted(starts), "toponyms in text order"
        for t in rec["toponyms"]:
            n += 1
            assert KEYS <= set(t), sorted(KEYS - set(t))
            assert isinstance(t["start"], int) and isinstance(t["end"], int)
            assert 0 <= t["start"] < t["end"] <= len(text)
            assert text[t["start"]:t["end"]] == t["name"]
            assert isinstance(t["kind"], str) and t["kind"]
            assert 0.0 <= t["confidence"] <= 1.0
            assert (t["lat"] is None) == (t["lon"] is None)
            if t["lat"] is not None:
                resolved += 1
                assert -90 <= t["lat"] <= 90 and -180 <= t["lon"] <= 180
            assert t["geonameid"] is None or isinstance(t["geonameid"], int)
    # the corpus documents name places: the checks above ran on real output, not on nothing
    assert n >= 2 * N_CORPUS_DOCS and resolved >= n // 2, (n, resolved)


def test_every_mention_not_one_per_place(parsed):
    _, out, _ = parsed
    by_id = {r["id"]: r["toponyms"] for r in read_jsonl(out)}
    text = HANDMADE[0]["text"]
    paris = [t for t in by_id["h-repeat"] if t["name"] == "Paris"]
    assert [t["start"] for t in paris] == [text.index("Paris"), text.rindex("Paris")]
    assert paris[0]["lat"] is not None and (paris[0]["lat"], paris[0]["lon"]) == (paris[1]["lat"], paris[1]["lon"])
    assert any(t["name"] == "Berlin" for t in by_id["h-repeat"])
    assert by_id["h-empty"] == [] and by_id[7] == []


def test_two_workers_give_identical_output_and_a_progress_bar_on_a_terminal(geo_exe, parsed):
    """``--workers 2`` (two chunks: 20 documents, 16 per chunk) writes byte for byte what one worker
    wrote; with stderr on a terminal and no ``-q`` the progress bar and the summary are shown."""
    src, out1, _ = parsed
    out2 = out1.with_name("out-workers2.jsonl")
    master, slave = pty.openpty()
    # a fresh pseudo-terminal is 0 columns wide, and tqdm draws nothing in 0 columns
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        proc = subprocess.run([geo_exe, "parse", str(src), "-o", str(out2), "--workers", "2"],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
                              timeout=300, env=os.environ.copy())
        os.close(slave)
        slave = None
        err = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the terminal's other end is closed
                break
            if not chunk:
                break
            err += chunk
    finally:
        if slave is not None:
            os.close(slave)
        os.close(master)
    err = err.decode("utf-8", "replace")
    assert proc.returncode == 0, err
    assert out2.read_bytes() == out1.read_bytes()
    assert "geoparsing" in err and "%|" in err, err  # tqdm's bar
    assert f"{len(read_jsonl(out1))} documents geoparsed into {out2}" in err


@pytest.mark.parametrize("workers,bad_line,bad", [
    (1, 3, b'{"id": "x", "text": "no closing brace"'),
    (2, 3, b'{"id": "x", "txt": "the text under the wrong key"}'),
    (1, 1, b"\xff\xfe not UTF-8"),
])
def test_malformed_line_names_its_number_and_keeps_what_came_before(geo, tmp_path, workers, bad_line, bad):
    good = HANDMADE[:1] + [{"id": f"ok-{i}", "text": f"Fishermen left Lisbon on day {i}."} for i in range(2)]
    src = write_jsonl(tmp_path / "in.jsonl", good, {bad_line: bad})
    out = tmp_path / "out.jsonl"
    out.write_text("previous contents\n")
    proc = geo(["parse", src, "-o", out, "-q", "--workers", workers])
    line = assert_one_line_error(proc, 1, f"{src}:{bad_line}:")
    before = good[:bad_line - 1]
    if before:  # the documents before the bad line are written, nothing after it
        assert [r["id"] for r in read_jsonl(out)] == [d["id"] for d in before]
        assert read_jsonl(out)[0]["toponyms"], "the documents before the error were geoparsed"
        assert f"the {len(before)} documents before it are in {out}" in line
    else:  # nothing was parsed: the previous file is untouched
        assert out.read_text() == "previous contents\n"
    assert leftovers(tmp_path) == ["in.jsonl", "out.jsonl"]


def test_stdin_to_stdout_skip_bad_warns_and_goes_on(geo):
    docs = [{"id": "a", "text": "Rain fell on Lisbon."}, {"id": "b", "text": "Snow fell on Oslo."}]
    lines = [json.dumps(docs[0]), "{not json", json.dumps(docs[0]), json.dumps(docs[1]), "[1, 2]"]
    proc = geo(["parse", "-", "-o", "-", "--skip-bad"], stdin=("\n".join(lines) + "\n").encode())
    assert proc.returncode == 0, proc.err
    records = [json.loads(x) for x in proc.out.splitlines()]
    assert [r["id"] for r in records] == ["a", "b"]
    assert [t["name"] for t in records[0]["toponyms"]] == ["Lisbon"]
    assert [t["name"] for t in records[1]["toponyms"]] == ["Oslo"]
    warnings = [x for x in proc.err.splitlines() if x.startswith("geo: warning:")]
    assert len(warnings) == 3, proc.err
    assert "<stdin>:2: not JSON" in warnings[0]
    assert "<stdin>:3: duplicate id 'a'" in warnings[1]
    assert "<stdin>:5: not a JSON object" in warnings[2]
    assert "Traceback" not in proc.err


def test_missing_input_file(geo, tmp_path):
    proc = geo(["parse", tmp_path / "nope.jsonl", "-o", tmp_path / "out.jsonl"])
    assert_one_line_error(proc, 1, "nope.jsonl", "no such file")
    assert leftovers(tmp_path) == []


def test_input_is_a_directory(geo, tmp_path):
    proc = geo(["parse", tmp_path, "-o", tmp_path / "out.jsonl"])
    assert_one_line_error(proc, 1, str(tmp_path), "directory")
    assert leftovers(tmp_path) == []


def test_output_to_a_directory_is_an_error(geo, tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", HANDMADE[:1])
    proc = geo(["parse", src, "-o", tmp_path])  # exit code 1, as for every command's unusable output path
    assert_one_line_error(proc, 1, str(tmp_path), "is a directory")
    assert leftovers(tmp_path) == ["in.jsonl"]


@pytest.mark.parametrize("option", ["--workers", "--batch-size"])
def test_zero_workers_or_batch_is_a_usage_error(geo, tmp_path, option):
    src = write_jsonl(tmp_path / "in.jsonl", HANDMADE[:1])
    proc = geo(["parse", src, "-o", tmp_path / "out.jsonl", option, "0"])
    assert_one_line_error(proc, 2, "at least 1")
    assert leftovers(tmp_path) == ["in.jsonl"]


def test_output_option_is_required(geo, tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", HANDMADE[:1])
    proc = geo(["parse", src])
    assert_one_line_error(proc, 2, "-o")
