"""Review and correction inside the map file, in a real browser (Debian's Chromium, network blocked).

On an article of our own with an ambiguous name ("Washington", beside "Brussels"), a hamlet no
gazetteer knows and a false positive: choose another reading in the popup, pin the unplaced name
by clicking the map, drop a place, download the corrections; ``geo map`` with that file gives a map
whose places equal what the edited map showed; a reload keeps the edits; hostile text stays inert
in every new control.
"""

from __future__ import annotations

import json

import pytest

from test_browser import HOSTILE, _frame, browser, open_map  # noqa: F401  (fixtures)

from geo.corrections import Corrections  # noqa: E402
from geo.render import render_map  # noqa: E402

ARTICLE = (
    "Floods close roads across Ohio as leaders meet in Brussels\n\n"
    "COLUMBUS, Ohio — Heavy rain closed dozens of roads across central Ohio on Tuesday, and officials in "
    "Franklin County said the Scioto River would crest near Columbus by Wednesday night.\n\n"
    "The decisions taken in Brussels and Washington will shape how much help arrives, said Mayor Ann Gray, "
    "who met residents in Delaware and Marion on Monday.\n\n"
    "Farmers near Chillicothe said the water reached their barns. Residents of Kelleysburg, a hamlet on the "
    "river, were moved to a school gym in Circleville.\n"
)


def _map(geoparser, gazetteer, corrections=None, title="Ohio floods"):
    frame = geoparser.geoparse(ARTICLE, corrections=corrections)
    countries = {cc: c.name for cc, c in gazetteer.countries().items()}
    return frame, render_map(frame, title=title, article=ARTICLE, outlines=gazetteer.outlines(),
                             basemap_outlines=True, divisions=gazetteer.division_names(), countries=countries,
                             corrections_name="ohio-floods.geo.toml")


def _shown(page):
    return sorted((p["name"], round(p["lat"], 4), round(p["lon"], 4)) for p in page.evaluate("geoReview.placesShown()"))


def _id(page, name):
    found = page.evaluate("(n) => geoMap.places.findIndex(p => p.name === n)", name)
    assert found >= 0, f"{name} is not a place of the map"
    return found


def test_choose_pin_drop_download_and_the_round_trip(geoparser, gazetteer, open_map, tmp_path):  # noqa: F811
    frame, document = _map(geoparser, gazetteer)
    opened = open_map(document, tiles="fail")
    page = opened.page
    washington, brussels, hamlet = _id(page, "Washington"), _id(page, "Brussels"), _id(page, "Kelleysburg")
    assert page.evaluate(f"geoMap.places[{hamlet}].resolved") is False
    alts = page.evaluate(f"geoMap.places[{washington}].alt")
    assert len(alts) >= 2, "an ambiguous name carries its other readings"

    # 1. another reading, from the popup: the marker moves, the panel and the mentions follow
    page.locator(f"button.geo-place[data-place='{washington}']").first.click()
    choice = page.locator(".leaflet-popup-content button.geo-alt").nth(0)
    choice.wait_for()
    assert alts[0][0] in choice.inner_text()
    choice.click()
    where = page.evaluate(f"(() => {{ const l = geoMap.markers[{washington}].getLatLng(); return [l.lat, l.lng]; }})()")
    assert where == pytest.approx([alts[0][7], alts[0][8]], abs=1e-6)
    assert "now means" in page.locator("#geo-review-status").inner_text()
    assert "now " + alts[0][0] in page.locator(f"button.geo-place[data-place='{washington}'] .geo-place-meta").first.inner_text()
    mention = page.locator(f"a.geo-mention[href='#geo-place-{washington}']").first
    assert f"geo-k-{alts[0][1]}" in mention.get_attribute("class") and "geo-edited" in mention.get_attribute("class")

    # 2. the unplaced hamlet, pinned by clicking the map
    page.locator(f"#geo-place-{hamlet} details.geo-alts summary").click()
    page.locator(f"#geo-place-{hamlet} button.geo-pin").click()
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.5)
    assert "pinned at" in page.locator("#geo-review-status").inner_text()
    assert page.evaluate(f"geoMap.places[{hamlet}].resolved") is True
    assert page.locator("path.geo-pinned").count() == 1

    # 3. a false positive, dropped from its popup
    page.locator(f"button.geo-place[data-place='{brussels}']").first.click()
    page.locator(".leaflet-popup-content button.geo-drop").click()
    assert page.evaluate(f"geoMap.markers[{brussels}]._map") is None
    assert "geo-dropped" in page.locator(f"a.geo-mention[href='#geo-place-{brussels}']").first.get_attribute("class")
    shown = _shown(page)
    assert "Brussels" not in {n for n, _, _ in shown} and "Kelleysburg" in {n for n, _, _ in shown}

    # 4. the corrections file
    with page.expect_download() as download:
        page.locator("#geo-download").click()
    assert download.value.suggested_filename == "ohio-floods.geo.toml"
    sidecar = tmp_path / "ohio-floods.geo.toml"
    download.value.save_as(sidecar)
    text = sidecar.read_text(encoding="utf-8")
    assert "[[drop]]" in text and text.count("[[pin]]") == 2
    if isinstance(alts[0][9], int):
        assert f"geonameid = {alts[0][9]}" in text  # pinned by its GeoNames id where there is one

    # 5. a reload keeps the edits
    page.reload()
    page.wait_for_selector("html[data-geo-ready='true']")
    assert _shown(page) == shown
    assert page.locator("#geo-review-list li").count() == 3
    assert opened.errors == []

    # 6. geo map with that file gives the edited map
    _frame2, again = _map(geoparser, gazetteer, Corrections.load(sidecar), title="Ohio floods, corrected")
    assert _shown(open_map(again, tiles="fail").page) == shown


