"""Name normalisation shared by the gazetteer and the recogniser."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

__all__ = ["normalize", "name_key", "variant_key", "is_latin", "whole_words"]

_PUNCT = re.compile(r"[\u2010-\u2015\-_/]+")
_DROP = re.compile(r"[.'\u2018\u2019\u02bb\u02bc`\u00b4\"\u201c\u201d,()]+")
_NONLATIN = re.compile(r"[^a-z0-9 &]")
# normalize() in one pass of str.translate: the characters of _PUNCT become spaces and those of _DROP
# go (the two sets are disjoint, and the runs of spaces this leaves are collapsed after), the same as
# _PUNCT.sub(" ") then _DROP.sub(""); for ASCII text, a bytes table that lower-cases too
_PUNCT_DROP = {**{ord(c): " " for c in "\u2010\u2011\u2012\u2013\u2014\u2015-_/"},
               **{ord(c): None for c in ".'\u2018\u2019\u02bb\u02bc`\u00b4\"\u201c\u201d,()"}}
_ASCII = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ-_/", b"abcdefghijklmnopqrstuvwxyz   ")
_ASCII_DROP = b".'`\",()"
_LETTERS = str.maketrans({"\u0131": "i", "\u00df": "ss", "\u00f8": "o", "\u00d8": "o", "\u0142": "l",
                          "\u0141": "l", "\u00e6": "ae", "\u0153": "oe"})
_LONG_LETTERS = tuple((chr(k), v) for k, v in _LETTERS.items())
_LONG_PUNCT_DROP = tuple((chr(k), v or "") for k, v in _PUNCT_DROP.items())


def normalize(name: str) -> str:
    """Accent- and case-insensitive lookup key: ``"Bāghūz"`` and ``"BAGHUZ"`` give ``"baghuz"``.

    Periods and apostrophes are dropped (``"U.S."`` -> ``"us"``), dashes become spaces,
    white space is collapsed. Plain ASCII (most names) skips the Unicode decomposition, which
    leaves it as it is.
    """
    if name.isascii():
        return " ".join(name.encode().translate(_ASCII, _ASCII_DROP).decode().split())
    s = _without_marks(unicodedata.normalize("NFKD", name))
    if len(s) < 1000:
        return " ".join(s.translate(_LETTERS).casefold().translate(_PUNCT_DROP).split())
    # A long text (the gazetteer build's names joined): str.translate looks each character up in
    # the table's dict, a replace per character of the tables scans in C, three times faster. No
    # replacement makes a character another one replaces, so the order of the replaces is free.
    for ch, to in _LONG_LETTERS:
        s = s.replace(ch, to)
    s = s.casefold()
    for ch, to in _LONG_PUNCT_DROP:
        s = s.replace(ch, to)
    return " ".join(s.split())


def _without_marks(s: str) -> str:
    """``s`` without its combining marks; a long text (the gazetteer build normalises a million
    names joined) in one regular expression over the marks it holds."""
    if len(s) < 1000:
        return "".join(ch for ch in s if not unicodedata.combining(ch))
    marks = "".join(re.escape(ch) for ch in set(s) if unicodedata.combining(ch))
    return re.sub(f"[{marks}]+", "", s) if marks else s


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """The look-up key of a name: normalised, without a leading "the" ("The Hague" -> "hague").

    Remembered for the last 65,536 names: recognition, candidates and resolution ask for the key
    of the same few names of an article again and again (some 190 times per article of news)."""
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


def _joined(ch: str, joiners: str) -> bool:
    return ch.isalnum() or ch in joiners  # str.isalnum() or "_": what \w matches in a str pattern


def _whole_word(text: str, name: str, before: str, after: str) -> Iterator[tuple[int, int]]:
    """:func:`whole_words` of one name."""
    end, size, at = 0, len(text), text.find(name)
    while at != -1:
        if at >= end and not (at > 0 and _joined(text[at - 1], before)):
            e = at + len(name)
            if e == size or not _joined(text[e], after):
                yield at, e
                end = e
        at = text.find(name, at + 1)


def whole_words(text: str, names: Iterable[str], before: str = "_-", after: str = "_-") -> Iterator[tuple[int, int]]:
    r"""Where any of ``names`` stands in ``text`` as a whole word, left to right, longest first,
    never overlapping: the matches of ``(?<![\w<before>])(?:NAME|…)(?![\w<after>])`` (names longest
    first), without compiling a pattern for each set of names. ``before`` and ``after`` are the
    characters besides letters, digits and ``_`` that may not touch a name on that side.
    """
    ordered = sorted({n for n in names if n}, key=len, reverse=True)
    if len(ordered) == 1:  # (one name, as the filters ask: its occurrences are the starts, in order)
        yield from _whole_word(text, ordered[0], before, after)
        return
    starts: set[int] = set()
    for name in ordered:
        at = text.find(name)
        while at != -1:
            starts.add(at)
            at = text.find(name, at + 1)
    end, size = 0, len(text)
    for s in sorted(starts):
        if s < end or s > 0 and _joined(text[s - 1], before):
            continue
        for name in ordered:
            e = s + len(name)
            if text.startswith(name, s) and (e == size or not _joined(text[e], after)):
                yield s, e
                end = e
                break
