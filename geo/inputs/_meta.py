"""An article's metadata: headline, publication date, author, site name and canonical URL.

From a page: trafilatura's metadata (which reads ``<meta>``, OpenGraph and JSON-LD) completed by
our own reading of the JSON-LD ``NewsArticle``. From plain text: a first line ``date YYYY-MM-DD``
(or a line holding only a date), which is metadata and not part of the body.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterator, TypeGuard

__all__ = ["ArticleMeta", "json_ld_articles", "split_date_line", "is_http_url", "meta_tags", "meta_from_page"]

_ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
                  "liveblogposting", "report", "opinionnewsarticle", "backgroundnewsarticle"}


_FIELDS = ("title", "date", "author", "site", "url")


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """What an article says about itself; every field may be None."""

    title: str | None = None
    date: str | None = None  # ISO 8601 date (YYYY-MM-DD)
    author: str | None = None
    site: str | None = None
    url: str | None = None  # canonical URL (or the URL it was fetched from)

    def __post_init__(self):
        for name, value in self.as_dict().items():
            if value is not None and not isinstance(value, str):
                raise TypeError(f"ArticleMeta.{name} must be a str or None, not {type(value).__name__}")
        if self.date is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", self.date):
            raise ValueError(f"ArticleMeta.date must be YYYY-MM-DD, not {self.date!r}")

    def as_dict(self) -> dict[str, str | None]:
        return {name: getattr(self, name) for name in _FIELDS}


def is_http_url(value: str | None) -> TypeGuard[str]:
    return bool(value) and re.match(r"https?://[^\s/?#]+", str(value), re.I) is not None


def _walk(node: Any) -> Iterator[dict]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity"):
            if key in node:
                yield from _walk(node[key])


def _types(node: dict) -> set[str]:
    t = node.get("@type")
    return {str(x).lower() for x in (t if isinstance(t, list) else [t]) if x}


def json_ld_articles(blocks: list[str]) -> list[dict]:
    """The article objects (``NewsArticle`` and kin) of a page's JSON-LD blocks; bad JSON is skipped."""
    out: list[dict] = []
    for block in blocks:
        try:
            data = json.loads(block)
        except ValueError:
            continue
        out.extend(node for node in _walk(data) if _types(node) & _ARTICLE_TYPES)
    return out


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return "; ".join(names) or None
    if isinstance(value, dict):
        value = value.get("name")
    return " ".join(value.split()) or None if isinstance(value, str) else None


def _iso_date(value: Any) -> str | None:
    m = re.match(r"\s*(\d{4}-\d{2}-\d{2})", value) if isinstance(value, str) else None
    return m.group(1) if m else None


def meta_from_json_ld(node: dict) -> ArticleMeta:
    page = node.get("mainEntityOfPage")
    url = node.get("url") or (page.get("@id") if isinstance(page, dict) else page)
    return ArticleMeta(title=_name(node.get("headline")), date=_iso_date(node.get("datePublished")),
                       author=_name(node.get("author")), site=_name(node.get("publisher")),
                       url=url if isinstance(url, str) and is_http_url(url) else None)


def merge(first: ArticleMeta, second: ArticleMeta) -> ArticleMeta:
    """``first``'s fields, each missing one taken from ``second``."""
    a, b = first.as_dict(), second.as_dict()
    return ArticleMeta(**{k: a[k] if a[k] else b[k] for k in a})


_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                       "nov", "dec"), 1)}
_DATE_WORD = re.compile(r"[ \t\n]*date[ \t]+(\d{4})-(\d{2})-(\d{2})\b[ \t]*\n?", re.I)
_ISO_ONLY = re.compile(r"[ \t]*(?:(?:published|updated|posted)(?: on)?:?[ \t]*)?(\d{4})-(\d{2})-(\d{2})"
                       r"(?:[T ][\d:.+\-Z]*)?[ \t]*(?:\n|$)", re.I)
