"""The map file in a real browser: Debian's headless Chromium driven by Playwright.

Every request that is not the file itself is intercepted: tiles are either answered by the
test with a blank image (the "tiles work" case) or refused (the offline case); nothing
reaches the network. Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed (/usr/bin/chromium): apt-get install chromium",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'")

import geopandas as gpd  # noqa: E402
import pandas as pd  # noqa: E402
from shapely.geometry import Point  # noqa: E402

from geo.render import render_map  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# A 1x1 light grey PNG, served for every tile in the "tiles work" case.
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC"
)


def _frame(rows):
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs="EPSG:4326")
    frame["geonameid"] = frame["geonameid"].astype("Int64")
    frame["population"] = frame["population"].astype("Int64")
    return frame


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


class Opened:
    def __init__(self, page, errors, console, requests):
        self.page, self.errors, self.console, self.requests = page, errors, console, requests

    def console_errors(self, *, except_tiles=False):
        out = []
        for message in self.console:
            if message.type != "error":
                continue
            if except_tiles and message.text.startswith("Failed to load resource") and not \
                    message.location.get("url", "").startswith("file:"):
                continue
            out.append(message.text)
        return out


@pytest.fixture
def open_map(browser, tmp_path):
    contexts = []

    def opener(document, *, tiles="blank", width=1280, height=800, init_script=None):
        path = tmp_path / "map.html"
        path.write_text(document, encoding="utf-8")
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        if init_script:
            page.add_init_script(init_script)
        errors, console, requests = [], [], []
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.on("console", lambda message: console.append(message))

        def route(route):
            url = route.request.url
            if url.startswith("file:") or url.startswith("data:"):
                return route.continue_()
            requests.append(url)
            if tiles == "blank" and route.request.resource_type == "image":
                return route.fulfill(status=200, content_type="image/png", body=BLANK_TILE)
            return route.abort()

        page.route("**/*", route)
        page.goto(path.as_uri())
        page.wait_for_selector("html[data-geo-ready='true']", timeout=15_000)
        return Opened(page, errors, console, requests)

    yield opener
    for context in contexts:
        context.close()


def _screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def _index(frame, name):
    names = list(frame["name"])
    assert name in names, f"{name} not in the frame: {names}"
    return names.index(name)


# --------------------------------------------------------------------------- an article of the tests


@pytest.fixture(scope="module")
def seed(geoparser, gazetteer, story_text):
    """The tests' own article (conftest.STORY) geoparsed by the real pipeline, mapped with every country outline."""
    frame = geoparser.geoparse(story_text)
    document = render_map(frame, title="Euphrates at a record low", article=story_text,
                          outlines=gazetteer.outlines(), basemap_outlines=True)
    return frame, story_text, document


def _click_marker(page, place):
    """Click a point of the place's circle that no other marker covers."""
    point = page.evaluate(
        """(id) => {
            const path = document.querySelector('path.geo-place-' + id);
            const box = path.getBoundingClientRect();
            for (let fy = 0.5; fy < 1; fy += 0.1) for (const sy of [1, -1])
              for (let fx = 0.5; fx < 1; fx += 0.1) for (const sx of [1, -1]) {
                const x = box.left + box.width * (sy * sx > 0 ? fx : 1 - fx);
                const y = box.top + box.height * (sy > 0 ? fy : 1 - fy);
                if (document.elementFromPoint(x, y) === path) return [x, y];
              }
            return null;
        }""",
        place,
    )
    assert point, f"every point of marker {place} is covered"
    page.mouse.click(*point)


def test_seed_map_loads_cleanly_with_one_marker_per_place(seed, open_map):
    frame, _text, document = seed
    opened = open_map(document)
    page = opened.page
    assert opened.errors == []
    assert opened.console_errors() == []
    assert all(not url.startswith("file:") for url in opened.requests)
    assert all(re.match(r"https://server\.arcgisonline\.com/.*/tile/\d+/\d+/\d+$", url) for url in opened.requests)
    resolved = int(frame["resolved"].sum())
    assert resolved >= 4
    assert page.locator("path.geo-marker").count() == resolved
    assert page.evaluate("Object.keys(geoMap.markers).length") == resolved
    page.wait_for_timeout(300)
    _screenshot(page, "seed-map.png")


# Counts the zoom animations of every Leaflet map of the page, from its creation (Leaflet sets
# window.L when it loads; the hook is added then, before folium makes the map).
COUNT_ZOOM_ANIMATIONS = """
window.__zoomAnimations = 0;
Object.defineProperty(window, "L", {configurable: true, get() { return this.__leaflet; }, set(value) {
  this.__leaflet = value;
  if (value && value.Map && !value.__counted) {
    value.__counted = true;
    value.Map.addInitHook(function () { this.on("zoomanim", () => { window.__zoomAnimations += 1; }); });
  }
}});
"""


