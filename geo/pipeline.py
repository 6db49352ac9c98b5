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
                 fallbacks: Sequence[Geocoder] = (), progress: bool = True):
        if gazetteer is None or isinstance(gazetteer, (str, Path)):
            gazetteer = open_gazetteer(Path(gazetteer) if gazetteer else None, progress=progress)
        self.gazetteer = gazetteer
        self.recognizer = Recognizer(gazetteer, nlp=nlp)
        self.resolver = Resolver(gazetteer, fallbacks=fallbacks)

    @property
    def nlp(self):
        return self.recognizer.nlp

    def mentions(self, text: str) -> list[Mention]:
        """Stage 1: the place mentions in ``text``, with offsets and sentences."""
        return self.recognizer.mentions(_check(text))

    def places(self, text: str) -> list[Place]:
        """Stages 1-2: the distinct places of ``text`` (unresolved names included)."""
        text = _check(text)
        return self.resolver.resolve(self.recognizer.mentions(text), text)

    def geoparse(self, text: str):
        """All stages: a GeoDataFrame (EPSG:4326) with one row per distinct place."""
        from geo.frame import to_frame

        return to_frame(self.places(text))

    def pipe(self, texts: Iterable[str], batch_size: int = 32) -> Iterator[list[Place]]:
        """Places of many texts, batched through spaCy's ``nlp.pipe``."""
        texts = [_check(t) for t in texts] if isinstance(texts, (list, tuple)) else (_check(t) for t in texts)
        for doc in self.nlp.pipe(texts, batch_size=batch_size):
            yield self.resolver.resolve(self.recognizer.mentions_of_doc(doc), doc.text)


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
