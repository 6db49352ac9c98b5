"""The pipeline as one object: stages in order, safe to share between threads, the same in workers.

The articles are written here (no corpus text): two Huntsvilles that only their neighbours tell
apart, a Paris of Texas beside the French one, and desk stories naming a camp from the user's
places file and names the corrections pin, drop and add.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from _servers import NominatimServer, OsmPlace, Serving, isolated_env, run_geo
from geo.config import GeocoderSpec, GeoparserConfig
from geo.pipeline import Geoparser

TEXTS = [
    "HUNTSVILLE, Texas -- Inmates at the state prison in Huntsville were moved after the storm. Walker County "
    "officials said roads near Huntsville stayed closed, and shelters in Conroe filled up by evening.",
    "HUNTSVILLE, Ala. -- Engineers in Huntsville tested a rocket engine on Tuesday. Leaders of Madison County and "
    "the mayor of Decatur praised the work, and crews drove the parts north to Nashville.",
    "Floods swept through Aleppo and Idlib as aid groups in Gaziantep, Turkey, waited for the border crossing "
    "to reopen. Syrian officials blamed a week of rain.",
    "Paris, Texas, held its rodeo on Saturday while in Paris, France, the Seine rose. Deputies of Lamar County "
    "closed a road near Paris.",
    "Ministers from Kenya and Uganda met in Kampala to talk about the railway to Mombasa and the port of Dar es "
    "Salaam in Tanzania.",
]


def _key(places):
    return [(p.name, p.candidate and p.candidate.key, p.confidence, tuple((m.start, m.end) for m in p.mentions),
             tuple((a.candidate.key, a.score, a.probability) for a in p.alternatives)) for p in places]


def test_one_geoparser_shared_by_many_threads_gives_the_serial_results(geoparser):
    serial = [_key(geoparser.places(t)) for t in TEXTS]
    # the two Huntsvilles are told apart by their neighbours: a test that can fail if state leaks
    hunts = [next(p for p in geoparser.places(t) if p.name == "Huntsville") for t in TEXTS[:2]]
    assert [h.candidate.admin1_code for h in hunts] == ["TX", "AL"]
    results: list[list] = []
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for k in range(10):
                j = (i + k) % len(TEXTS)
                results.append((j, _key(geoparser.places(TEXTS[j]))))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 80
    wrong = [j for j, got in results if got != serial[j]]
    assert wrong == []


def test_a_resolved_place_keeps_the_candidates_it_ranked(geoparser):
    places = geoparser.places(TEXTS[0])
    hunts = next(p for p in places if p.name == "Huntsville")
    alts = hunts.alternatives
    assert len(alts) >= 2 and all(a.candidate.key != hunts.candidate.key for a in alts)
    assert any(a.candidate.admin1_code == "AL" for a in alts)  # the other Huntsville was considered
    scores = [a.score for a in alts]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= a.probability < 1.0 for a in alts)
    assert hunts.confidence > max(a.probability for a in alts)


def test_the_config_pickles_and_builds_the_same_geoparser(gazetteer):
    config = GeoparserConfig.of(gazetteer=gazetteer.path, geocoders=[GeocoderSpec("nominatim", timeout=3.0)])
    again = pickle.loads(pickle.dumps(config))
    assert again == config and hash(again) == hash(config)
    assert again.gazetteer == str(gazetteer.path) and again.places == () and again.model is None
    gp = Geoparser(gazetteer=gazetteer.path, progress=False)
    assert gp.config == GeoparserConfig(gazetteer=str(gazetteer.path))
    live = Geoparser(gazetteer=gazetteer, progress=False)
    assert live.config is None  # built from a live gazetteer: workers need a config


def test_the_gazetteer_and_the_geocoders_do_not_import_each_other():
    code = ("import sys, geo.gazetteer, geo.gazetteer._imports, geo.gazetteer._import; "
            "print(sorted(m for m in sys.modules if m.startswith('geo.geocoders')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# -- geo parse / geo batch / geo places: the same rows with places and corrections -----------------------
DESK = [
    ("desk-1", "Families reached Camp Sahel on Monday after a long walk from Raqqa. Aid workers at Camp Sahel "
               "said more were expected from Deir ez-Zor."),
    ("desk-2", "Shelling hit the Syrian village of Baghuz at dawn. Those who left Baghuz said the road to Hol camp was "
               "open, and trucks from Jordan arrived in Raqqa."),
    ("desk-3", "In Amman, officials from Jordan and Iraq discussed the Hol camp and its new clinic."),
]
PLACES_CSV = "name,lat,lon,country,kind,aliases\nCamp Sahel,35.512,39.904,SY,camp,Sahel camp\n"
CORRECTIONS = """
[[pin]]
name = "Baghuz"
lat = 34.4622
lon = 40.9406
kind = "village"

[[drop]]
name = "Jordan"

