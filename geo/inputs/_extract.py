"""The story of a news page: headline, standfirst and body, with the page's metadata.

trafilatura finds the main text (tuned for precision: no comments, no tables, no link lists); a
few layouts it cannot read alone are prepared first (old table layouts become blocks, photo captions
become paragraphs, paywall and subscription boxes are dropped). A page whose story is only in its
JSON-LD ``articleBody`` (an app shell) gives that; a page where nothing is found falls back to the
hand-written extractor (:mod:`geo.inputs._fallback`).

The page is parsed once: its metadata and JSON-LD are read from that tree, then what is never text
(scripts, styles, navigation, footers, asides, media, form controls) is stripped from it, and
trafilatura gets what remains — about a tenth of a CMS page's elements (tests/pages/long/: 1,100–1,450
elements, 120–270 left), which is what its XPath rules cost by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from geo.inputs._meta import (
    ArticleMeta,
    is_http_url,
    json_ld_articles,
    merge,
    meta_from_json_ld,
    meta_from_page,
    meta_tags,
)

if TYPE_CHECKING:
    from trafilatura.settings import Document, Extractor

__all__ = ["Extracted", "extract_page", "TRAFILATURA_OPTIONS"]

#: the options of trafilatura's extraction (chosen on tests/pages/: each gives exactly the story): no
#: comments, tables, images, links or formatting; no deduplication; no metadata (ours is read from the
#: same tree, :mod:`geo.inputs._meta`); ``fast``: no fallback algorithms (readability, jusText)
TRAFILATURA_OPTIONS: dict[str, Any] = dict(comments=False, tables=False, images=False, links=False, formatting=False,
                                            dedup=False, with_metadata=False, precision=False, recall=False,
                                            fast=True)
# elements that are never the story, removed before trafilatura sees the tree (it deletes them too, but
# only after its first XPath rules have run over them): on a CMS page they are most of its elements
# (its own list, settings.MANUALLY_CLEANED, but for <figure>, which holds captions, <form>, which may wrap
# a whole page, and <math>; and <img>, <meta>, <template>, which it strips)
_NEVER_TEXT = ("style", "noscript", "template", "svg", "iframe", "nav", "footer", "aside", "button", "select",
               "textarea", "input", "link", "meta", "img", "picture", "source", "time", "video", "audio", "canvas",
               "object", "embed", "map", "area", "label", "option", "optgroup", "datalist", "fieldset", "legend",
               "menu", "menuitem", "dialog", "param", "track", "use", "progress", "output")
# class or id words of boxes that are never the story
_BOILERPLATE = re.compile(r"(?:^|[-_ ])(?:paywall|regwall|subscribe|subscription|piano|newsletter|cookies?|consent|"
                          r"gdpr|cmp)(?:$|[-_ ])", re.I)
_STANDFIRST = re.compile(r"(?:^|[-_ ])(?:standfirst|dek|deck|lede|lead|teaser-lead|subtitle|sub-?headline|strapline|"
                         r"intro|summary|description)(?:$|[-_ ])", re.I)
_LONG_CELL = 300  # characters: a table cell holding this much text is page layout, not data


@dataclass(frozen=True, slots=True)
class Extracted:
    """The text of a page (headline, standfirst, body; paragraphs apart) and its metadata."""

    text: str
    meta: ArticleMeta
    method: str  # "trafilatura", "json-ld" or "fallback"


def _squash(text: str) -> str:
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _extractor() -> Extractor:
    """trafilatura's options, built once (reading its configuration costs about a millisecond a page)."""
    from trafilatura.settings import Extractor

    return Extractor(output_format="python", **TRAFILATURA_OPTIONS)


def _parse(html: str):
    import lxml.etree
    import lxml.html

    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)  # lxml refuses a str with an encoding declaration
    try:
        # comments and processing instructions are never text (trafilatura's own parser drops them too)
        return lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(
            remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False))
    except (ValueError, lxml.etree.LxmlError):  # "Document is empty" and the like: not a tree we can read
        return None


def _words(el) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _prepare(tree) -> None:
    """Drop what is never text, and rewrite the layouts trafilatura cannot read alone (in place)."""
    import lxml.etree

    # scripts but the JSON-LD (read already; trafilatura looks for a forum thread in it)
    for script in [s for s in tree.iter("script") if (s.get("type") or "").lower() != "application/ld+json"]:
        script.drop_tree()
    lxml.etree.strip_elements(tree, *_NEVER_TEXT, with_tail=False)
    for el in tree.xpath("//*[@class or @id]"):
        if el.getparent() is not None and el.tag not in ("html", "body", "main", "article") \
                and _BOILERPLATE.search(_words(el)):
            el.drop_tree()
    for stray in tree.xpath("//body//title"):  # a misplaced <title> is not text
        stray.drop_tree()
    for table in tree.xpath("//table"):
        nested = table.xpath(".//table")
        long_cell = any(len(_squash(td.text_content())) > _LONG_CELL for td in table.xpath(".//td|.//th"))
        if nested or long_cell or table.xpath("ancestor::div[@data-geo-layout]"):
            for el in [table, *table.xpath(".//tbody|.//thead|.//tfoot|.//tr|.//td|.//th")]:
                el.tag = "div"
            table.set("data-geo-layout", "1")
    layout = tree.xpath("//div[@data-geo-layout]")
    if layout and not tree.xpath("//article|//main"):
        # the innermost cell holding the most text is the story's: say so, as a modern page would
        cells = [el for el in tree.xpath("//div[@data-geo-layout]//div") if not el.xpath(".//div")]
        if cells:
            max(cells, key=lambda el: len(_squash(el.text_content()))).tag = "article"
    _keep_captions(tree)


