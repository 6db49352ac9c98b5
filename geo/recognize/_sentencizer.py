"""Sentence starts for the entity recogniser: spaCy's rule-based ``sentencizer``, read from arrays.

spaCy's ``sentencizer`` starts a sentence at the first token after one of its punctuation
characters ("." "!" "?" "।" "。" …) that is neither punctuation nor one of those characters. It
reads every token as an object (about 0.4 µs a token, a fifth of what geo adds to the model on
news). :class:`SentenceStarts` reads the same rule, with the same characters, from the tokens'
columns: the sentence starts it sets are spaCy's (the tests compare them). It runs before ``ner``,
which never lets an entity cross a sentence start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

__all__ = ["FACTORY", "SentenceStarts", "register"]

#: the spaCy factory name of :class:`SentenceStarts`
FACTORY = "geo_sentencizer"
_NOT_START = 2**64 - 1  # SENT_START -1 in a spaCy array (uint64)


def register() -> None:
    """Make :data:`FACTORY` known to spaCy (once; asked by :func:`geo.recognize.load_model`)."""
    from spacy.language import Language

    if not Language.has_factory(FACTORY):
        Language.factory(FACTORY, func=_make)


def _make(nlp: Language, name: str) -> SentenceStarts:
    from spacy.pipeline.sentencizer import Sentencizer

    return SentenceStarts(nlp.vocab, Sentencizer.default_punct_chars)


class SentenceStarts:
    """A spaCy pipeline component: ``Token.is_sent_start`` set as spaCy's ``Sentencizer`` (with
    ``punct_chars``, not overwriting) sets it."""

    def __init__(self, vocab: Vocab, punct_chars: list[str]):
        import numpy as np
        from spacy.attrs import IS_PUNCT, ORTH, SENT_START

        lexemes = [vocab[c] for c in punct_chars]
        self._np = np
        self._read = [ORTH, IS_PUNCT, SENT_START]
        self._write = [SENT_START]
        self._hashes = frozenset(lex.orth for lex in lexemes)
        self._hash_array = np.array(sorted(self._hashes), dtype=np.uint64)
        # When every one of the characters is punctuation (spaCy's are, in English), only the
        # punctuation tokens are looked up among them
        self._all_punct = all(lex.is_punct for lex in lexemes)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        np = self._np
        table = doc.to_array(self._read)
        punct = table[:, 1]
        mark = np.zeros(len(doc), dtype=bool)  # the tokens that are one of the characters
        if self._all_punct:
            at = np.flatnonzero(punct)
            mark[[i for i, h in zip(at.tolist(), table[at, 0].tolist()) if h in self._hashes]] = True
        else:
            mark = np.isin(table[:, 0], self._hash_array)
        # A sentence starts at a token that is no punctuation (nor one of the characters) when the
        # last token before it that is one of the characters or no punctuation is one of the characters.
        events = np.flatnonzero(mark | (punct == 0))
        marked = mark[events]
        starts = np.full(len(doc), _NOT_START, dtype=np.uint64)
        starts[0] = 1
        starts[events[1:][marked[:-1] & ~marked[1:]]] = 1
        current = table[:, 2]
        doc.from_array(self._write, np.where(current == 0, starts, current))
        return doc

    def pipe(self, docs: Any, batch_size: int = 128) -> Any:
        for doc in docs:
            yield self(doc)
