"""``geo eval GOLD.jsonl [PRED.jsonl]`` agrees with the reference scorer ../shared/eval/score.py.

The reference runs as a subprocess (``python3 score.py GOLD PRED --json-only``, last line JSON) on the
same files as ``geo eval``; every figure of its JSON (recognition exact/overlap P/R/F1/tp, acc@161km,
mean/median km, AUC, strict variants, end to end, document and toponym counts) must agree to the third
decimal. The files are a small sample of ../shared/corpora (read at run time, never copied into the
repository) with predictions made by ``geo parse``, and hand-made gold/prediction pairs for the edge
cases: partial and one-to-many overlaps, unresolved predictions, gold without coordinates, missing and
extra documents, empty toponym lists, a single error (AUC), no error at all, and an empty gold file.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from _shared import shared_file

SAMPLE = 20  # documents per corpus
#: reference keys that are options geo eval does not have (their values are fixed in the default run)
OPTION_KEYS = {("gold_filter",), ("resolution", "require_geonameid")}


# -- helpers ----------------------------------------------------------------------------------------
def write_jsonl(path: Path, docs) -> Path:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path


def head(corpus: str, n: int) -> list[dict]:
    path = shared_file(f"corpora/{corpus}.jsonl")
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            out.append(json.loads(line))
            if len(out) == n:
                break
    assert len(out) == n
    return out


def reference(gold: Path, pred: Path, *, json_only: bool = True):
    """The reference scorer's figures (and its whole stdout)."""
    scorer = shared_file("eval/score.py")
    args = [sys.executable, str(scorer), str(gold), str(pred)] + (["--json-only"] if json_only else [])
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stdout


@pytest.fixture(scope="module")
def geo(geo_exe, gazetteer):
    """Run the CLI: ``geo(args)``; depends on ``gazetteer`` so the file exists before a run parses."""

    def run(args, *, timeout=300):
        proc = subprocess.run([geo_exe, *map(str, args)], capture_output=True, text=True,
                              timeout=timeout, env=os.environ.copy())
        return proc

    return run


