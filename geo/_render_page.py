"""The static parts of the map page around the map: header, article, place list, legend.

Every piece of text here is passed through :func:`html.escape` (text and attribute
contexts alike), so the page reads correctly with scripts off and no article text can
become markup.
"""

from __future__ import annotations

import html
import re
from typing import Any, Mapping, Sequence

from geo._render_data import BASE_KINDS, DEFAULT_REASON, KINDS, UNRESOLVED_COLOUR, PlaceRecord, marker_radius

__all__ = ["header_html", "source_html", "panel_html", "kind_css", "mention_spans", "PLACE_LIST_LIMIT"]

PLACE_LIST_LIMIT = 250  # the list names the most-mentioned places; the map has them all


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def kind_css(kinds: Sequence[str] = BASE_KINDS) -> str:
    """One colour variable per kind (of ``kinds``), used by highlights, list dots and the legend."""
    rules = [f".geo-k-{kind}{{--geo-c:{KINDS[kind][0]}}}" for kind in KINDS if kind in kinds]
    rules.append(f".geo-k-unresolved{{--geo-c:{UNRESOLVED_COLOUR}}}")
    return "\n".join(rules)


def _kind_class(record: PlaceRecord) -> str:
    return f"geo-k-{record.kind}" if record.resolved else "geo-k-unresolved"


def source_html(about: Mapping[str, Any] | None) -> str:
    """The article's date, site, author and a link to it, as one escaped line (empty without any)."""
    if not about:
        return ""
    parts = [_esc(" ".join(str(about[k]).split())) for k in ("date", "site", "author")
             if isinstance(about.get(k), str) and about[k].strip()]
    url = about.get("url")
    if isinstance(url, str) and re.match(r"https?://[^\s/?#]+", url, re.I) and not re.search(r"[\s<>\"']", url):
        parts.append(f'<a class="geo-source-link" href="{_esc(url)}" rel="noopener noreferrer">{_esc(url)}</a>')
    return f'<p class="geo-source">{" · ".join(parts)}</p>' if parts else ""


def header_html(title: str, resolved: int, unresolved: int, *, has_panel_toggle: bool = True,
                about: Mapping[str, Any] | None = None) -> str:
    summary = f"{_plural(resolved, 'place')} on the map"
    if unresolved:
        summary += f", {_plural(unresolved, 'name')} could not be placed"
    toggle = (
        '<button type="button" class="geo-toggle" id="geo-panel-toggle" aria-controls="geo-panel" '
        'aria-expanded="true">Hide side panel</button>'
        if has_panel_toggle
        else ""
    )
    return (
        '<header class="geo-header"><div class="geo-header-text">'
        f'<h1 class="geo-title">{_esc(title)}</h1>'
        f'{source_html(about)}<p class="geo-summary">{_esc(summary)}</p></div>{toggle}</header>'
    )


def mention_spans(article: str, records: Sequence[PlaceRecord]) -> list[tuple[int, int, PlaceRecord, bool]]:
    """The article's mentions in text order: (start, end, place, adjectival), no overlaps.

    Spans outside the article are ignored; of two overlapping spans the one starting first
    (then the longer one) wins.
    """
    spans = []
    for record in records:
        for start, end in record.spans:
            spans.append((start, end, record, False))
        for start, end in record.adjectival_spans:
            spans.append((start, end, record, True))
    spans.sort(key=lambda s: (s[0], -s[1], s[2].index))
    out = []
    last_end = 0
    for start, end, record, adjectival in spans:
        if start < last_end or end > len(article) or not article[start:end].strip():
            continue
        out.append((start, end, record, adjectival))
        last_end = end
    return out


def _article_html(article: str, records: Sequence[PlaceRecord]) -> str:
    parts = []
    pos = 0
    for start, end, record, adjectival in mention_spans(article, records):
        parts.append(_esc(article[pos:start]))
        classes = f"geo-mention {_kind_class(record)}" + (" geo-adj" if adjectival else "")
        # A link (to the place's entry in the list) rather than a button: it wraps like text.
        # Kept short, it is repeated for every mention; the page script reads the place from href.
        parts.append(f'<a class="{classes}" href="#geo-place-{record.index}">{_esc(article[start:end])}</a>')
        pos = end
    parts.append(_esc(article[pos:]))
    return "".join(parts)


