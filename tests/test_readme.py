"""Every Python example of README.md runs as written, after the README's install.

The ```python blocks are taken from the README at test time and run, in order, in a temporary folder
holding the files they name (``article.txt`` and ``story.html``: the tests' own article; the places file
and the corrections file: the README's own ```csv and ```toml examples). ``text`` and ``texts`` — the
names the examples leave to the reader — are the tests' article. Online geocoders are never reached:
every name of the article resolves offline, and a geocoder is asked only about the others.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)


def test_readme_has_the_examples_this_test_runs():
    assert len(blocks("python")) >= 2
    assert any("explore()" in b for b in blocks("python"))
    assert len(blocks("csv")) == 1 and len(blocks("toml")) == 1


@pytest.fixture()
def folder(tmp_path, monkeypatch, story_text):
    (tmp_path / "article.txt").write_text(story_text, encoding="utf-8")
    title, _, body = story_text.partition("\n")
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n") if p.strip())
    (tmp_path / "story.html").write_text(f"<html><head><title>{title}</title></head><body>{paragraphs}</body></html>",
                                         encoding="utf-8")
    (tmp_path / "desk-places.csv").write_text(blocks("csv")[0], encoding="utf-8")
    (tmp_path / "article.geo.toml").write_text(blocks("toml")[0], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("index", range(len(blocks("python"))))
def test_python_example_runs(folder, story_text, gazetteer, index):
    import geopandas as gpd

    code = blocks("python")[index]
    namespace = {"__name__": f"readme_example_{index}", "text": story_text, "texts": [story_text, story_text]}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(compile(code, f"README.md python block {index + 1}", "exec"), namespace)  # noqa: S102
    frame = namespace["frame"]
    assert isinstance(frame, gpd.GeoDataFrame) and frame.crs.to_epsg() == 4326
    assert {"Syria", "Iraq"} <= set(frame["name"])
    # every name placed offline, so no online geocoder was asked (and none warned it could not be reached)
    assert frame["resolved"].all(), frame[~frame["resolved"]]["name"].tolist()
    assert not [w for w in caught if type(w.message).__name__ == "GeocoderWarning"]
    if "changes" in namespace:  # the corrections example: "Jordan" is dropped, as its [[drop]] says
        assert "Jordan" not in set(frame["name"]) and namespace["changes"]
    if "html" in namespace:
        assert namespace["html"].lstrip().lower().startswith("<!doctype html")
        assert namespace["article"].title == story_text.partition("\n")[0]
        assert {type(m).__name__ for m in namespace["mentions"]} == {"Mention"}
        assert {type(p).__name__ for p in namespace["places"]} == {"Place"}


def test_explore_gives_a_folium_map(gazetteer, story_text):
    """What the README's ``frame[frame.resolved].explore()`` returns, beyond not raising."""
    import folium

    import geo

    frame = geo.geoparse(story_text)
    m = frame[frame.resolved].explore()
    assert isinstance(m, folium.Map)
    assert "Baghdad" in m.get_root().render()
