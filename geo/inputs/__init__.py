"""Reading an article: a ``.txt`` or ``.html`` file, ``-`` for standard input, or an ``http(s)://`` URL.

A page (from a file, standard input or the web) gives its story — headline, standfirst and body,
without navigation, banners, teasers, comments or footers (:mod:`geo.inputs._extract`, with
trafilatura) — and its metadata (:class:`ArticleMeta`). A plain text gives its text, less a first
line ``date YYYY-MM-DD`` (or a line holding only a date), which becomes its date. Bytes become text
through one decoder (:mod:`geo.inputs._decode`). Every problem is an :class:`~geo.errors.InputError`
with a one-line message.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from geo.errors import InputError
from geo.inputs._decode import FALLBACK_ENCODINGS, DecodeWarning, declared_charset, decode
from geo.inputs._fallback import html_to_text
from geo.inputs._fetch import Fetcher, is_url
from geo.inputs._meta import ArticleMeta, split_date_line

__all__ = ["Article", "ArticleMeta", "read_article", "article_from_bytes", "decode", "html_to_text", "is_url",
           "Fetcher", "DecodeWarning", "MAX_INPUT_BYTES", "FALLBACK_ENCODINGS"]

#: largest input accepted, in bytes
MAX_INPUT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Article:
    """An article's text (what is geoparsed and shown), where it came from, and its metadata."""

    text: str
    source: str
    stem: str
    title: str | None = None
    meta: ArticleMeta = field(default_factory=ArticleMeta)


def _looks_like_html(name: str, text: str, content_type: str | None = None) -> bool:
    if content_type is not None:
        return content_type.split(";")[0].strip().lower() != "text/plain"
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html", "<?xml"))


def _url_stem(url: str) -> str:
    parts = urlsplit(url)
    last = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    last = re.sub(r"\.(html?|xhtml|php|aspx?)$", "", last, flags=re.I)
    stem = re.sub(r"[^\w.-]+", "-", last or parts.hostname or "article").strip(".-")
    return stem[:80] or "article"


def article_from_bytes(data: bytes, label: str, stem: str, *, name: str = "", url: str | None = None,
                       content_type: str | None = None) -> Article:
    """An :class:`Article` from the bytes of a file, standard input or a page fetched from ``url``."""
    from geo.inputs._extract import extract_page

    if not data.strip():
        raise InputError(f"{label}: is empty")
    text = decode(data, label, declared=declared_charset(data, content_type))
    meta = ArticleMeta(url=url)
    if _looks_like_html(name or label, text, content_type):
        page = extract_page(text, url=url)
        if page is None:
            raise InputError(f"{label}: has no text")
        text, meta = page.text, page.meta
    else:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        date, skip = split_date_line(text)
        if date:  # the first line's date is metadata: the text shown and geoparsed starts after it
            text, meta = text[skip:], ArticleMeta(date=date, url=url)
    if not text.strip():
        raise InputError(f"{label}: has no text")
    return Article(text=text, source=label, stem=stem, title=meta.title, meta=meta)


def _read_file(path: Path, max_bytes: int) -> bytes:
    label = str(path)
    if not path.exists():
        raise InputError(f"{label}: no such file")
    if path.is_dir():
        raise InputError(f"{label}: is a directory, not an article file")
    try:
        with open(path, "rb") as f:
            return f.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"{label}: cannot read ({exc.strerror or exc})") from exc


def read_article(source: str | Path, *, max_bytes: int = MAX_INPUT_BYTES, fetcher: Fetcher | None = None) -> Article:
    """Read an article from a path, an ``http(s)://`` URL, or standard input when ``source`` is ``"-"``.

    ``fetcher``: the :class:`Fetcher` that fetches URLs (its User-Agent, timeout, politeness and
    one-fetch-per-URL memory); a default one otherwise.
    """
    if isinstance(source, str) and is_url(source):
        own = fetcher is None
        fetcher = fetcher or Fetcher(max_bytes=max_bytes)
        try:
            page = fetcher.fetch(source)
        finally:
            if own:
                fetcher.close()
        return article_from_bytes(page.data, source, _url_stem(page.final_url), url=page.final_url,
                                  content_type=page.content_type)
    if str(source) == "-":
        label, stem, name = "<stdin>", "article", ""
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        path = Path(source)
        label, stem, name = str(path), path.stem or "article", path.name
        data = _read_file(path, max_bytes)
    if len(data) > max_bytes:
        raise InputError(f"{label}: too large (over {max_bytes // (1024 * 1024)} MB); split it into articles")
    return article_from_bytes(data, label, stem, name=name)
