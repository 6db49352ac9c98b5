"""The one decoder of geo: bytes of a file, standard input or a fetched page to text.

Order: a byte-order mark; the charset the source declares (HTTP ``Content-Type``, then the page's
``<meta charset>``); UTF-8. Text that is UTF-8 but for a few broken byte sequences stays UTF-8: the
bad bytes become U+FFFD and are reported (a warning), never a reason to re-decode the whole file
as cp1252 (which turns ``Zürich`` into ``ZÃ¼rich``). Only bytes with no valid UTF-8 multi-byte
sequence at all are taken for a legacy single-byte text (cp1252).
"""

from __future__ import annotations

import codecs
import re
import warnings

from geo.errors import InputError

__all__ = ["decode", "declared_charset", "DecodeWarning", "FALLBACK_ENCODINGS"]

FALLBACK_ENCODINGS = ("cp1252",)

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),  # before UTF-16: same first bytes
    (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
# a valid UTF-8 multi-byte sequence (2, 3 or 4 bytes)
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")
_UTF8_MULTI = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


class DecodeWarning(UserWarning):
    """Some bytes of a text could not be decoded and were replaced by U+FFFD."""


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in ("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii"):
        return "cp1252"  # what browsers do (WHATWG Encoding Standard)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    """The charset a source declares: the HTTP ``Content-Type`` first, then ``<meta charset>`` (first 4 KB)."""
    if content_type:
        m = re.search(r"charset\s*=\s*([^;\s]+)", content_type, re.I)
        if m and _codec(m.group(1)):
            return _codec(m.group(1))
    meta = _META_CHARSET.search(data[:4096])
    return _codec(meta.group(1).decode("ascii", "replace")) if meta else None


def _utf8_with_repairs(data: bytes, label: str) -> str | None:
    """UTF-8 with its broken sequences replaced, when the bytes are UTF-8 at all; else None."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first = exc.start
    good = len(_UTF8_MULTI.findall(data))
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    if good == 0 or bad > good:
        return None  # a legacy 8-bit text: no (or hardly any) valid UTF-8 sequence in it
    warnings.warn(f"{label}: {bad} invalid UTF-8 byte sequence{'s' if bad != 1 else ''} replaced by \ufffd "
                  f"(the first at byte {first})", DecodeWarning, stacklevel=3)
    return text


def _check_text(text: str, label: str) -> str:
    head = text[:8192]
    controls = len(_CONTROLS.findall(head))
    if "\x00" in head or controls > max(8, len(head) // 100):
        raise InputError(f"{label}: looks like a binary file, not text")
    return text


def decode(data: bytes, label: str, *, declared: str | None = None) -> str:
    """Bytes to text (see the module's docstring); ``declared``: a charset the source states."""
    codec: str | None  # a BOM's codec, then the declared one
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    else:
        for bom, codec in _BOMS[1:]:
            if data.startswith(bom):
                try:
                    return _check_text(data.decode(codec), label)
                except UnicodeDecodeError:
                    raise InputError(f"{label}: not valid {codec.upper()} text") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{label}: looks like a binary file, not text")
    codec = _codec(declared)
    if codec and codec != "utf-8":
        try:
            strict = data.decode(codec)
        except UnicodeDecodeError:
            strict = None
        # a page that declares a legacy charset but is valid UTF-8 with non-ASCII text was mislabelled
        if strict is not None and not (_UTF8_MULTI.search(data) and _is_utf8(data)):
            return _check_text(strict, label)
        if strict is None and not _is_utf8(data):
            warnings.warn(f"{label}: bytes not valid in its declared charset {codec} replaced by \ufffd",
                          DecodeWarning, stacklevel=2)
            return _check_text(data.decode(codec, errors="replace"), label)
    text = _utf8_with_repairs(data, label)
    if text is None:
        for enc in FALLBACK_ENCODINGS:
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InputError(f"{label}: not UTF-8 text (also tried {', '.join(FALLBACK_ENCODINGS)})")
    return _check_text(text, label)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
