"""Reading spaCy's tokens: runs of capitalised words, the entity a token is in, sentences."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

from geo.recognize._words import JOINERS, KEY_WORDS, ORG_HEADS, PARTICLES, VERBS

if TYPE_CHECKING:
    from spacy.tokens import Doc

_LINE = re.compile(r"[^\n]+")


def sentence_spans(text: str, spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sentences split again at line breaks (headlines, datelines) and trimmed of white space."""
    out = []
    for s, e in spans:
        if text.find("\n", s, e) == -1:  # (most sentences: no line break, the one part _LINE finds)
            parts = [(s, e)] if e > s else []
        else:
            parts = [m.span() for m in _LINE.finditer(text, s, e)]
        for a, b in parts:
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if b > a:
                out.append((a, b))
    return tuple(out) or ((0, len(text)),)


_IOB = ("", "I", "O", "B")  # spaCy's ENT_IOB values


@cache
def _iob_table() -> Any:
    """:data:`_IOB` as a numpy array, to map a column of tags at once."""
    import numpy as np

    return np.array(_IOB, dtype=object)


@cache
def _attrs() -> list[int | str]:
    """The spaCy attributes :meth:`Tokens.of` reads, imported once."""
    from spacy.attrs import ENT_IOB, ENT_TYPE, IDX, SENT_START, SPACY

    return [IDX, SPACY, ENT_IOB, ENT_TYPE, SENT_START]


