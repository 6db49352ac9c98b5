"""Matplotlib settings for reproducible files, and the figure turned into the file's bytes.

* Fonts: DejaVu Sans, shipped with Matplotlib, so every machine draws the same glyphs.
* SVG: ``svg.fonttype = "none"`` keeps every name and the title as ``<text>`` (searchable,
  selectable, readable by screen readers, editable in a newsroom's tools), escaped by
  Matplotlib's XML writer; ``svg.hashsalt`` fixes the ids; no date. The alt text goes into
  ``<title>`` and ``<desc>`` (escaped here) and the root gets ``role="img"``.
* PNG: no timestamp; the Software key is "geo". PDF: no dates; TrueType fonts embedded.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = ["drawing_settings", "figure_bytes"]

RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": "geo-image",
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "path.simplify": True,
    "text.usetex": False,
    "axes.unicode_minus": False,
}


@contextmanager
def drawing_settings():
    """Matplotlib's settings for the duration of one drawing (the caller's are left as they were)."""
    import matplotlib

    with matplotlib.rc_context(RC):
        yield


def _svg_with_description(svg: bytes, title: str, alt: str) -> bytes:
    """Insert ``<title>`` and ``<desc>`` as the first children of the root ``<svg>`` element."""
    text = svg.decode("utf-8")
    start = text.index("<svg ")
    end = text.index(">", start)
    head = text[start:end].replace("<svg ", '<svg role="img" aria-labelledby="geo-title geo-desc" ', 1)
    inserted = f'>\n <title id="geo-title">{escape(title)}</title>\n <desc id="geo-desc">{escape(alt)}</desc>'
    return (text[:start] + head + inserted + text[end + 1:]).encode("utf-8")


def figure_bytes(figure, fmt: str, dpi: int, *, title: str, alt: str) -> bytes:
    """The figure as a complete PNG, SVG or PDF file, the same bytes for the same drawing."""
    buffer = io.BytesIO()
    if fmt == "png":
        metadata: dict[str, str | None] = {"Software": "geo"}
    elif fmt == "svg":
        metadata = {"Date": None, "Creator": "geo"}  # the title goes in <title> below, once
    else:
        metadata = {"CreationDate": None, "ModDate": None, "Creator": "geo", "Producer": "geo", "Title": title,
                    "Subject": alt}
    figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, facecolor=figure.get_facecolor())
    data = buffer.getvalue()
    return _svg_with_description(data, title, alt) if fmt == "svg" else data
