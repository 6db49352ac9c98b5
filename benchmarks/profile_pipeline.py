"""Where ``Geoparser.pipe`` spends its time: stages in CPU time, then cProfile (issue 16).

    python benchmarks/profile_pipeline.py [--corpus PATH] [--limit N] [--top 30] [--batch-size 32]

Single process, geo's spaCy pipeline loaded once; every view uses a **fresh** ``Geoparser`` sharing
that model (its name caches empty, warmed up on a short text of ``bench_pipeline.py``'s own), as
``bench_pipeline.py`` measures it:

1. Stages, one after the other over the same documents, in process CPU time: the tokenizer, each
   spaCy component, then geo's recognition rules (``Recognizer.mentions_of_doc``), candidate
   generation (``CandidateGenerator.generate``) and resolution (``Resolver.resolve``).
2. cProfile of ``Geoparser.pipe``: own time grouped by where the code lives, then the top
   functions by own time (tottime) and by cumulative time.

Uses the user's gazetteer (``GEO_GAZETTEER`` / ``GEO_CACHE_DIR`` or the default cache), building it
first if it is missing. Default corpus: the first 200 documents of LGL.
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

from bench_pipeline import DEFAULT_CORPUS, WARMUP, forget_shared_caches, load_corpus  # noqa: E402


def fresh(nlp):
    """A new Geoparser sharing ``nlp``, warmed up on :data:`WARMUP` (its name caches hold only that)."""
    from geo.pipeline import Geoparser

    forget_shared_caches()
    gp = Geoparser(nlp=nlp, progress=False)
    list(gp.pipe([WARMUP] * 8))
    return gp


def stages(nlp, texts: list[str], batch: int) -> list[tuple[str, float]]:
    gp = fresh(nlp)
    out: list[tuple[str, float]] = []
    t = time.process_time()
    docs = [nlp.make_doc(x) for x in texts]
    out.append(("spaCy tokenizer", time.process_time() - t))
    for name, proc in nlp.pipeline:
        t = time.process_time()
        docs = list(proc.pipe(docs, batch_size=batch)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
        out.append((f"spaCy {name}", time.process_time() - t))
    t = time.process_time()
    mentions = [gp.recognizer.mentions_of_doc(d, x) for d, x in zip(docs, texts)]  # the texts, as the pipeline does
    out.append(("geo recognition (mentions_of_doc)", time.process_time() - t))
    t = time.process_time()
    names = [gp.candidates.generate(ms) for ms in mentions]
    out.append(("geo candidates (CandidateGenerator.generate)", time.process_time() - t))
    t = time.process_time()
    for x, ns in zip(texts, names):
        gp.resolver.resolve(ns, x, gp.fallback)
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
    for key in ("/geo/recognize/", "/geo/resolve.py", "/geo/_resolve_context.py", "/geo/candidates.py",
                "/geo/gazetteer/", "/geo/_text.py", "/geo/pipeline.py", "/geo/types.py", "/geo/"):
        if key in f:
            return "geo" + key[4:].rstrip("/") + (" (other)" if key == "/geo/" else "")
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
    ap.add_argument("--top", type=int, default=30, help="functions to list (default 30)")
    ap.add_argument("--batch-size", type=int, default=32)
    args = ap.parse_args(argv)

    from geo.recognize import load_model

    texts = load_corpus(args.corpus, args.limit)
    kb = sum(len(t.encode("utf-8")) for t in texts) / 1000
    nlp = load_model()

    rows = stages(nlp, texts, args.batch_size)
    total = sum(s for _, s in rows)
    print(f"Stages on {len(texts)} docs ({kb:,.0f} KB), components {'+'.join(nlp.pipe_names)}, CPU time, "
          "fresh Geoparser:")
    for name, secs in rows:
        print(f"  {name:48s} {secs:7.2f} s  {secs / total:6.1%}")
    print(f"  {'total':48s} {total:7.2f} s  ({kb / total:,.1f} KB per CPU second)")

    gp = fresh(nlp)
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
