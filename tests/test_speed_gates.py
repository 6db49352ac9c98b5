"""The cheap tests that recognition runs before some of its regular expressions (issue 16) never
skip a text or a position where the expression would have matched, and the token arrays give the
tokens under a span as spaCy's ``char_span`` does.

Each gate is checked against its pattern on hand-made traps and on random text drawn from words
that the patterns look for, in every case, spacing and script that matter to them.
"""

from __future__ import annotations

import random

import pytest

from geo.recognize._filters import _DISEASE_BEFORE, _disease_before
from geo.recognize._hints import _DIVISIONS, _names_divisions_of
from geo.recognize._lists import _LEFT, _may_join_left

_WORDS = ["died", "of", "from", "cases", "tested", "positive", "for", "against", "vaccinated", "combat",
          "Combating", "contracted", "contracting", "infected", "diagnosed", "outbreaks", "deaths", "immunized", "OF", "From", "with", "roof", "Lassa", "Ebola", "Marburg", "the", "The",
          "and", "de", "del", "el", "La", "McDonald", "São", "Paulo", "Venezuelan", "Nigerian", "states",
          "state", "province", "provinces", "city", "port", "islands", "Zulia", "Apure", "Kano", "Lagos",
          "ſrom", "İdlib", "ı", "Éire", "x-Ray", "O'Neill", "d'Ivoire", "’s", "river", "Lake", "1,200", "U.S."]
_GAPS = [" ", " ", " ", "  ", ", ", ". ", "\n", " \n", "\t", "\u00a0", "-", ""]


def _random_text(rnd: random.Random) -> str:
    return "".join(rnd.choice(_WORDS) + rnd.choice(_GAPS) for _ in range(rnd.randint(0, 14)))


_TRAPS = ["died of  Lassa", "cases of\nEbola", "infected with Zika", "tested positive for Marburg",
          "vaccinated against Ebola", "combat Ebola", "Combating  Zika", "died ſrom Ebola", "deaths from\u00a0Ebola",
          "the Venezuelan states of Zulia and Apure", "Nigerian state of Kano", "the state\nof Kano",
          "Foo \nBar", "McDonald Bar", "roof Bar", "x\u00c9t Bar", " Bar", "a-B Bar", "the\nBar", "Of \n\nX", ""]


def _positions(texts: list[str]) -> list[tuple[str, int]]:
    return [(t, s) for t in texts for s in range(len(t) + 1)]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    rnd = random.Random(1604)
    return _TRAPS + [_random_text(rnd) for _ in range(3_000)]


def test_the_disease_gate_answers_as_the_pattern(texts):
    found = 0
    for t, s in _positions(texts):
        expect = _DISEASE_BEFORE.search(t, max(0, s - 40), s) is not None
        assert _disease_before(t, s) == expect, (t, s)
        found += expect
    assert found > 100  # the random texts hold many of the pattern's phrases


def test_the_divisions_gate_passes_every_text_the_pattern_matches(texts):
    matched = [t for t in texts if _DIVISIONS.search(t)]
    assert matched and all(_names_divisions_of(t) for t in matched)
    assert not all(_names_divisions_of(t) for t in texts)  # and it does skip some


def test_the_left_join_gate_passes_every_position_the_pattern_matches(texts):
    matched = skipped = 0
    for t, s in _positions(texts):
        if _LEFT.search(t, max(0, s - 80), s) is not None:
            matched += 1
            assert _may_join_left(t, s), (t, s)
        elif not _may_join_left(t, s):
            skipped += 1
    assert matched > 1000 and skipped > 1000


def test_token_span_is_spacy_s_expanded_char_span(geoparser):
    from geo.recognize._doc import Tokens, token_span

    text = ("BAGHDAD \u2014 Iraqi forces entered al-Qaim, near the Syrian border, on Monday.  Officials in "
            "Erbil said 3,000 people had fled to Dohuk\u2019s camps.\n\nThe U.N. said more would come.")
    doc = geoparser.nlp(text)
    t = Tokens.of(doc, text, geoparser.nlp.Defaults.stop_words)
    aligned = 0
    for start in range(len(text)):
        for end in range(start + 1, min(len(text), start + 25) + 1):
            want = doc.char_span(start, end, alignment_mode="expand")
            assert token_span(t, doc, start, end) == (None if want is None else (want.start, want.end)), (start, end)
            aligned += want is not None and want.start_char == start and want.end_char == end
    assert aligned > 100