def _place_item(record: PlaceRecord, extra: Mapping[str, Any], check: bool) -> str:
    meta = [record.kind_label]
    if extra.get("sp"):
        meta.append(f"gazetteer: {record.name}")
    if extra.get("div"):
        meta.append(extra["div"])
    if record.country and record.country != record.name:
        meta.append(record.country)
    meta.append(_plural(record.total_mentions, "mention"))
    if check:
        meta.append(f"confidence {record.confidence:.2f}")
    alts = len(extra.get("alt", ()))
    more = (f'<details class="geo-alts" data-for="{record.index}"><summary>Other readings ({alts})</summary></details>'
            if alts else "")
    flag = " geo-check" if check else ""
    return (
        f'<li id="geo-place-{record.index}"><button type="button" class="geo-place {_kind_class(record)}{flag}" '
        f'data-place="{record.index}"><span class="geo-dot" aria-hidden="true"></span>'
        f'<span class="geo-place-name">{_esc(extra.get("sp", record.name))}</span> '
        f'<span class="geo-place-meta">{_esc(" · ".join(meta))}</span></button>{more}</li>'
    )


def _unresolved_alts(record: PlaceRecord, extra: Mapping[str, Any]) -> str:
    alts = len(extra.get("alt", ()))
    if not alts:
        return ""
    return f'<details class="geo-alts" data-for="{record.index}"><summary>Readings geo considered ({alts})</summary></details>'


def _review_tools_html() -> str:
    """The review bar: what was edited, and the buttons to download or undo the corrections."""
    return (
        '<section class="geo-review" id="geo-review" aria-labelledby="geo-review-h" hidden>'
        '<h2 id="geo-review-h">Your corrections</h2>'
        '<p id="geo-review-summary" class="geo-hint">No corrections yet: choose another reading, drop a place, '
        'pin a name on the map or rename a place from its popup.</p>'
        '<ul id="geo-review-list" class="geo-review-list"></ul>'
        '<p class="geo-review-buttons"><button type="button" class="geo-button" id="geo-download">Download corrections'
        '</button> <button type="button" class="geo-button" id="geo-undo-all">Undo all</button></p>'
        '<p id="geo-review-status" class="geo-sr-only" role="status" aria-live="assertive"></p></section>'
    )


def _kind_entry(kind: str, shape: str | None) -> str:
    """A kind's legend entry: its dot, and the swatch of its line or outline when it has shapes."""
    swatch = f'<span class="geo-swatch-{shape}" aria-hidden="true"></span>' if shape else ""
    what = {"line": " (its line)", "outline": " (its outline)"}.get(shape or "", "")
    return (f'<li class="geo-k-{kind}"><span class="geo-dot" aria-hidden="true"></span>{swatch}'
            f'{_esc(KINDS[kind][1] + what)}</li>')


def _legend_html(resolved: Sequence[PlaceRecord], unresolved: Sequence[PlaceRecord], *, outlines: bool, basemap: bool,
                 check: bool = False, shapes: Mapping[str, str] | None = None) -> str:
    kinds_present = [k for k in KINDS if any(r.kind == k for r in resolved)] or list(BASE_KINDS)
    parts = [
        '<details class="geo-legend" id="geo-legend" open>'
        '<summary><h2 class="geo-legend-h">Legend</h2></summary><ul class="geo-legend-kinds">'
    ]
    for kind in kinds_present:
        parts.append(_kind_entry(kind, (shapes or {}).get(kind)))
    if outlines:
        parts.append(
            '<li class="geo-k-country"><span class="geo-swatch-outline" aria-hidden="true"></span>'
            "Country outline (layer &#8220;Country outlines&#8221;)</li>"
        )
    if check:
        parts.append('<li><span class="geo-dot geo-dot-check" aria-hidden="true"></span>To check: hollow, dashed '
                     '(low confidence)</li>')
    if unresolved:
        parts.append('<li><span class="geo-mention geo-k-unresolved geo-legend-sample">name</span>Could not be placed (in the text)</li>')
    if basemap:
        parts.append('<li><span class="geo-swatch-land" aria-hidden="true"></span>Land (offline outlines, under the tiles)</li>')
    parts.append('</ul><p class="geo-legend-size">Circle area: number of mentions</p><ul class="geo-legend-sizes">')
    for count in (1, 5, 20):
        radius = marker_radius(count)
        size = int(2 * radius + 2)
        parts.append(
            f'<li><svg width="{size}" height="{size}" aria-hidden="true" focusable="false">'
            f'<circle cx="{size / 2}" cy="{size / 2}" r="{radius}" fill="#bbbbbb" stroke="#222222" stroke-width="1"/></svg>'
            f"{_plural(count, 'mention')}</li>"
        )
    parts.append("</ul></details>")
    return "".join(parts)


