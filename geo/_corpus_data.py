"""The aggregate of a corpus that :func:`geo.render_corpus.corpus_map` draws, as plain JSON-ready data.

The rows of ``geo batch`` (one per document and place) become places (one per gazetteer entry, or
name and point) with their documents and mentions, their top documents, their counts per period of
the documents' dates, the names that could not be placed, and the mentions per country.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from geo._render_data import KINDS

__all__ = ["corpus_data", "TOP_DOCUMENTS"]

TOP_DOCUMENTS = 5  # documents listed in a place's popup
UNPLACED_LISTED = 300  # names not placed, listed on the map (most documents first)
_MAX_PERIODS = 400


def _periods(dates) -> tuple[str, Any]:
    """A period label per date (day, month or year, whichever gives a usable slider)."""
    valid = dates.dropna()
    if valid.empty:
        return "", None
    span_days = (valid.max() - valid.min()).days
    if span_days <= 62:
        unit, fmt = "day", "%Y-%m-%d"
    elif span_days <= 366 * 12:
        unit, fmt = "month", "%Y-%m"
    else:
        unit, fmt = "year", "%Y"
    return unit, dates.dt.strftime(fmt)


def _plain_str(v) -> str | None:
    from geo.frame import _plain

    v = _plain(v)
    if v is None:
        return None
    s = str(v).strip()
    return s or None


@dataclass(frozen=True)
class _Rows:
    """The rows as one DataFrame (every column there, ``lat``/``lon``, ``m`` mentions, ``doc`` code)."""

    df: Any  # pandas.DataFrame
    points: Any  # bool array: the row has a point to draw
    doc_ids: Any  # pandas.Index: the document id of each ``doc`` code


@dataclass(frozen=True)
class _Periods:
    """The documents' first rows (by ``doc`` code), their dates and a period index per document."""

    firsts: Any  # pandas.DataFrame
    dates: Any  # pandas.Series of datetimes (NaT: no date)
    unit: str  # "day", "month", "year" or "" (no slider)
    periods: list[str]
    period_of_doc: Any  # pandas.Series: ``doc`` code -> index in ``periods`` (NaN: none)


@dataclass(frozen=True)
class _TopDocuments:
    """Each place's top documents, as indices into ``used`` (the documents listed at all)."""

    lists: dict[str, list[int]]
    used: list[int]
    index: dict[int, int]


def corpus_data(frame, *, top: int = TOP_DOCUMENTS) -> dict:
    """The aggregate the corpus map draws, as plain JSON-ready data.

    ``frame``: rows of ``geo batch`` (``doc_id``, ``doc_title``, ``doc_date``, ``doc_url`` and the
    place columns, geometry EPSG:4326); a places file of one article (no ``doc_id``) counts as one
    document.
    """
    rows = _rows(frame)
    df, points = rows.df, rows.points
    periods = _doc_periods(df)
    placed = _placed(df, points)
    agg = _places(placed)
    tops = _top_documents(placed, top)
    times = _period_counts(placed, periods)
    return {
        "places": _place_columns(agg, tops, times),
        "unplaced": _unplaced_names(df[~points]),
        "docs": _documents(periods.firsts, rows.doc_ids, tops.used),
        "periods": periods.periods,
        "periodUnit": periods.unit,
        "countries": _country_rows(df),
        "stats": {"rows": len(df), "documents": len(rows.doc_ids), "places": len(agg),
                  "unplaced": int((~points).sum()), "dated": int(periods.dates.notna().sum())},
    }


