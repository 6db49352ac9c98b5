"""Shared fixtures: one gazetteer and one Geoparser for the whole session.

The gazetteer (an SQLite file of ~50 MB that takes ~15 s to build) is built once, into a
temporary directory named by ``GEO_CACHE_DIR``; the variable is set in ``os.environ`` so the
CLI subprocesses the tests start inherit it and reuse the same file instead of the user's cache.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from _shared import shared_file

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def geo_cache_dir(tmp_path_factory):
    """A session-wide cache directory; variables that would point geo elsewhere are cleared.

    GEO_GEOCODER and GEO_CORRECTIONS are cleared too: the tests run offline on the embedded gazetteer.
    """
    cache = tmp_path_factory.mktemp("geo-cache")
    cleared = ("GEO_GAZETTEER", "GEO_PROGRESS", "GEO_GEOCODER", "GEO_CORRECTIONS")
    saved = {k: os.environ.get(k) for k in ("GEO_CACHE_DIR", *cleared)}
    os.environ["GEO_CACHE_DIR"] = str(cache)
    for key in cleared:  # GEO_PROGRESS: keep stderr of CLI runs free of progress bars
        os.environ.pop(key, None)
    yield cache
    shutil.rmtree(cache, ignore_errors=True)  # 50 MB; pytest would keep it for three sessions
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def gazetteer(geo_cache_dir):
    """The session's gazetteer, built on first use in ``geo_cache_dir``."""
    from geo.gazetteer import open_gazetteer

    gz = open_gazetteer(progress=False)
    assert Path(gz.path).parent == geo_cache_dir, "the gazetteer must live in the session cache dir"
    return gz


@pytest.fixture(scope="session")
def geoparser(gazetteer):
    """One Geoparser (spaCy model + gazetteer) shared by every test of the session."""
    from geo.pipeline import Geoparser

    return Geoparser(gazetteer=gazetteer, progress=False)


#: an article written for the tests (no ../shared needed): countries named and used as adjectives
#: ("Syrian", "Iraqi"), a dateline, cities of four countries, a place given as "City, Country"
STORY = """\
Euphrates at a record low as drought grips Syria and Iraq

RAQQA, Syria (Reuters) - The Euphrates fell to its lowest level in living memory this summer, farmers in
northeastern Syria said on Tuesday, as dams upstream in Turkey held back what little water the river still
carries. Syrian growers around Raqqa and Deir ez-Zor have given up on wheat and planted barley instead.

Downstream in Iraq, the water ministry in Baghdad warned that the marshes near Basra could dry out by
autumn. "We have never seen the river like this," said an Iraqi official who asked not to be named.
Aid agencies said they would send tankers from Amman, Jordan, and from Erbil before the end of the month.

The United Nations said more than a million people in Syria and Iraq depend on the river for drinking water.
"""


@pytest.fixture(scope="session")
def story_text() -> str:
    return STORY


@pytest.fixture(scope="session")
def story_article(tmp_path_factory) -> Path:
    """:data:`STORY` as a .txt file, for the commands."""
    path = tmp_path_factory.mktemp("story") / "euphrates-drought.txt"
    path.write_text(STORY, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def seed_article() -> Path:
    """The seed article beside the repository (../shared/seed/article.txt), never copied into it.

    A test that asks for it is skipped, with the reason, when ../shared is absent (a fresh clone).
    """
    return shared_file("seed/article.txt")


@pytest.fixture(scope="session")
def seed_text(seed_article) -> str:
    return seed_article.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def geo_exe() -> str:
    """The ``geo`` console script of the Python running the tests."""
    for candidate in (Path(sys.executable).parent / "geo", shutil.which("geo")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    pytest.fail("the `geo` console script is not installed; run `pip install -e .[test]`", pytrace=False)