_WORDY_ONLY = re.compile(
    r"[ \t]*(?:(?:published|updated|posted)(?: on)?:?[ \t]*)?(?:[A-Z][a-z]+day,?[ \t]+)?"
    r"(?:(?P<d1>\d{1,2})[ \t]+(?P<m1>[A-Z][a-z]+)\.?,?|(?P<m2>[A-Z][a-z]+)\.?[ \t]+(?P<d2>\d{1,2}),?)[ \t]+"
    r"(?P<y>\d{4})[ \t]*(?:\d{1,2}[:.]\d{2}(?:[ \t]*[ap]\.?m\.?)?[ \t]*[A-Z]{0,4})?[ \t]*(?:\n|$)", re.I)


def _valid(y: str, mo: int, d: int) -> str | None:
    return f"{y}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None


def split_date_line(text: str) -> tuple[str | None, int]:
    """A date that opens a plain-text article, and how many characters it takes (0 without one).

    ``date 2019-03-23`` (whatever follows on that line is text), or a first line holding only a date
    (``Published 23 March 2019``, ``March 23, 2019 10:40 GMT``, ``2019-03-23``). A dateline naming a
    place (``KATHMANDU, Nepal —``) is the story's own and stays in the text.
    """
    date, end = None, 0
    m = _DATE_WORD.match(text) or _ISO_ONLY.match(text)
    if m:
        date, end = _valid(m.group(1), int(m.group(2)), int(m.group(3))), m.end()
    else:
        m = _WORDY_ONLY.match(text)
        month = _MONTHS.get((m.group("m1") or m.group("m2"))[:3].lower()) if m else None
        if m and month:
            date, end = _valid(m.group("y"), month, int(m.group("d1") or m.group("d2"))), m.end()
    if date is None:
        return None, 0
    while end < len(text) and text[end] in " \t\n":
        end += 1
    return date, end


_DATE_META = ("article:published_time", "og:published_time", "datepublished", "date", "pubdate", "publishdate",
              "publish_date", "dc.date", "dc.date.issued", "dcterms.created", "sailthru.date", "parsely-pub-date")


def meta_tags(tree) -> dict[str, str]:
    """``<meta>`` content by lower-cased property / name / itemprop (the first of each), whitespace squashed."""
    out: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        value = el.get("content")
        if key and value and value.strip() and key not in out:
            out[key] = " ".join(value.split())
    return out


def _first_text(tree, xpath: str, limit: int = 300) -> str | None:
    for el in tree.xpath(xpath):
        text = " ".join((el.text_content() if hasattr(el, "text_content") else str(el)).split())
        if text and len(text) <= limit:
            return text
    return None


def meta_from_page(tree, tags: dict[str, str] | None = None) -> ArticleMeta:
    """The metadata of a parsed page from its tags: OpenGraph, ``<meta>``, microdata, ``<time>``, ``<h1>``.

    ``tags``: the page's :func:`meta_tags`, when they were read already."""
    tags = meta_tags(tree) if tags is None else tags
    title = tags.get("og:title") or tags.get("twitter:title") or _first_text(tree, "//h1")  # <title>: see _extract
    date = next((d for d in (_iso_date(tags.get(k)) for k in _DATE_META) if d), None) or _iso_date(
        next(iter(tree.xpath("//*[@itemprop='datePublished']/@datetime | //*[@itemprop='datePublished']/@content"
                             " | //article//time/@datetime | //time/@datetime")), None))
    author = tags.get("author") or (tags.get("article:author") if not is_http_url(tags.get("article:author"))
                                    else None) or _first_text(tree, "//*[@itemprop='author']", 120)
    site = tags.get("og:site_name") or tags.get("application-name")
    canonical = next(iter(tree.xpath("//link[@rel='canonical']/@href")), None) or tags.get("og:url")
    return ArticleMeta(title=title, date=date, author=author, site=site,
                       url=canonical.strip() if is_http_url(canonical) else None)
