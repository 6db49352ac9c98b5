"""The fast paths of issue 16 (throughput) answer exactly what the plain ones did.

Each fast path is checked against the slow definition it replaces: the normalisation against its
regular-expression definition, the whole-word search of the disease filter and of one sense per
discourse against the patterns they compiled for each name or document, the admin1 codes read once against a query per division, the
divisions read through their partial index against a scan of the whole table.
"""

from __future__ import annotations

import random
import re
import sqlite3
import unicodedata

import pytest

from geo._text import normalize, whole_words
from geo.recognize._filters import disease_names


def _normalize_by_definition(name: str) -> str:
    """normalize() as its docstring defines it, one regular expression per step."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    for a, b in (("\u0131", "i"), ("\u00df", "ss"), ("\u00f8", "o"), ("\u00d8", "o"), ("\u0142", "l"),
                 ("\u0141", "l"), ("\u00e6", "ae"), ("\u0153", "oe")):
        s = s.replace(a, b)
    s = s.casefold()
    s = re.sub(r"[\u2010-\u2015\-_/]+", " ", s)
    s = re.sub(r"[.'\u2018\u2019\u02bb\u02bc`\u00b4\"\u201c\u201d,()]+", "", s)
    return re.sub(r"\s+", " ", s).strip()


_TRICKY = ["", " ", "U.S.", "W.Va.", "St. John's", "Saint-Étienne", "Al-Raqqah", "Deir ez\u2013Zor",
           "Côte d\u2019Ivoire", "Straße", "ŁÓDŹ", "İstanbul", "ØRESUND", "Ærø", "Œuvre", "K\u2010town",
           "a--b", "a-.-b", "(Greater) London", "\u201cQuoted\u201d", "tab\there", "nbsp\u00a0space",
           "line\u2028sep", "ideographic\u3000space", "\x1c\x1dcontrol", "under_score/slash", "ＦＵＬＬ",
           "ﬁnland", "ǅurđevac", "Ḩalab", "Āfrīn", "ʻAlāʼ", "Bāghūz", "deja\u0301 vu"]


@pytest.mark.parametrize("name", _TRICKY)
def test_normalize_matches_its_definition(name):
    assert normalize(name) == _normalize_by_definition(name)


def test_normalize_matches_its_definition_on_random_text():
    rnd = random.Random(16)
    alphabet = [chr(i) for i in range(0x20, 0x2100)] + list(" \t\n\u00a0\u2028\u3000-_/.,'\u2013") * 40
    for _ in range(20_000):
        name = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 14)))
        assert normalize(name) == _normalize_by_definition(name), repr(name)


def test_normalize_of_a_long_text_matches_its_definition():
    """Texts of 1,000 characters and more (the gazetteer build's names joined) take the path of
    one replace per character of the tables."""
    rnd = random.Random(1016)
    alphabet = [chr(i) for i in range(0x20, 0x2100)] + list(" \t\u00a0\u2028-_/.,'\u2013\u0131\u00df\u0142\u0153") * 40
    for size in (999, 1000, 5000, 60_000):
        text = "".join(rnd.choice(alphabet) for _ in range(size)) + "".join(_TRICKY)
        assert normalize(text) == _normalize_by_definition(text)
    names = _TRICKY * 40  # as the build joins them
    assert len("\0".join(names)) > 1000
    assert [p.strip() for p in normalize("\0".join(names)).split("\0")] == [normalize(n) for n in names]


def _by_pattern(text: str, names: list[str], before: str = r"\-") -> list[tuple[int, int]]:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return [m.span() for m in re.finditer(rf"(?<![\w{before}])(?:{alternatives})(?![\w\-])", text)]


@pytest.mark.parametrize("text, names", [
    ("Lassa fever in Lassa, not in Lassaland or Neo-Lassa.", ["Lassa"]),
    ("Lassa", ["Lassa"]),
    ("X X X X", ["X X"]),                      # overlapping occurrences: left to right, none shared
    ("Nile-virus, Nile_x, Nile2, Nile.", ["Nile"]),
    ("ÉNile Nileé Nile", ["Nile"]),           # letters outside ASCII are word characters too
    ("West Nile virus and the West Nile", ["West Nile", "Nile", "West"]),
    ("New York New Yorker York", ["New York", "York", "New"]),  # longest first where both fit
    ("no such name here", ["Accra"]),
])
def test_whole_words_are_the_matches_of_the_pattern(text, names):
    assert list(whole_words(text, names)) == _by_pattern(text, names)
    assert list(whole_words(text, names, before="_.-")) == _by_pattern(text, names, r".\-")


def test_whole_words_on_random_text():
    rnd = random.Random(12)
    for _ in range(3_000):
        text = "".join(rnd.choice("ab -_.é1 ") for _ in range(rnd.randint(0, 30)))
        names = ["".join(rnd.choice("ab -.") for _ in range(rnd.randint(1, 3))) for _ in range(rnd.randint(1, 3))]
        assert list(whole_words(text, names)) == _by_pattern(text, names), (text, names)
        assert list(whole_words(text, names, before="_.-")) == _by_pattern(text, names, r".\-"), (text, names)


def test_disease_names_found_as_before():
    text = "Cases of Marburg rose. Marburg-based doctors flew from Kampala. Officials in Kampala said so."
    assert disease_names(text, {"Marburg", "Kampala"}) == {"Marburg"}
    assert disease_names("Marburgvirus spread; Marburg is a town.", {"Marburg"}) == set()


def test_admin1_codes_read_once_are_those_of_a_query_per_division(gazetteer):
    from geo.gazetteer import _COLS, Gazetteer, _candidate

    con = sqlite3.connect(f"file:{gazetteer.path}?mode=ro", uri=True)
    try:
        rows = con.execute(f"SELECT {_COLS} FROM places p WHERE p.kind = 'admin1'").fetchall()
        per_query = {r[0]: tuple(c for (c,) in con.execute("SELECT code FROM admin1_codes WHERE pid = ?", (r[0],)))
                     for r in rows}
    finally:
        con.close()
    assert sum(1 for codes in per_query.values() if codes) > 1000
    assert any(not codes for codes in per_query.values())  # divisions without a code give none
    fresh = Gazetteer(gazetteer.path)  # nothing read yet
    try:
        assert {r[0]: fresh.admin1_codes(_candidate(r)) for r in rows} == per_query
    finally:
        fresh.close()


def test_divisions_are_read_through_their_index_in_table_order(gazetteer):
    from geo.gazetteer import _COLS

    con = sqlite3.connect(f"file:{gazetteer.path}?mode=ro", uri=True)
    try:
        plan = " ".join(r[3] for r in con.execute(
            f"EXPLAIN QUERY PLAN SELECT {_COLS} FROM places p WHERE p.kind = 'admin1' ORDER BY p.pid"))
        indexed = con.execute(f"SELECT {_COLS} FROM places p WHERE p.kind = 'admin1' ORDER BY p.pid").fetchall()
        scanned = con.execute(f"SELECT {_COLS} FROM places p NOT INDEXED WHERE p.kind = 'admin1'").fetchall()
    finally:
        con.close()
    assert "places_admin1" in plan
    assert indexed == scanned and len(indexed) > 3000
    darfur = gazetteer.divisions_named("Darfur")
    assert len(darfur) >= 3 and {d.country_code for d in darfur} == {"SD"}
    assert [d.pid for d in darfur] == sorted(d.pid for d in darfur)


def test_name_filter_holds_every_name_of_the_file(gazetteer):
    from geo.gazetteer._name_filter import NameFilter

    con = sqlite3.connect(f"file:{gazetteer.path}?mode=ro", uri=True)
    try:
        name_filter = NameFilter.read(con)
        norms = [n for (n,) in con.execute("SELECT DISTINCT norm FROM names")]
    finally:
        con.close()
    assert name_filter is not None and len(norms) > 100_000
    assert all(name_filter.may_hold(n) for n in norms)  # never a false "no"
    made_up = [f"zq{i}x vlorp" for i in range(2_000)]
    assert sum(name_filter.may_hold(n) for n in made_up) < 100  # and mostly "no" to names it lacks


def test_lookup_through_the_filter_gives_what_the_query_gives(gazetteer):
    from geo.gazetteer import _COLS, Gazetteer, _candidate

    words = ("Springfield", "Aleppo", "Police", "Monday", "the Hague", "W.Va.", "São Paulo", "Ohio",
             "Smith", "Georgia", "Xyzzyville", "Lake Chad", "Bāghūz", "Congo", "")
    fresh = Gazetteer(gazetteer.path)
    con = sqlite3.connect(f"file:{gazetteer.path}?mode=ro", uri=True)
    try:
        # names of many places, and names a place holds twice (as its main name and as an alias)
        many = [n for (n,) in con.execute("SELECT norm FROM names GROUP BY norm HAVING COUNT(*) > 3 "
                                          "ORDER BY norm LIMIT 400")]
        twice = [n for (n,) in con.execute("SELECT norm FROM names GROUP BY norm, pid HAVING COUNT(*) > 1 "
                                           "AND MIN(primary_name) < MAX(primary_name) ORDER BY norm LIMIT 200")]
        assert len(many) == 400 and twice
        for norm in [normalize(w) for w in words] + many + twice:
            rows = con.execute(f"SELECT {_COLS}, MAX(n.primary_name) FROM names n JOIN places p ON p.pid = n.pid "
                               "WHERE n.norm = ? GROUP BY p.pid ORDER BY p.population DESC, p.pid", (norm,)).fetchall()
            expected = [(_candidate(r), r[0], bool(r[10])) for r in rows]
            assert [(m.candidate, m.candidate.pid, m.primary) for m in fresh.lookup_key(norm)] == expected, norm
    finally:
        con.close()
        fresh.close()
    assert fresh.lookup("Aleppo") and not fresh.lookup("Xyzzyville")


def test_a_file_without_the_filter_is_read_as_before(gazetteer, tmp_path):
    import shutil

    from geo.gazetteer import Gazetteer

    copy = tmp_path / "old.sqlite"
    shutil.copy(gazetteer.path, copy)
    con = sqlite3.connect(copy)
    con.execute("DROP TABLE name_filter")
    con.commit()
    con.close()
    old = Gazetteer(copy)
    try:
        for word in ("Aleppo", "Police", "Springfield", "Xyzzyville"):
            assert old.lookup(word) == gazetteer.lookup(word)
        assert old._filter is None and old._filter_read
    finally:
        old.close()


# -- issue 16, long texts: the resolver's look-ups over all the names of an article ---------------
def _city(lat: float, lon: float, i: int):
    from geo.types import Candidate

    return Candidate(geonameid=i, name=f"P{i}", kind="city", lat=lat, lon=lon, country_code="ZZ")


@pytest.mark.parametrize("count", [5, 400])  # a scan of few anchors; cells for many
def test_nearest_anchor_is_the_scan_s_under_500_km(count):
    from geo._distance import haversine_km
    from geo._nearby import Anchors

    rnd = random.Random(count)
    # clusters near the poles, on both sides of the date line and in the middle latitudes
    centres = [(89.5, 0.0), (-88.0, 120.0), (10.0, 179.8), (10.0, -179.9), (40.0, -75.0), (0.0, 0.0)]
    points = []
    for i in range(count):
        la, lo = centres[i % len(centres)]
        lat = max(-90.0, min(90.0, la + rnd.uniform(-6, 6)))
        lon = (lo + rnd.uniform(-9, 9) + 180.0) % 360.0 - 180.0
        points.append(_city(lat, lon, i))
    grid = Anchors.grid(points)
    for k in range(300):
        la, lo = centres[k % len(centres)]
        lat = max(-90.0, min(90.0, la + rnd.uniform(-8, 8)))
        lon = (lo + rnd.uniform(-12, 12) + 180.0) % 360.0 - 180.0
        without = points[k % count]
        own = Anchors(points, grid, without=without)
        scan = min((haversine_km(lat, lon, a.lat, a.lon) for a in points if a is not without), default=float("inf"))
        fast = own.nearest_km(lat, lon)
        assert list(own) == [a for a in points if a is not without]
        if scan < 500:
            assert fast == scan  # the same distance to the last digit
        else:
            assert fast >= 500


def test_context_shares_are_the_sums_of_a_scan_of_every_name(gazetteer):
    from collections import Counter

    from geo._nearby import Shares
    from geo._resolve_context import Group

    picks = [m.candidate for name in ("Columbus", "Dayton", "Aleppo", "Lyon", "Ohio", "Syria", "Toledo")
             for m in gazetteer.lookup(name)[:3]]
    groups = {}
    for i, c in enumerate(picks):
        g = Group(key=f"k{i}" if i % 5 else f"country:{c.country_code}", query=c.name, mentions=[None] * (1 + i % 3))
        g.choice, g.confidence = (c, 0.1 + (i % 7) / 10) if i % 4 else (None, 0.0)
        groups[g.key] = g

    def scan(g, countries, admin1s):  # what the resolver summed for each name before
        c2, a2 = Counter(countries), Counter(admin1s)
        for other in groups.values():
            ch = other.choice
            if other is g or ch is None or ch.kind in ("country", "continent") or other.key.startswith("country:"):
                continue
            if ch.country_code:
                c2[ch.country_code] += 0.5 * other.confidence * len(other.mentions)
            if ch.kind in ("city", "admin2"):
                a = gazetteer.admin1_of(ch)
                if a is not None:
                    a2[a.pid] += 0.5 * other.confidence
        return c2, a2

    countries, admin1s = Counter({"US": 1.5, "SY": 0.5}), Counter()
    shares = Shares(gazetteer, groups)
    for k, g in enumerate(groups.values()):
        fast, slow = shares.context(g, countries, admin1s), scan(g, countries, admin1s)
        assert fast == slow and [list(c.items()) for c in fast] == [list(c.items()) for c in slow]  # same order
        g.choice, g.confidence = picks[(k * 3) % len(picks)], 0.37  # pass 2 changes the choice
        shares.update(g)


# -- issue 16, throughput: the feature look-ups ---------------------------------------------------
def test_generic_core_is_that_of_every_prefix_and_suffix():
    from geo.gazetteer import _features as f

    def by_definition(norm, stored_only=False):
        for prefix, kinds, stored in f._PREFIXES:
            if norm.startswith(prefix) and len(norm) - len(prefix) >= 3 and (stored or not stored_only):
                return norm[len(prefix):], kinds
        for suffix, kinds, stored in f._SUFFIXES:
            if norm.endswith(suffix) and len(norm) - len(suffix) >= 3 and (stored or not stored_only):
                return norm[: -len(suffix)], kinds
        return None

    words = [p.strip() for p, _k, _s in f._PREFIXES + f._SUFFIXES] + ["scioto", "x", "", "de", "lakes", "riverside"]
    rnd = random.Random(16)
    names = {" ".join(rnd.choice(words) for _ in range(rnd.randint(1, 4))) for _ in range(5000)}
    names |= {"lake", "lake x", "lago de x", "x river", "mount pleasant", " river", "river ", "a  river"}
    for norm in names:
        for stored_only in (False, True):
            assert f.generic_core(norm, stored_only=stored_only) == by_definition(norm, stored_only), norm


def test_feature_names_read_once_answer_as_the_query_did(gazetteer):
    from geo.gazetteer._features import FeatureIndex

    index = FeatureIndex(gazetteer.path)
    con = sqlite3.connect(f"file:{gazetteer.path}?mode=ro", uri=True)
    try:
        keys = [n for (n,) in con.execute("SELECT DISTINCT norm FROM feature_names ORDER BY norm")]
        for norm in keys[::97] + ["police", "monday", "springfield"]:
            expect = {fid for (fid,) in con.execute("SELECT DISTINCT fid FROM feature_names WHERE norm = ?", (norm,))}
            assert {f.fid for f, _form in index._rows(norm, None)} == expect
    finally:
        con.close()
        index.close()
    assert len(keys) > 1000


# The token arrays the rules read (geo.recognize._doc.Tokens) against spaCy's own token objects: our
# own text, with sentence starts, entities of several tokens, capitals, hyphens, quotes and accents.
_TOKEN_TEXT = """\
CÚCUTA, Colombia — Venezuelan migrants crossed the Táchira River on Monday. "We walked from San Cristóbal,"
said María Fernanda López, 34. The U.S.-backed aid hub near Villa del Rosario opened!  Officials in
Bogotá and the Norte de Santander department said 1,200 people arrived; more came via Route 55 ...
Deir ez-Zor's farmers? Not this year.

NEW YORK (AP) - The Hudson River Park Trust said nothing."""


def test_token_arrays_read_what_spacy_s_tokens_say(geoparser):
    from geo.recognize._doc import Entity, Tokens

    doc = geoparser.nlp(_TOKEN_TEXT)
    t = Tokens.of(doc, _TOKEN_TEXT, geoparser.nlp.Defaults.stop_words)
    assert len(t) == len(doc) > 80
    assert list(t.words) == [x.text for x in doc]
    assert list(t.lowers) == [x.lower_ for x in doc]
    assert list(t.starts) == [x.idx for x in doc]
    assert list(t.ent_types) == [x.ent_type_ for x in doc]
    assert list(t.iobs) == [x.ent_iob_ for x in doc]
    assert list(t.sent_starts) == [x.is_sent_start for x in doc]
    assert [t.stop(i) for i in range(len(t))] == [x.is_stop for x in doc]
    assert [t.punct(i) for i in range(len(t))] == [x.is_punct for x in doc]
    assert [t.title(i) for i in range(len(t))] == [x.is_title for x in doc]
    assert {"B", "I", "O"} <= set(t.iobs) and sum(map(bool, t.sent_starts)) >= 5  # the text has both
    assert t.sentences() == [(x.start_char, x.end_char) for x in doc.sents]
    ents = Entity.all_of(t, _TOKEN_TEXT)
    assert [(e.start, e.end, e.start_char, e.end_char, e.label, e.text) for e in ents] == \
        [(e.start, e.end, e.start_char, e.end_char, e.label_, e.text) for e in doc.ents]
    assert len(ents) >= 8 and any(len(e) > 1 for e in ents)
    some = Entity.all_of(t, _TOKEN_TEXT, frozenset({"GPE", "PERSON"}))
    assert [(e.start, e.label) for e in some] == [(e.start, e.label_) for e in doc.ents if e.label_ in ("GPE", "PERSON")]
    assert 0 < len(some) < len(ents)
    for other in ("ΑΘΗΝΑΣ ΟΔΟΣ: Σήμερα στην Αθήνα.", "İSTANBUL — İzmir'e gittik.", "Ölüdeniz, MUĞLA and Ἀθῆναι"):
        doc = geoparser.nlp(other)  # (letters whose lower case depends on the word, or is longer)
        assert list(Tokens.of(doc, other, geoparser.nlp.Defaults.stop_words).lowers) == [x.lower_ for x in doc]
    empty = geoparser.nlp("")
    assert len(Tokens.of(empty, "", geoparser.nlp.Defaults.stop_words)) == 0 and Entity.all_of(Tokens.of(empty, "", geoparser.nlp.Defaults.stop_words), "") == ()
    assert Tokens.of(empty, "", geoparser.nlp.Defaults.stop_words).sentences() == []


def test_list_words_read_possessively_match_as_the_plain_pattern_does():
    """The list pattern's words give back letters only before a hyphen (geo.recognize._lists): the
    matches, and their groups, are those of the plain ``[\\w'’\\-]*``."""
    import random
    import re

    from geo.recognize import _lists

    plain = re.compile(_lists._LIST.pattern.replace(_lists._WORD_BODY, "[\\w'’\\-]*"))
    assert plain.pattern != _lists._LIST.pattern
    words = ["Kent", "Jean-Pierre", "Foo-of", "Ab-Cd", "O'Neil", "Côte", "Rio", "Bar-", "X--Y", "Mc’Do", "Congo"]
    joins = [" ", "-", " of the ", " of ", " de ", " d'", "-of the ", " the ", " and ", " or ", ", ", ", and ", ","]
    rng = random.Random(3)
    found = 0
    for _ in range(3000):
        text = "".join(rng.choice(words) + rng.choice(joins) for _ in range(rng.randint(2, 8))) + rng.choice(["", ".", "-"])
        ours = [(m.span(), m.groups()) for m in _lists._LIST.finditer(text)]
        assert ours == [(m.span(), m.groups()) for m in plain.finditer(text)], text
        found += len(ours)
    assert found > 1000
