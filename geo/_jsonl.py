"""Reading JSON Lines: the one reader behind ``geo parse``, ``geo eval`` and their inputs.

Each line is decoded on its own (a binary stream), so that a line that is not UTF-8 or not JSON
is reported with its number, and a caller may skip it; blank lines are left out and a UTF-8
byte-order mark on the first line is dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import IO, Any, Iterable, Iterator

__all__ = ["JsonLine", "json_lines"]


@dataclass(frozen=True)
class JsonLine:
    """One non-blank line: its number, its value, or why it could not be read (``value`` is then None)."""

    line: int
    value: Any
    problem: str | None = None


def json_lines(stream: IO[bytes] | IO[str] | Iterable[bytes | str]) -> Iterator[JsonLine]:
    """Every non-blank line of ``stream`` as a :class:`JsonLine`."""
    for ln, raw in enumerate(stream, 1):
        if isinstance(raw, bytes):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield JsonLine(ln, None, f"not UTF-8 text ({exc.reason} at byte {exc.start} of the line)")
                continue
        else:
            text = raw
        if ln == 1:
            text = text.removeprefix("\ufeff")  # a UTF-8 byte-order mark
        if not text.strip():
            continue
        try:
            yield JsonLine(ln, json.loads(text))
        except json.JSONDecodeError as exc:
            yield JsonLine(ln, None, f"not JSON ({exc.msg})")
        except RecursionError:
            yield JsonLine(ln, None, "not JSON (nested too deeply)")
        except ValueError as exc:  # e.g. an integer too long to convert
            yield JsonLine(ln, None, f"not JSON ({exc})")