def _keep_captions(tree) -> None:
    """Photo captions are the story's: kept without their credit line, as paragraphs (trafilatura drops
    ``<figure>`` and, with images off, every element whose class or id says "caption")."""
    for cap in tree.xpath("//figcaption | //*[contains(@class, 'caption') or contains(@id, 'caption')]"):
        for credit in cap.xpath(".//*[contains(@class, 'credit')]"):
            credit.drop_tree()
        for el in cap.iter():
            for attr in ("class", "id"):
                if "caption" in (el.get(attr) or ""):
                    del el.attrib[attr]
        if cap.tag == "figcaption":
            cap.tag = "p"
    for fig in tree.xpath("//figure"):
        fig.tag = "div"


def _standfirst(tree, description: str | None, title: str | None) -> str | None:
    """The standfirst shown on the page: the description when the page shows it, else a marked element."""
    body = tree.find("body")
    visible = _squash(body.text_content()) if body is not None else ""
    if description and _squash(description) in visible:
        return _squash(description)
    for el in tree.xpath("//body//*[self::p or self::div or self::h2 or self::span][@class]"):
        if _STANDFIRST.search(el.get("class") or ""):
            text = _squash(el.text_content())
            if 40 <= len(text) <= 600 and text != title:
                return text
    return None


_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·:»]\s+")


def _headline(tree, meta: ArticleMeta, body: str) -> ArticleMeta:
    """The headline when no tag gives one: from the page's ``<title>``, often "Site - Section - Headline"."""
    if meta.title:
        return meta
    page_title = _squash(tree.findtext(".//title") or "")
    if not page_title:
        return meta
    title = next((line for line in [_squash(ln) for ln in body.split("\n") if ln.strip()][:3]
                  if len(line) > 15 and line in page_title), None)
    title = title or max(_TITLE_SEPARATORS.split(page_title), key=len)
    return ArticleMeta(**{**meta.as_dict(), "title": title})


def _assemble(title: str | None, standfirst: str | None, body: str) -> str:
    lines = [_squash(ln) for ln in body.split("\n")]
    lines = [ln for ln in lines if ln and ln != title]
    if title and lines and lines[0].startswith(title + " "):  # a headline run into the text (<br> layouts)
        lines[0] = lines[0][len(title):].strip()
    joined = " ".join(lines)
    head = [t for t in (title, standfirst) if t and t not in joined]
    return "\n\n".join(head + lines)


def extract_page(html: str, *, url: str | None = None) -> Extracted | None:
    """The story of ``html`` (``url``: where it came from), or None when the page holds no text."""
    import trafilatura

    from geo.inputs._fallback import html_to_text

    tree = _parse(html)
    if tree is None:
        text, title = html_to_text(html)
        return Extracted(text, ArticleMeta(title=title, url=url if is_http_url(url) else None), "fallback") \
            if text.strip() else None
    nodes = json_ld_articles([s.text_content() for s in tree.xpath("//script[@type='application/ld+json']")])
    ld_meta = meta_from_json_ld(nodes[0]) if nodes else ArticleMeta()
    ld_body = max((_squash_lines(n.get("articleBody")) for n in nodes), key=len, default="")
    tags = meta_tags(tree)
    meta = merge(merge(meta_from_page(tree, tags), ld_meta), ArticleMeta(url=url if is_http_url(url) else None))
    description = tags.get("og:description") or tags.get("description")
    _prepare(tree)
    # cast: trafilatura annotates one return type for all options; without as_dict it is a Document or None
    # (no URL: with links off it would not matter)
    doc = cast("Document | None", trafilatura.bare_extraction(tree, options=_extractor()))
    body, method = (doc.text or "") if doc is not None else "", "trafilatura"
    if ld_body and len(_squash(body)) < 0.5 * len(_squash(ld_body)):
        body, method = ld_body, "json-ld"
    if not body.strip():
        body, page_title = html_to_text(html)
        if not body.strip():
            return None
        meta, method = merge(meta, ArticleMeta(title=page_title)), "fallback"
        return Extracted(body, meta, method)
    meta = _headline(tree, meta, body)
    kept = description is not None and _squash(description) in _squash(body)  # trafilatura kept it already
    standfirst = None if kept else _standfirst(tree, description, meta.title)
    return Extracted(_assemble(meta.title, standfirst, body), meta, method)


def _squash_lines(value) -> str:
    if not isinstance(value, str):
        return ""
    return "\n".join(_squash(ln) for ln in value.splitlines() if ln.strip())