def test_a_reading_chosen_while_the_map_zooms_still_moves_the_map_to_it(geoparser, gazetteer, open_map):  # noqa: F811
    """Leaflet 1.9 drops a setView asked during a zoom animation: the choice is clicked at the very
    start of one (the zoom button's), and the map must still end on the chosen reading."""
    document = _map(geoparser, gazetteer)[1]
    opened = open_map(document, tiles="fail")
    page = opened.page
    washington = _id(page, "Washington")
    alt = page.evaluate(f"geoMap.places[{washington}].alt")[0]
    page.locator(f"button.geo-place[data-place='{washington}']").first.click()
    page.locator(".leaflet-popup-content button.geo-alt").nth(0).wait_for()
    page.wait_for_function("() => !document.querySelector('[data-geo-moving]')")
    clicked_while_zooming = page.evaluate("""() => new Promise((done) => {
        const map = geoMap.map, button = document.querySelector('.leaflet-popup-content button.geo-alt');
        map.once('zoomanim', () => { button.click(); done(map._animatingZoom === true); });
        map.zoomIn();
    })""")
    assert clicked_while_zooming is True
    page.wait_for_function(f"""() => {{ const c = geoMap.map.getCenter();
        return Math.abs(c.lat - {alt[7]}) < 1e-3 && Math.abs(c.lng - {alt[8]}) < 1e-3; }}""", timeout=5000)
    assert opened.errors == []


def test_a_place_selected_while_the_map_zooms_is_still_flown_to_with_reduced_motion(geoparser, gazetteer,
                                                                                     open_map):  # noqa: F811
    """With reduced motion the flight is a setView, which a zoom animation under way would drop. The
    map must end at the place's zoom with the place in view (its centre is the place's only until the
    popup is panned into view after the flight: a moment a busy machine's polling can miss)."""
    document = _map(geoparser, gazetteer)[1]
    opened = open_map(document, tiles="fail")
    page = opened.page
    page.emulate_media(reduced_motion="reduce")
    page.reload()
    page.wait_for_selector("html[data-geo-ready='true']")
    town = _id(page, "Chillicothe")
    where = page.evaluate(f"(() => {{ const l = geoMap.markers[{town}].getLatLng(); return [l.lat, l.lng]; }})()")
    zoom = page.evaluate(f"geoData.zoomByKind[geoMap.places[{town}].kind]")
    assert zoom > page.evaluate("geoMap.map.getZoom()") + 1  # (the zoom button's own zoom ends lower)
    selected_while_zooming = page.evaluate(f"""() => new Promise((done) => {{
        const map = geoMap.map;
        map.once('zoomanim', () => {{ geoMap.select({town}, {{fly: true}}); done(map._animatingZoom === true); }});
        map.zoomIn();
    }})""")
    assert selected_while_zooming is True
    page.wait_for_function(f"""() => {{ const map = geoMap.map;
        return map.getZoom() === {zoom} && !map._animatingZoom && map.getBounds().contains([{where[0]}, {where[1]}]); }}""",
                           timeout=5000)
    assert page.locator(".leaflet-popup-content").count() == 1
    assert opened.errors == []