def _places_html(resolved: Sequence[PlaceRecord], extra: Mapping[int, Mapping[str, Any]], review_below: float) -> list[str]:
    """"Check these" (low confidence, least sure first), then the other places by mentions."""
    parts: list[str] = []
    check = sorted((r for r in resolved if r.confidence < review_below), key=lambda r: (r.confidence, r.index))
    flagged = {r.index for r in check}
    ranked = sorted((r for r in resolved if r.index not in flagged),
                    key=lambda r: (-r.total_mentions, r.name.casefold(), r.index))
    if check:
        parts.append(
            f'<section class="geo-check-these" aria-labelledby="geo-check-h"><h2 id="geo-check-h">Check these '
            f'({len(check)})</h2><p class="geo-hint">Confidence below {review_below:.2f}: the reading may be wrong.</p>'
            '<ol class="geo-place-list">' + "".join(_place_item(r, extra[r.index], True) for r in check) + "</ol></section>"
        )
    parts.append(
        f'<section class="geo-places" aria-labelledby="geo-places-h"><h2 id="geo-places-h">Places ({len(resolved)})</h2>'
    )
    if ranked:
        parts.append('<ol class="geo-place-list">')
        parts.extend(_place_item(r, extra[r.index], False) for r in ranked[:PLACE_LIST_LIMIT])
        parts.append("</ol>")
        if len(ranked) > PLACE_LIST_LIMIT:
            rest = len(ranked) - PLACE_LIST_LIMIT
            parts.append(f'<p class="geo-more">and {_plural(rest, "more place")} with fewer mentions, on the map.</p>')
    elif not check:
        parts.append('<p class="geo-none">No place could be put on the map.</p>')
    parts.append("</section>")
    return parts


def panel_html(
    records: Sequence[PlaceRecord],
    *,
    article: str | None,
    outlines: bool,
    basemap: bool,
    review: Sequence[Mapping[str, Any]] = (),
    review_below: float = 0.0,
    shapes: Mapping[str, str] | None = None,
) -> str:
    """The side panel: places to check, the place list, the article, unplaced names, the legend
    (``shapes``: kind -> "line" or "outline", for the features drawn as their shape)."""
    resolved = [r for r in records if r.resolved]
    unresolved = [r for r in records if not r.resolved]
    extra = {r.index: (review[r.index] if r.index < len(review) else {}) for r in records}
    parts = ['<aside class="geo-panel" id="geo-panel" aria-label="Article and places">']
    parts.append('<p id="geo-status" class="geo-sr-only" role="status" aria-live="polite"></p>')
    parts.append(_review_tools_html())
    parts.extend(_places_html(resolved, extra, review_below))
    if article is not None:
        parts.append(
            '<section class="geo-article" aria-labelledby="geo-article-h"><h2 id="geo-article-h">Article</h2>'
            '<p class="geo-hint">Place names are links: each shows its place on the map.</p>'
            f'<div class="geo-article-text" id="geo-article-text">{_article_html(article, records)}</div></section>'
        )

    parts.append('<section class="geo-unresolved" aria-labelledby="geo-unresolved-h">')
    parts.append(f'<h2 id="geo-unresolved-h">Names that could not be placed ({len(unresolved)})</h2>')
    if unresolved:
        parts.append('<ul class="geo-unresolved-list">')
        for record in unresolved:
            reason = record.reason or DEFAULT_REASON
            parts.append(
                f'<li id="geo-place-{record.index}"><button type="button" class="geo-place geo-k-unresolved" data-place="{record.index}">'
                f'<span class="geo-unresolved-name">{_esc(record.name)}</span> '
                f'<span class="geo-place-meta">({_plural(record.total_mentions, "mention")})</span></button>'
                f'<span class="geo-reason">{_esc(reason)}</span>{_unresolved_alts(record, extra[record.index])}</li>'
            )
        parts.append("</ul>")
    else:
        parts.append('<p class="geo-none">Every place name was placed on the map.</p>')
    parts.append("</section>")
    parts.append(_legend_html(resolved, unresolved, outlines=outlines, basemap=basemap,
                                 check=any(r.confidence < review_below for r in resolved), shapes=shapes))
    parts.append("</aside>")
    return "".join(parts)