@dataclass(frozen=True)
class Tokens:
    """The tokens of a document as the rules read them: one tuple per attribute, by token index,
    read at once from spaCy's arrays. (A spaCy token object is made anew on every ``doc[i]``, and
    reading its strings looks them up in the vocabulary: the rules read some 1,200 per article.)

    A token's ``is_title``, ``is_upper``, ``is_lower`` and ``is_alpha`` are the ``str`` methods of
    its text in :attr:`words`, as spaCy computes them.
    """

    words: tuple[str, ...]
    lowers: tuple[str, ...]
    #: character offset of each token in the text (spaCy's ``Token.idx``)
    starts: tuple[int, ...]
    #: entity label of each token ("" outside entities)
    ent_types: tuple[str, ...]
    #: "B", "I", "O" or "" (spaCy's ``Token.ent_iob_``)
    iobs: tuple[str, ...]
    #: spaCy's ``Token.is_sent_start``: True, False or None (unknown)
    sent_starts: tuple[bool | None, ...]
    #: the first token of each entity (IOB "B" with a label), in order
    ent_firsts: tuple[int, ...] = ()
    #: the first token of each sentence after the first (spaCy's ``sent_start == 1``), in order
    sent_firsts: tuple[int, ...] = ()
    #: the language's stop words (spaCy's ``Token.is_stop`` tests a token's lower case against them)
    stop_words: AbstractSet[str] = field(default=frozenset(), compare=False, repr=False)
    #: the document's vocabulary, for what only a few tokens are asked (:meth:`punct`)
    vocab: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, doc: Doc, text: str, stop_words: AbstractSet[str]) -> Tokens:
        """The tokens of ``doc``, made from ``text``; their strings cut from it at their offsets.
        ``stop_words``: the language's (``nlp.Defaults.stop_words``, what spaCy's ``is_stop`` tests)."""
        attrs = _attrs()
        if not len(doc):
            return cls((), (), (), (), (), (), stop_words=stop_words, vocab=doc.vocab)
        # Only the tokens' own fields are read: a token's length, stop-word flag and punctuation flag
        # live in its lexeme, one more memory read per token. The tokens tile the text, each followed
        # by its one trailing space or none (SPACY), so a token ends where the next one starts, less
        # that space.
        # (each numpy call costs a microsecond or two whatever its length: a short text pays mostly
        # for their number)
        table = doc.to_array(attrs)
        idx = table[:, 0]
        starts = idx.tolist()
        ends = (idx[1:] - table[:-1, 1]).tolist()  # where the next token starts, less the space
        ends.append(len(text) - int(table[-1, 1]))  # (the last one: the text's end)
        words = tuple([text[a:b] for a, b in zip(starts, ends)])
        if text.isascii() or "\u0130" not in text and "\u03a3" not in text:
            # A text lower-cases letter by letter, its tokens' lower cases are its slices, but for
            # two letters: "İ" gives two characters, and "Σ" a final "ς" at the end of a word.
            low = text.lower()
            lowers = tuple([low[a:b] for a, b in zip(starts, ends)])
        else:
            lowers = tuple([w.lower() for w in words])
        # the columns of hashes and flags are read in numpy: made Python ints one by one, 64-bit
        # hashes and SENT_START's -1 (stored as 2**64 - 1) are big ints
        hashes = table[:, 3]
        inside = hashes.nonzero()[0].tolist()  # the tokens of entities: their labels' hashes
        ent_types = [""] * len(starts)
        strings, labels = doc.vocab.strings, dict[int, str]()
        for i, h in zip(inside, hashes[inside].tolist()):
            ent_types[i] = labels[h] if h in labels else labels.setdefault(h, strings[h])
        sent = table[:, 4]
        first = sent == 1
        sent_starts: tuple[bool | None, ...] = tuple(first.tolist())
        if 0 in sent:  # unknown: None, as spaCy's Token.is_sent_start says
            sent_starts = tuple([None if v == 0 else v == 1 for v in sent.tolist()])
        iobs = tuple(_iob_table()[table[:, 2]].tolist())
        return cls(words=words, lowers=lowers, starts=tuple(starts), ent_types=tuple(ent_types),
                   iobs=iobs, sent_starts=sent_starts,
                   ent_firsts=tuple([i for i in inside if iobs[i] == "B"]),  # (IOB "B" with a label)
                   sent_firsts=tuple((first[1:].nonzero()[0] + 1).tolist()), stop_words=stop_words,
                   vocab=doc.vocab)

    def __len__(self) -> int:
        return len(self.words)

    def title(self, i: int) -> bool:
        return self.words[i].istitle()

    def stop(self, i: int) -> bool:
        """spaCy's ``Token.is_stop`` of token ``i`` (asked of a few tokens: not worked out for all)."""
        return self.lowers[i] in self.stop_words

    def punct(self, i: int) -> bool:
        """spaCy's ``Token.is_punct`` of token ``i`` (its lexeme's)."""
        return bool(self.vocab[self.words[i]].is_punct)

    def at(self, words: AbstractSet[str]) -> list[int]:
        """The indexes, in order, of the tokens whose lower case is one of ``words``. The rules' key
        words (:data:`KEY_WORDS`) are found in one pass over the tokens for all the rules that ask."""
        lowers = self.lowers
        if words <= KEY_WORDS:
            return [i for i in self._keyed if lowers[i] in words]
        return [i for i, low in enumerate(lowers) if low in words]

    @cached_property
    def _keyed(self) -> list[int]:
        """The indexes of the tokens whose lower case is one of :data:`KEY_WORDS`."""
        return [i for i, low in enumerate(self.lowers) if low in KEY_WORDS]

    def sentences(self) -> list[tuple[int, int]]:
        """The character spans of spaCy's sentences (``doc.sents``), from :attr:`sent_firsts`."""
        if not self.words:
            return []
        bounds = (0, *self.sent_firsts, len(self.words))
        return [char_span(self, a, b) for a, b in zip(bounds, bounds[1:])]


@dataclass(frozen=True, slots=True)
class Entity:
    """One of spaCy's entities, read once: its tokens ``start:end``, its characters
    ``start_char:end_char``, its label and its text (spaCy's ``Span`` joins its text anew from the
    tokens, and looks its label up, on every access)."""

    start: int
    end: int
    start_char: int
    end_char: int
    label: str
    text: str

    @classmethod
    def all_of(cls, t: Tokens, text: str, labels: AbstractSet[str] | None = None) -> tuple[Entity, ...]:
        """The entities of a document (spaCy's ``doc.ents``) from its tokens ``t``, made from ``text``:
        each runs from a "B" token with a label over the "I" tokens after it. ``labels``: only
        the entities of these labels (None: all)."""
        out = []
        iobs, n, types = t.iobs, len(t.iobs), t.ent_types
        for a in t.ent_firsts:
            if labels is not None and types[a] not in labels:
                continue
            b = a + 1
            while b < n and iobs[b] == "I":
                b += 1
            s, e = char_span(t, a, b)
            out.append(cls(a, b, s, e, types[a], text[s:e]))
        return tuple(out)

    def __len__(self) -> int:
        return self.end - self.start


