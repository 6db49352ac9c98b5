"""The one validator of values read from files: numbers (places files, corrections, dump imports,
geocoder answers) and text that is not valid Unicode.

``str.isdigit()`` accepts superscript and other non-ASCII digits that ``int()`` refuses, ``float()``
accepts ``nan`` and ``inf``, and SQLite refuses integers past 2**63 - 1: each of these ended a run
with a traceback. Here every number is checked once; a bad one raises :class:`ValueError` with a
message (``population '5²' is not a whole number``) that the caller prefixes with its file and line.
"""

from __future__ import annotations

import math
import re
from typing import Any, overload

__all__ = ["MAX_INT", "whole_number", "real_number", "has_lone_surrogate", "printable", "display_text"]

#: the largest integer SQLite (and Arrow's int64) stores
MAX_INT = 2**63 - 1
_SURROGATE = re.compile("[\ud800-\udfff]")
_SEPARATORS = str.maketrans("", "", ",_ ")


def whole_number(value: Any, what: str, *, low: int = 0, high: int = MAX_INT) -> int:
    """``value`` (an int, or ASCII digits with optional ``,``/``_`` separators) as an int in [low, high]."""
    if type(value) is str and value.isascii() and value.isdigit() and len(value) < 19:
        n = int(value)  # the fast path of dump imports: plain digits, certainly in int64
    elif isinstance(value, int) and not isinstance(value, bool):
        n = value
    elif isinstance(value, float) and value.is_integer():
        n = int(value)
    else:
        s = str(value).strip().translate(_SEPARATORS) if isinstance(value, str) else ""
        sign = -1 if s.startswith("-") else 1
        digits = s[1:] if s[:1] in "+-" else s
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 30:
            raise ValueError(f"{what} {_shown(value)} is not a whole number")
        n = sign * int(digits)
    if not low <= n <= high:
        raise ValueError(f"{what} {_shown(value)} is out of range ({low:,} to {high:,})")
    return n


def real_number(value: Any, what: str, *, low: float, high: float) -> float:
    """``value`` (a number, or text of one) as a finite float in [low, high]; NaN and inf are refused."""
    if isinstance(value, bool):
        raise ValueError(f"{what} {_shown(value)} is not a number")
    if isinstance(value, (int, float)):
        f = float(value) if not isinstance(value, int) or abs(value) < 2**1000 else math.inf
    elif isinstance(value, str) and value.strip().isascii():
        try:
            f = float(value.strip())
        except ValueError:
            raise ValueError(f"{what} {_shown(value)} is not a number") from None
    else:
        raise ValueError(f"{what} {_shown(value)} is not a number")
    if not math.isfinite(f):
        raise ValueError(f"{what} {_shown(value)} is not a finite number")
    if not low <= f <= high:
        raise ValueError(f"{what} {_shown(value)} is out of range ({low:g} to {high:g})")
    return f


def has_lone_surrogate(text: str) -> bool:
    """True when ``text`` holds a lone surrogate (from a JSON ``\\ud800`` escape): it cannot be written as UTF-8."""
    return _SURROGATE.search(text) is not None


@overload
def printable(text: str) -> str: ...
@overload
def printable(text: None) -> None: ...
def printable(text: str | None) -> str | None:
    """``text`` with lone surrogates written as ``\\udXXX`` escapes, so it can be written anywhere."""
    if text is None or not has_lone_surrogate(text):
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def display_text(text: str) -> str:
    """``text`` as valid Unicode: undecodable bytes of the command line (``surrogateescape``) and lone
    surrogates become U+FFFD."""
    if not has_lone_surrogate(text):
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "replace")
    return raw.decode("utf-8", "replace")


def _shown(value: Any) -> str:
    if isinstance(value, int) and value.bit_length() > 200:
        return f"(an integer of {value.bit_length() * 3 // 10:,}+ digits)"
    s = repr(value) if isinstance(value, str) else str(value)
    return s if len(s) <= 40 else s[:37] + "..."
