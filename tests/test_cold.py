"""Issue 16's cold paths: the gazetteer build's bulk name normalisation and its progress, the
imports a command needs, the model's unused pipes."""

from __future__ import annotations

import random

import pytest

from geo._text import normalize
from geo.gazetteer._build_names import keep_alternates, normalize_many

#: names with what normalisation has to handle: accents, combining marks, ligatures, dashes,
#: apostrophes, case folding (final sigma, sharp s), spaces at the ends and inside
_NAMES = [
    "Bāghūz", "BAGHUZ", "Ḩalab", "Łódź", "Ærøskøbing", "Straße", "İzmir", "Kraków", "São Tomé",
    "Saint-Étienne", "N’Djamena", "Côte d'Ivoire", "  Ma'arrat   al-Nu`man ", "ΑΘΗΝΑΣ", "Œuvre",
    "U.S.", "Sankt–Peterburg", "Ḥims\u0301", "e\u0301\u0323", "Kyiv (Kiev)", "“Quoted”", "Ho_Chi/Minh",
    "", " ", "\u0301", "Ørsted", "ǅemal", "ﬁnland", "Ｔｏｋｙｏ", "Tōkyō-to",
]


def test_normalize_many_equals_normalize_one_by_one():
    rng = random.Random(16)
    names = [rng.choice(_NAMES) + rng.choice(["", " ", "-", "\u0300"]) + rng.choice(_NAMES) for _ in range(3000)]
    assert len("\0".join(names)) > 1000  # long enough for the one-expression path of the marks
    assert normalize_many(names) == [normalize(n) for n in names]
    assert normalize_many(_NAMES) == [normalize(n) for n in _NAMES]


@pytest.mark.parametrize("names", [[], ["Aleppo"], ["Al\0eppo", "Raqqa"], ["a\0", "\0b", "Baghuz"]])
def test_normalize_many_of_none_one_or_names_holding_a_nul(names):
    assert normalize_many(names) == [normalize(n) for n in names]


def test_keep_alternates_leaves_out_codes_digits_and_other_scripts():
    raws = ["JFK", "LHR", "Halab", "Aleppo²", "Route 66", "Ḩalab", "حلب", "X", "NEW YORK", "Tōkyō", "Ⅻ Town"]
    kept = keep_alternates(raws)
    # "Ⅻ" is a Roman numeral (a letter number), not a digit: folded, it is Latin letters
    assert kept == [None, None, "halab", None, None, "halab", None, None, "new york", "tokyo", "xii town"]


def test_progress_note_is_one_line_when_no_bar_is_drawn(capsys):
    from geo._progress import progress_bar

    bar = progress_bar(None, total=10, desc="building", note="building the gazetteer (once, ~15 s)…")
    bar.update(10)
    bar.close()
    assert capsys.readouterr().err == "building the gazetteer (once, ~15 s)…\n"  # stderr is not a terminal here
    progress_bar(False, total=10, note="never").close()
    assert capsys.readouterr().err == ""


def test_progress_bar_forced_draws_the_bar_and_no_note(capsys):
    from geo._progress import progress_bar

    bar = progress_bar(True, total=4, desc="building", note="the note", leave=True)
    bar.update(4)
    bar.close()
    err = capsys.readouterr().err
    assert "the note" not in err and "building" in err and "4/4" in err
