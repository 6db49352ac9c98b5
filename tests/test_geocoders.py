"""Online geocoders as a fallback: a real HTTP server on 127.0.0.1 speaking Nominatim's /search API.

The seed article's Baghuz is not in the embedded gazetteer; with ``--geocoder nominatim`` it is
asked of the server (with the article's countries as ``countrycodes``), the answer is cached,
and failures of the service (429 with Retry-After, 500, time-outs, refused connections) leave
the run successful with one warning line.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
import warnings

import pytest

from _servers import (NominatimServer, OsmPlace, Serving, isolated_env, refused_url, run_geo, warnings_of)
from geo.errors import GeocoderRateLimited, GeocoderTimedOut, GeocoderUnavailable, UsageError
from geo.geocoders.base import GeocoderWarning
from geo.geocoders.cache import AnswerCache
from geo.geocoders.online import OnlineGeocoder

BAGHUZ = OsmPlace(("Al-Baghuz Fawqani", "Baghuz", "Baghouz"), 34.4622, 40.9406, "sy", osm_id=4242,
                  display_name="Al-Baghuz Fawqani, Abu Kamal, Deir ez-Zor Governorate, Syria", population=10000)
# Made-up villages for the rate test: names no gazetteer knows.
VILLAGES = [OsmPlace((n,), 35.0 + i / 10, 39.0 + i / 10, "sy", osm_id=500 + i)
            for i, n in enumerate(("Qaryat Zuwaydan", "Tall Mashrafat", "Khirbat Ruzaynah", "Ayn Dhubayb"))]
VILLAGE_ARTICLE = ("Fighting spread across Syria on Tuesday. Shelling hit the village of Qaryat Zuwaydan at dawn, "
                   "then the village of Tall Mashrafat. By noon residents had fled the village of Khirbat Ruzaynah "
                   "and the village of Ayn Dhubayb, aid workers in Syria said.\n")


@pytest.fixture
def env(tmp_path, gazetteer):
    return isolated_env(tmp_path, gazetteer.path)


def _frame(stdout: str) -> list[dict]:
    return json.loads(stdout)


def _baghuz(rows: list[dict]) -> dict:
    hits = [r for r in rows if {"Baghuz", "Baghouz"} & set(r["surface_forms"])]
    assert len(hits) == 1, f"Baghuz must be one entry, got {[(r['name'], r['surface_forms']) for r in hits]}"
    return hits[0]


def _places(geo_exe, seed_article, url, env, *extra):
    return run_geo(geo_exe, "places", seed_article, "-f", "json", "--geocoder", "nominatim", "--geocoder-url", url,
                   *extra, env=env)


# -- the CLI against a Nominatim on loopback -------------------------------------------------------------------
def test_nominatim_resolves_baghuz_and_the_second_run_asks_nothing(geo_exe, seed_article, env):
    server = NominatimServer([BAGHUZ])
    with Serving(server.handler) as url:
        first = _places(geo_exe, seed_article, url, env, "--user-agent", "newsroom-maps/2.0 (desk@example.org)")
        assert first.returncode == 0, first.stderr
        assert warnings_of(first.stderr) == []
        asked = server.searches()
        assert 1 <= len(asked) <= 2
        q = asked[0].params
        assert q["q"] in ("Baghuz", "Baghouz")
        assert q["format"] in ("json", "jsonv2")
        assert "sy" in q["countrycodes"].split(","), "the article's countries are the hint"
        assert asked[0].headers["User-Agent"] == "newsroom-maps/2.0 (desk@example.org)"
        row = _baghuz(_frame(first.stdout))
        assert row["resolved"] is True
        assert row["source"] == "nominatim"
        assert (row["lat"], row["lon"]) == (pytest.approx(34.4622), pytest.approx(40.9406))
        assert row["country_code"] == "SY" and row["country"] == "Syria"
        assert set(row["surface_forms"]) == {"Baghuz", "Baghouz"}
        # the gazetteer's places keep their source
        assert {r["source"] for r in _frame(first.stdout) if r["name"] != row["name"] and r["resolved"]} == {"gazetteer"}

        before = len(server.searches())
        second = _places(geo_exe, seed_article, url, env)
        assert second.returncode == 0, second.stderr
        assert len(server.searches()) == before, "the second run must answer from the cache"
        assert second.stdout == first.stdout


def test_default_user_agent_names_geo_not_geopy(geo_exe, seed_article, env):
    server = NominatimServer([BAGHUZ])
    with Serving(server.handler) as url:
        r = _places(geo_exe, seed_article, url, env)
    assert r.returncode == 0, r.stderr
    ua = server.searches()[0].headers["User-Agent"]
    assert ua.startswith("geo/") and "geopy/" not in ua.split()[0]


def test_not_found_is_cached_too(geo_exe, seed_article, env):
    server = NominatimServer([])  # knows nothing
    with Serving(server.handler) as url:
        first = _places(geo_exe, seed_article, url, env)
        n = len(server.searches())
        second = _places(geo_exe, seed_article, url, env)
    assert first.returncode == second.returncode == 0
    assert n >= 1 and len(server.searches()) == n
    assert _baghuz(_frame(second.stdout))["resolved"] is False
    assert warnings_of(first.stderr) == [] and warnings_of(second.stderr) == []


def test_429_with_retry_after_is_honoured_then_the_answer_is_used(geo_exe, seed_article, env):
    server = NominatimServer([BAGHUZ], script=[("status", 429, {"Retry-After": "2"})])
    with Serving(server.handler) as url:
        r = _places(geo_exe, seed_article, url, env)
    assert r.returncode == 0, r.stderr
    asked = server.searches()
    assert len(asked) == 2
    assert asked[1].at - asked[0].at >= 1.95, "the retry must wait for Retry-After"
    assert _baghuz(_frame(r.stdout))["source"] == "nominatim"
    assert warnings_of(r.stderr) == []


FAILURES = {
    "429": (("status", 429, {"Retry-After": "1"}), r"refused the requests: HTTP 429 Too Many Requests \(Retry-After: 1 s\)"),
    "500": (("status", 500, {}), r"failed: HTTP 500 Internal Server Error"),
    "timeout": (("sleep", 3.0), r"did not answer within 1 s"),
    "refused": (None, r"cannot be reached \(connection refused\)"),
}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_failing_service_leaves_the_run_successful_with_one_warning(geo_exe, seed_article, env, failure):
    action, expected = FAILURES[failure]
    server = NominatimServer([BAGHUZ], default=action or ("ok",))
    with Serving(server.handler) as url:
        if failure == "refused":
            url = refused_url()
        started = time.time()
        r = _places(geo_exe, seed_article, url, env, "--geocoder-timeout", "1")
    assert r.returncode == 0, r.stderr
    lines = warnings_of(r.stderr)
    assert len(lines) == 1, r.stderr
    assert re.search(r"^geo: warning: nominatim \(http://127\.0\.0\.1:\d+\) " + expected, lines[0]), lines[0]
    assert re.search(r"\(after 3 attempts\); left unresolved: Bagh(o)?uz$", lines[0]), lines[0]
    assert "Traceback" not in r.stderr
    rows = _frame(r.stdout)
    assert _baghuz(rows)["resolved"] is False
    assert {"Syria", "Iraq"} <= {x["name"] for x in rows if x["resolved"]}, "the gazetteer's places are still there"
    if failure != "refused":
        asked = server.searches()
        assert len(asked) == 3, "one request and two retries"
        gaps = [b.at - a.at for a, b in zip(asked, asked[1:])]
        assert all(g >= 0.95 for g in gaps), gaps
    assert time.time() - started < 60


def test_failures_are_not_cached(geo_exe, seed_article, env):
    failing = NominatimServer([BAGHUZ], default=("status", 500, {}))
    with Serving(failing.handler) as url:
        r = _places(geo_exe, seed_article, url, env)
    assert r.returncode == 0 and len(warnings_of(r.stderr)) == 1
    healthy = NominatimServer([BAGHUZ])
    with Serving(healthy.handler) as url:
        r = _places(geo_exe, seed_article, url, env)
    assert r.returncode == 0, r.stderr
    assert len(healthy.searches()) >= 1
    assert _baghuz(_frame(r.stdout))["resolved"] is True


def test_at_most_one_request_per_second_reaches_nominatim_even_from_two_processes(geo_exe, tmp_path, env):
    server = NominatimServer(list(VILLAGES))
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text(VILLAGE_ARTICLE, encoding="utf-8")
    b.write_text(VILLAGE_ARTICLE.replace("Tuesday", "Wednesday"), encoding="utf-8")
    with Serving(server.handler) as url:
        # two processes, one cache each (so both must ask), one server: the rate holds across them
        procs = [subprocess.Popen([geo_exe, "places", str(p), "-f", "json", "--geocoder", "nominatim",
                                   "--geocoder-url", url], env={**env, "GEO_GEOCODER_CACHE": str(tmp_path / f"{p.stem}.sqlite")},
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for p in (a, b)]
        outs = [p.communicate(timeout=180) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        resolved = {r["name"]: r for r in json.loads(out) if r["source"] == "nominatim"}
        assert len(resolved) == 4, sorted(resolved)
    times = sorted(s.at for s in server.searches())
    assert len(times) == 8
    gaps = [y - x for x, y in zip(times, times[1:])]
    assert min(gaps) >= 0.98, f"requests closer than one second: {gaps}"


def test_geocoder_url_needs_one_geocoder_and_keys_come_from_the_environment(geo_exe, seed_article, env):
    r = run_geo(geo_exe, "places", seed_article, "--geocoder-url", "http://127.0.0.1:1", env=env)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "--geocoder-url needs --geocoder" in r.stderr
    r = run_geo(geo_exe, "places", seed_article, "--geocoder", "opencage", env=env)
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == "geo: error: the opencage geocoder needs an API key: set GEO_OPENCAGE_API_KEY"
    r = run_geo(geo_exe, "places", seed_article, "--geocoder", "mapquestx", env=env)
    assert r.returncode == 2 and "unknown geocoder 'mapquestx'" in r.stderr and r.stderr.count("\n") == 1


# -- the library -------------------------------------------------------------------------------------------------
def test_online_geocoder_candidates_cache_and_country_hint(tmp_path):
    server = NominatimServer([BAGHUZ, OsmPlace(("Baghuz",), 10.0, 10.0, "ng", osm_id=7)])
    cache = AnswerCache(tmp_path / "answers.sqlite")
    with Serving(server.handler) as url:
        g = OnlineGeocoder("nominatim", url=url, cache=cache, min_delay=0)
        found = g.candidates("Baghuz", countries=["SY", "IQ"])
        assert [(c.name, c.country_code, c.kind, c.source) for c in found] == [
            ("Al-Baghuz Fawqani", "SY", "city", "nominatim")]
        assert found[0].population == 10000
        assert server.searches()[0].params["countrycodes"] == "sy,iq"
        assert g.candidates("BAGHUZ", countries=["SY", "IQ"]) == found  # normalised key: no new request
        assert g.requests_made == 1
        assert {c.country_code for c in g.candidates("Baghuz")} == {"SY", "NG"}  # no hint: another question
        assert g.candidates("Nowhere at all", countries=["SY"]) == []
        assert g.candidates("Nowhere at all", countries=["SY"]) == []
        assert g.requests_made == 3
    assert cache.stats() == {"answers": 3, "found": 2}


def test_online_geocoder_raises_geo_errors(tmp_path):
    sleeps: list[float] = []
    server = NominatimServer([BAGHUZ], default=("status", 429, {"Retry-After": "7"}))
    with Serving(server.handler) as url:
        g = OnlineGeocoder("nominatim", url=url, cache=False, min_delay=0, sleep=sleeps.append)
        with pytest.raises(GeocoderRateLimited) as info:
            g.candidates("Baghuz")
        assert info.value.retry_after == 7 and sleeps == [7, 7]
        with pytest.raises(GeocoderRateLimited, match="not asked again"):  # a pause after a failure
            g.candidates("Baghuz")
        assert len(server.searches()) == 3
        server.default = ("sleep", 2.0)
        g = OnlineGeocoder("nominatim", url=url, cache=False, min_delay=0, timeout=0.5, max_retries=0)
        with pytest.raises(GeocoderTimedOut):
            g.candidates("Baghuz")
    g = OnlineGeocoder("nominatim", url=refused_url(), cache=False, min_delay=0, max_retries=1, sleep=lambda s: None)
    with pytest.raises(GeocoderUnavailable, match=r"connection refused.*after 2 attempts"):
        g.candidates("Baghuz")
    with pytest.raises(UsageError):
        OnlineGeocoder("nominatim", url="ftp://example.org")


def test_resolver_warns_and_carries_on(geoparser, tmp_path):
    from geo.pipeline import Geoparser

    gp = Geoparser(gazetteer=geoparser.gazetteer, nlp=geoparser.nlp,
                   fallbacks=[OnlineGeocoder("nominatim", url=refused_url(), cache=False, max_retries=0)])
    with pytest.warns(GeocoderWarning, match=r"connection refused.*left unresolved: Qaryat Zuwaydan"):
        places = gp.places(VILLAGE_ARTICLE)
    assert {p.name for p in places if p.resolved} == {"Syria"}
    assert any(p.name == "Qaryat Zuwaydan" and not p.resolved for p in places)


def test_photon_and_geonames_answers_are_read(tmp_path, monkeypatch):
    """Photon (GeoJSON) and the GeoNames web service (searchJSON) through the same interface."""
    from http.server import BaseHTTPRequestHandler

    seen = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            seen.append(self.path)
            if self.path.startswith("/api"):
                body = {"type": "FeatureCollection", "features": [{
                    "type": "Feature", "geometry": {"type": "Point", "coordinates": [40.9406, 34.4622]},
                    "properties": {"name": "Al-Baghuz", "countrycode": "SY", "osm_key": "place",
                                   "osm_value": "village", "type": "city", "osm_id": 1, "osm_type": "N"}}]}
            else:
                body = {"geonames": [{"geonameId": 99000001, "toponymName": "Al Baghuz Fawqani", "name": "Baghuz",
                                      "lat": "34.4622", "lng": "40.9406", "countryCode": "SY", "fcl": "P",
                                      "fcode": "PPL", "population": 0}]}
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    monkeypatch.setenv("GEO_GEONAMES_USERNAME", "newsroom")
    with Serving(Handler) as url:
        photon = OnlineGeocoder("photon", url=url, cache=False, min_delay=0).candidates("Baghuz", countries=["SY"])
        gn = OnlineGeocoder("geonames", url=url, cache=False, min_delay=0).candidates("Baghuz", countries=["SY"])
    assert [(c.name, c.kind, c.country_code, c.source) for c in photon] == [("Al-Baghuz", "city", "SY", "photon")]
    assert [(c.geonameid, c.kind, c.source) for c in gn] == [(99000001, "city", "geonames")]
    assert any("username=newsroom" in p and "country=SY" in p for p in seen)


def test_damaged_cache_is_set_aside_with_a_warning(tmp_path):
    path = tmp_path / "answers.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    cache = AnswerCache(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert cache.get("x") is None
    assert any(issubclass(w.category, GeocoderWarning) and "damaged" in str(w.message) for w in caught)
    cache.put("k", service="s", endpoint="e", params={}, query="q", answer=[])
    assert cache.get("k") == []
    assert (tmp_path / "answers.sqlite.damaged").exists()


def test_geocoder_url_may_name_the_endpoint_or_a_path_prefix():
    g = OnlineGeocoder("nominatim", url="https://maps.example.org/nominatim/search", cache=False)
    assert g.endpoint == "https://maps.example.org/nominatim"
    assert g._geopy.api == "https://maps.example.org/nominatim/search"
    assert OnlineGeocoder("photon", url="http://127.0.0.1:2322/", cache=False)._geopy.api == "http://127.0.0.1:2322/api"
    assert OnlineGeocoder("nominatim", cache=False).endpoint == "https://nominatim.openstreetmap.org"
