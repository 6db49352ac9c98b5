"""A failing machine: a full disk, a read-only one, kill -9 and signals at random points, a damaged
gazetteer, and online geocoders that stream without end, stall or send garbage coordinates.

The tmpfs cases mount file systems and run only as root (skipped otherwise). The kill points are
drawn from a seeded generator, so a failure can be replayed.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from _servers import FaultyGeocoder, Serving, isolated_env

EARLIER = "an earlier complete output\n"
ARTICLE = ("Shelling hit the village of Qasr Zawiyat al-Hamra on Tuesday, residents said. Aid convoys from "
           "Damascus reached Homs later in the week.\n")
SEED = 1313


def _docs(n: int) -> str:
    towns = ["Lisbon", "Oslo", "Nairobi", "Lima", "Hanoi", "Perth", "Quito", "Dakar", "Tunis", "Riga"]
    return "".join(json.dumps({"id": f"d{i}", "text": f"Storms closed roads near {towns[i % 10]} and "
                                                      f"{towns[(i * 3 + 1) % 10]} on day {i}. " * 3}) + "\n"
                   for i in range(n))


def _one_line(proc, code: int, *pieces: str) -> str:
    err = proc.stderr if isinstance(proc.stderr, str) else proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    assert proc.returncode == code, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    for p in pieces:
        assert p in lines[0], err
    return lines[0]


def _temps(d: Path) -> list[str]:
    return sorted(p.name for p in d.rglob(".*") if ".tmp" in p.name)


@pytest.fixture
def env(tmp_path, gazetteer):
    return isolated_env(tmp_path, Path(gazetteer.path))


def _geo(geo_exe, *args, env, timeout=300, cwd=None):
    return subprocess.run([geo_exe, *map(str, args)], env=env, capture_output=True, text=True, timeout=timeout,
                          cwd=cwd)


# --------------------------------------------------------------------------- full and read-only disks

@pytest.fixture
def small_disk(tmp_path):
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    d = tmp_path / "disk"
    d.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(d)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode().strip()}")
    try:
        yield d
    finally:
        subprocess.run(["umount", "-l", str(d)], check=False)


def _fill(d: Path) -> None:
    f = open(d / "filler", "wb", buffering=0)
    try:
        while True:
            f.write(b"\0" * 4096)
    except OSError:
        pass
    finally:
        f.close()


@pytest.mark.parametrize("command,output", [
    (["map", "{a}", "-q"], "m.html"),
    (["places", "{a}", "-q"], "o.gpkg"),
    (["places", "{a}", "-q"], "o.csv"),
    (["parse", "{docs}", "-q"], "out.jsonl"),
    (["batch", "{docs}", "-q"], "out.parquet"),
])
def test_full_disk_is_one_line_and_keeps_the_earlier_output(geo_exe, env, tmp_path, small_disk, command, output):
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "docs.jsonl").write_text(_docs(30))
    out = small_disk / output
    out.write_text(EARLIER)
    _fill(small_disk)
    args = [c.format(a=tmp_path / "a.txt", docs=tmp_path / "docs.jsonl") for c in command] + ["-o", out]
    proc = _geo(geo_exe, *args, env=env)
    line = _one_line(proc, 1)
    assert "No space left on device" in line or "disk is full" in line, line
    assert out.read_text() == EARLIER
    assert _temps(small_disk) == []


def test_read_only_disk_is_one_line(geo_exe, env, tmp_path, small_disk):
    (tmp_path / "a.txt").write_text(ARTICLE)
    out = small_disk / "m.html"
    out.write_text(EARLIER)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    for args in (["map", tmp_path / "a.txt", "-o", out, "-q"], ["places", tmp_path / "a.txt", "-o", small_disk / "o.gpkg"],
                 ["parse", tmp_path / "a.txt", "-o", small_disk / "p.jsonl", "-q"]):
        proc = _geo(geo_exe, *args, env=env)
        assert "Read-only file system" in _one_line(proc, 1)
    assert out.read_text() == EARLIER


# --------------------------------------------------------------------------- kill -9 and signals

def _wait_for(predicate, timeout=240.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_kill_9_at_random_points_of_parse_never_touches_the_earlier_output(geo_exe, env, tmp_path):
    src = tmp_path / "docs.jsonl"
    src.write_text(_docs(120))
    out = tmp_path / "out.jsonl"
    out.write_text(EARLIER)
    rng = random.Random(SEED)
    for _ in range(3):
        proc = subprocess.Popen([geo_exe, "parse", str(src), "-o", str(out), "-q"], env=env,
                                stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
        # a point while it streams: after its temporary file appears, a random delay into the work
        _wait_for(lambda: _temps(tmp_path) or proc.poll() is not None)
        time.sleep(rng.uniform(0.0, 1.5))
        proc.kill()
        proc.wait()
        assert out.read_text() == EARLIER, "kill -9 changed the earlier output"
    done = _geo(geo_exe, "parse", src, "-o", out, "-q", env=env)
    assert done.returncode == 0, done.stderr
    assert len(out.read_text().splitlines()) == 120
    assert _temps(tmp_path) == [], "the temporary files of killed runs must go on the next run"


def test_kill_9_at_random_points_of_batch_then_resume_gives_the_same_rows(geo_exe, env, tmp_path):
    src = tmp_path / "docs.jsonl"
    src.write_text(_docs(300))
    ref = tmp_path / "ref" / "places.csv"
    ref.parent.mkdir()
    assert _geo(geo_exe, "batch", src, "-o", ref, "-q", env=env).returncode == 0
    out = tmp_path / "run" / "places.csv"
    out.parent.mkdir()
    rng = random.Random(SEED + 1)
    for _ in range(2):
        proc = subprocess.Popen([geo_exe, "batch", str(src), "-o", str(out), "-q", "--part-size", "10"], env=env,
                                stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
        _wait_for(lambda: (out.parent / "places.csv.parts").exists() or proc.poll() is not None)
        time.sleep(rng.uniform(0.3, 2.0))
        proc.kill()
        assert proc.wait() == -signal.SIGKILL, proc.stderr.read()  # killed mid-run, not failed early
    done = _geo(geo_exe, "batch", src, "-o", out, "-q", env=env)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == ref.read_bytes()
    assert _temps(out.parent) == [] and not (out.parent / "places.csv.parts").exists()


@pytest.mark.parametrize("sig,code,word", [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")])
def test_signal_during_parse_removes_the_temporary_file_and_says_so(geo_exe, env, tmp_path, sig, code, word):
    src = tmp_path / "docs.jsonl"
    src.write_text(_docs(3000))  # many more than it parses in the second it is given: the signal comes mid-run
    out = tmp_path / "out.jsonl"
    out.write_text(EARLIER)
    # as from a terminal: a test run started in the background (SIGINT ignored, which a child inherits)
    # must not make geo ignore Ctrl-C
    proc = subprocess.Popen([geo_exe, "parse", str(src), "-o", str(out), "-q"], env=env,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert _wait_for(lambda: _temps(tmp_path) or proc.poll() is not None)
    time.sleep(1.0)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    proc.stderr = err
    _one_line(proc, code, word)
    assert out.read_text() == EARLIER
    assert _temps(tmp_path) == []


# --------------------------------------------------------------------------- the gazetteer

def _damage(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(size // 2 - (size // 2) % 4096)
        f.write(random.Random(SEED).randbytes(4096 * 8))


def test_damaged_pages_are_found_by_the_checksum_and_by_quick_check(gazetteer, tmp_path):
    from geo.gazetteer import _problem

    copy = tmp_path / "gz" / Path(gazetteer.path).name
    copy.parent.mkdir()
    shutil.copy(gazetteer.path, copy)
    assert _problem(copy) is None  # no checksum beside the copy yet: quick_check, then the checksum is written
    assert (copy.parent / (copy.name + ".sum")).exists()
    _damage(copy)
    assert "damaged" in _problem(copy)
    (copy.parent / (copy.name + ".sum")).unlink()
    assert "damaged" in _problem(copy)  # quick_check alone finds these pages too


def test_a_damaged_gazetteer_is_rebuilt_and_a_killed_builds_temp_removed(geo_exe, gazetteer, tmp_path):
    gz = tmp_path / "gz" / "gazetteer.sqlite"
    gz.parent.mkdir()
    shutil.copy(gazetteer.path, gz)
    _damage(gz)
    stale = gz.parent / f".{gz.name}.99999999.deadbeef.tmp"  # a build killed with kill -9 (no such pid)
    stale.write_bytes(b"\0" * 4096)
    env = isolated_env(tmp_path, Path(gazetteer.path), GEO_GAZETTEER=str(gz))
    (tmp_path / "a.txt").write_text(ARTICLE)
    proc = _geo(geo_exe, "places", tmp_path / "a.txt", "-f", "csv", "-q", env=env)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "Damascus" in proc.stdout
    assert not stale.exists()
    con = sqlite3.connect(gz)
    assert con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    con.close()


def test_database_error_at_query_time_is_one_line(capsys):
    from geo.cli import _one_line as top

    assert top(sqlite3.DatabaseError("database disk image is malformed")) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("geo: error: a database file is damaged")


# --------------------------------------------------------------------------- online geocoders

@pytest.mark.parametrize("mode,why", [
    ("endless", "answered too much"),
    ("drip", "did not finish its answer within 3 s"),
    ("stall", "within 3 s"),
    ("garbage", "coordinates that are not valid"),
])
def test_misbehaving_geocoder_ends_with_a_warning(geo_exe, env, tmp_path, mode, why):
    server = FaultyGeocoder(mode)
    (tmp_path / "a.txt").write_text(ARTICLE)
    out = tmp_path / "m.html"
    with Serving(server.handler) as url:
        try:
            started = time.monotonic()
            proc = _geo(geo_exe, "map", tmp_path / "a.txt", "-o", out, "--geocoder", "nominatim",
                        "--geocoder-url", url, "--geocoder-timeout", "3", env=env, timeout=240)
            elapsed = time.monotonic() - started
        finally:
            server.stop.set()
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    warnings = [ln for ln in proc.stderr.splitlines() if ln.startswith("geo: warning:")]
    assert len(warnings) == 1 and why in warnings[0], proc.stderr
    assert out.exists() and server.requests >= 1
    # one request per name, ended by the deadline, with no retries of a body that never ends
    assert elapsed < 3 * 3 + 60, elapsed
    child_peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert child_peak_kb < 2_000_000, f"peak memory of a child: {child_peak_kb} kB"


def test_garbage_coordinates_in_the_library_are_a_geocoder_error():
    """The resolver turns a GeocoderError into a GeocoderWarning; here the error itself is checked."""
    from geo.errors import GeocoderServiceError
    from geo.geocoders import OnlineGeocoder

    server = FaultyGeocoder("garbage")
    with Serving(server.handler) as url:
        g = OnlineGeocoder("nominatim", url=url, cache=False, min_delay=0, sleep=lambda s: None)
        with pytest.raises(GeocoderServiceError, match="coordinates that are not valid"):
            g.candidates("Bad one")


def test_answer_readers_refuse_nan_and_out_of_range():
    from geo.geocoders._answers import read_answer

    class Loc:
        def __init__(self, lat, lon):
            self.raw = {"lat": lat, "lon": lon, "name": "X", "type": "village"}
            self.address, self.latitude, self.longitude = "X", 0.0, 0.0

    got = read_answer("nominatim", [Loc("NaN", "1"), Loc("95", "1"), Loc("inf", "1"), Loc("abc", "1"), Loc("1.5", "2")])
    assert [(r["lat"], r["lon"]) for r in got] == [(1.5, 2.0)]