def test_the_map_is_still_when_it_says_it_is_ready(seed, open_map):
    """The fitted view is reached at once: no zoom animating after the page marks itself ready
    (a click at that moment landed where a marker no longer was)."""
    frame, _text, document = seed
    page = open_map(document, init_script=COUNT_ZOOM_ANIMATIONS).page
    iraq = _index(frame, "Iraq")
    box = f"() => {{ const b = document.querySelector('path.geo-place-{iraq}').getBoundingClientRect(); " \
          "return [b.left, b.top, b.width, b.height]; }"
    at_ready = page.evaluate(box)
    page.wait_for_timeout(800)
    assert page.evaluate("window.__zoomAnimations") == 0
    assert page.evaluate(box) == at_ready
    page.locator(".leaflet-control-zoom-in").click()  # the hook counts: a zoom the user asks for is animated
    page.wait_for_function("window.__zoomAnimations > 0", timeout=10_000)


def test_clicking_syria_in_the_text_opens_its_popup(seed, open_map):
    frame, text, document = seed
    page = open_map(document).page
    syria = _index(frame, "Syria")
    mention = page.locator(f"a.geo-mention[href='#geo-place-{syria}']", has_text=re.compile(r"^Syria$")).first
    mention.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible")
    assert popup.locator(".geo-popup-name").inner_text() == "Syria"
    quotes = popup.locator("blockquote.geo-snippet").all_inner_texts()
    assert quotes and all(q.strip() in " ".join(text.split()) or q.strip() in text for q in quotes)
    assert popup.locator("mark").first.inner_text() in ("Syria", "Syrian")
    assert mention.get_attribute("aria-current") == "true"
    page.wait_for_selector("html:not([data-geo-moving])")  # the fly-to has ended...
    page.wait_for_function(  # ...and the map has panned the popup into view
        """() => document.querySelector('.leaflet-popup').getBoundingClientRect().top >=
                 document.querySelector('.folium-map').getBoundingClientRect().top""",
        timeout=20_000,
    )
    _screenshot(page, "seed-map-syria.png")


def test_clicking_a_marker_highlights_its_mentions(seed, open_map):
    frame, _text, document = seed
    page = open_map(document).page
    iraq = _index(frame, "Iraq")
    expected = len(frame.iloc[iraq]["spans"]) + len(frame.iloc[iraq]["adjectival_spans"])
    assert page.locator("a.geo-mention.geo-active").count() == 0
    _click_marker(page, iraq)
    active = page.locator("a.geo-mention.geo-active")
    active.first.wait_for()
    assert active.count() == expected
    assert set(active.evaluate_all("els => els.map(e => e.getAttribute('href'))")) == {f"#geo-place-{iraq}"}
    assert page.locator(".leaflet-popup-content .geo-popup-name").inner_text() == "Iraq"
    # The panel scrolls (smoothly) until the first mention is in view.
    page.wait_for_function(
        """() => { const p = document.getElementById('geo-panel').getBoundingClientRect();
                   const m = document.querySelector('a.geo-mention.geo-active').getBoundingClientRect();
                   return m.top >= p.top && m.bottom <= p.bottom; }""", timeout=30_000
    )


def test_outlines_show_land_when_tiles_fail(seed, open_map):
    _frame_, _text, document = seed
    opened = open_map(document, tiles="fail")
    page = opened.page
    assert opened.requests, "the page asked for tiles"
    assert page.locator("img.leaflet-tile-loaded").count() == 0
    assert opened.errors == [] and opened.console_errors(except_tiles=True) == []
    for selector in ("path.geo-basemap", "path.geo-outline"):
        shapes = page.locator(selector)
        assert shapes.count() > 0, selector
        visible = shapes.evaluate_all(
            """els => els.filter(e => { const b = e.getBoundingClientRect(), s = getComputedStyle(e);
                                        return b.width > 20 && b.height > 20 && s.visibility === 'visible'
                                               && s.display !== 'none' && Number(s.fillOpacity) > 0; }).length"""
        )
        assert visible > 0, f"no {selector} drawn large enough to see"
    page.locator(".geo-note", has_text="could not be loaded").wait_for()
    # What shows where there is land is the outline fill, not the empty map background.
    land = page.locator("path.geo-basemap").first.evaluate("e => getComputedStyle(e).fill")
    assert land == "rgb(244, 241, 234)"
    _screenshot(page, "seed-map-offline.png")


# --------------------------------------------------------------------------- hostile text

HOSTILE = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2">',
    "`backtick` ${window.__pwned = 3}",
    "\\2019 and a back\\slash",
    "then </script><script>window.__pwned = 4</script> inside a sentence",
    "{{ 7*7 }} {# #} <!-- -->",
]


