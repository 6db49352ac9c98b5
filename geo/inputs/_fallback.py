"""The hand-written extractor: the page's ``<article>``, else its body, without scripts, navigation and footer.

Used when trafilatura finds no main text, and for the page's ``<title>``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["html_to_text"]


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
