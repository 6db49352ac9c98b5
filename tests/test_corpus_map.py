"""``geo map --from PLACES_FILE``: the aggregate map of a corpus, in Python and in headless Chromium.

The WikToR map is made from ../shared/corpora/wiktor.jsonl read at run time (its first documents,
geoparsed by ``geo batch``: the whole corpus takes the better part of an hour on a CI machine);
the large and dated corpora are tables made here. Every request but the file itself is refused,
so the page must work offline.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest
from _shared import shared_file

from geo.exports import _frame_of, rows_to_table
from geo.render_corpus import corpus_data, corpus_map

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def row(doc, name, lat, lon, *, gid=None, mentions=1, kind="city", cc="FR", country="France", title=None,
        date=None, url=None):
    return {"doc_id": doc, "doc_title": title, "doc_date": date, "doc_url": url, "name": name, "kind": kind,
            "country_code": cc, "country": country, "geonameid": gid, "population": None, "mentions": mentions,
            "adjectival_mentions": 0, "surface_forms": [name], "spans": [[0, len(name)]], "adjectival_spans": [],
            "confidence": 0.9, "resolved": lat is not None, "source": "gazetteer", "lat": lat, "lon": lon}


def frame_of(rows):
    return _frame_of(rows_to_table(rows), flat=False)


def dated_rows():
    rows = []
    for i in range(12):
        month = f"2024-{1 + i % 3:02d}-1{i % 9}"  # three months
        title = f"Story {i} </script><b>${{x}}</b> `tick` \\"
        rows.append(row(f"s{i}", "Paris", 48.85, 2.35, gid=2988507, mentions=1 + i % 2, title=title, date=month,
                        url=f"https://news.example/{i}" if i % 2 else "javascript:alert(1)"))
        if i % 3 == 0:
            rows.append(row(f"s{i}", "Lyon", 45.75, 4.85, gid=2996944, title=title, date=month))
        if i == 5:
            rows.append(row(f"s{i}", "Nowhere", None, None, kind="unknown", cc=None, country=None, date=month))
    return rows


# --------------------------------------------------------------------------- aggregation


def test_places_are_sized_by_documents_with_their_top_documents():
    data = corpus_data(frame_of(dated_rows()))
    places = data["places"]
    assert places["name"] == ["Paris", "Lyon"]  # most documents first
    assert places["docs"] == [12, 4]
    assert places["mentions"] == [sum(1 + i % 2 for i in range(12)), 4]
    top = [data["docs"][d] for d in places["top"][0]]
    assert len(top) == 5 and all(t[0] in {"s1", "s3", "s5", "s7", "s9", "s11"} for t in top)  # 2 mentions each
    assert top[0][:3] == ["s1", "Story 1 </script><b>${x}</b> `tick` \\", "2024-02-11"]
    assert top[0][3] == "https://news.example/1"
    assert all(d[3] is None or d[3].startswith("https://") for d in data["docs"])  # javascript: URLs dropped
    assert data["periods"] == ["2024-01", "2024-02", "2024-03"] and data["periodUnit"] == "month"
    assert places["t"][0] == [0, 4, 1, 4, 2, 4]
    assert data["countries"]["FR"]["mentions"] == places["mentions"][0] + places["mentions"][1]
    assert data["stats"] == {"rows": 17, "documents": 12, "places": 2, "unplaced": 1, "dated": 12}


def test_no_slider_without_dates_and_one_article_counts_as_one_document(geoparser, seed_text):
    data = corpus_data(geoparser.geoparse(seed_text))
    assert data["periods"] == [] and data["stats"]["documents"] == 1
    assert set(data["places"]["docs"]) == {1}


def test_same_bytes_and_no_markup_from_the_data(gazetteer):
    frame = frame_of(dated_rows())
    a = corpus_map(frame, title="Feed </title><script>x</script>", outlines=gazetteer.outlines())
    b = corpus_map(frame, title="Feed </title><script>x</script>", outlines=gazetteer.outlines())
    assert a == b
    assert "<b>${x}</b>" not in a and "</script><b>" not in a
    assert "Feed &lt;/title&gt;&lt;script&gt;x&lt;/script&gt;" in a
    assert "cdn.jsdelivr" not in a and "unpkg.com" not in a  # Leaflet, markercluster and heat inlined


# --------------------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        b = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def open_page(browser, tmp_path):
    contexts = []

    def opener(path: Path):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        contexts.append(context)
        page = context.new_page()
        errors, requests = [], []
        page.on("pageerror", lambda err: errors.append(str(err)))

        def route(r):
            if r.request.url.startswith(("file:", "data:")):
                return r.continue_()
            requests.append(r.request.url)
            return r.abort()

        page.route("**/*", route)
        page.goto(path.as_uri())
        page.wait_for_function("window.geoCorpus && window.geoCorpus.ready", timeout=60_000)
        return page, errors, requests

    yield opener
    for c in contexts:
        c.close()


@pytest.fixture(scope="module")
def wiktor_places(geoparser, tmp_path_factory):
    wiktor = shared_file("corpora/wiktor.jsonl")
    from geo.batch import run_batch

    out = tmp_path_factory.mktemp("wiktor") / "wiktor.parquet"
    summary = run_batch([str(wiktor)], out, geoparser=geoparser, limit=120)
    assert summary.documents == 120 and summary.rows > 200
    return out


def test_wiktor_corpus_map_renders_offline_in_chromium(wiktor_places, geo_exe, open_page, tmp_path):
    html_path = tmp_path / "wiktor.html"
    proc = subprocess.run([geo_exe, "map", "--from", str(wiktor_places), "-o", str(html_path)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "places from 120 documents" in proc.stderr
    page, errors, requests = open_page(html_path)
    assert errors == []
    state = page.evaluate("""() => ({
        places: window.geoCorpus.data.places.name.length, shown: window.geoCorpus.shown,
        heat: document.querySelectorAll('canvas.leaflet-heatmap-layer').length,
        countries: document.querySelectorAll('path.geo-country').length,
        clusters: document.querySelectorAll('.marker-cluster').length,
        slider: !!document.getElementById('geo-time-range')})""")
    assert state["places"] > 50 and state["shown"] == state["places"]
    assert state["heat"] == 1 and state["countries"] > 10 and state["clusters"] > 0
    assert state["slider"] is False  # WikToR has no dates
    assert all(not u.startswith(("http://", "https://")) or "tile" in u or "arcgis" in u for u in requests)
    # the most-mentioned place's popup lists its top documents
    name, first_doc = page.evaluate("""() => {
        const d = window.geoCorpus.data; return [d.places.name[0], d.docs[d.places.top[0][0]][0]]; }""")
    _open_popup(page, 0)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=20_000)
    assert popup.locator(".geo-popup-name").inner_text() == name
    assert first_doc in popup.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "corpus-wiktor.png"))


def _open_popup(page, index):
    """Zoom in on the place until it is its own marker, then click its circle like a reader."""
    point = page.evaluate("""(i) => new Promise((resolve) => {
        const g = window.geoCorpus, m = g.map, P = g.data.places;
        m.setView([P.lat[i], P.lon[i]], 18, {animate: false});
        setTimeout(() => {
            const p = m.latLngToContainerPoint([P.lat[i], P.lon[i]]);
            const box = m.getContainer().getBoundingClientRect();
            resolve([box.left + p.x, box.top + p.y]);
        }, 300);
    })""", index)
    page.mouse.click(point[0], point[1])


def test_time_slider_filters_places_and_popups_stay_text(gazetteer, open_page, tmp_path):
    html_path = tmp_path / "dated.html"
    html_path.write_text(corpus_map(frame_of(dated_rows()), title="Dated", outlines=gazetteer.outlines()),
                         encoding="utf-8")
    page, errors, _requests = open_page(html_path)
    assert errors == []
    assert page.evaluate("window.geoCorpus.shown") == 2
    shown = []
    for period in range(3):
        page.evaluate(f"window.geoCorpus.setPeriod({period})")
        shown.append(page.evaluate("window.geoCorpus.shown"))
        assert page.locator(".geo-time-value").inner_text() == f"2024-0{period + 1}"
    assert shown == [2, 1, 1]  # Lyon is in January's stories only (items 0, 3, 6, 9)
    page.evaluate("window.geoCorpus.setPeriod(-1)")
    assert page.evaluate("window.geoCorpus.shown") == 2
    _open_popup(page, 0)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=20_000)
    assert "Story 1 </script><b>${x}</b> `tick` \\" in popup.inner_text()  # shown as text
    assert popup.locator("b").count() == 0
    links = popup.locator("a")
    assert links.count() >= 1
    assert all(links.nth(i).get_attribute("href").startswith("https://news.example/") for i in range(links.count()))
    assert errors == []


def test_hundred_thousand_places_stay_usable(open_page, tmp_path):
    rnd = random.Random(4)
    rows = [row(f"d{i % 25000}", f"P{i}", round(rnd.uniform(-60, 70), 4), round(rnd.uniform(-170, 170), 4),
                gid=10_000_000 + i, title=f"T{i % 25000}", date=f"20{10 + i % 12}-0{1 + i % 9}-1{i % 9}")
            for i in range(100_000)]
    html = corpus_map(frame_of(rows), title="100,000 places")
    html_path = tmp_path / "big.html"
    html_path.write_text(html, encoding="utf-8")
    page, errors, _requests = open_page(html_path)
    assert errors == []
    assert page.evaluate("window.geoCorpus.shown") == 100_000
    assert page.locator(".marker-cluster").count() < 400  # clustered, not 100,000 circles
    page.evaluate("window.geoCorpus.setPeriod(3)")
    assert 0 < page.evaluate("window.geoCorpus.shown") < 100_000


# --------------------------------------------------------------------------- command line


def test_map_from_command_line_errors(geo_exe, tmp_path):
    (tmp_path / "a.txt").write_text("Rain in Oslo.")
    cases = [(["map"], 2, "give an ARTICLE or --from PLACES_FILE"),
             (["map", "a.txt", "--from", "p.parquet"], 2, "not both"),
             (["map", "--from", "missing.parquet"], 1, "missing.parquet: no such file"),
             (["map", "--from", "a.txt"], 1, "a.txt")]
    for args, code, message in cases:
        proc = subprocess.run([geo_exe, *args], capture_output=True, text=True, cwd=tmp_path, timeout=120)
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode == code and len(lines) == 1 and message in lines[0], (args, proc.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_map_from_places_of_one_article(geo_exe, seed_article, tmp_path):
    places = tmp_path / "seed.geojson"
    assert subprocess.run([geo_exe, "places", str(seed_article), "-o", str(places), "-q"], timeout=300).returncode == 0
    out = tmp_path / "maps" / "seed-corpus.html"
    proc = subprocess.run([geo_exe, "map", "--from", str(places), "-o", str(out), "--title", "Seed", "--parents"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    data = json.loads(text.split('id="geo-corpus-data">', 1)[1].split("</script>", 1)[0])
    assert "Syria" in data["places"]["name"] and data["stats"]["documents"] == 1