def test_places_to_check_are_hollow_listed_first_and_keyboard_reachable(geoparser, gazetteer, open_map):  # noqa: F811
    frame, document = _map(geoparser, gazetteer)
    page = open_map(document).page
    low = page.evaluate("geoMap.places.filter(p => p.resolved && p.conf < geoData.reviewBelow).length")
    assert low >= 1
    first = page.locator(".geo-panel section").filter(has=page.locator("h2")).nth(1).locator("h2").inner_text()
    assert first.startswith("Check these")
    assert page.locator("path.geo-check").count() == low
    dash = page.locator("path.geo-check").first.get_attribute("stroke-dasharray")
    assert dash and page.locator("path.geo-check").first.get_attribute("fill-opacity") == "0.2"
    assert page.locator("#geo-legend .geo-dot-check").count() == 1
    # keyboard: Tab to a place to check, Enter opens its popup, the readings are buttons in it
    page.locator(".geo-check-these button.geo-place").first.focus()
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-content .geo-review-tools").wait_for()
    assert page.locator(".leaflet-popup-content button.geo-drop").count() == 1
    assert page.locator("#geo-review-status").get_attribute("aria-live") == "assertive"


def test_hostile_text_is_inert_in_the_review_controls(open_map, tmp_path):  # noqa: F811
    import tomllib

    from geo.frame import PLACES_ATTR, to_frame
    from geo.types import Alternative, Candidate, Mention, Place

    article = " ".join(f"Trouble in {h}." for h in HOSTILE)
    places = []
    for i, h in enumerate(HOSTILE):
        start = article.index(h)
        m = Mention(start=start, end=start + len(h), text=h, sentence=f"Trouble in {h}.")
        chosen = Candidate(geonameid=None, name=h, kind="city", lat=10.0 + i, lon=20.0 + i, country_code="ZZ")
        alt = Candidate(geonameid=None, name=h + " (other)", kind="city", lat=30.0 + i, lon=-20.0 - i, country_code="ZZ")
        places.append(Place(name=h, mentions=(m,), candidate=chosen, confidence=0.3,
                            alternatives=(Alternative(alt, 0.2, 0.2),)))
    lost = "Nowhere " + HOSTILE[4]
    start = len(article) + 1
    article += " " + lost
    places.append(Place(name=lost, mentions=(Mention(start=start, end=start + len(lost), text=lost),),
                        alternatives=(Alternative(Candidate(geonameid=None, name="Somewhere " + HOSTILE[0], kind="city",
                                                            lat=1.5, lon=2.5), 0.4, 0.4),)))
    frame = to_frame(places)
    assert len(frame.attrs[PLACES_ATTR]) == len(HOSTILE) + 1
    opened = open_map(render_map(frame, title=HOSTILE[0], article=article, countries={"ZZ": HOSTILE[1]}))
    page = opened.page
    for i in range(len(HOSTILE)):
        page.locator(f"button.geo-place[data-place='{i}']").first.click()
        alt = page.locator(".leaflet-popup-content button.geo-alt").first
        alt.wait_for()
        assert alt.evaluate("e => e.textContent").startswith(HOSTILE[i] + " (other)")
        assert HOSTILE[1] in alt.evaluate("e => e.textContent")  # the country's name, as text
        _relabel(page, HOSTILE[(i + 1) % len(HOSTILE)], pins=i + 1)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img:not(.leaflet-tile)").count() == 0
    # the unplaced name's tools: a search among the readings, shown as text
    lost_id = len(HOSTILE)
    page.locator(f"#geo-place-{lost_id} details.geo-alts summary").click()
    page.locator(f"#geo-place-{lost_id} input.geo-search-input").fill("somewhere <scr")
    pick = page.locator(f"#geo-place-{lost_id} button.geo-search-pick")
    pick.first.wait_for()
    assert pick.first.evaluate("e => e.textContent").startswith("Somewhere " + HOSTILE[0])
    pick.first.click()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    text = page.evaluate("geoReview.corrections()")
    doc = tomllib.loads(text)
    assert [p.get("label") for p in doc["pin"]] == [HOSTILE[(i + 1) % len(HOSTILE)] for i in range(len(HOSTILE))] + [None]
    assert [p["name"] for p in doc["pin"]] == HOSTILE + [lost]
    assert (doc["pin"][-1]["lat"], doc["pin"][-1]["lon"]) == (1.5, 2.5)
    listed = page.locator("#geo-review-list li span").all_inner_texts()
    assert len(listed) == len(HOSTILE) + 1 and all("renamed" in x for x in listed[:-1])
    assert opened.errors == []


def _luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(x) for x in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _rgb(css):
    return [float(x) for x in css[css.index("(") + 1:css.index(")")].split(",")[:3]]