def _rows(frame) -> _Rows:
    """The rows of ``frame`` with every column the aggregate reads, defaulted, and a point per row."""
    import numpy as np
    import pandas as pd

    df = pd.DataFrame({c: frame[c] for c in frame.columns if c != frame.geometry.name})
    n = len(df)
    for col, default in (("doc_id", "(article)"), ("doc_title", None), ("doc_date", None), ("doc_url", None),
                         ("name", "(unnamed)"), ("kind", "unknown"), ("country", None), ("country_code", None),
                         ("geonameid", None), ("mentions", 1), ("adjectival_mentions", 0)):
        if col not in df.columns:
            df[col] = default
    for col in ("country", "country_code"):  # a CSV writes a missing country (a sea, a river) as ""
        blank = df[col].astype("string").str.strip().eq("").fillna(False).astype(bool)
        df.loc[blank, col] = None
    geoms = frame.geometry
    points = ~(geoms.isna() | geoms.is_empty)
    if "resolved" in df.columns:
        points &= df["resolved"].fillna(False).astype(bool).to_numpy()
    reps = geoms.where(geoms.geom_type == "Point", geoms.representative_point()) if n else geoms
    df["lat"] = np.where(points, reps.y.where(points, 0.0), np.nan) if n else []
    df["lon"] = np.where(points, reps.x.where(points, 0.0), np.nan) if n else []
    df["m"] = (pd.to_numeric(df["mentions"], errors="coerce").fillna(0)
               + pd.to_numeric(df["adjectival_mentions"], errors="coerce").fillna(0)).astype("int64")
    df["doc_id"] = df["doc_id"].astype("string").fillna("(no id)")
    doc_codes, doc_ids = pd.factorize(df["doc_id"], sort=False)
    df["doc"] = doc_codes
    return _Rows(df, points, doc_ids)


def _doc_periods(df) -> _Periods:
    """The documents' metadata, and a period per date (no periods when fewer than two)."""
    import numpy as np
    import pandas as pd

    firsts = df.drop_duplicates("doc")[["doc", "doc_title", "doc_date", "doc_url"]].set_index("doc").sort_index()
    dates = pd.to_datetime(firsts["doc_date"].astype("string"), errors="coerce", utc=True, format="mixed")
    unit, labels = _periods(dates)
    periods: list[str] = sorted(set(labels.dropna())) if labels is not None else []
    if len(periods) > _MAX_PERIODS:  # e.g. years of daily dates: fall back to years
        labels = dates.dt.strftime("%Y")
        unit, periods = "year", sorted(set(labels.dropna()))
    if len(periods) < 2:
        unit, periods, labels = "", [], None
    period_of_doc = (labels.map({p: i for i, p in enumerate(periods)}) if labels is not None
                     else pd.Series(np.nan, index=firsts.index))
    return _Periods(firsts, dates, unit, periods, period_of_doc)


def _placed(df, points):
    """The rows with a point, each with the ``key`` of its place (gazetteer entry, or name and point)."""
    import numpy as np
    import pandas as pd

    placed = df[points].copy()
    gid = pd.to_numeric(placed["geonameid"], errors="coerce")
    placed["key"] = np.where(gid.notna(), "g" + gid.fillna(0).astype("int64").astype(str),
                             "n" + placed["name"].astype(str) + "@" + placed["lat"].round(4).astype(str) + ","
                             + placed["lon"].round(4).astype(str))
    placed["row"] = np.arange(len(placed))
    return placed


def _places(placed):
    """One row per place, most documents first, then most mentions, then by name."""
    grouped = placed.groupby("key", sort=False)
    agg = grouped.agg(name=("name", "first"), kind=("kind", "first"), country=("country", "first"),
                      cc=("country_code", "first"), lat=("lat", "first"), lon=("lon", "first"),
                      docs=("doc", "nunique"), mentions=("m", "sum"), first=("row", "min"))
    return agg.assign(sort_name=agg["name"].astype(str)).sort_values(["docs", "mentions", "sort_name"],
                                                                     ascending=[False, False, True], kind="stable")


def _top_documents(placed, top: int) -> _TopDocuments:
    """Each place's top documents: most mentions there, then first in the corpus."""
    per_doc = placed.groupby(["key", "doc"], sort=False)["m"].sum().reset_index()
    per_doc = per_doc.sort_values(["key", "m", "doc"], ascending=[True, False, True], kind="stable")
    tops = per_doc.groupby("key", sort=False).head(top)
    top_lists: dict[str, list[int]] = {}
    for key, doc in zip(tops["key"], tops["doc"]):
        top_lists.setdefault(key, []).append(int(doc))
    used_docs = sorted({d for v in top_lists.values() for d in v})
    return _TopDocuments(top_lists, used_docs, {d: i for i, d in enumerate(used_docs)})


