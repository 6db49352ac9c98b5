"""GeoNames dumps: `geo gazetteer download|import|remove`, offline resolution afterwards, atomic imports.

A GeoNames download server runs on 127.0.0.1 and serves ``/export/dump/SY.zip`` in the real
dump format (19 tab-separated columns). The places in it (made-up ids from 99,000,001 on, so they
never collide with the embedded gazetteer) resolve offline once imported.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from _servers import FileServer, Serving, dump_row, dump_zip, isolated_env, run_geo, warnings_of
from geo._text import normalize
from geo.gazetteer import Gazetteer
from geo.gazetteer._import import Imports, _norm, import_file, imports_dir

SY_ROWS = (
    dump_row(99000001, "Al Bāghūz Fawqānī", 34.46220, 40.94060, ascii_name="Al Baghuz Fawqani",
             alternates="Baghouz,Baghuz,Al-Baghuz,الباغوز", admin1="07", population=0),
    dump_row(99000002, "Tall Zuwaydan", 35.10000, 39.20000, fclass="T", fcode="HLL", admin1="07"),
    dump_row(99000003, "Mukhayyam Ruzaynah", 36.38300, 40.99800, fclass="S", fcode="CMPRF",
             alternates="Ruzaynah camp", admin1="08"),
    # a row the embedded gazetteer holds too (Syria, by its real GeoNames id): answered by the gazetteer's entry
    dump_row(163843, "Syrian Arab Republic", 35.0, 38.0, fclass="A", fcode="PCLI", alternates="Syria", population=1),
)
SY_TXT = "".join(SY_ROWS)


@pytest.fixture
def env(tmp_path, gazetteer):
    return isolated_env(tmp_path, gazetteer.path)


def _imports(env) -> Path:
    return imports_dir(env["GEO_GAZETTEER"])


def _rows(stdout: str) -> list[dict]:
    return json.loads(stdout)


def test_download_then_places_resolve_offline(geo_exe, seed_article, env):
    server = FileServer({"/export/dump/SY.zip": dump_zip("SY.txt", SY_TXT)})
    with Serving(server.handler) as url:
        r = run_geo(geo_exe, "gazetteer", "download", "sy", "--base-url", f"{url}/export/dump/", env=env)
    assert r.returncode == 0, r.stderr
    assert server.requests == ["/export/dump/SY.zip"]
    assert "imported " in r.stderr and "SY.zip: 4 places" in r.stderr
    assert (_imports(env) / "SY.sqlite").is_file()
    assert not [p for p in _imports(env).iterdir() if p.name.endswith(".tmp")], "no temporary file is left"

    info = run_geo(geo_exe, "gazetteer", "info", env=env)
    assert info.returncode == 0
    assert re.search(r"^imports: +SY: 4 places, \d+ names, .* from http://127\.0\.0\.1:\d+/export/dump/SY\.zip",
                     info.stdout, re.M), info.stdout
    data = json.loads(run_geo(geo_exe, "gazetteer", "info", "--json", env=env).stdout)
    assert [(i["name"], i["places"]) for i in data["imports"]] == [("SY", 4)]

    # now offline: no geocoder, no server
    r = run_geo(geo_exe, "places", seed_article, "-f", "json", env=env)
    assert r.returncode == 0, r.stderr
    rows = _rows(r.stdout)
    baghuz = [x for x in rows if {"Baghuz", "Baghouz"} & set(x["surface_forms"])]
    assert len(baghuz) == 1
    b = baghuz[0]
    assert b["resolved"] and b["source"] == "geonames-dump" and b["geonameid"] == 99000001
    assert set(b["surface_forms"]) == {"Baghuz", "Baghouz"}
    assert (b["lat"], b["lon"]) == (pytest.approx(34.4622), pytest.approx(40.9406))
    syria = next(x for x in rows if x["name"] == "Syria")
    assert syria["geonameid"] == 163843 and syria["source"] == "gazetteer", "one Syria, the gazetteer's"
    assert sum(1 for x in rows if x["geonameid"] == 163843) == 1


def test_download_of_a_missing_file_is_one_line_error(geo_exe, env):
    server = FileServer({})
    with Serving(server.handler) as url:
        r = run_geo(geo_exe, "gazetteer", "download", "ZZ", "--base-url", url + "/export/dump", env=env)
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1
    assert r.stderr.startswith(f"geo: error: cannot download {url}/export/dump/ZZ.zip: HTTP 404")
    r = run_geo(geo_exe, "gazetteer", "download", "Syria", env=env)
    assert r.returncode == 2 and "not a country code" in r.stderr


def test_base_url_comes_from_the_environment_and_import_takes_urls(geo_exe, tmp_path, env):
    server = FileServer({"/dump/SY.zip": dump_zip("SY.txt", SY_TXT), "/other/cities500.zip": dump_zip(
        "cities500.txt", dump_row(99000010, "Qasr Zuhayr", 33.0, 44.0, cc="IQ"), readme=False)})
    with Serving(server.handler) as url:
        r = run_geo(geo_exe, "gazetteer", "download", "SY", env={**env, "GEO_GEONAMES_URL": f"{url}/dump"})
        assert r.returncode == 0, r.stderr
        r = run_geo(geo_exe, "gazetteer", "import", f"{url}/other/cities500.zip", env=env)
        assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in _imports(env).iterdir() if not p.name.startswith(".")) == ["SY.sqlite",
                                                                                               "cities500.sqlite"]
    gz = Gazetteer(Path(env["GEO_GAZETTEER"]))
    assert [m.candidate.name for m in gz.lookup("Qasr Zuhayr")] == ["Qasr Zuhayr"]
    assert not [p for p in _imports(env).iterdir() if "download" in p.name]


def test_import_local_txt_and_zip_and_lookups(tmp_path, gazetteer):
    d = tmp_path / "imports"
    (tmp_path / "SY.txt").write_text(SY_TXT, encoding="utf-8")
    r = import_file(tmp_path / "SY.txt", d, progress=False)
    assert (r.name, r.places, r.skipped) == ("SY", 4, 0)
    gz = Gazetteer(gazetteer.path)
    gz._imports = Imports(d, gazetteer=gz)  # the imports of this test, not those beside the session's gazetteer
    hits = gz.lookup("al-baghuz")  # an alternate name, accent- and case-insensitive
    assert [(m.candidate.geonameid, m.candidate.kind, m.candidate.source, m.primary) for m in hits] == [
        (99000001, "city", "geonames-dump", False)]
    assert gz.lookup("Al Baghuz Fawqani")[0].primary is True
    assert gz.lookup("Ruzaynah camp")[0].candidate.kind == "place"
    assert gz.by_geonameid(99000002).name == "Tall Zuwaydan"
    syria = [m.candidate for m in gz.lookup("Syria") if m.candidate.kind == "country"]
    assert len(syria) == 1 and syria[0].source == "gazetteer"
    # the same file zipped replaces the import of the same name
    zp = tmp_path / "SY.zip"
    zp.write_bytes(dump_zip("SY.txt", SY_ROWS[0]))
    assert import_file(zp, d, progress=False).places == 1
    assert sorted(p.name for p in d.glob("*.sqlite")) == ["SY.sqlite"]
    assert Imports(d).place(99000002) is None


def test_feature_classes_and_alternate_names(tmp_path, gazetteer):
    d = tmp_path / "imports"
    (tmp_path / "SY.txt").write_text(SY_TXT, encoding="utf-8")
    assert import_file(tmp_path / "SY.txt", d, feature_classes="P", progress=False).places == 1
    # alternateNamesV2: names for an imported place and for one of the embedded gazetteer (Syria)
    alt = "".join("\t".join(r) + "\n" for r in (
        ["1", "99000001", "en", "Baghooz Village", "", "", "", "", "", ""],
        ["2", "163843", "en", "Suriyah Republic", "", "", "", "", "", ""],
        ["3", "163843", "post", "12345", "", "", "", "", "", ""],
        ["4", "163843", "en", "Big Syria", "", "", "1", "", "", ""],  # colloquial: left out
    ))
    zp = tmp_path / "alternateNamesV2.zip"
    with zipfile.ZipFile(zp, "w") as z:
        z.writestr("alternateNamesV2.txt", alt)
        z.writestr("iso-languagecodes.txt", "ISO 639-3\tISO 639-2\tISO 639-1\tLanguage Name\n")
    r = import_file(zp, d, progress=False)
    assert (r.table, r.names) == ("alternateNames", 2)
    gz = Gazetteer(gazetteer.path)
    gz._imports = Imports(d, gazetteer=gz)
    assert [m.candidate.geonameid for m in gz.lookup("Baghooz Village")] == [99000001]
    assert [(m.candidate.geonameid, m.candidate.source) for m in gz.lookup("Suriyah Republic")] == [(163843, "gazetteer")]
    assert gz.lookup("Big Syria") == ()
    assert gz.lookup("Tall Zuwaydan") == ()  # class T was not imported


def test_malformed_dumps_give_one_line_errors(geo_exe, tmp_path, env):
    bad = tmp_path / "notes.txt"
    bad.write_text("name,lat,lon\nFoo,1,2\n", encoding="utf-8")
    r = run_geo(geo_exe, "gazetteer", "import", bad, env=env)
    assert r.returncode == 1
    assert r.stderr == (f"geo: error: {bad}: line 1: not a GeoNames dump (1 tab-separated fields, expected 19)\n")
    fake = tmp_path / "XX.zip"
    fake.write_bytes(b"PK\x03\x04 this is not really a zip file")
    r = run_geo(geo_exe, "gazetteer", "import", fake, env=env)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "damaged zip file" in r.stderr
    r = run_geo(geo_exe, "gazetteer", "import", tmp_path / "missing.zip", env=env)
    assert r.returncode == 1 and r.stderr.strip().endswith("missing.zip: no such file")
    r = run_geo(geo_exe, "gazetteer", "import", tmp_path, "--feature-classes", "P", env=env)
    assert r.returncode == 1 and "is a directory" in r.stderr
    assert not _imports(env).exists() or not list(_imports(env).glob("*.sqlite"))


def test_an_exception_mid_import_leaves_the_previous_import(tmp_path, gazetteer):
    d = tmp_path / "imports"
    (tmp_path / "SY.txt").write_text(SY_TXT, encoding="utf-8")
    import_file(tmp_path / "SY.txt", d, progress=False)
    before = (d / "SY.sqlite").read_bytes()
    big = tmp_path / "big" / "SY.txt"
    big.parent.mkdir()
    big.write_text("".join(dump_row(99100000 + i, f"Qaryat {i}", 34.0, 40.0) for i in range(50_000)), encoding="utf-8")

    def explode(batches):
        for n, batch in enumerate(batches):
            if n == 1:
                raise RuntimeError("disk on fire")
            yield batch

    with pytest.raises(RuntimeError, match="disk on fire"):
        import_file(big, d, progress=False, _lines_hook=explode)
    assert (d / "SY.sqlite").read_bytes() == before
    assert not [p for p in d.iterdir() if p.name.endswith(".tmp")]
    assert [m.candidate.geonameid for m in Imports(d).lookup(normalize("Baghuz"))] == [99000001]


def test_an_import_killed_half_way_leaves_the_gazetteer_working(geo_exe, seed_article, tmp_path, env):
    src = tmp_path / "SY.zip"
    src.write_bytes(dump_zip("SY.txt", SY_TXT))
    assert run_geo(geo_exe, "gazetteer", "import", src, env=env).returncode == 0
    before = (_imports(env) / "SY.sqlite").read_bytes()
    # a large file of the same name: its import replaces SY, unless it is killed half-way
    big = tmp_path / "big" / "SY.txt"
    big.parent.mkdir()
    with open(big, "w", encoding="utf-8") as f:
        for i in range(400_000):
            f.write(dump_row(99200000 + i, f"Qaryat Raqm {i}", 30 + (i % 1000) / 100, 40.0,
                             alternates=f"Raqm {i},Village {i}"))
    proc = subprocess.Popen([geo_exe, "gazetteer", "import", str(big)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    deadline = time.time() + 120
    tmp = None
    while time.time() < deadline and proc.poll() is None:
        tmps = [p for p in _imports(env).glob(".SY.*.tmp")]
        if tmps and tmps[0].stat().st_size > 2_000_000:
            tmp = tmps[0]
            break
        time.sleep(0.05)
    assert tmp is not None and proc.poll() is None, "the import finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert (_imports(env) / "SY.sqlite").read_bytes() == before, "the previous import is intact"
    assert tmp.exists(), "the killed import's temporary file is left (and ignored)"

    r = run_geo(geo_exe, "places", seed_article, "-f", "json", env=env)
    assert r.returncode == 0, r.stderr
    assert warnings_of(r.stderr) == []
    b = [x for x in _rows(r.stdout) if "Baghuz" in x["surface_forms"]][0]
    assert b["geonameid"] == 99000001 and b["source"] == "geonames-dump"

    # the next import cleans the leftover up
    small = tmp_path / "again" / "SY.txt"
    small.parent.mkdir()
    small.write_text(SY_TXT, encoding="utf-8")
    assert run_geo(geo_exe, "gazetteer", "import", small, env=env).returncode == 0
    assert not tmp.exists()


def test_damaged_import_is_ignored_with_a_warning_and_can_be_removed(geo_exe, seed_article, tmp_path, env):
    src = tmp_path / "SY.zip"
    src.write_bytes(dump_zip("SY.txt", SY_TXT))
    assert run_geo(geo_exe, "gazetteer", "import", src, env=env).returncode == 0
    f = _imports(env) / "SY.sqlite"
    f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    r = run_geo(geo_exe, "places", seed_article, "-f", "json", env=env)
    assert r.returncode == 0, r.stderr
    assert [w for w in warnings_of(r.stderr) if re.search(r"ignoring the import .*SY\.sqlite: (truncated|unreadable)", w)]
    assert [x for x in _rows(r.stdout) if "Baghuz" in x["surface_forms"]][0]["resolved"] is False
    r = run_geo(geo_exe, "gazetteer", "remove", "SY", env=env)
    assert r.returncode == 0 and not f.exists()
    r = run_geo(geo_exe, "gazetteer", "remove", "SY", env=env)
    assert r.returncode == 1 and r.stderr == "geo: error: no import called 'SY' (imports: none)\n"


def test_fast_ascii_normalisation_matches_the_gazetteer_s():
    import random
    import string

    rng = random.Random(5)
    alphabet = string.printable + "\x1c\x1f\x7f"
    for _ in range(20_000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        assert _norm(s) == normalize(s), repr(s)
    for s in ("Bāghūz", "São Paulo", "Ḩalab", "Łódź", "ALEPPO"):
        assert _norm(s) == normalize(s)
