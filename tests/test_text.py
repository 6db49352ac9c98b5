"""geo._text: the lookup key (normalize) and the transliteration key (variant_key)."""

from __future__ import annotations

import pytest

from geo._text import is_latin, normalize, variant_key


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Bāghūz", "baghuz"),
        ("BAGHUZ", "baghuz"),
        ("  São   Paulo ", "sao paulo"),
        ("Zürich", "zurich"),
        ("U.S.", "us"),
        ("W.Va.", "wva"),
        ("Al-Raqqah", "al raqqah"),
        ("Deir ez–Zor", "deir ez zor"),  # en dash
        ("Côte d’Ivoire", "cote divoire"),
        ("Straße", "strasse"),
        ("Łódź", "lodz"),
        ("İstanbul", "istanbul"),
    ],
)
def test_normalize_folds_accents_case_punctuation_and_space(raw, expected):
    assert normalize(raw) == expected


def test_normalize_is_idempotent():
    for raw in ("Bāghūz", "U.S.", "Al-Raqqah", "Côte d’Ivoire"):
        once = normalize(raw)
        assert normalize(once) == once


def test_is_latin():
    assert is_latin("sao paulo")
    assert not is_latin(normalize("دمشق"))
    assert not is_latin("")


@pytest.mark.parametrize(
    "a, b",
    [
        ("Baghuz", "Baghouz"),
        ("Al-Raqqah", "Raqqa"),
        ("Deir ez-Zor", "Deir ez Zor"),
        ("Qamishli", "Kamishli"),
    ],
)
def test_variant_key_joins_transliterations(a, b):
    assert variant_key(a) == variant_key(b)


@pytest.mark.parametrize("a, b", [("Baghuz", "Aleppo"), ("Iraq", "Iran"), ("Paris", "Perth")])
def test_variant_key_keeps_different_names_apart(a, b):
    assert variant_key(a) != variant_key(b)
