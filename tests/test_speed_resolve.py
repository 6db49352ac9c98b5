"""The fast paths of candidate generation and resolution (issue 16, throughput) answer exactly what
the plain ones did: each is checked against the definition it replaces."""

from __future__ import annotations

import random
import re
import sqlite3

import pytest

from geo import _features_resolve as fr


def _random_texts(seed: int, count: int):
    rnd = random.Random(seed)
    alphabet = list("abcTHEthe  \t\n\u00a0,.-'9\u00e9") + ["the ", "The ", "lake ", "river "]
    for _ in range(count):
        yield "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 16)))


@pytest.mark.parametrize("text", ["", " ", "lake ", "the ", "crossed the ", "9ab cd ", "ab-cd ef ", "x,  y ",
                                  "Tothe ", "bathe  ", "THE\u00a0", "caf\u00e9 de ", "in the\n"])
def test_words_before_a_mention_are_those_the_search_found(text):
    found = re.search(r"((?:[A-Za-z]+\s+){1,2})$", text)
    reversed_match = fr._WORDS_BEFORE_REVERSED.match(text[::-1])
    assert (reversed_match.group(0)[::-1] if reversed_match else None) == (found.group(1) if found else None)
    assert bool(fr._THE_BEFORE_REVERSED.match(text[::-1])) == bool(re.search(r"\bthe\s+$", text, re.I))


def test_words_before_a_mention_on_random_text():
    for text in _random_texts(16, 20_000):
        found = re.search(r"((?:[A-Za-z]+\s+){1,2})$", text)
        reversed_match = fr._WORDS_BEFORE_REVERSED.match(text[::-1])
        assert (reversed_match.group(0)[::-1] if reversed_match else None) == (found.group(1) if found else None), text
        assert bool(fr._THE_BEFORE_REVERSED.match(text[::-1])) == bool(re.search(r"\bthe\s+$", text, re.I)), text


def test_a_feature_read_by_name_is_the_one_its_id_reads(gazetteer):
    from geo.gazetteer._features import FeatureIndex

    by_name, by_query = FeatureIndex(gazetteer.path), FeatureIndex(gazetteer.path)
    try:
        found = [fm.feature for name in ("Danube", "Black Sea", "Lake Chad", "Andes", "Sahel", "Scioto River", "Nile")
                 for fm in by_name.matches(name)]
        assert len({f.fid for f in found}) >= 5
        for f in found:
            fresh = by_query.by_id(f.fid)  # (this index has read nothing by name: a query)
            assert by_name.by_id(f.fid) is f and fresh == f and fresh.geometry_wkb == f.geometry_wkb
        assert by_name.by_id(-1) is None
    finally:
        by_name.close()
        by_query.close()


def test_names_are_one_table_clustered_on_the_look_up_key(gazetteer):
    con = sqlite3.connect(f"file:{gazetteer.path}?mode=ro", uri=True)
    try:
        objects = con.execute("SELECT type, name FROM sqlite_master WHERE tbl_name LIKE 'names%'").fetchall()
        plan = " ".join(r[-1] for r in con.execute("EXPLAIN QUERY PLAN SELECT pid, primary_name FROM names "
                                                   "WHERE norm = ?", ("paris",)))
        free = con.execute("PRAGMA freelist_count").fetchone()[0]
        rows = con.execute("SELECT COUNT(*), COUNT(DISTINCT norm) FROM names").fetchone()
    finally:
        con.close()
    assert objects == [("table", "names")]  # no index beside it, no table left from the build
    assert "USING PRIMARY KEY (norm=?)" in plan
    assert free == 0  # (the temporary table of the build was not in the file)
    assert rows[0] > rows[1] > 100_000
