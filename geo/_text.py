"""Name normalisation shared by the gazetteer and the recogniser."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize", "name_key", "variant_key", "is_latin"]

_PUNCT = re.compile(r"[\u2010-\u2015\-_/]+")
_DROP = re.compile(r"[.'\u2018\u2019\u02bb\u02bc`\u00b4\"\u201c\u201d,()]+")
_SPACE = re.compile(r"\s+")
_NONLATIN = re.compile(r"[^a-z0-9 &]")


def normalize(name: str) -> str:
    """Accent- and case-insensitive lookup key: ``"Bāghūz"`` and ``"BAGHUZ"`` give ``"baghuz"``.

    Periods and apostrophes are dropped (``"U.S."`` -> ``"us"``), dashes become spaces,
    white space is collapsed.
    """
    s = _without_marks(unicodedata.normalize("NFKD", name))
    s = s.replace("\u0131", "i").replace("\u00df", "ss").replace("\u00f8", "o").replace("\u00d8", "o")
    s = s.replace("\u0142", "l").replace("\u0141", "l").replace("\u00e6", "ae").replace("\u0153", "oe")
    s = s.casefold()
    s = _PUNCT.sub(" ", s)
    s = _DROP.sub("", s)
    return _SPACE.sub(" ", s).strip()


def _without_marks(s: str) -> str:
    """``s`` without its combining marks; a long text (the gazetteer build normalises a million
    names joined) in one regular expression over the marks it holds."""
    if len(s) < 1000:
        return "".join(ch for ch in s if not unicodedata.combining(ch))
    marks = "".join(re.escape(ch) for ch in set(s) if unicodedata.combining(ch))
    return re.sub(f"[{marks}]+", "", s) if marks else s


def name_key(name: str) -> str:
    """The look-up key of a name: normalised, without a leading "the" ("The Hague" -> "hague")."""
    norm = normalize(name)
    return norm[4:] if norm.startswith("the ") else norm


def is_latin(norm: str) -> bool:
    """True when a normalised name is plain Latin letters, digits and spaces."""
    return bool(norm) and not _NONLATIN.search(norm)


_VARIANTS = [
    (re.compile(r"^(al|el|ad|ar|as|ash|an|az) "), ""),
    (re.compile(r"ou|oo|uu"), "u"),
    (re.compile(r"ee|ii|ie|y"), "i"),
    (re.compile(r"aa"), "a"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"(?<=[kgdtcsz])h"), ""),
    (re.compile(r"q"), "k"),
    (re.compile(r"(.)\1+"), r"\1"),
    (re.compile(r" "), ""),
]


def variant_key(name: str) -> str:
    """A coarse key under which transliteration variants of one name meet.

    ``"Baghuz"`` and ``"Baghouz"`` give the same key; so do ``"Al-Raqqah"`` and ``"Raqqa"``
    up to the final vowel (which is dropped).
    """
    s = normalize(name)
    for pat, rep in _VARIANTS:
        s = pat.sub(rep, s)
    return s.rstrip("aeh") or s