def entity_at(t: Tokens, i: int) -> tuple[int, int] | None:
    """The token span of the entity token ``i`` is in, from the IOB tags (``doc.ents`` is rebuilt on
    every access, so scanning it for each token would be quadratic in the length of the text)."""
    if not t.ent_types[i]:
        return None
    iobs = t.iobs
    start = i
    while start > 0 and iobs[start] == "I":
        start -= 1
    end = i + 1
    while end < len(iobs) and iobs[end] == "I":
        end += 1
    return start, end


def whole_entity(t: Tokens, i: int) -> bool:
    """The entity at token i is a short name on its own ("near al-Bab"), not a longer organisation name."""
    ent = entity_at(t, i)
    return ent is not None and ent[0] == i and ent[1] - i <= 3 and t.lowers[ent[1] - 1] not in ORG_HEADS


def looks_like_noun(t: Tokens, j: int) -> bool:
    """Token j is a lower-case content word that is not an obvious verb form ("man", "residents", "police")."""
    text, w = t.words[j], t.lowers[j]
    return (text.islower() and text.isalpha() and not t.stop(j) and w not in VERBS and len(w) > 2
            and not w.endswith(("ed", "ly", "ing")))


def org_follows(t: Tokens, i: int) -> bool:
    """'Syrian Democratic Forces': a capitalised run after an adjective makes it part of a name."""
    j, n = i, len(t.words)
    while j < n and t.words[j].istitle() and not t.sent_starts[j]:
        j += 1
    if j > i and t.lowers[j - 1] in ORG_HEADS:
        return True
    return j < n and j > i and t.ent_types[j] == "ORG"


def _joins(t: Tokens, j: int, step: int, toks: list[int]) -> bool:
    """Token j belongs to a run of capitalised words: capitalised itself, or a particle between two."""
    words = t.words
    w = words[j]
    return bool(w.istitle() or w.isupper() and len(w) > 1
                or (w in JOINERS and toks and 0 <= j + step < len(words) and words[j + step].istitle())
                # "Shatt al-Arab", "Deir ez-Zor": a particle, a hyphen and a capitalised word
                or (step == 1 and toks and t.lowers[j] in PARTICLES and j + 2 < len(words) and words[j + 1] == "-"
                    and words[j + 2].istitle()))


def name_run(t: Tokens, i: int, step: int) -> tuple[int, int] | None:
    """The token span of the run of capitalised tokens starting at token i, reading forwards
    (step 1) or backwards (step -1); at most five tokens, ending on a word."""
    words = t.words
    n = len(words)
    toks: list[int] = []
    j = i
    if step == 1 and j + 2 < n and t.lowers[j] in PARTICLES and words[j + 1] == "-" and words[j + 2].istitle():
        toks, j = [j, j + 1], j + 2
    while 0 <= j < n and _joins(t, j, step, toks):
        toks.append(j)
        j += step
        if len(toks) >= 5:
            break
    if not toks or not (words[toks[0]].istitle() or words[toks[0]].isupper() or t.lowers[toks[0]] in PARTICLES):
        return None
    a, b = min(toks), max(toks)
    if not words[b].isalpha():
        return None
    return a, b + 1


def char_span(t: Tokens, a: int, b: int) -> tuple[int, int]:
    """The character offsets of tokens a to b (exclusive)."""
    return t.starts[a], t.starts[b - 1] + len(t.words[b - 1])


def token_span(t: Tokens, doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """The tokens ``a:b`` that cover the characters ``start:end``, as spaCy's ``doc.char_span(start,
    end, alignment_mode="expand")`` gives them: found in :attr:`Tokens.starts` when the characters
    are whole tokens (the rules' spans nearly always are), else asked of spaCy."""
    starts = t.starts
    a = bisect_left(starts, start)
    if a < len(starts) and starts[a] == start:
        b = bisect_left(starts, end, a)  # (the tokens that start before ``end``)
        if b > a and starts[b - 1] + len(t.words[b - 1]) == end:
            return a, b
    toks = doc.char_span(start, end, alignment_mode="expand")
    return None if toks is None else (toks.start, toks.end)
