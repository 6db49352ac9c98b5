"""Geoparse a stream of documents: JSON Lines in, one prediction per document out.

Input lines are ``{"id": ..., "text": ...}`` (other fields ignored); output lines are
``{"id": ..., "toponyms": [{"start", "end", "name", "lat", "lon", "geonameid", "kind", "confidence"}]}``
with every mention (not one per place), the format ``geo eval`` and the reference scorer read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterable, Iterator, TextIO

from geo._jsonl import json_lines
from geo._values import has_lone_surrogate
from geo.errors import InputError
from geo.types import Place

__all__ = ["Document", "read_documents", "predictions", "place_toponyms"]



@dataclass(frozen=True)
class Document:
    id: str
    text: str
    line: int


def read_documents(stream: TextIO | BinaryIO, label: str, *, skip_bad: bool = False,
                   warn: Callable[[str], object] | None = None) -> Iterator[Document]:
    """Documents from a JSON Lines stream; a malformed line raises (or is skipped with a warning).

    A binary stream is decoded line by line, so that a line that is not UTF-8 is reported with
    its number (and can be skipped) like any other malformed line.
    """
    seen: set[str] = set()
    for item in json_lines(stream):
        ln, d, problem = item.line, item.value, item.problem
        if problem is None:
            if not isinstance(d, dict):
                problem = "not a JSON object"
            elif "text" not in d or not isinstance(d["text"], str):
                problem = 'no "text" string'
            elif "id" not in d or not isinstance(d["id"], (str, int)):
                problem = 'no "id" (string or number)'
            else:
                problem = _document_problem(d, seen)
        if problem:
            msg = f"{label}:{ln}: {problem}"
            if skip_bad:
                if warn:
                    warn(f"skipped {msg}")
                continue
            raise InputError(msg)
        seen.add(str(d["id"]))
        yield Document(id=d["id"], text=d["text"], line=ln)


def _document_problem(d: dict, seen: set[str]) -> str | None:
    """Why a JSON object with an id and a text cannot be geoparsed, or None."""
    from geo.pipeline import MAX_TEXT_CHARS

    if str(d["id"]) in seen:
        return f"duplicate id {d['id']!r}"
    for field in ("id", "text"):
        value = d[field]
        if isinstance(value, str) and has_lone_surrogate(value):
            return f"a lone surrogate in its {field} (not valid Unicode)"
    if len(d["text"]) > MAX_TEXT_CHARS:
        return f"text too long ({len(d['text']):,} characters; the limit is {MAX_TEXT_CHARS:,})"
    return None


def place_toponyms(places: Iterable[Place], *, adjectival: bool = True) -> list[dict]:
    """Every mention of every place, in text order, as prediction records."""
    out = []
    for p in places:
        c = p.candidate
        for m in p.mentions:
            if m.kind == "adjectival" and not adjectival:
                continue
            out.append({
                "start": m.start, "end": m.end, "name": m.text,
                "lat": round(c.lat, 6) if c else None, "lon": round(c.lon, 6) if c else None,
                "geonameid": c.geonameid if c else None, "kind": c.kind if c else "unknown",
                "mention": m.kind, "confidence": round(p.confidence, 3),
            })
    out.sort(key=lambda t: (t["start"], t["end"]))
    return out


def predictions(geoparser, docs: Iterable[Document], *, batch_size: int = 32,
                adjectival: bool = True) -> Iterator[dict]:
    """Prediction records for documents, in order, batched through spaCy."""
    from itertools import tee

    a, b = tee(docs)
    texts = (d.text for d in a)
    for doc, places in zip(b, geoparser.pipe(texts, batch_size=batch_size, within_names=True)):
        yield {"id": doc.id, "toponyms": place_toponyms(places, adjectival=adjectival)}