def geo_eval(geo, *args):
    proc = geo(["eval", *args, "--json", "-q"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert len(lines) == 1, "--json prints the JSON object only"
    return json.loads(lines[0])


def leaves(obj, path=()):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from leaves(v, path + (k,))
    else:
        yield path, obj


def assert_agree(ours: dict, ref: dict) -> int:
    """Every figure of the reference is in ours, equal to the third decimal; returns how many."""
    ours_leaves = dict(leaves(ours))
    n = 0
    for path, want in leaves(ref):
        if path in OPTION_KEYS:
            continue
        assert path in ours_leaves, f"geo eval lacks {'.'.join(path)}"
        got = ours_leaves[path]
        if want is None or got is None:
            assert got is None and want is None, (path, got, want)
        elif isinstance(want, bool) or isinstance(want, int) and isinstance(got, int):
            assert got == want, (path, got, want)
        else:
            assert abs(float(got) - float(want)) < 5e-4, (path, got, want)
        n += 1
    assert n >= 20, "the reference reports at least twenty figures"
    return n


# -- a sample of the corpora, predictions by geo parse ------------------------------------------------
@pytest.fixture(scope="module")
def sample(geo, tmp_path_factory):
    """Gold files (first 20 documents of geovirus, of lgl, and both) and geo parse's predictions for all 40."""
    d = tmp_path_factory.mktemp("eval-sample")
    docs = {c: head(c, SAMPLE) for c in ("geovirus", "lgl")}
    gold = {c: write_jsonl(d / f"{c}.jsonl", ds) for c, ds in docs.items()}
    gold["both"] = write_jsonl(d / "both.jsonl", docs["geovirus"] + docs["lgl"])
    pred = d / "pred.jsonl"
    proc = geo(["parse", gold["both"], "-o", pred, "-q"])
    assert proc.returncode == 0, proc.stderr
    return gold, pred


@pytest.mark.parametrize("which", ["geovirus", "lgl", "both"])
def test_corpus_sample_agrees_with_reference(geo, sample, which):
    gold, pred = sample
    ours = geo_eval(geo, gold[which], pred)
    ref, _ = reference(gold[which], pred)
    assert_agree(ours, ref)
    # not vacuous: geo found and placed places in these documents
    n_docs = 2 * SAMPLE if which == "both" else SAMPLE
    assert ours["documents_gold"] == n_docs
    assert ours["documents_extra_in_pred"] == 2 * SAMPLE - n_docs  # pred.jsonl covers both corpora
    assert ours["recognition"]["overlap"]["tp"] >= 20
    assert ours["resolution"]["scored"] >= 20
    assert 0.0 < ours["resolution"]["acc161"] <= 1.0
    assert ours["resolution"]["auc"] is not None and ours["resolution"]["median_km"] is not None


def test_text_report_prints_the_same_three_decimals(geo, sample):
    """Without --json: a readable report whose figures are the reference's, then the JSON line."""
    gold, pred = sample
    proc = geo(["eval", gold["both"], pred])
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) > 3
    ours_json = json.loads(lines[-1])
    _, ref_out = reference(gold["both"], pred, json_only=False)

    def figures(text: str) -> dict[str, list[str]]:
        out = {}
        for line in text.splitlines():
            s = line.strip()
            for key in ("exact", "overlap"):
                if s.startswith(key + " "):
                    out[key] = re.findall(r"\d+(?:\.\d+)?", s)
            if s.startswith("acc@161km"):
                out["resolution"] = re.findall(r"\d+\.\d+", s)
            if s.lower().startswith("end-to-end"):
                out["end_to_end"] = re.findall(r"\d\.\d+", s)
            if s.startswith("strict"):
                out["strict"] = re.findall(r"\d+\.\d+", s)
        return out

    ours, ref = figures("\n".join(lines[:-1])), figures(ref_out)
    assert set(ours) == {"exact", "overlap", "resolution", "strict", "end_to_end"}, ours
    assert ours == {k: ref[k] for k in ours}
    assert ours["end_to_end"] == [f"{ours_json['resolution']['end_to_end_acc161']:.3f}"]


def test_eval_without_predictions_parses_the_gold_texts(geo, sample):
    """``geo eval GOLD`` runs geo parse on the gold texts: the same figures as with geo parse's file."""
    gold, pred = sample
    without = geo_eval(geo, gold["both"])
    with_pred = geo_eval(geo, gold["both"], pred)
    assert without == with_pred
    assert without["documents_missing_in_pred"] == 0 and without["pred_toponyms"] > 0


# -- hand-made edge cases -------------------------------------------------------------------------------
def t(text: str, name: str, lat=None, lon=None, nth: int = 0) -> dict:
    """A toponym for the ``nth`` occurrence of ``name`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(name, start + 1)
    return {"start": start, "end": start + len(name), "name": name, "lat": lat, "lon": lon}


T1 = "From Northport to New Lisbon Bay and Eastwick, then Southby."
T2 = "A quiet day in Harwell."
T3 = "Nothing here."
T5 = "Ships reached Farpoint."
T6 = "Upper Vale-Lower Vale"
EDGE_GOLD = [
    {"id": "d1", "text": T1, "toponyms": [
        t(T1, "Northport", 10.0, 10.0), t(T1, "New Lisbon Bay", 20.0, 20.0),
        t(T1, "Eastwick"),  # no coordinates: counts for recognition only
        t(T1, "Southby", 0.0, 0.0)]},
    {"id": "d2", "text": T2, "toponyms": [t(T2, "Harwell", 51.0, -1.0)]},  # missing from the predictions
    {"id": "d3", "text": T3, "toponyms": []},  # empty on both sides
    {"id": "d5", "text": T5, "toponyms": [t(T5, "Farpoint", 45.0, 10.0)]},
    {"id": "d6", "text": T6, "toponyms": [t(T6, "Upper Vale", 30.0, 30.0), t(T6, "Lower Vale", 31.0, 31.0)]},
]
EDGE_PRED = [
    {"id": "d1", "toponyms": [
        t(T1, "From", 5.0, 5.0),                  # false positive
        t(T1, "Northport", 10.0, 10.5),           # exact, ~55 km off
        t(T1, "New Lisbon", 21.0, 20.0),          # overlaps the gold span, ~111 km off
        t(T1, "Lisbon Bay", 20.0, 20.0),          # overlaps the same gold span: one-to-one, so unmatched
        t(T1, "Eastwick", 1.0, 1.0),              # matches a gold toponym without coordinates
        t(T1, "Southby")]},                       # recognised, unresolved (null lat/lon)
    {"id": "d3", "toponyms": []},
    {"id": "d4", "toponyms": [{"start": 0, "end": 3, "name": "Foo", "lat": 1.0, "lon": 1.0}]},  # not in gold
    {"id": "d5", "toponyms": [t(T5, "Farpoint", -45.0, -170.0)]},  # (almost) the antipode
    {"id": "d6", "toponyms": [t(T6, "Upper Vale-Lower Vale", 30.0, 30.0)]},  # one span over two gold ones
]
ONE_GOLD = [{"id": "x", "text": T2, "toponyms": [t(T2, "Harwell", 51.0, -1.0)]}]
ONE_PRED = [{"id": "x", "toponyms": [t(T2, "Harwell", 51.9, -1.0)]}]
UNRESOLVED_PRED = [{"id": "d1", "toponyms": [t(T1, "Northport"), t(T1, "Southby")]}]

CASES = {
    "edges": (EDGE_GOLD, EDGE_PRED),
    "one-error": (ONE_GOLD, ONE_PRED),
    "nothing-resolved": (EDGE_GOLD, UNRESOLVED_PRED),
    "no-predictions": (EDGE_GOLD, []),
    "empty-gold": ([], EDGE_PRED),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hand_made_files_agree_with_reference(geo, tmp_path, case):
    gold_docs, pred_docs = CASES[case]
    gold = write_jsonl(tmp_path / "gold.jsonl", gold_docs)
    pred = write_jsonl(tmp_path / "pred.jsonl", pred_docs)
    ref, _ = reference(gold, pred)
    assert_agree(geo_eval(geo, gold, pred), ref)
    # the library function behind the command gives the same figures
    from geo.evaluate import load_jsonl, score

    assert_agree(score(load_jsonl(gold), load_jsonl(pred)), ref)


def test_edge_case_figures_by_hand():
    """The edge file's figures worked out by hand, so the agreement above is not agreement on nonsense."""
    from geo.evaluate import MAX_ERROR_KM, haversine_km, score

    res = score({d["id"]: d for d in EDGE_GOLD}, {d["id"]: d for d in EDGE_PRED})
    rec, z = res["recognition"], res["resolution"]
    assert (res["gold_toponyms"], res["pred_toponyms"]) == (8, 8)  # d4 is not a gold document
    assert (res["documents_missing_in_pred"], res["documents_extra_in_pred"]) == (1, 1)
    assert rec["exact"]["tp"] == 4  # Northport, Eastwick, Southby, Farpoint
    assert rec["overlap"]["tp"] == 6  # + New Lisbon Bay, one of the two Vales
    assert rec["overlap"]["precision"] == pytest.approx(6 / 8) and rec["overlap"]["recall"] == pytest.approx(6 / 8)
    assert z["gold_with_coords"] == 7 and z["scored"] == 4 and z["unresolved_matched"] == 1
    errors = sorted([haversine_km(10, 10, 10, 10.5), haversine_km(20, 20, 21, 20), 0.0,
                     haversine_km(45, 10, -45, -170)])
    assert errors[-1] > 20000  # the antipode
    assert z["acc161"] == pytest.approx(3 / 4)
    assert z["end_to_end_acc161"] == pytest.approx(3 / 7)
    assert z["strict_acc161"] == pytest.approx(3 / 5)
    assert z["mean_km"] == pytest.approx(sum(errors) / 4)
    assert z["median_km"] == pytest.approx((errors[1] + errors[2]) / 2)
    y = [math.log1p(min(e, MAX_ERROR_KM)) for e in errors]
    trapezoid = sum((a + b) / 2 for a, b in zip(y, y[1:]))
    assert z["auc"] == pytest.approx(trapezoid / (3 * math.log(MAX_ERROR_KM)))


def test_single_error_auc_and_no_error_at_all():
    from geo.evaluate import MAX_ERROR_KM, score

    one = score({d["id"]: d for d in ONE_GOLD}, {d["id"]: d for d in ONE_PRED})["resolution"]
    assert 90 < one["mean_km"] < 110 and one["median_km"] == one["mean_km"]
    assert one["auc"] == pytest.approx(math.log1p(one["mean_km"]) / math.log(MAX_ERROR_KM))
    none = score({d["id"]: d for d in EDGE_GOLD}, {d["id"]: d for d in UNRESOLVED_PRED})["resolution"]
    assert none["scored"] == 0 and none["unresolved_matched"] == 2
    assert none["acc161"] is None and none["auc"] is None and none["mean_km"] is None
    assert none["end_to_end_acc161"] == 0.0 and none["strict_acc161"] == 0.0


# -- bad input ----------------------------------------------------------------------------------------
GOOD_GOLD = [EDGE_GOLD[1], EDGE_GOLD[3]]
GOOD_PRED = [EDGE_PRED[4]]


def _lines(docs) -> list[bytes]:
    return [json.dumps(d).encode() for d in docs]


BAD_INPUTS = {  # which file, its lines, the line named in the error, a piece of the message
    "gold-not-json": ("gold", _lines(GOOD_GOLD) + [b'{"id": "z", "toponyms": ['], 3, "not JSON"),
    "gold-no-toponyms": ("gold", [_lines(GOOD_GOLD)[0], b'{"id": "z", "text": "x"}'], 2, '"toponyms"'),
    "pred-not-object": ("pred", [b"[]"], 1, '"toponyms"'),
    "pred-duplicate-id": ("pred", _lines(GOOD_PRED) * 2, 2, "duplicate id"),
    "pred-start-not-int": ("pred", [b'{"id": "d5", "toponyms": [{"start": "14", "end": 22}]}'], 1, '"start"'),
    "pred-lat-not-number": ("pred", [b'', b'{"id": "d5", "toponyms": [{"start": 14, "end": 22, "lat": "north", '
                                          b'"lon": 1}]}'], 2, '"lat"'),
    "pred-not-utf8": ("pred", _lines(GOOD_PRED) + [b'{"id": "q\xff", "toponyms": []}'], 2, "UTF-8"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_malformed_line_is_a_one_line_error_naming_file_and_line(geo, tmp_path, case):
    which, lines, bad_line, piece = BAD_INPUTS[case]
    files = {"gold": tmp_path / "gold.jsonl", "pred": tmp_path / "pred.jsonl"}
    write_jsonl(files["gold"], GOOD_GOLD)
    write_jsonl(files["pred"], GOOD_PRED)
    files[which].write_bytes(b"\n".join(lines) + b"\n")
    proc = geo(["eval", files["gold"], files["pred"]])
    assert_one_line_error(proc, f"{files[which]}:{bad_line}:", piece)


def test_missing_file_is_a_one_line_error(geo, tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", GOOD_GOLD)
    proc = geo(["eval", gold, tmp_path / "nope.jsonl"])
    assert_one_line_error(proc, "nope.jsonl")


def test_gold_without_text_cannot_be_parsed(geo, tmp_path):
    """Without predictions the gold texts are parsed: a gold line without "text" is named."""
    gold = write_jsonl(tmp_path / "gold.jsonl", [EDGE_GOLD[1], {"id": "p", "toponyms": []}])
    proc = geo(["eval", gold, "-q"])
    assert_one_line_error(proc, f"{gold}:2:", '"text"')


def assert_one_line_error(proc, *pieces: str) -> None:
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {proc.stderr!r}"
    assert lines[0].startswith("geo: error: "), lines[0]
    for piece in pieces:
        assert piece in lines[0], (piece, lines[0])
    assert proc.stdout == ""
