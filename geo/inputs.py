"""Reading an article: a ``.txt`` or ``.html`` file, or ``-`` for standard input.

Every problem becomes an :class:`~geo.errors.InputError` with a one-line message.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from geo.errors import InputError

__all__ = ["Article", "read_article", "decode", "html_to_text", "MAX_INPUT_BYTES"]

#: largest input accepted, in bytes
MAX_INPUT_BYTES = 5 * 1024 * 1024
FALLBACK_ENCODINGS = ("cp1252",)


@dataclass(frozen=True)
class Article:
    """An article's text, where it came from, and its title when the input had one."""

    text: str
    source: str
    stem: str
    title: str | None = None


_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),  # before UTF-16: same first bytes
    (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)


def decode(data: bytes, label: str) -> str:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16/32 with a BOM, then common fallbacks."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise InputError(f"{label}: not valid {codec.upper()} text") from None
            break
    else:
        if b"\x00" in data[:8192]:
            raise InputError(f"{label}: looks like a binary file, not text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            for enc in FALLBACK_ENCODINGS:
                try:
                    text = data.decode(enc)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise InputError(f"{label}: not UTF-8 text (also tried {', '.join(FALLBACK_ENCODINGS)})") from None
    head = text[:8192]
    controls = sum(1 for ch in head if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if "\x00" in head or controls > max(8, len(head) // 100):
        raise InputError(f"{label}: looks like a binary file, not text")
    return text


class _TextExtractor(HTMLParser):
    # Not "form": ASP.NET and some CMS pages wrap the whole page, article included, in one <form>.
    SKIP = {"script", "style", "noscript", "template", "svg", "nav", "footer", "head", "title", "iframe", "button",
            "select", "textarea"}
    BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
             "article", "blockquote", "figcaption", "figure", "header", "main", "pre", "hr", "dd", "dt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.article_parts: list[str] | None = None
        self.skip = 0
        self.in_title = False
        self.titles = 0
        self.svg = 0
        self.in_article = 0
        self.title = ""

    def handle_starttag(self, tag, attrs):
        # the page's <title> only: not the <title> of an inline SVG icon further down
        if tag == "svg":
            self.svg += 1
        if tag == "title" and not self.svg:
            self.titles += 1
            self.in_title = self.titles == 1
        if tag in self.SKIP:
            self.skip += 1
        if tag == "article":
            self.in_article += 1
            if self.article_parts is None:
                self.article_parts = []
        if tag in self.BLOCK:
            self._emit("\n\n" if tag != "br" else "\n")

    def handle_startendtag(self, tag, attrs):
        if tag in ("br", "hr"):
            self._emit("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag == "svg" and self.svg:
            self.svg -= 1
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        if tag in self.BLOCK:
            self._emit("\n\n")
        if tag == "article" and self.in_article:
            self.in_article -= 1

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        if not self.skip:
            self._emit(data)

    def _emit(self, s: str):
        self.parts.append(s)
        if self.in_article and self.article_parts is not None:
            self.article_parts.append(s)


def html_to_text(html: str) -> tuple[str, str | None]:
    """The readable text of an HTML page (its ``<article>`` when it has one) and its title."""
    p = _TextExtractor()
    p.feed(html)
    p.close()
    parts = p.article_parts if p.article_parts and "".join(p.article_parts).strip() else p.parts
    text = "".join(parts)
    text = re.sub(r"[ \t\r\f\v\u00a0]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    title = re.sub(r"\s+", " ", p.title).strip() or None
    return text, title


def _looks_like_html(path_name: str, text: str) -> bool:
    if path_name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html"))


def read_article(source: str | Path, *, max_bytes: int = MAX_INPUT_BYTES) -> Article:
    """Read an article from a path, or from standard input when ``source`` is ``"-"``."""
    if str(source) == "-":
        label, stem = "<stdin>", "article"
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        path = Path(source)
        label, stem = str(path), path.stem or "article"
        if not path.exists():
            raise InputError(f"{label}: no such file")
        if path.is_dir():
            raise InputError(f"{label}: is a directory, not an article file")
        try:
            with open(path, "rb") as f:
                data = f.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"{label}: cannot read ({exc.strerror or exc})") from exc
    if len(data) > max_bytes:
        raise InputError(f"{label}: too large (over {max_bytes // (1024 * 1024)} MB); split it into articles")
    if not data.strip():
        raise InputError(f"{label}: is empty")
    text = decode(data, label)
    title = None
    if _looks_like_html(label, text):
        text, title = html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{label}: has no text")
    return Article(text=text, source=label, stem=stem, title=title)