def test_offline_a_mentioned_country_does_not_look_like_water(geoparser, gazetteer, open_map):  # noqa: F811
    text = "Aid convoys crossed from Chad into Sudan on Monday, officials in Khartoum said.\n"
    frame = geoparser.geoparse(text)
    page = open_map(render_map(frame, title="Sudan", article=text, outlines=gazetteer.outlines(),
                               basemap_outlines=True), tiles="fail").page
    water = _rgb(page.evaluate("getComputedStyle(document.querySelector('.leaflet-container')).backgroundColor"))
    land = _rgb(page.locator("path.geo-basemap").first.evaluate("e => getComputedStyle(e).fill"))
    outline = page.locator("path.geo-outline").first
    fill = _rgb(outline.evaluate("e => getComputedStyle(e).fill"))
    alpha = float(outline.evaluate("e => getComputedStyle(e).fillOpacity"))
    seen = [alpha * f + (1 - alpha) * g for f, g in zip(fill, land)]  # the country's tint over the land
    lighter, darker = sorted((_luminance(seen), _luminance(water)), reverse=True)
    assert (lighter + 0.05) / (darker + 0.05) >= 1.3, (seen, water)


def test_the_corpus_map_lists_unplaced_names_and_draws_every_country(gazetteer):
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    from geo.render_corpus import corpus_data, corpus_map

    rows = pd.DataFrame({"doc_id": ["a", "a", "b", "c"], "name": ["Paris", "Kelleysburg", "Kelleysburg", HOSTILE[0]],
                         "kind": ["city", "unknown", "unknown", "unknown"], "country_code": ["FR", None, None, None],
                         "country": ["France", None, None, None], "geonameid": [2988507, None, None, None],
                         "mentions": [2, 1, 3, 1], "adjectival_mentions": [0, 0, 0, 0],
                         "resolved": [True, False, False, False]})
    frame = gpd.GeoDataFrame(rows, geometry=[Point(2.35, 48.86), None, None, None], crs="EPSG:4326")
    data = corpus_data(frame)
    assert data["unplaced"] == [["Kelleysburg", 2, 4], [HOSTILE[0], 1, 1]]
    outlines = gazetteer.outlines()
    document = corpus_map(frame, title="Corpus", outlines=outlines)
    block = json.loads(document.split('id="geo-corpus-data">', 1)[1].split("</script>", 1)[0])
    drawn = {f["properties"]["cc"]: f["properties"]["c"] for f in block["countries"]["features"]}
    assert len(drawn) >= len(outlines) - 5 and drawn["FR"] >= 0 and drawn.get("DE") == -1


def test_an_unplaced_name_is_pinned_by_typing_a_name(geoparser, gazetteer, open_map):  # noqa: F811
    _frame_, document = _map(geoparser, gazetteer)
    page = open_map(document, tiles="fail").page
    hamlet = _id(page, "Kelleysburg")
    pool = page.evaluate("geoMap.places.flatMap(p => (p.alt || []).map(a => [a[0], a[7], a[8]]))")
    target = next(a for a in pool if a[0].startswith("Marion"))
    page.locator(f"#geo-place-{hamlet} details.geo-alts summary").click()
    search = page.locator(f"#geo-place-{hamlet} input.geo-search-input")
    search.focus()
    page.keyboard.type("mario")
    picks = page.locator(f"#geo-place-{hamlet} button.geo-search-pick")
    picks.first.wait_for()
    assert all("Marion" in t for t in picks.all_inner_texts())
    picks.filter(has_text=target[0]).first.focus()
    page.keyboard.press("Enter")
    shown = {p["name"]: (p["lat"], p["lon"]) for p in page.evaluate("geoReview.placesShown()")}
    assert shown["Kelleysburg"] == pytest.approx((target[1], target[2]), abs=1e-4)
    assert "Kelleysburg pinned at" in page.locator("#geo-review-status").inner_text()


def test_the_legend_is_collapsed_on_narrow_screens_and_covers_no_marker(geoparser, gazetteer, open_map):  # noqa: F811
    _frame_, document = _map(geoparser, gazetteer)
    narrow = open_map(document, width=420, height=800).page
    assert narrow.evaluate("document.getElementById('geo-legend').open") is False
    wide = open_map(document).page
    covered = wide.evaluate("""() => {
        const box = document.getElementById('geo-legend').getBoundingClientRect();
        return Array.from(document.querySelectorAll('path.geo-marker')).filter(p => {
            const b = p.getBoundingClientRect();
            return b.right >= box.left && b.left <= box.right && b.bottom >= box.top && b.top <= box.bottom;
        }).length; }""")
    assert covered == 0


def _relabel(page, label: str, *, pins: int) -> None:
    """Rename the place of the open popup; on a loaded machine the popup may still be re-rendering after
    its flight, so the rename is given again (at most three times) until the page holds ``pins`` pins."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(3):
        page.locator(".leaflet-popup-content .geo-relabel-input").last.fill(label)
        page.locator(".leaflet-popup-content .geo-relabel button").last.click()
        try:
            page.wait_for_function("n => (geoReview.corrections().match(/\\[\\[pin\\]\\]/g) || []).length >= n",
                                   arg=pins, timeout=5000)
            return
        except PlaywrightTimeout:
            continue
