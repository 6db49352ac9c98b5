"""The development-corpus accuracy of the current method, pinned to three decimals.

A fixed subset (the first 40 documents of LGL and of GeoVirus) is parsed and scored; a change in
recognition or resolution that moves a figure fails here, to be updated deliberately (with the
README's table after a full ``geo eval``). The corpora live outside the repository (``../shared``).
"""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path

import pytest

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
SUBSET = 40

#: corpus -> (recognition F1 on overlapping spans, end-to-end acc@161km) of the first SUBSET documents
PINNED = {
    "lgl": (0.834, 0.754),
    "geovirus": (0.886, 0.724),
}


@pytest.mark.parametrize("corpus", sorted(PINNED))
def test_accuracy_of_a_fixed_subset_is_pinned(corpus, geoparser):
    path = CORPORA / f"{corpus}.jsonl"
    if not path.is_file():
        pytest.skip(f"the development corpora are not here ({path} is absent)")
    from geo.evaluate import score
    from geo.parse import Document, predictions

    with open(path, encoding="utf-8") as f:
        gold_docs = [json.loads(line) for line in islice(f, SUBSET)]
    assert len(gold_docs) == SUBSET
    gold = {d["id"]: d for d in gold_docs}
    docs = [Document(id=d["id"], text=d["text"], line=i) for i, d in enumerate(gold_docs, 1)]
    pred = {r["id"]: r for r in predictions(geoparser, docs)}
    res = score(gold, pred)
    got = (round(res["recognition"]["overlap"]["f1"], 3), round(res["resolution"]["end_to_end_acc161"], 3))
    assert got == PINNED[corpus]
