"""Long texts in bounded pieces: where to cut, and the pieces' mentions put back into the whole text.

spaCy's memory grows faster than the text (a 1 MB article took 3 GB in one call), so a text
longer than :data:`PIECE_CHARS` is recognised piece by piece: cut at the last paragraph break
before the limit (else the last sentence end, else the last space), each piece's mentions
shifted back to offsets of the whole text. Candidates and resolution then run once, over every
mention of the text. A text that fits in one piece is one piece: nothing changes for it.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Sequence

from geo.corrections._apply import MentionEdits
from geo.types import Mention

__all__ = ["PIECE_CHARS", "Piece", "piece_spans", "shifted", "shifted_edits", "joined_edits"]

#: the longest piece recognised in one spaCy call (characters)
PIECE_CHARS = 60_000



@dataclasses.dataclass(frozen=True)
class Piece:
    """One piece of a text as spaCy parsed it: where it starts in the text, its own text (spaCy's
    ``doc.text`` is the same string, joined anew from the tokens on every access) and the doc."""

    start: int
    text: str
    doc: Any


_PARAGRAPH = re.compile(r"\n[^\S\n]*\n\s*")
_SENTENCE = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+")
_SPACE = re.compile(r"\s+")


def _cut(text: str, start: int, limit: int) -> int:
    """Where the piece that begins at ``start`` ends (at most ``limit``): after the last paragraph
    break, sentence end or space in its second half, else at ``limit``."""
    low = start + (limit - start) // 2
    for pattern in (_PARAGRAPH, _SENTENCE, _SPACE):
        ends = [m.end() for m in pattern.finditer(text, low, limit)]
        if ends:
            return ends[-1]
    return limit


def piece_spans(text: str, size: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of consecutive pieces of at most ``size`` (default :data:`PIECE_CHARS`)
    characters covering ``text``."""
    size = size or PIECE_CHARS
    if size < 2:
        raise ValueError("pieces need at least 2 characters")
    spans = []
    start = 0
    while len(text) - start > size:
        end = _cut(text, start, start + size)
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return spans


def shifted(mentions: Sequence[Mention], offset: int) -> list[Mention]:
    """The mentions of a piece that begins at ``offset`` of the whole text, in the whole text's offsets."""
    if not offset:
        return list(mentions)
    return [dataclasses.replace(m, start=m.start + offset, end=m.end + offset, sentence_start=m.sentence_start + offset)
            for m in mentions]


def shifted_edits(edits: MentionEdits, offset: int) -> MentionEdits:
    """:func:`shifted` of the edits' mentions."""
    return dataclasses.replace(edits, mentions=tuple(shifted(edits.mentions, offset))) if offset else edits


def joined_edits(parts: Sequence[MentionEdits]) -> MentionEdits:
    """The edits of the pieces of one text as the edits of the text: mentions in order, and each
    drop's and add's count summed over the pieces (every piece lists every entry, in file order)."""
    if len(parts) == 1:
        return parts[0]

    def summed(lists: list[tuple]) -> tuple:
        return tuple((entries[0][0], sum(n for _, n in entries)) for entries in zip(*lists))

    return MentionEdits(mentions=tuple(m for p in parts for m in p.mentions),
                        dropped=summed([p.dropped for p in parts]), added=summed([p.added for p in parts]))
