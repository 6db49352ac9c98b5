"""Where ``Geoparser.pipe`` spends its time, on the LGL corpus.

    python benchmarks/profile_pipeline.py [--corpus PATH] [--limit N] [--top 25] [--batch-size 32]

Two views, both single process with the model loaded and warmed up first:

1. Stages, run one after the other over the same documents and timed in process CPU time (steadier
   than wall time when other work shares the machine): tokenizer, each spaCy component, the
   recognition rules (``Recognizer.mentions_of_doc``) and resolution (``Resolver.resolve``).
2. cProfile of ``Geoparser.pipe``: own time grouped by where the code lives, then the top
   functions by own time and by cumulative time.

Uses the user's gazetteer (``GEO_GAZETTEER`` / ``GEO_CACHE_DIR`` or the default cache), building it
first if it is missing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pipeline import DEFAULT_CORPUS, WARMUP, load_corpus  # noqa: E402


def stages(gp, texts: list[str], batch: int) -> list[tuple[str, float]]:
    nlp = gp.nlp
    out: list[tuple[str, float]] = []
    t = time.process_time()
    docs = [nlp.make_doc(x) for x in texts]
    out.append(("spaCy tokenizer", time.process_time() - t))
    for name, proc in nlp.pipeline:
        t = time.process_time()
        docs = list(proc.pipe(docs, batch_size=batch)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
        out.append((f"spaCy {name}", time.process_time() - t))
    t = time.process_time()
    mentions = [gp.recognizer.mentions_of_doc(d) for d in docs]
    out.append(("geo recognition rules (mentions_of_doc)", time.process_time() - t))
    t = time.process_time()
    for d, ms in zip(docs, mentions):
        gp.resolver.resolve(ms, d.text)
    out.append(("geo resolution (Resolver.resolve)", time.process_time() - t))
    return out


def where(filename: str, funcname: str) -> str:
    f = filename.replace("\\", "/")
    if f == "~":
        if "sqlite3" in funcname:
            return "sqlite3 (C)"
        if "numpy" in funcname or "ndarray" in funcname:
            return "numpy (C)"
        return "other builtins (C)"
    for key in ("/geo/recognize/", "/geo/resolve.py", "/geo/gazetteer/", "/geo/_text.py", "/geo/pipeline.py",
                "/geo/types.py"):
        if key in f:
            return "geo" + key[4:].rstrip("/")
    for pkg in ("thinc", "spacy", "numpy", "srsly", "re", "unicodedata"):
        if f"/{pkg}/" in f or f.endswith(f"/{pkg}.py"):
            return pkg
    if ".pyx" in f or "spacy" in f:
        return "spacy"
    return "other Python"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=200, metavar="N", help="documents to use (default 200)")
    ap.add_argument("--top", type=int, default=25, help="functions to list (default 25)")
    ap.add_argument("--batch-size", type=int, default=32)
    args = ap.parse_args(argv)

    from geo.pipeline import Geoparser

    texts = load_corpus(args.corpus, args.limit)
    kb = sum(len(t.encode("utf-8")) for t in texts) / 1000
    nlp = Geoparser(progress=False).nlp

    gp = Geoparser(nlp=nlp, progress=False)
    list(gp.pipe([WARMUP] * 8))
    rows = stages(gp, texts, args.batch_size)
    total = sum(s for _, s in rows)
    print(f"Stages on {len(texts)} docs ({kb:,.0f} KB), components {'+'.join(nlp.pipe_names)}, CPU time:")
    for name, secs in rows:
        print(f"  {name:45s} {secs:7.2f} s  {secs / total:6.1%}")
    print(f"  {'total':45s} {total:7.2f} s  ({kb / total:,.1f} KB per CPU second)")

    gp = Geoparser(nlp=nlp, progress=False)  # fresh gazetteer caches
    list(gp.pipe([WARMUP] * 8))
    prof = cProfile.Profile()
    prof.enable()
    for _ in gp.pipe(texts, batch_size=args.batch_size):
        pass
    prof.disable()

    st = pstats.Stats(prof)
    grouped: dict[str, float] = defaultdict(float)
    whole = 0.0
    for (filename, _line, func), (_cc, _nc, tt, _ct, _callers) in st.stats.items():
        grouped[where(filename, func)] += tt
        whole += tt
    print(f"\ncProfile of Geoparser.pipe ({whole:.2f} s of own time under the profiler), by where the code lives:")
    for name, secs in sorted(grouped.items(), key=lambda kv: -kv[1]):
        print(f"  {name:30s} {secs:7.2f} s  {secs / whole:6.1%}")
    for key in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(key).print_stats(args.top)
        body = buf.getvalue()
        print(f"\nTop {args.top} by {key}:")
        print(body[body.index("   ncalls"):].rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
