"""Scoring geoparser output against a gold corpus (the conventions of Gritta et al. 2018).

Recognition: precision, recall and F1 on exact spans and on overlapping spans (one-to-one,
greedy by largest overlap, exact pairs first). Resolution, over gold toponyms with coordinates
whose span was recognised by a prediction with coordinates: acc@161km, mean and median error,
AUC of the sorted log-error curve (lower is better). End to end: over all gold toponyms with
coordinates, the share recognised and placed within 161 km. The figures agree with the
reference scorer (``shared/eval/score.py``) on the same files.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Mapping

from geo._distance import haversine_km as _haversine
from geo._jsonl import json_lines
from geo.errors import InputError

__all__ = ["load_jsonl", "score", "format_report", "haversine_km", "MAX_ERROR_KM"]

MAX_ERROR_KM = 20039.0
EARTH_RADIUS_KM = 6371.0088
ACC_KM = 161.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on the IUGG mean sphere, as the reference scorer measures it."""
    return _haversine(lat1, lon1, lat2, lon2, EARTH_RADIUS_KM)


def load_jsonl(path: str | Path) -> dict[str, dict]:
    """Documents by id; a malformed line raises :class:`InputError` naming the line."""
    from geo._files import check_regular

    docs: dict[str, dict] = {}
    check_regular(path)
    try:
        f = open(path, "rb")  # decoded line by line so that bad bytes are reported with their line
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from exc
    with f:
        for item in json_lines(f):
            ln, d = item.line, item.value
            if item.problem:
                raise InputError(f"{path}:{ln}: {item.problem}")
            if (not isinstance(d, dict) or not isinstance(d.get("id"), (str, int))
                    or not isinstance(d.get("toponyms"), list)):
                raise InputError(f'{path}:{ln}: expected an object with an "id" (string or number) '
                                 f'and a "toponyms" list')
            if d["id"] in docs:
                raise InputError(f"{path}:{ln}: duplicate id {d['id']!r}")
            for t in d["toponyms"]:
                _check_toponym(t, f"{path}:{ln}")
            docs[d["id"]] = d
    return docs


def _check_toponym(t, where: str) -> None:
    if not isinstance(t, dict) or not isinstance(t.get("start"), int) or not isinstance(t.get("end"), int):
        raise InputError(f'{where}: a toponym without integer "start" and "end"')
    for key in ("lat", "lon"):
        value = t.get(key)
        if value is None:
            continue
        try:
            ok = not isinstance(value, bool) and math.isfinite(float(value))
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise InputError(f'{where}: a toponym whose "{key}" is not a number or null ({value!r})')


def _has_coords(t: Mapping) -> bool:
    return t.get("lat") is not None and t.get("lon") is not None


def _match(gold: list, pred: list) -> dict[int, int]:
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            overlap = min(g["end"], p["end"]) - max(g["start"], p["start"])
            if overlap > 0:
                exact = g["start"] == p["start"] and g["end"] == p["end"]
                pairs.append((not exact, -overlap, abs(g["start"] - p["start"]), gi, pi))
    pairs.sort()
    used_p: set[int] = set()
    out: dict[int, int] = {}
    for *_, gi, pi in pairs:
        if gi in out or pi in used_p:
            continue
        out[gi] = pi
        used_p.add(pi)
    return out


def _auc(errors: list[float]) -> float | None:
    if not errors:
        return None
    y = sorted(math.log(1.0 + min(e, MAX_ERROR_KM)) for e in errors)
    if len(y) == 1:
        return y[0] / math.log(MAX_ERROR_KM)
    area = sum((a + b) / 2.0 for a, b in zip(y, y[1:]))
    return area / ((len(y) - 1) * math.log(MAX_ERROR_KM))


def _median(xs: list[float]) -> float | None:
    s = sorted(xs)
    n = len(s)
    if not n:
        return None
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2.0


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"tp": tp, "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score(gold_docs: Mapping[str, dict], pred_docs: Mapping[str, dict]) -> dict:
    """Every figure, in the same structure as the reference scorer's JSON line."""
    n_gold = n_pred = tp_exact = tp_overlap = 0
    errors: list[float] = []
    unresolved = eligible = 0
    for doc_id, gd in gold_docs.items():
        gold = gd["toponyms"]
        pred = pred_docs.get(doc_id, {"toponyms": []})["toponyms"]
        n_gold += len(gold)
        n_pred += len(pred)
        tp_exact += len({(t["start"], t["end"]) for t in gold} & {(t["start"], t["end"]) for t in pred})
        m = _match(gold, pred)
        tp_overlap += len(m)
        for gi, g in enumerate(gold):
            if not _has_coords(g):
                continue
            eligible += 1
            if gi not in m:
                continue
            p = pred[m[gi]]
            if not _has_coords(p):
                unresolved += 1
                continue
            errors.append(haversine_km(g["lat"], g["lon"], float(p["lat"]), float(p["lon"])))
    ok = sum(1 for e in errors if e < ACC_KM)
    strict = errors + [MAX_ERROR_KM] * unresolved
    return {
        "documents_gold": len(gold_docs),
        "documents_missing_in_pred": sum(1 for i in gold_docs if i not in pred_docs),
        "documents_extra_in_pred": sum(1 for i in pred_docs if i not in gold_docs),
        "gold_toponyms": n_gold, "pred_toponyms": n_pred,
        "recognition": {"exact": _prf(tp_exact, n_pred, n_gold), "overlap": _prf(tp_overlap, n_pred, n_gold)},
        "resolution": {
            "gold_with_coords": eligible, "scored": len(errors), "unresolved_matched": unresolved,
            "acc161": ok / len(errors) if errors else None,
            "mean_km": sum(errors) / len(errors) if errors else None,
            "median_km": _median(errors), "auc": _auc(errors),
            "strict_acc161": ok / len(strict) if strict else None,
            "strict_mean_km": sum(strict) / len(strict) if strict else None,
            "strict_auc": _auc(strict),
            "end_to_end_acc161": ok / eligible if eligible else None,
        },
    }


def _f(x, nd=3) -> str:
    return "-" if x is None else f"{x:.{nd}f}"


def format_report(res: dict) -> str:
    r, z = res["recognition"], res["resolution"]
    lines = [
        f"documents {res['documents_gold']} (missing in predictions: {res['documents_missing_in_pred']}); "
        f"gold toponyms {res['gold_toponyms']}, predicted {res['pred_toponyms']}",
        "recognition        P       R       F1      TP",
    ]
    for k in ("exact", "overlap"):
        lines.append(f"  {k:<14} {_f(r[k]['precision'])}   {_f(r[k]['recall'])}   {_f(r[k]['f1'])}   {r[k]['tp']}")
    lines += [
        f"resolution over {z['scored']} recognised gold toponyms with coordinates (of {z['gold_with_coords']}; "
        f"{z['unresolved_matched']} recognised but unresolved)",
        f"  acc@161km {_f(z['acc161'])}   mean {_f(z['mean_km'], 1)} km   median {_f(z['median_km'], 1)} km   "
        f"AUC {_f(z['auc'])} (lower is better)",
        f"  strict (unresolved = 20039 km): acc@161km {_f(z['strict_acc161'])}   "
        f"mean {_f(z['strict_mean_km'], 1)} km   AUC {_f(z['strict_auc'])}",
        f"  end-to-end acc@161km over all gold toponyms with coordinates: {_f(z['end_to_end_acc161'])}",
    ]
    return "\n".join(lines)
