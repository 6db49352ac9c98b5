"""The orchestrator: the rules, the filters, the choice between overlapping spans, one sense per
discourse, and the mentions."""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from geo.recognize._context import Abbreviations, Context
from geo.recognize._discourse import propagate
from geo.recognize._filters import ENTITY_FILTERS, FILTERS, disease_names, dropped, word_of_the_text
from geo.recognize._hints import annotate, lend_hints, within_names
from geo.recognize._model import load_model
from geo.recognize._rules import EXTENDING_RULES, RULES
from geo.recognize._spans import Span, Thresholds
from geo.types import Mention

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from geo.gazetteer import Gazetteer
    from geo.gazetteer._features import FeatureIndex


def _precedence(span: Span) -> tuple[int, bool, int, int]:
    """Longest first; literal before adjectival; then the source's rank; then text order."""
    return (span.start - span.end, not span.literal, span.source.rank, span.start)


class Recognizer:
    """Finds place mentions in text with spaCy and the gazetteer. Safe to share between threads:
    everything one document needs lives in a :class:`Context` built for it.

    >>> rec = Recognizer(gazetteer)            # doctest: +SKIP
    >>> rec.mentions("Clashes near the Syrian village of Baghuz.")  # doctest: +SKIP
    """

    def __init__(self, gazetteer: Gazetteer, nlp: Language | None = None, *, thresholds: Thresholds | None = None):
        self.gazetteer = gazetteer
        self.thresholds = thresholds or Thresholds()
        self._nlp = nlp
        self._abbreviations = Abbreviations.read()
        self._loading = threading.Lock()
        self._features: FeatureIndex | None | bool = False  # False: not looked for yet

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_loading"]
        state["_features"] = False  # a connection per thread: opened again where it is unpickled
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._loading = threading.Lock()

    @property
    def features(self) -> FeatureIndex | None:
        """The gazetteer's physical and regional features (None when its file has none)."""
        if self._features is False:
            from geo.errors import GazetteerError
            from geo.gazetteer._features import feature_index

            index = feature_index(self.gazetteer)
            try:
                index.matches("")
                self._features = index
            except GazetteerError:  # a gazetteer file built without the features' tables
                self._features = None
        return self._features  # type: ignore[return-value]

    @property
    def nlp(self) -> Language:
        """The spaCy pipeline, loaded on first use (:func:`load_model`)."""
        if self._nlp is None:
            with self._loading:
                if self._nlp is None:
                    self._nlp = load_model()
        return self._nlp

    def mentions(self, text: str) -> list[Mention]:
        """The mentions of places in ``text``, in text order."""
        return self.mentions_of_doc(self.nlp(text), text)

    def pipe(self, texts: Iterable[str], batch_size: int = 32) -> Iterator[list[Mention]]:
        """The mentions of each text, the texts batched through spaCy."""
        for doc, text in self.nlp.pipe(((t, t) for t in texts), batch_size=batch_size, as_tuples=True):
            yield self.mentions_of_doc(doc, text)

    def mentions_of_doc(self, doc: Doc, text: str | None = None) -> list[Mention]:
        """The mentions of a document the pipeline (:attr:`nlp`) made, in text order. ``text``:
        the text the document was made from, when the caller has it (else it is read from the doc)."""
        ctx = Context.of(doc, self.gazetteer, self.thresholds, self._abbreviations, self.nlp.Defaults.stop_words,
                         self.features, text=text)
        found = annotate([span for rule in RULES for span in rule(doc, ctx)], doc, ctx)
        found = [span for span in found if not dropped(span, ctx, ENTITY_FILTERS)]
        for rule in EXTENDING_RULES:
            found.extend(annotate(list(rule(doc, ctx.with_found(tuple(found)))), doc, ctx))
        kept = _choose(found, ctx)
        again = lend_hints(list(propagate(ctx, kept)), kept, doc, ctx)
        kept += [span for span in again if not dropped(span, ctx, (word_of_the_text,))]
        return sorted((_mention(span, ctx) for span in within_names(kept, doc, ctx)), key=lambda m: m.start)


def _choose(found: list[Span], ctx: Context) -> list[Span]:
    """The spans that pass every filter, each taken unless it overlaps one taken before it in
    order of :func:`_precedence`."""
    found = sorted(found, key=_precedence)
    ctx = ctx.with_diseases(disease_names(ctx.text, {ctx.text[f.start:f.end] for f in found if f.literal}))
    kept: list[Span] = []
    # The kept spans never overlap: ordered by start, their ends are ordered too, and a span overlaps
    # one of them when it overlaps the last that starts before it ends.
    starts: list[int] = []
    ends: list[int] = []
    for span in found:
        i = bisect_left(starts, span.end)
        if i and ends[i - 1] > span.start or dropped(span, ctx, FILTERS):
            continue
        kept.append(span)
        starts.insert(i, span.start)
        ends.insert(i, span.end)
    return kept


def _mention(span: Span, ctx: Context) -> Mention:
    ss, se = ctx.sentence_of(span.start)
    return Mention(start=span.start, end=span.end, text=ctx.text[span.start:span.end],
                   sentence=ctx.text[ss:se].strip(), sentence_start=ss, kind=span.kind,
                   source=span.source.value, query=span.query, country_hint=span.country_hint,
                   feature_hint=span.feature_hint)