def _period_counts(placed, periods: _Periods) -> dict[str, list[int]]:
    """Per place: period index and documents there in it, flattened ([p, count, p, count, …])."""
    times: dict[str, list[int]] = {}
    if periods.periods:
        placed["period"] = placed["doc"].map(periods.period_of_doc)
        counted = placed.dropna(subset=["period"]).groupby(["key", "period"])["doc"].nunique().reset_index()
        counted = counted.sort_values(["key", "period"])
        for key, p, c in zip(counted["key"], counted["period"], counted["doc"]):
            times.setdefault(key, []).extend((int(p), int(c)))
    return times


def _place_columns(agg, tops: _TopDocuments, times: dict[str, list[int]]) -> dict[str, list]:
    """The places as columns of plain values, in the order of ``agg``."""
    keys = agg.index.tolist()
    kinds = [_plain_str(k) or "unknown" for k in agg["kind"].tolist()]
    return {
        "name": [_plain_str(v) or "(unnamed)" for v in agg["name"].tolist()],
        "kind": [k if k in KINDS else "unknown" for k in kinds],
        "country": [_plain_str(v) for v in agg["country"].tolist()],
        "lat": [round(float(v), 5) for v in agg["lat"].tolist()],
        "lon": [round(float(v), 5) for v in agg["lon"].tolist()],
        "docs": [int(v) for v in agg["docs"].tolist()],
        "mentions": [int(v) for v in agg["mentions"].tolist()],
        "top": [[tops.index[d] for d in tops.lists.get(k, [])] for k in keys],
        "t": [times.get(k, []) for k in keys],
    }


def _documents(firsts, doc_ids, used_docs: list[int]) -> list[list]:
    """[id, title, date, url] of each document listed (http(s) URLs only)."""
    docs_out = []
    used = firsts.loc[used_docs]
    for d, title, date, url in zip(used_docs, used["doc_title"].tolist(), used["doc_date"].tolist(),
                                   used["doc_url"].tolist()):
        url = _plain_str(url)
        docs_out.append([_plain_str(doc_ids[d]), _plain_str(title), _plain_str(date),
                         url if url and url.lower().startswith(("http://", "https://")) else None])
    return docs_out


def _country_rows(df) -> dict[str, dict]:
    """Per country code: mentions of the country and of every place in it, documents, name."""
    with_cc = df[df["country_code"].notna()].copy()
    with_cc["cc"] = with_cc["country_code"].astype(str).str.upper()
    countries = with_cc.groupby("cc").agg(mentions=("m", "sum"), docs=("doc", "nunique"))
    names = with_cc[with_cc["kind"] == "country"].groupby("cc")["name"].first()
    fallback = with_cc.groupby("cc")["country"].first()
    return {cc: {"mentions": int(r["mentions"]), "docs": int(r["docs"]),
                 "name": _plain_str(names.get(cc)) or _plain_str(fallback.get(cc)) or cc}
            for cc, r in countries.iterrows()}


def _unplaced_names(rows, limit: int = UNPLACED_LISTED) -> list[list]:
    """The names that could not be placed: [name, documents, mentions], most documents first."""
    if not len(rows):
        return []
    names = rows["name"].astype("string").fillna("(unnamed)").str.strip()
    grouped = rows.assign(nm=names).groupby("nm", sort=False).agg(docs=("doc", "nunique"), mentions=("m", "sum"))
    grouped = grouped.assign(key=grouped.index.astype(str)).sort_values(["docs", "mentions", "key"],
                                                                         ascending=[False, False, True], kind="stable")
    return [[_plain_str(nm) or "(unnamed)", int(d), int(m)]
            for nm, d, m in zip(grouped.index[:limit], grouped["docs"][:limit], grouped["mentions"][:limit])]