def hostile_case():
    sentences = [f"Trouble in Xanadu: {h}." for h in HOSTILE]
    article = " ".join(sentences)
    rows = []
    for i, h in enumerate(HOSTILE):
        start = article.index(h)
        rows.append({
            "name": h, "kind": "city" if i % 2 == 0 else "unknown", "country_code": None, "country": h,
            "geonameid": None, "population": None, "mentions": 1, "adjectival_mentions": 0,
            "surface_forms": [h], "spans": [[start, start + len(h)]], "adjectival_spans": [],
            "snippets": [sentences[i]], "confidence": 0.5, "resolved": i % 2 == 0, "source": "gazetteer",
            "geometry": Point(10.0 + 5 * i, 20.0 + 2 * i) if i % 2 == 0 else None,
        })
    return _frame(rows), article


def test_hostile_article_is_shown_as_text_and_runs_nothing(open_map):
    frame, article = hostile_case()
    title = "Map of " + HOSTILE[0] + HOSTILE[2]
    opened = open_map(render_map(frame, title=title, article=article))
    page = opened.page
    assert opened.errors == [] and opened.console_errors() == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.title() == title
    assert page.locator("h1.geo-title").inner_text() == title
    assert page.locator("#geo-article-text").evaluate("e => e.textContent") == article
    listed = page.locator(".geo-unresolved-name").all_inner_texts()
    assert listed == [h for i, h in enumerate(HOSTILE) if i % 2 == 1]
    assert page.locator("path.geo-marker").count() == 3
    for i in (0, 2, 4):
        page.locator(f"a.geo-mention[href='#geo-place-{i}']").click()
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(state="visible")
        assert popup.locator(".geo-popup-name").evaluate("e => e.textContent") == HOSTILE[i]
        assert popup.locator("blockquote").first.evaluate("e => e.textContent") == f"Trouble in Xanadu: {HOSTILE[i]}."
    assert page.locator("img:not(.leaflet-tile)").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"


# --------------------------------------------------------------------------- use


def test_keyboard_reaches_places_and_markers(seed, open_map):
    frame, _text, document = seed
    page = open_map(document).page
    iraq = _index(frame, "Iraq")
    page.locator(f"button.geo-place[data-place='{iraq}']").focus()
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-content .geo-popup-name", has_text="Iraq").wait_for()
    page.keyboard.press("Escape")
    page.locator(".leaflet-popup").wait_for(state="detached")
    assert page.evaluate("document.activeElement.dataset.place") == str(iraq)
    marker = page.locator(f"path.geo-place-{iraq}")
    assert marker.get_attribute("tabindex") == "0" and marker.get_attribute("role") == "button"
    assert "Iraq" in marker.get_attribute("aria-label")
    marker.focus()
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-content .geo-popup-name", has_text="Iraq").wait_for()
    assert page.locator("a.geo-mention.geo-active").count() >= 1
    assert page.locator("#geo-status").inner_text().startswith("Iraq")


def test_panel_collapses_and_goes_below_the_map_on_narrow_screens(seed, open_map):
    _frame_, _text, document = seed
    page = open_map(document).page
    map_width = page.locator(".folium-map").bounding_box()["width"]
    toggle = page.locator("#geo-panel-toggle")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("#geo-panel").is_visible()
    assert page.locator(".folium-map").bounding_box()["width"] > map_width + 100

    narrow = open_map(document, width=420, height=800).page
    map_box = narrow.locator(".folium-map").bounding_box()
    panel_box = narrow.locator("#geo-panel").bounding_box()
    assert panel_box["y"] >= map_box["y"] + map_box["height"] - 1
    assert panel_box["width"] > 380


def test_thousands_of_places_are_clustered_and_clickable(open_map):
    rows = []
    for i in range(2000):
        rows.append({
            "name": f"Place {i}", "kind": ["city", "place", "admin1"][i % 3], "country_code": None, "country": None,
            "geonameid": i + 1, "population": None, "mentions": 1 + i % 5, "adjectival_mentions": 0,
            "surface_forms": [f"Place {i}"], "spans": [], "adjectival_spans": [], "snippets": [f"Place {i} is named."],
            "confidence": 0.5, "resolved": True, "source": "gazetteer",
            "geometry": Point(-170 + (i * 7.919) % 340, -60 + (i * 3.137) % 125),
        })
    opened = open_map(render_map(_frame(rows), title="Many places"))
    page = opened.page
    assert opened.errors == [] and opened.console_errors() == []
    assert page.evaluate("Object.keys(geoMap.markers).length") == 2000
    assert page.locator(".marker-cluster").count() > 0
    page.locator("button.geo-place").first.click()
    page.locator(".leaflet-popup-content .geo-popup-name").wait_for()
