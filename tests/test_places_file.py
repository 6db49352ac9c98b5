"""``geo map --from`` reads every format ``geo places`` and ``geo batch`` write, and the map is the same.

Each file is written by the library functions the commands call (``write_frame``, ``run_batch``), read
back with :func:`geo.render_corpus.read_places_file`, and aggregated with ``corpus_data``: every format
of the same places gives the same aggregate as GeoParquet. Two formats also go through the command line.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from geo.exports import BATCH_FORMATS, FORMATS, PLACES_FORMATS

#: three dated documents written for this test
FEED = [
    {"id": "a-1", "title": "Port strike ends", "date": "2024-03-02", "url": "https://news.example.org/a-1",
     "text": "In Lagos, Nigeria, the port reopened after a strike; ships waiting off Accra, Ghana, began to move."},
    {"id": "a-2", "title": "Ferries stop", "date": "2024-05-17", "url": "https://news.example.org/a-2",
     "text": "Ferries between Helsinki and Tallinn stopped as ice closed the Gulf; Estonia and Finland sent help."},
    {"id": "a-3", "title": "Heat", "date": "2024-07-30",
     "text": "The mayor of Lyon met officials from Marseille and Paris to talk about the summer heat in France."},
]


@pytest.fixture(scope="module")
def article_files(geoparser, story_text, tmp_path_factory):
    from geo.exports import write_frame

    folder = tmp_path_factory.mktemp("places-formats")
    frame = geoparser.geoparse(story_text)
    return {fmt: write_frame(frame, folder / f"story{FORMATS[fmt][0]}", fmt) for fmt in PLACES_FORMATS}


@pytest.fixture(scope="module")
def batch_files(geoparser, tmp_path_factory):
    from geo.batch import run_batch

    folder = tmp_path_factory.mktemp("batch-formats")
    feed = folder / "documents.jsonl"
    feed.write_text("".join(json.dumps(d) + "\n" for d in FEED), encoding="utf-8")
    out = {}
    for fmt in BATCH_FORMATS:
        out[fmt] = folder / f"places{FORMATS[fmt][0]}"
        run_batch([str(feed)], out[fmt], geoparser=geoparser)
    return out


def _aggregate(path):
    from geo.render_corpus import corpus_data, read_places_file

    return corpus_data(read_places_file(path))


@pytest.mark.parametrize("fmt", PLACES_FORMATS)
def test_every_format_of_geo_places_gives_the_same_map_data(article_files, fmt):
    expected = _aggregate(article_files["parquet"])
    assert expected["stats"]["places"] >= 6 and len(expected["places"]["name"]) == expected["stats"]["places"]
    assert _aggregate(article_files[fmt]) == expected


@pytest.mark.parametrize("fmt", BATCH_FORMATS)
def test_every_format_of_geo_batch_gives_the_same_map_data(batch_files, fmt):
    expected = _aggregate(batch_files["parquet"])
    assert len(expected["docs"]) == len(FEED) and len(expected["periods"]) >= 2
    assert _aggregate(batch_files[fmt]) == expected


@pytest.mark.parametrize("fmt", ["json", "kml"])  # the two the command refused before
def test_geo_map_from_json_and_kml(geo_exe, article_files, tmp_path, fmt):
    out = tmp_path / "corpus.html"
    r = subprocess.run([geo_exe, "map", "--from", str(article_files[fmt]), "-o", str(out)], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    places = _aggregate(article_files["parquet"])["stats"]["places"]
    assert r.stderr.strip() == f"wrote {out} ({places} places from 1 documents)"


@pytest.mark.parametrize("name, content", [
    ("places.json", '{"some": "object"}'),
    ("places.json", "not json at all"),
    ("places.kml", "<kml><broken"),
    ("places.geojson", '{"type": "Point", "coordinates": [1, 2]}'),
    ("places.jsonl", '{"type": "Feature", "geometry": null, "properties": {"name": "x"}}\n[1, 2]\n'),
    ("places.parquet", "PAR1 truncated"),
    ("places.gpkg", "not a database"),
    ("places.shp", "unknown extension"),
])
def test_an_unreadable_file_is_one_line_naming_the_formats(geo_exe, tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    r = subprocess.run([geo_exe, "map", "--from", str(path), "-o", str(tmp_path / "x.html")], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"geo: error: {path}: "), r.stderr
    for ext in (".parquet", ".gpkg", ".csv", ".geojson", ".json", ".jsonl", ".kml"):
        assert ext in lines[0]
    assert "DRIVER" not in lines[0] and "Prefixing" not in lines[0] and "Traceback" not in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
