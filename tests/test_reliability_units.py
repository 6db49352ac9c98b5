"""The pieces under the reliability promises, each on its own: the atomic writer, the number
validator, the attribution sanitiser, the input-file rule and the top-level error handler."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from geo._atomic import AtomicPath, clean_stale, write_atomic
from geo._files import check_regular
from geo._render_tiles import safe_attribution, safe_tile_url
from geo._values import display_text, has_lone_surrogate, printable, real_number, whole_number
from geo.errors import GeoError, InputError


# --------------------------------------------------------------------------- numbers

@pytest.mark.parametrize("value,expected", [
    ("42", 42), (42, 42), ("1,234", 1234), ("1_000", 1000), (" 7 ", 7), (3.0, 3), ("9223372036854775807", 2**63 - 1),
])
def test_whole_numbers_accepted(value, expected):
    assert whole_number(value, "population") == expected


@pytest.mark.parametrize("value,why", [
    ("5\u00b2", "not a whole number"), ("\u0663", "not a whole number"), ("12a", "not a whole number"),
    ("9223372036854775808", "out of range"), (10**40, "out of range"), (True, "not a whole number"),
    ("-3", "out of range"), (2.5, "not a whole number"), ("", "not a whole number"), (None, "not a whole number"),
    (10**5000, "out of range"),
], ids=lambda v: repr(v)[:20] if not isinstance(v, int) or v.bit_length() < 100 else "huge int")
def test_whole_numbers_refused(value, why):
    with pytest.raises(ValueError, match=why):
        whole_number(value, "population")


@pytest.mark.parametrize("value,why", [
    ("NaN", "not a finite number"), (math.nan, "not a finite number"), ("inf", "not a finite number"),
    ("-Infinity", "not a finite number"), ("91", "out of range"), ("abc", "not a number"), (True, "not a number"),
    ("4\u00b2", "not a number"), (10**400, "not a finite number"), ([], "not a number"),
], ids=lambda v: repr(v)[:20] if not isinstance(v, int) or v.bit_length() < 100 else "huge int")
def test_real_numbers_refused(value, why):
    with pytest.raises(ValueError, match=why):
        real_number(value, "latitude", low=-90, high=90)


def test_real_numbers_accepted():
    assert real_number("-33.86", "latitude", low=-90, high=90) == -33.86
    assert real_number(90, "latitude", low=-90, high=90) == 90.0


def test_text_that_is_not_valid_unicode():
    assert has_lone_surrogate("a\ud800b") and not has_lone_surrogate("Zürich")
    assert printable("a\ud800b") == "a\\ud800b" and printable(None) is None
    assert display_text(os.fsdecode(b"Harbour \xff news")) == "Harbour \ufffd news"


# --------------------------------------------------------------------------- what enters the page

@pytest.mark.parametrize("hostile,shown", [
    ("<img src=x onerror=alert(1)>tiles", "tiles"),
    ('<a href="javascript:alert(1)">Tiles</a>', "Tiles"),
    ('<a href="https://t.example/" onclick="x()">Tiles</a>',
     '<a href="https://t.example/" target="_blank" rel="noopener noreferrer">Tiles</a>'),
    ("</script><script>alert(1)</script>", "alert(1)"),
    ("a <b>bold</b> &amp; \"quoted\"", "a bold &amp; &quot;quoted&quot;"),
    ('<a href="https://x.example/"><a href="https://y.example/">nested', None),
    ("&copy; OpenStreetMap", "\u00a9 OpenStreetMap"),
])
def test_attribution_keeps_text_and_http_links_only(hostile, shown):
    out = safe_attribution(hostile)
    assert "<script" not in out and "onerror" not in out and "javascript:" not in out and "onclick" not in out
    if shown is not None:
        assert out == shown
    assert out.count("<a ") == out.count("</a>")


def test_tile_url_cannot_end_its_string():
    url = safe_tile_url('https://t.example/{z}/{x}/{y}.png?k="><script>')
    assert url == "https://t.example/{z}/{x}/{y}.png?k=%22%3E%3Cscript%3E"


# --------------------------------------------------------------------------- the atomic writer

def test_mode_follows_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        assert (write_atomic(tmp_path / "a.txt", "x").stat().st_mode & 0o777) == 0o644
        os.umask(0o077)
        assert (write_atomic(tmp_path / "b.txt", "x").stat().st_mode & 0o777) == 0o600
    finally:
        os.umask(old)


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old")

    def boom(f):
        f.write(b"half")
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        write_atomic(target, boom)
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_a_device_is_written_in_place_never_replaced(tmp_path):
    p = AtomicPath("/dev/null", create=True)
    assert p.direct and p.commit() == Path("/dev/null")
    assert Path("/dev/null").is_char_device()


def test_stale_temporaries_of_dead_processes_are_removed(tmp_path):
    dead = tmp_path / ".out.html.99999999.0123abcd.tmp.html"
    mine = tmp_path / f".out.html.{os.getpid()}.0123abcd.tmp.html"
    other = tmp_path / ".notes.tmp"  # not one of ours
    for p in (dead, mine, other):
        p.write_text("x")
    assert clean_stale(tmp_path) == 1
    assert not dead.exists() and mine.exists() and other.exists()


def test_sigterm_removes_the_temporary_file_of_this_process(tmp_path):
    script = textwrap.dedent(f"""
        import os, signal, sys, time
        from geo._atomic import AtomicPath, install_signal_handlers, Terminated
        install_signal_handlers()
        t = AtomicPath({str(tmp_path / 'out.txt')!r}, create=True)
        print(t.tmp, flush=True)
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
        except Terminated:
            sys.exit(143)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert proc.returncode == 143, proc.stderr
    assert not Path(proc.stdout.strip()).exists()
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- inputs and the top-level handler

def test_only_regular_files_are_inputs(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is a FIFO, not a regular file; to read a pipe, give -"):
        check_regular(fifo)
    with pytest.raises(InputError, match="is a device"):
        check_regular("/dev/zero")
    with pytest.raises(InputError, match="is a directory"):
        check_regular(tmp_path)
    (tmp_path / "a.txt").write_text("x")
    assert check_regular(tmp_path / "a.txt") == tmp_path / "a.txt"


@pytest.mark.parametrize("exc,line", [
    (OSError(28, "No space left on device", "/mnt/out.html"), "geo: error: /mnt/out.html: No space left on device "
                                                               "(the disk is full)"),
    (PermissionError(13, "Permission denied", "/etc/x"), "geo: error: /etc/x: Permission denied"),
    (OSError(30, "Read-only file system"), "geo: error: Read-only file system"),
    (IsADirectoryError(21, "Is a directory", "maps"), "geo: error: maps: Is a directory"),
    (RecursionError("maximum recursion depth exceeded"), "geo: error: an input is nested too deeply to be read"),
    (GeoError("a\nb"), "geo: error: a b"),
])
def test_top_level_handler_gives_one_line(exc, line, capsys):
    from geo.cli import _one_line

    assert _one_line(exc) == 1
    assert capsys.readouterr().err == line + "\n"


def test_broken_pipe_is_not_an_error(capsys):
    from geo.cli import _one_line

    assert _one_line(BrokenPipeError(32, "Broken pipe")) == 0
    assert capsys.readouterr().err == ""


def test_bugs_still_show_their_traceback():
    from geo.cli import _one_line

    with pytest.raises(ZeroDivisionError):
        _one_line(ZeroDivisionError("a bug of ours"))
    assert signal.getsignal(signal.SIGTERM) is not None