[[add]]
name = "Hol camp"
lat = 36.383
lon = 40.998
"""


@pytest.fixture(scope="module")
def desk(tmp_path_factory, gazetteer):
    d = tmp_path_factory.mktemp("desk")
    for doc_id, text in DESK:
        (d / f"{doc_id}.txt").write_text(text + "\n", encoding="utf-8")
    (d / "docs.jsonl").write_text("".join(json.dumps({"id": i, "text": t + "\n"}) + "\n" for i, t in DESK),
                                  encoding="utf-8")
    (d / "places.csv").write_text(PLACES_CSV, encoding="utf-8")
    (d / "fix.toml").write_text(CORRECTIONS, encoding="utf-8")
    env = isolated_env(d, gazetteer.path)
    return d, env


def _options(d: Path) -> list[str]:
    return ["--places", str(d / "places.csv"), "--corrections", str(d / "fix.toml")]


@pytest.fixture(scope="module")
def expected(desk, geo_exe):
    """What ``geo places`` gives for each article: (name, lat, lon, spans) per place."""
    d, env = desk
    out = {}
    for doc_id, _ in DESK:
        r = run_geo(geo_exe, "places", d / f"{doc_id}.txt", "-f", "json", "--no-sidecar", *_options(d), "-q", env=env)
        assert r.returncode == 0, r.stderr
        out[doc_id] = sorted((row["name"], row["lat"], row["lon"], tuple(map(tuple, row["spans"])))
                             for row in json.loads(r.stdout))
    names = {n for rows in out.values() for n, *_ in rows}
    assert {"Camp Sahel", "Baghuz", "Hol camp"} <= names and "Jordan" not in names  # the options took effect
    return out


def _batch_rows(path: Path) -> dict[str, list]:
    got: dict[str, list] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        f = json.loads(line)
        p = f["properties"]
        lat, lon = (None, None) if f["geometry"] is None else (round(f["geometry"]["coordinates"][1], 6),
                                                               round(f["geometry"]["coordinates"][0], 6))
        got.setdefault(p["doc_id"], []).append((p["name"], lat, lon, tuple(map(tuple, p["spans"]))))
    return {k: sorted(v) for k, v in got.items()}


def _parse_spans(path: Path) -> dict[str, list]:
    return {rec["id"]: sorted((t["start"], t["end"], t["lat"], t["lon"]) for t in rec["toponyms"]
                              if t["mention"] == "literal")
            for rec in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def _spans_of(expected_rows) -> list:
    return sorted((s, e, lat, lon) for _n, lat, lon, spans in expected_rows for s, e in spans)


@pytest.mark.parametrize("where", [[], ["--workers", "2"]], ids=["one-process", "two-workers"])
def test_parse_and_batch_take_places_and_corrections_like_geo_places(desk, expected, geo_exe, where):
    d, env = desk
    tag = "w2" if where else "w1"
    out = d / f"batch-{tag}.jsonl"
    r = run_geo(geo_exe, "batch", d / "docs.jsonl", "-o", out, *_options(d), *where, "-q", env=env)
    assert r.returncode == 0, r.stderr
    assert _batch_rows(out) == expected
    pred = d / f"parse-{tag}.jsonl"
    r = run_geo(geo_exe, "parse", d / "docs.jsonl", "-o", pred, *_options(d), *where, "-q", env=env)
    assert r.returncode == 0, r.stderr
    assert _parse_spans(pred) == {doc_id: _spans_of(rows) for doc_id, rows in expected.items()}


def test_batch_on_a_dask_cluster_takes_places_and_corrections(desk, expected, geo_exe):
    distributed = pytest.importorskip("distributed")
    d, env = desk
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as cluster:
        out = d / "batch-dask.jsonl"
        r = run_geo(geo_exe, "batch", d / "docs.jsonl", "-o", out, *_options(d), "--scheduler",
                    cluster.scheduler_address, "--chunk-size", "1", "-q", env=env, timeout=600)
        assert r.returncode == 0, r.stderr
    assert _batch_rows(out) == expected


# -- the rate limit holds across worker processes ------------------------------------------------------------
VILLAGES = [OsmPlace((n,), 35.0 + i / 10, 39.0 + i / 10, "sy", osm_id=700 + i)
            for i, n in enumerate(("Tall Ghazal", "Khirbat Sunbul", "Qaryat Marjan", "Ayn Tinah"))]


def test_parse_with_two_workers_keeps_one_request_per_second(tmp_path, gazetteer, geo_exe):
    docs = tmp_path / "villages.jsonl"
    lines = []
    for i, v in enumerate(VILLAGES):
        text = f"Shelling hit the village of {v.names[0]} in Syria on day {i}, residents said."
        lines.append(json.dumps({"id": f"v{i}", "text": text}))
    docs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = isolated_env(tmp_path, gazetteer.path)
    server = NominatimServer(list(VILLAGES))
    with Serving(server.handler) as url:
        r = run_geo(geo_exe, "parse", docs, "-o", tmp_path / "out.jsonl", "--workers", "2", "--chunk-size", "1",
                    "--geocoder", "nominatim", "--geocoder-url", url, "-q", env=env)
    assert r.returncode == 0, r.stderr
    recs = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    placed = {t["name"] for rec in recs for t in rec["toponyms"] if t["lat"] is not None}
    assert {v.names[0] for v in VILLAGES} <= placed  # every village came from the server
    times = sorted(s.at for s in server.searches())
    assert len(times) >= 4
    gaps = [y - x for x, y in zip(times, times[1:])]
    assert min(gaps) >= 0.98, f"requests closer than one second: {gaps}"
