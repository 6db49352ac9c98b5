"""The library API: :class:`Geoparser` holds the loaded model and gazetteer; :func:`geoparse` uses a shared one."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from geo.gazetteer import Gazetteer, open_gazetteer
from geo.geocoders.base import Geocoder
from geo.recognize import Recognizer
from geo.resolve import Resolver
from geo.types import Mention, Place

__all__ = ["Geoparser", "geoparse", "MAX_TEXT_CHARS"]

#: longest text accepted by :meth:`Geoparser.places` (spaCy's own default limit is 1,000,000)
MAX_TEXT_CHARS = 1_000_000


class Geoparser:
    """A reusable geoparser: load the spaCy model and open the gazetteer once, parse many texts.

    >>> gp = Geoparser()                          # doctest: +SKIP
    >>> frame = gp.geoparse("Clashes in Aleppo.")  # doctest: +SKIP
    """

    def __init__(self, *, gazetteer: Gazetteer | str | Path | None = None, nlp=None,
                 fallbacks: Sequence[Geocoder] = (), progress: bool = True, places=None, corrections=None):
        """``fallbacks``: geocoders asked for the names no local source resolves (e.g.
        :class:`geo.geocoders.OnlineGeocoder`); ``places``: the user's places files (CSV or GeoJSON
        paths, or a :class:`geo.userplaces.UserPlaces`), entries like the gazetteer's;
        ``corrections``: corrections (paths or :class:`geo.corrections.Corrections`) for every text.
        """
        if gazetteer is None or isinstance(gazetteer, (str, Path)):
            gazetteer = open_gazetteer(Path(gazetteer) if gazetteer else None, progress=progress)
        from geo.corrections import load_corrections
        from geo.userplaces import load_places

        self.user_places = load_places(places, gazetteer) if places is not None else None
        if self.user_places:
            gazetteer = gazetteer.extended(self.user_places)
        self.corrections = load_corrections(corrections).for_article(None)
        self.gazetteer = gazetteer
        self.recognizer = Recognizer(gazetteer, nlp=nlp)
        self.resolver = Resolver(gazetteer, fallbacks=fallbacks)

    @property
    def nlp(self):
        return self.recognizer.nlp

    def mentions(self, text: str) -> list[Mention]:
        """Stage 1: the place mentions in ``text``, with offsets and sentences."""
        return self.recognizer.mentions(_check(text))

    def places(self, text: str, *, corrections=None, changes: list | None = None) -> list[Place]:
        """Stages 1-2: the distinct places of ``text`` (unresolved names included).

        ``corrections`` (a :class:`geo.corrections.Corrections`) apply to this text on top of the
        geoparser's own; what they changed is appended to ``changes`` when it is a list.
        """
        text = _check(text)
        return self._finish(self.nlp(text), corrections, changes)

    def geoparse(self, text: str, *, corrections=None, changes: list | None = None):
        """All stages: a GeoDataFrame (EPSG:4326) with one row per distinct place."""
        from geo.frame import to_frame

        return to_frame(self.places(text, corrections=corrections, changes=changes))

    def _finish(self, doc, corrections=None, changes=None, *, within_names: bool = False) -> list[Place]:
        from geo.corrections import finish

        places = finish(self, doc, corrections, changes)
        if within_names:
            return places
        # A place named only inside an organisation's name is not a place of the story.
        return [p for p in places if not all(m.source == "modifier" for m in p.mentions)]

    def pipe(self, texts: Iterable[str], batch_size: int = 32, *,
             within_names: bool = False) -> Iterator[list[Place]]:
        """Places of many texts, batched through spaCy's ``nlp.pipe``.

        ``within_names`` keeps the places named only inside organisations' names ("the Ohio
        Department of Health"), as toponym corpora count them; maps and tables leave them out.
        """
        texts = [_check(t) for t in texts] if isinstance(texts, (list, tuple)) else (_check(t) for t in texts)
        for doc in self.nlp.pipe(texts, batch_size=batch_size):
            yield self._finish(doc, within_names=within_names)


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
