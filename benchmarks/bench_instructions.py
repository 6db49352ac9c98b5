"""What geo adds to the model, counted in machine instructions: a figure the machine's load does not move.

    python benchmarks/bench_instructions.py [--corpus PATH[:N]] [--tree DIR]...

On a shared machine a CPU-time figure moves by ±10% from one run to the next, more than a change of
geo's own work moves it. Valgrind's callgrind counts the instructions run instead, the same in every
run to a few parts in ten thousand. For each tree (default: this checkout; ``--tree`` another
checkout of geo, to compare), a child process under ``valgrind --tool=callgrind`` loads geo's spaCy
pipeline and the documents, parsed once beforehand by this process (so the model's own work is left
out: its cost does not depend on geo), makes one untimed pass with a Geoparser (every module
imported, the file's whole tables read), then counts one pass of recognition, candidates and
resolution by a **fresh** Geoparser, as ``bench_pipeline.py`` measures geo: its name caches empty.
The sentence splitter runs inside spaCy's pipe and is not in the count.

Default corpus: the whole of GeoVirus (``../shared/corpora/geovirus.jsonl``). Needs Debian's
``valgrind``; takes about two minutes a tree.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEFAULT = str(SHARED / "corpora" / "geovirus.jsonl")

_CHILD = r"""
import json, os, subprocess, sys
tree, docbin, texts_file = sys.argv[1:4]
sys.path.insert(0, os.path.join(tree, "benchmarks"))
from bench_pipeline import WARMUP, forget_shared_caches
sys.path.insert(0, tree)
import geo
assert geo.__file__.startswith(tree), geo.__file__
from geo.pipeline import Geoparser
from geo.recognize import load_model
from spacy.tokens import DocBin
nlp = load_model()
docs = list(DocBin().from_disk(docbin).get_docs(nlp.vocab))
texts = json.load(open(texts_file, encoding="utf-8"))
def one_pass(gp):
    for d, t in zip(docs, texts):
        gp.resolver.resolve(gp.candidates.generate(gp.recognizer.mentions_of_doc(d, t)), t, gp.fallback)
one_pass(Geoparser(nlp=nlp, progress=False))
forget_shared_caches()
gp = Geoparser(nlp=nlp, progress=False)
list(gp.pipe([WARMUP] * 8))
subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], check=True, capture_output=True)
one_pass(gp)
subprocess.run(["callgrind_control", "-i", "off", str(os.getpid())], check=True, capture_output=True)
"""


def parse(spec: str, tmp: Path) -> tuple[Path, Path, int, float]:
    """The corpus's documents parsed by geo's pipeline into a DocBin, and its texts as JSON."""
    sys.path.insert(0, str(REPO))
    from spacy.tokens import DocBin

    from geo.recognize import load_model

    path, _, limit = spec.rpartition(":") if spec.rpartition(":")[2].isdigit() else (spec, "", "")
    with open(path, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    texts = texts[:int(limit)] if limit else texts
    nlp = load_model()
    db = DocBin(store_user_data=False)
    for doc in nlp.pipe(texts, batch_size=32):
        db.add(doc)
    db.to_disk(tmp / "docs.spacy")
    (tmp / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    return tmp / "docs.spacy", tmp / "texts.json", len(texts), sum(len(t.encode()) for t in texts) / 1000


def count(tree: Path, docbin: Path, texts: Path, tmp: Path) -> int:
    """Instructions of one pass of the tree's geo (callgrind's "Collected")."""
    child = tmp / "child.py"
    child.write_text(_CHILD, encoding="utf-8")
    env = dict(os.environ, PYTHONHASHSEED="0")  # (the same hashes, the same dict probes, in every run)
    out = subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no",
                          f"--callgrind-out-file={tmp / 'callgrind.out'}", sys.executable, str(child),
                          str(tree), str(docbin), str(texts)], capture_output=True, text=True, env=env)
    found = re.search(r"Collected : (\d+)", out.stderr)
    if out.returncode or not found:
        raise SystemExit(f"bench_instructions: the child failed for {tree}:\n{out.stderr[-2000:]}")
    return int(found.group(1))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=DEFAULT, help="JSONL corpus, PATH or PATH:N (default: all of GeoVirus)")
    ap.add_argument("--tree", action="append", type=Path, default=[],
                    help="another checkout of geo to count too (repeatable)")
    args = ap.parse_args(argv)
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        raise SystemExit("bench_instructions: needs valgrind (apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        docbin, texts, n, kb = parse(args.corpus, tmp)
        print(f"{Path(args.corpus.rsplit(':', 1)[0]).name}: {n} docs, {kb:,.0f} KB; instructions of one pass of "
              "recognition, candidates and resolution by a fresh Geoparser (callgrind)", flush=True)
        first = None
        for tree in [REPO, *args.tree]:
            ir = count(tree.resolve(), docbin, texts, tmp)
            first = first or ir
            print(f"  {ir:>15,}  {ir / first:6.3f}  {ir / (kb * 1000):8.0f} per byte  {tree.resolve()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
