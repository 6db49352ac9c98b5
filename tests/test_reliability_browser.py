"""Hostile text through every option and file that reaches a page, opened in Chromium: nothing runs.

Each payload would set ``window.__pwned`` if it ran (an event handler, a script element, a
``javascript:`` link); the maps are made by the real ``geo`` command from a hostile ``--title``,
``--attr``, tile URL, places file, corrections file and — for the corpus map — document titles and
URLs in a ``geo batch`` table. Every popup is opened, every link inspected; the network is blocked.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from test_browser import CHROMIUM, LAUNCH_ARGS  # noqa: F401 - skips the module without chromium

sync_api = pytest.importorskip("playwright.sync_api")

from _servers import isolated_env  # noqa: E402

H = "<img src=x onerror=window.__pwned=1>"
S = '"><script>window.__pwned=1</script>'
# Clicks every marker (clustered or not) as a reader would, and collects the text of each popup.
ALL_POPUPS = """() => {
  const texts = [];
  const shown = () => { const p = document.querySelector('.leaflet-popup-content'); texts.push(p ? p.innerText : ''); };
  for (const v of Object.values(window)) {
    if (!(v instanceof L.Map)) continue;
    v.eachLayer(l => {
      if (l.getLayers && (l._featureGroup || (L.GeoClusters && l instanceof L.GeoClusters))) {  // the clusters' circles
        l.getLayers().forEach(m => { l.fire('click', {layer: m, latlng: m.getLatLng()}); shown(); });
      } else if (l.getLatLng && l.listens && l.listens('click')) {
        l.fire('click', {latlng: l.getLatLng()}); shown();
      }
    });
  }
  return texts;
}"""


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield b
        b.close()


def _open(browser, path: Path):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    page.goto(path.as_uri())
    page.wait_for_timeout(1500)
    return context, page, errors


def _assert_nothing_ran(page) -> None:
    assert page.evaluate("window.__pwned") is None
    hrefs = page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:", "vbscript:"))], hrefs


def test_hostile_options_and_files_in_the_article_map(browser, geo_exe, gazetteer, tmp_path):
    env = isolated_env(tmp_path, Path(gazetteer.path))
    (tmp_path / "a.txt").write_text(f"Aid reached Qalat {H} on Monday. Later the convoy went on to Homs and Hama.\n")
    (tmp_path / "p.csv").write_text(f'name,lat,lon,country,kind,notes\n"Qalat {H}",35.1,36.7,SY,camp,"{H}"\n')
    (tmp_path / "c.toml").write_text(f'[[pin]]\nname = "Homs"\nlat = 34.73\nlon = 36.72\nlabel = "Homs {H}"\n')
    out = tmp_path / "m.html"
    proc = subprocess.run([geo_exe, "map", str(tmp_path / "a.txt"), "--places", str(tmp_path / "p.csv"),
                           "--corrections", str(tmp_path / "c.toml"), "-o", str(out), "-q", "--title", f"T {H}{S}",
                           "--tiles", "https://127.0.0.1/t/{z}/{x}/{y}.png?a=" + S,
                           "--attr", f'{H} <a href="javascript:window.__pwned=1">tiles</a> {S}'],
                          env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    context, page, errors = _open(browser, out)
    try:
        popups = []
        for button in page.query_selector_all("button[data-place]"):  # the place list: a reader's clicks
            button.click()
            page.wait_for_selector(".leaflet-popup-content", timeout=5000)
            popups.append(page.inner_text(".leaflet-popup-content"))
        assert len(popups) >= 3, popups  # Qalat…, Homs…, Hama
        assert any("Qalat <img src=x onerror" in t for t in popups) and any("Homs <img" in t for t in popups), popups
        page.wait_for_timeout(500)
        _assert_nothing_ran(page)
        text = page.inner_text("body")
        assert "Qalat <img src=x onerror=window.__pwned=1>" in text  # shown, as text
        assert "Homs <img src=x" in text
        attribution = page.inner_html(".leaflet-control-attribution")
        assert "tiles" in attribution and "<img" not in attribution and "javascript" not in attribution
        assert errors == [], errors
    finally:
        context.close()


def test_hostile_batch_metadata_in_the_corpus_map(browser, geo_exe, gazetteer, tmp_path):
    env = isolated_env(tmp_path, Path(gazetteer.path))
    docs = [
        {"id": f"x{H}", "title": f"Floods {H}{S}", "url": "javascript:window.__pwned=1", "date": "2024-03-01",
         "text": "Floods hit Lisbon and Porto on Monday."},
        {"id": "y", "title": f"Storm {S}", "url": f'https://example.org/"{H}', "date": f"2024-03-02{H}",
         "text": "A storm reached Lisbon on Tuesday."},
    ]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs))
    table = tmp_path / "places.parquet"
    proc = subprocess.run([geo_exe, "batch", str(tmp_path / "in.jsonl"), "-o", str(table), "-q"], env=env,
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "corpus.html"
    proc = subprocess.run([geo_exe, "map", "--from", str(table), "-o", str(out), "-q", "--title", f"C {H}",
                           "--tiles", "https://127.0.0.1/t/{z}/{x}/{y}.png", "--attr", f"{H}{S}"],
                          env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    context, page, errors = _open(browser, out)
    try:
        page.evaluate("() => { for (const v of Object.values(window)) if (v instanceof L.Map) v.setZoom(12); }")
        page.wait_for_timeout(500)
        popups = page.evaluate(ALL_POPUPS)
        assert any("Floods <img src=x onerror" in t for t in popups), popups  # the document titles, as text
        page.wait_for_timeout(500)
        _assert_nothing_ran(page)
        assert "C <img src=x" in page.inner_text("h1")
        assert errors == [], errors
    finally:
        context.close()


def test_corpus_map_with_a_tile_provider_that_needs_a_key(browser, geo_exe, gazetteer, tmp_path):
    """No "Map has no maxZoom specified"; #apikey= in the address adds the tiles."""
    env = isolated_env(tmp_path, Path(gazetteer.path))
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": "a", "text": "Floods hit Lisbon and Porto."}) + "\n")
    table = tmp_path / "places.parquet"
    assert subprocess.run([geo_exe, "batch", str(tmp_path / "in.jsonl"), "-o", str(table), "-q"], env=env,
                          timeout=240).returncode == 0
    out = tmp_path / "corpus.html"
    proc = subprocess.run([geo_exe, "map", "--from", str(table), "-o", str(out), "-q", "--tiles", "MapTiler.Streets"],
                          env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    tiles: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            return r.continue_()
        tiles.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    try:
        page.goto(out.as_uri() + "#apikey=TESTKEY")
        page.wait_for_timeout(2000)
        assert errors == [], errors
        assert any("key=TESTKEY" in t for t in tiles), tiles[:3]
    finally:
        context.close()
