"""geo.render_image and ``geo map -o story.png|svg|pdf``: locator map pictures.

Frames are built by hand (places of the Horn of Africa, the Andes, Japan, the Pacific) with
hand-drawn outlines, so most tests need neither the model nor the gazetteer; the command-line
tests use the session's gazetteer and the sample articles.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

import geo
from geo.errors import UsageError
from geo.image import MapLayer, alt_path, render_image
from geo.image._labels import Anchor, Box, place_labels

REPO = Path(__file__).resolve().parents[1]
SVG_NS = "{http://www.w3.org/2000/svg}"
HOSTILE_TITLE = '<script>alert("x")</script> & "quoted" \'single\' $x^2$ ]]> <!-- end'
HOSTILE_NAME = '<b onmouseover="alert(1)">Fake & Co</b>'

ETHIOPIA = {"type": "Polygon", "coordinates": [[[33.0, 3.4], [48.0, 4.5], [43.0, 12.0], [36.5, 14.8], [33.0, 8.0],
                                                [33.0, 3.4]]]}
KENYA = {"type": "Polygon", "coordinates": [[[34.0, -4.7], [41.0, -1.7], [41.9, 4.0], [35.5, 4.9], [34.0, 1.0],
                                             [34.0, -4.7]]]}
JAPAN = {"type": "MultiPolygon", "coordinates": [[[[130.0, 31.0], [142.0, 36.0], [141.5, 41.5], [139.5, 40.0],
                                                   [131.0, 34.5], [130.0, 31.0]]],
                                                 [[[140.0, 42.0], [145.8, 43.4], [141.5, 45.5], [140.0, 42.0]]]]}
OUTLINES = {"ET": ETHIOPIA, "KE": KENYA, "JP": JAPAN}


def _row(name, kind, point=None, *, cc=None, country=None, mentions=1, adj=0, source="gazetteer"):
    return {"name": name, "kind": kind, "country_code": cc, "country": country, "geonameid": None,
            "population": None, "mentions": mentions, "adjectival_mentions": adj, "surface_forms": [name],
            "spans": [[0, len(name)]], "adjectival_spans": [], "snippets": [], "confidence": 0.9,
            "resolved": point is not None, "source": source if point is not None else None,
            "geometry": Point(*point) if point is not None else None}


def _frame(rows):
    frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs="EPSG:4326")
    frame["geonameid"] = frame["geonameid"].astype("Int64")
    frame["population"] = frame["population"].astype("Int64")
    return frame


def horn_frame():
    """A drought story: towns of southern Ethiopia and northern Kenya, the two countries, a continent."""
    return _frame([
        _row("Ethiopia", "country", (39.6, 8.6), cc="ET", country="Ethiopia", mentions=4, adj=2),
        _row("Kenya", "country", (37.9, 0.2), cc="KE", country="Kenya", mentions=3),
        _row("Moyale", "city", (39.06, 3.52), cc="KE", country="Kenya", mentions=5),
        _row("Marsabit", "city", (37.99, 2.33), cc="KE", country="Kenya", mentions=2),
        _row("Dolo Odo", "village", (42.06, 4.18), cc="ET", country="Ethiopia", mentions=2),
        _row("Borena Zone", "admin2", (38.5, 4.6), cc="ET", country="Ethiopia", mentions=1),
        _row("Lodwar", "city", (35.6, 3.12), cc="KE", country="Kenya", mentions=1),
        _row("Africa", "continent", (20.0, 5.0), mentions=1),
        _row("Qoxle", "unknown", None, mentions=1),
    ])


def crowded_frame(n=40):
    """Forty camps within 30 km of each other: not every label can fit."""
    rows = [_row("Kenya", "country", (37.9, 0.2), cc="KE", country="Kenya", mentions=2)]
    for i in range(n):
        lon, lat = 40.0 + (i % 8) * 0.05, 2.0 + (i // 8) * 0.05
        rows.append(_row(f"Camp {chr(65 + i % 26)}{i}", "place", (lon, lat), cc="KE", country="Kenya",
                         mentions=1 + (i * 7) % 5))
    return _frame(rows)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def check_labels(result):
    """No label over another label or a marker; every marker labelled or listed as unlabelled."""
    for i, a in enumerate(result.labels):
        assert 0 <= a.x0 < a.x1 <= result.width and 0 <= a.y0 < a.y1 <= result.height, a
        for b in result.labels[i + 1:]:
            assert not a.overlaps(b), (a, b)
        for m in result.markers:
            assert not a.hits(m), (a, m)
    labelled = {b.index for b in result.labels}
    names = {m.index: m.name for m in result.markers}
    assert len(labelled) == len(result.labels)
    assert sorted(names[i] for i in names if i not in labelled) == sorted(result.unlabelled)
    assert labelled <= set(names)


# --------------------------------------------------------------------------- formats and sizes


def test_png_has_the_requested_size_and_alt_text_beside_it(tmp_path):
    out = tmp_path / "horn.png"
    result = render_image(horn_frame(), out, title="Drought on the border", size="900x600", outlines=OUTLINES)
    assert png_size(out.read_bytes()) == (900, 600) == (result.width, result.height)
    assert alt_path(out) == tmp_path / "horn.png.txt"
    alt = alt_path(out).read_text(encoding="utf-8")
    assert alt.strip() == result.alt_text
    assert alt.startswith("Map of ") and "Moyale (city or town)" in alt and "Dolo Odo (village)" in alt
    assert "Africa" in result.off_map and "outside the map: Africa" in alt
    assert result.not_placed == ("Qoxle",)
    assert "+proj=aeqd" in result.projection
    check_labels(result)


def test_a_local_story_gets_an_overview_inset():
    frame = _frame([_row("Moyale", "city", (39.06, 3.52), cc="KE", mentions=3),
                    _row("Sololo", "city", (38.65, 3.55), cc="KE"), _row("Butiye", "village", (39.3, 3.7), cc="KE")])
    result = render_image(frame, None, fmt="png", outlines=OUTLINES)
    assert result.inset and not result.unlabelled
    assert "an inset map shows where the area lies" in result.alt_text
    check_labels(result)


@pytest.mark.parametrize("preset, size", [("social", (1200, 675)), ("column", (800, 600)), ("print", (1800, 1200))])
def test_presets(preset, size):
    result = render_image(horn_frame(), None, fmt="png", preset=preset, outlines=OUTLINES)
    assert png_size(result.data) == size
    assert result.dpi == (300 if preset == "print" else 100)
    check_labels(result)


def test_pdf_and_svg(tmp_path):
    pdf = render_image(horn_frame(), tmp_path / "horn.pdf", outlines=OUTLINES, style="dark")
    assert (tmp_path / "horn.pdf").read_bytes().startswith(b"%PDF-")
    assert pdf.fmt == "pdf"
    svg = render_image(horn_frame(), tmp_path / "horn.svg", title="Drought", outlines=OUTLINES)
    root = ET.parse(tmp_path / "horn.svg").getroot()
    assert root.tag == SVG_NS + "svg" and root.get("role") == "img"
    assert root.get("width") == "864pt" and root.get("height") == "576pt"  # 1200 x 800 px at 100 dpi
    assert root.find(SVG_NS + "title").text == "Drought"
    assert root.find(SVG_NS + "desc").text == svg.alt_text
    texts = [e.text for e in root.iter(SVG_NS + "text")]
    for box in svg.labels:  # the labels stay text, not outlines
        assert box.name in texts


def test_same_input_same_bytes(tmp_path):
    first = render_image(horn_frame(), tmp_path / "a.svg", title="Same", outlines=OUTLINES).data
    second = render_image(horn_frame(), tmp_path / "b.svg", title="Same", outlines=OUTLINES).data
    assert first == second and (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    png = [render_image(horn_frame(), None, fmt="png", outlines=OUTLINES).data for _ in range(2)]
    assert png[0] == png[1]
    assert b"tIME" not in png[0]  # no timestamp chunk
    pdf = [render_image(horn_frame(), None, fmt="pdf", outlines=OUTLINES).data for _ in range(2)]
    assert pdf[0] == pdf[1] and b"/CreationDate" not in pdf[0]
    assert b"<dc:date>" not in first


def test_hostile_text_is_text_in_svg(tmp_path):
    frame = horn_frame()
    frame.loc[2, "name"] = HOSTILE_NAME
    out = tmp_path / "hostile.svg"
    result = render_image(frame, out, title=HOSTILE_TITLE, source='Reuters & "AP" <i>', outlines=OUTLINES)
    data = out.read_bytes()
    root = ET.fromstring(data)  # still well-formed XML
    assert not [e for e in root.iter() if e.tag.split("}")[-1] in ("script", "b", "i", "foreignObject")]
    assert root.find(SVG_NS + "title").text == " ".join(HOSTILE_TITLE.split())
    texts = [e.text for e in root.iter(SVG_NS + "text")]
    assert " ".join(HOSTILE_TITLE.split()) in texts  # shown as written: no markup, no mathtext for $x^2$
    assert HOSTILE_NAME in texts and HOSTILE_NAME in [b.name for b in result.labels]
    assert any(t and t.startswith("Source: Reuters & \"AP\" <i>") for t in texts)
    assert b"<script" not in data and b"&lt;script&gt;" in data and b"<b " not in data


# --------------------------------------------------------------------------- labels


def test_crowded_labels_never_overlap_and_the_rest_are_listed():
    result = render_image(crowded_frame(), None, fmt="png", size="640x400", outlines=OUTLINES)
    assert len(result.markers) == 41
    assert result.unlabelled, "forty camps in 30 km cannot all be labelled at 640x400"
    assert result.labels
    check_labels(result)
    # the least mentioned go first: no unlabelled place is mentioned more than every labelled camp
    mentions = {f"Camp {chr(65 + i % 26)}{i}": 1 + (i * 7) % 5 for i in range(40)}
    labelled = [mentions[b.name] for b in result.labels if b.name in mentions]
    assert max(mentions[n] for n in result.unlabelled if n in mentions) <= max(labelled)


def test_placer_boxes_and_circles():
    box = Box(0, 0, 10, 10)
    assert box.overlaps(Box(9, 9, 20, 20)) and not box.overlaps(Box(10, 0, 20, 10))  # touching is fine
    assert box.hits_circle(13, 5, 3.5) and not box.hits_circle(13, 5, 3.0)
    assert not box.hits_circle(13, 13, 4.2) and box.hits_circle(13, 13, 4.3)  # the corner, exactly
    anchors = [Anchor(0, 50, 50, 5, 30, 10), Anchor(1, 52, 50, 5, 30, 10), Anchor(2, 50, 52, 5, 30, 10)]
    placed, unplaced = place_labels(anchors, Box(0, 0, 100, 100), gap=2, pad=1)
    boxes = [p.box for p in placed]
    assert len(placed) + len(unplaced) == 3
    assert all(not a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert all(not b.grown(1).hits_circle(a.x, a.y, a.radius) for b in boxes for a in anchors)


def test_world_map_has_no_scale_bar_and_no_inset():
    frame = _frame([_row("Japan", "country", (138.0, 36.0), cc="JP", country="Japan", mentions=3),
                    _row("Kenya", "country", (37.9, 0.2), cc="KE", country="Kenya", mentions=2),
                    _row("Peru", "country", (-75.0, -9.0), cc="PE", country="Peru")])
    result = render_image(frame, None, fmt="svg", outlines=OUTLINES)
    assert "+proj=eqearth" in result.projection and not result.inset
    assert result.alt_text.startswith("World map showing Japan, Kenya and Peru")
    assert " km<" not in result.data.decode()
    check_labels(result)


def test_a_place_across_the_antimeridian():
    frame = _frame([_row("Suva", "city", (178.44, -18.14), cc="FJ", mentions=2),
                    _row("Apia", "city", (-171.76, -13.83), cc="WS"),
                    _row("Nuku'alofa", "city", (-175.2, -21.14), cc="TO")])
    result = render_image(frame, None, fmt="png", outlines=OUTLINES)
    xs = [m.x for m in result.markers]
    assert max(xs) - min(xs) < result.width * 0.9  # framed across 180°, not around the world
    assert not result.unlabelled
    check_labels(result)


def test_extra_layers_are_drawn_and_credited():
    lake = MapLayer("lakes", ({"type": "Polygon", "coordinates": [[[36.0, 2.5], [36.6, 2.5], [36.6, 4.4],
                                                                   [36.0, 4.4], [36.0, 2.5]]]},),
                    role="water", credit="lakes: a test layer")
    border = MapLayer("divisions", ({"type": "LineString", "coordinates": [[35.0, 1.0], [41.0, 1.0]]},),
                      role="boundary")
    with_layers = render_image(horn_frame(), None, fmt="png", outlines=OUTLINES, layers=[lake, border])
    without = render_image(horn_frame(), None, fmt="png", outlines=OUTLINES)
    assert with_layers.data != without.data
    assert "lakes: a test layer" in with_layers.credit and "lakes" not in without.credit
    with pytest.raises(UsageError):
        MapLayer("roads", (), role="road")


@pytest.mark.parametrize("kwargs, message", [
    ({"size": "0x5"}, "100 to"), ({"preset": "poster"}, "preset"), ({"dpi": 10}, "dpi"),
    ({"style": "sepia"}, "style"), ({"fmt": "bmp"}, "format"), ({"fmt": "html"}, "render_map"),
])
def test_bad_options_are_usage_errors(tmp_path, kwargs, message):
    kwargs = {"fmt": "png", **kwargs}
    out = tmp_path / "x.png"
    with pytest.raises(UsageError, match=message):
        render_image(horn_frame(), out, outlines=OUTLINES, **kwargs)
    assert not list(tmp_path.iterdir())


def test_import_geo_stays_light():
    code = ("import sys, geo, geo.image; f = geo.render_image; "
            "print(sorted(m for m in ('matplotlib', 'pyproj', 'geopandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)}).stdout
    assert out.strip() == "[]"
    assert geo.render_image is render_image


# --------------------------------------------------------------------------- command line


def _geo(geo_exe, *args, cwd=None):
    proc = subprocess.run([geo_exe, *map(str, args)], check=False, capture_output=True, text=True, cwd=cwd, timeout=300)
    return proc


@pytest.mark.parametrize("args, code, pattern", [
    (["--size", "0x5", "-o", "x.png"], 2, r"--size 0x5: each side"),
    (["--preset", "poster", "-o", "x.png"], 2, r"invalid choice: 'poster'"),
    (["-o", "x.bmp"], 2, r"x\.bmp: cannot tell the format"),
    (["--format", "gif"], 2, r"invalid choice: 'gif'"),
    (["--dpi", "0", "-o", "x.svg"], 2, r"--dpi 0"),
    (["--size", "800x600"], 2, r"--size: only for a picture"),
    (["-o", "x.png", "--layer", "roads=x.png"], 2, r"give water=FILE or boundary=FILE"),
    (["-o", "x.png", "--layer", "water=lakes.geojson"], 2, r"lakes\.geojson: no such file"),
    (["-o", "x.png", "--layer", "water=x.png"], 1, r"x\.png: cannot be read as a vector file"),
])
def test_cli_bad_picture_options_fail_before_geoparsing(geo_exe, tmp_path, args, code, pattern):
    (tmp_path / "x.png").write_bytes(b"an earlier picture")
    proc = _geo(geo_exe, "map", "no-such-article.txt", *args, cwd=tmp_path)  # the article is never read
    assert proc.returncode == code, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and re.search(pattern, lines[0]) and "error" in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.png"]
    assert (tmp_path / "x.png").read_bytes() == b"an earlier picture"


def test_cli_writes_the_corrected_frame_as_a_picture(geo_exe, gazetteer, tmp_path):
    article = tmp_path / "oder.txt"
    article.write_text((REPO / "data" / "articles" / "oder-flood.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "oder.geo.toml").write_text('[[drop]]\nname = "Potsdam"\n', encoding="utf-8")
    proc = _geo(geo_exe, "map", article, "-o", tmp_path / "oder.png", "--preset", "column", "--alt",
                "--source-note", "Reporting: the desk", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert png_size((tmp_path / "oder.png").read_bytes()) == (800, 600)
    alt = (tmp_path / "oder.png.txt").read_text(encoding="utf-8").strip()
    assert proc.stdout.strip() == alt and "Wrocław" in alt
    assert "Potsdam" not in alt, "the correction dropped it"
    assert "dropped 'Potsdam'" in proc.stderr and "wrote " in proc.stderr
    river = tmp_path / "river.geojson"  # a river along the border, as a water layer
    river.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
                     '"geometry": {"type": "LineString", "coordinates": [[14.6, 52.6], [14.55, 52.35], [15.0, 51.8], '
                     '[16.5, 51.2], [17.9, 50.2]]}}]}', encoding="utf-8")
    svg = _geo(geo_exe, "map", article, "--format", "svg", "-o", tmp_path / "oder-map", "-q",
               "--layer", f"water={river}", cwd=tmp_path)
    assert svg.returncode == 0 and svg.stderr == ""
    root = ET.parse(tmp_path / "oder-map").getroot()
    assert root.tag == SVG_NS + "svg"
    assert any("water: river.geojson" in (e.text or "") for e in root.iter(SVG_NS + "text"))


def test_nothing_placed_still_gives_a_picture_that_says_so():
    frame = _frame([_row("Qoxle", "unknown", None), _row("Erewhon", "unknown", None, mentions=2)])
    result = render_image(frame, None, fmt="png", size="400x300", outlines=OUTLINES)
    assert png_size(result.data) == (400, 300)
    assert result.markers == () and result.labels == () and result.unlabelled == ()
    assert result.not_placed == ("Qoxle", "Erewhon")
    assert result.alt_text == "World map with no places marked."
