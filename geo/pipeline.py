"""The library API: :class:`Geoparser` runs the stages in order; :func:`geoparse` uses a shared one.

The stages, each one call of :meth:`Geoparser._stages`, each in its own module:

1. recognise (:mod:`geo.recognize`): text -> :class:`~geo.types.Mention` (a long text piece by
   piece, :mod:`geo._pieces`; stages 1-3 run per piece, the others once over all its mentions);
2. spot the user's places (:mod:`geo.spot`);
3. apply the corrections (:mod:`geo.corrections`): drops filter the mentions, adds are mentions,
   pins are candidates;
4. generate the candidates (:mod:`geo.candidates`): names -> :class:`~geo.types.Match`;
5. resolve (:mod:`geo.resolve`): names -> :class:`~geo.types.Place` (online geocoders asked for
   what stays unresolved), then the drops of places and the report of the corrections;
6. frame (:mod:`geo.frame`): places -> GeoDataFrame.

The article's text goes down the stages and never back up; a Geoparser holds no per-article
state, so one may be shared between threads.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from geo._pieces import Piece, joined_edits, piece_spans, shifted, shifted_edits
from geo.candidates import CandidateGenerator, Fallback
from geo.config import GeoparserConfig
from geo.corrections import Change, Corrections, load_corrections
from geo.corrections._apply import MentionEdits, edit_mentions, finish_places, pin_candidates
from geo.gazetteer import Gazetteer, open_gazetteer
from geo.geocoders.base import Geocoder
from geo.resolve import Resolver
from geo.spot import spot_user_places
from geo.types import Mention, Place
from geo.userplaces import UserPlaces, load_places

if TYPE_CHECKING:  # pragma: no cover
    from geo.recognize import Recognizer

__all__ = ["Geoparser", "GeoparserConfig", "geoparse", "MAX_TEXT_CHARS"]

#: longest text accepted by :meth:`Geoparser.places` (spaCy's own default limit is 1,000,000)
MAX_TEXT_CHARS = 1_000_000


class Geoparser:
    """A reusable geoparser: load the spaCy model and open the gazetteer once, parse many texts.

    Safe to share between threads. ``config`` (a :class:`GeoparserConfig`) gives everything at
    once; the keyword arguments are its parts as objects or paths.

    >>> gp = Geoparser()                          # doctest: +SKIP
    >>> frame = gp.geoparse("Clashes in Aleppo.")  # doctest: +SKIP
    """

    def __init__(self, *, gazetteer: Gazetteer | str | Path | None = None, nlp: Any = None,
                 fallbacks: Sequence[Geocoder] = (), progress: bool | None = None, places: Any = None,
                 corrections: Any = None, model: str | None = None, config: GeoparserConfig | None = None):
        """``fallbacks``: geocoders asked for the names no local source resolves (e.g.
        :class:`geo.geocoders.OnlineGeocoder`); ``places``: the user's places files (CSV or GeoJSON
        paths, or a :class:`geo.userplaces.UserPlaces`), entries like the gazetteer's;
        ``corrections``: corrections (paths or :class:`geo.corrections.Corrections`) for every text;
        ``model``: the spaCy pipeline's name (default: ``GEO_MODEL``, else the installed English one).
        """
        if config is not None:
            gazetteer, model = config.gazetteer, config.model
            places, corrections = config.places or None, config.corrections or None
            fallbacks = [spec.build() for spec in config.geocoders]
        elif (gazetteer is None or isinstance(gazetteer, (str, Path))) and nlp is None and not fallbacks \
                and all(isinstance(x, (str, Path, list, tuple, type(None))) for x in (places, corrections)):
            config = GeoparserConfig.of(gazetteer=gazetteer, model=model, places=places, corrections=corrections)
        #: what this geoparser is made of, for worker processes (None when built from live objects)
        self.config = config
        if gazetteer is None or isinstance(gazetteer, (str, Path)):
            gazetteer = open_gazetteer(Path(gazetteer) if gazetteer else None, progress=progress)
        self.user_places: UserPlaces | None = load_places(places, gazetteer) if places is not None else None
        if self.user_places:
            gazetteer = gazetteer.extended(self.user_places)
        self.corrections = load_corrections(corrections).for_article(None)
        self.gazetteer = gazetteer
        self.model = model
        self.candidates = CandidateGenerator(gazetteer)
        self.fallback = Fallback(fallbacks)
        self.resolver = Resolver(gazetteer)
        self._recognizer: Recognizer | None = None
        self._nlp = nlp
        self._loading = threading.Lock()

    @property
    def recognizer(self) -> Recognizer:
        """The recogniser, with the spaCy model loaded on first use (once, whatever the threads)."""
        if self._recognizer is None:
            with self._loading:
                if self._recognizer is None:
                    from geo.recognize import Recognizer, load_model

                    nlp = self._nlp if self._nlp is not None else load_model(self.model)
                    self._recognizer = Recognizer(self.gazetteer, nlp=nlp)
        return self._recognizer

    @property
    def nlp(self) -> Any:
        return self.recognizer.nlp

    def mentions(self, text: str) -> list[Mention]:
        """Stage 1: the place mentions in ``text``, with offsets and sentences."""
        text = _check(text)
        return [m for p in self._parsed(text) for m in shifted(self.recognizer.mentions_of_doc(p.doc, p.text), p.start)]

    def places(self, text: str, *, corrections: Corrections | None = None,
               changes: list[Change] | None = None) -> list[Place]:
        """Stages 1-5: the distinct places of ``text`` (unresolved names included).

        ``corrections`` (a :class:`geo.corrections.Corrections`) apply to this text on top of the
        geoparser's own; what they changed is appended to ``changes`` when it is a list.
        """
        text = _check(text)
        return self._finish(text, self._parsed(text), corrections, changes)

    def geoparse(self, text: str, *, corrections: Corrections | None = None, changes: list[Change] | None = None):
        """All stages: a GeoDataFrame (EPSG:4326) with one row per distinct place."""
        from geo.frame import to_frame

        return to_frame(self.places(text, corrections=corrections, changes=changes))

    def _parsed(self, text: str) -> Iterator[Piece]:
        """Each piece of ``text``, parsed as it is asked for."""
        for start, end in piece_spans(text):
            part = text[start:end]
            yield Piece(start, part, self.nlp(part))

    def _recognise(self, piece: Piece, corrections: Corrections) -> MentionEdits:
        """Stages 1-3 on one parsed piece of a text."""
        mentions = self.recognizer.mentions_of_doc(piece.doc, piece.text)   # 1. recognise
        mentions = spot_user_places(self.user_places, piece.doc, mentions)   # 2. the user's places
        return edit_mentions(corrections, piece.doc, mentions)               # 3. drops and adds

    def _stages(self, text: str, pieces: Iterable[Piece], corrections: Corrections
                ) -> tuple[list[Place], list[Change]]:
        """The stages after spaCy, in order, on the parsed pieces of ``text``."""
        edits = joined_edits([shifted_edits(self._recognise(p, corrections), p.start)  # 1-3, piece by piece
                              for p in pieces])
        pins = pin_candidates(corrections, self.gazetteer)                   # the pins
        names = self.candidates.generate(edits.mentions, pins.source)        # 4. candidates
        places = self.resolver.resolve(names, text, self.fallback)           # 5. resolve
        return finish_places(corrections, places, edits, pins)               # drops of places, report

    def _finish(self, text: str, pieces: Iterable[Piece], corrections: Corrections | None = None,
                changes: list[Change] | None = None, *, within_names: bool = False) -> list[Place]:
        places, log = self._stages(text, pieces, self.corrections + corrections)
        if changes is not None:
            changes.extend(log)
        if within_names:
            return places
        # A place named only inside an organisation's name is not a place of the story.
        return [p for p in places if not all(m.source == "modifier" for m in p.mentions)]

    def pipe(self, texts: Iterable[str], batch_size: int = 32, *,
             within_names: bool = False) -> Iterator[list[Place]]:
        """Places of many texts, batched through spaCy's ``nlp.pipe`` (a long text's pieces too).

        ``within_names`` keeps the places named only inside organisations' names ("the Ohio
        Department of Health"), as toponym corpora count them; maps and tables leave them out.
        """
        from collections import deque

        waiting: deque[tuple[str, list[tuple[int, int]]]] = deque()
        checked = [_check(t) for t in texts] if isinstance(texts, (list, tuple)) else (_check(t) for t in texts)

        def pieces() -> Iterator[str]:
            for text in checked:
                spans = piece_spans(text)
                waiting.append((text, spans))
                yield from (text[s:e] for s, e in spans)

        docs = iter(self.nlp.pipe(pieces(), batch_size=batch_size))
        for first in docs:
            text, spans = waiting.popleft()  # the text whose first piece this is
            parsed = (Piece(s, text[s:e], first if i == 0 else next(docs)) for i, (s, e) in enumerate(spans))
            yield self._finish(text, parsed, within_names=within_names)


def _check(text: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        from geo.errors import InputError

        raise InputError(f"text is too long ({len(text):,} characters; the limit is {MAX_TEXT_CHARS:,})")
    return text


_shared: Geoparser | None = None
_shared_lock = threading.Lock()


def geoparse(text: str):
    """Geoparse ``text`` with a shared :class:`Geoparser` (built on first call): a GeoDataFrame in EPSG:4326."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Geoparser()
    return _shared.geoparse(text)
