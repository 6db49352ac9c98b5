"""The public Python API: ``geo.__all__``, a light ``import geo``, ``geo.geoparse`` and ``Geoparser``."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys

import geopandas as gpd
import pytest

import geo
from geo.errors import GeoError, InputError, UsageError

PUBLIC = [
    "__version__",
    "geoparse",
    "Geoparser",
    "Mention",
    "Candidate",
    "Place",
    "read_article",
    "render_map",
    "render_image",
    "GeoError",
    "UsageError",
    "InputError",
    "GazetteerError",
    "GeocoderError",
]

ISSUE_COLUMNS = ["name", "geonameid", "kind", "country_code", "population", "mentions", "surface_forms", "spans",
                 "snippets", "confidence", "resolved", "geometry"]

HEAVY = ("spacy", "geopandas", "folium", "pandas", "shapely", "numpy", "thinc", "branca", "matplotlib", "pyproj")


def test_all_is_pinned():
    assert geo.__all__ == PUBLIC


def test_every_public_name_resolves():
    for name in PUBLIC:
        if name == "render_map":
            continue  # needs geo.render (tested below)
        assert getattr(geo, name) is not None, name
    assert set(PUBLIC) <= set(dir(geo))
    with pytest.raises(AttributeError):
        geo.no_such_thing  # noqa: B018


def test_render_map_is_public():
    render = pytest.importorskip("geo.render")
    assert geo.render_map is render.render_map


def test_version_matches_the_installed_distribution():
    assert geo.__version__ == importlib.metadata.version("geo")


def test_error_tree():
    assert issubclass(UsageError, GeoError) and issubclass(InputError, GeoError)
    assert issubclass(geo.GazetteerError, GeoError) and issubclass(geo.GeocoderError, GeoError)
    assert (GeoError.exit_code, InputError.exit_code, UsageError.exit_code) == (1, 1, 2)


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True, timeout=60)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_import_geo_is_light():
    mods = _modules_after("import geo")
    assert "geo" in mods and "geo.types" in mods
    assert not {m.split(".")[0] for m in mods} & set(HEAVY), sorted(m for m in mods if m.split(".")[0] in HEAVY)


def test_cli_parser_is_light():
    # `geo --help` must answer without loading spaCy or GeoPandas
    mods = _modules_after("import geo.cli; geo.cli.build_parser()")
    assert "geo.cli" in mods
    assert not {m.split(".")[0] for m in mods} & set(HEAVY)


def test_geoparse_returns_a_geodataframe(gazetteer, seed_text):
    frame = geo.geoparse(seed_text)
    assert isinstance(frame, gpd.GeoDataFrame)
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    assert set(ISSUE_COLUMNS) <= set(frame.columns)
    ids = set(frame["geonameid"].dropna().astype(int))
    assert {163843, 99237, 2635167, 6252001} <= ids
    assert frame["geonameid"].dropna().is_unique  # one row per distinct place
    assert not frame["name"].isin(["Islamic State", "Syrian Democratic Forces", "Ronahi TV"]).any()


def test_geoparse_on_text_without_places(gazetteer):
    frame = geo.geoparse("The committee met on Tuesday and agreed on the budget.")
    assert isinstance(frame, gpd.GeoDataFrame) and len(frame) == 0
    assert frame.crs.to_epsg() == 4326 and set(ISSUE_COLUMNS) <= set(frame.columns)


def test_geoparser_stages_agree(geoparser):
    text = "Storms hit Paris, Texas, on Monday. Later the storm reached Dallas."
    mentions = geoparser.mentions(text)
    places = geoparser.places(text)
    frame = geoparser.geoparse(text)
    assert [m.text for m in mentions] == ["Paris", "Texas", "Dallas"]
    assert sorted(m.start for p in places for m in p.mentions) == [m.start for m in mentions]
    assert frame["name"].tolist() == [p.name for p in places]
    (piped,) = list(geoparser.pipe([text]))
    assert [(p.name, p.candidate and p.candidate.geonameid) for p in piped] == \
        [(p.name, p.candidate and p.candidate.geonameid) for p in places]


def test_geoparser_rejects_bad_text(geoparser):
    with pytest.raises(TypeError):
        geoparser.places(b"bytes are not text")
    from geo.pipeline import MAX_TEXT_CHARS

    with pytest.raises(InputError, match="too long"):
        geoparser.places("a" * (MAX_TEXT_CHARS + 1))


def test_types_are_frozen():
    m = geo.Mention(0, 5, "Syria")
    with pytest.raises(AttributeError):
        m.start = 1  # type: ignore[misc]
