"""``geo eval GOLD.jsonl [PRED.jsonl]``: recognition and resolution scores against a gold corpus."""

from __future__ import annotations

import json

from geo.cli._common import add_model, add_quiet


def register(sub) -> None:
    p = sub.add_parser("eval", help="score predictions (or geo itself) against an annotated corpus",
                       description="Print recognition P/R/F1 (exact and overlapping spans), resolution acc@161km, "
                                   "mean and median error, AUC, and end-to-end acc@161km. Without PRED.jsonl, "
                                   "geo parses the gold texts first.")
    p.add_argument("gold", metavar="GOLD.jsonl", help="gold corpus ({id, text, toponyms} per line)")
    p.add_argument("pred", metavar="PRED.jsonl", nargs="?", help="predictions ({id, toponyms} per line)")
    p.add_argument("--json", action="store_true", help="print only the JSON object with every figure")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes when parsing (default: 1)")
    p.add_argument("--batch-size", type=int, default=32, metavar="N", help=argparse_suppress())
    p.add_argument("--no-adjectival", action="store_true", help='leave out adjectival mentions ("Syrian") when parsing')
    add_model(p)
    add_quiet(p)
    p.set_defaults(func=run)


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS


def run(args) -> int:
    from geo.cli._parse import _progress, iter_predictions
    from geo.evaluate import format_report, load_jsonl, score

    gold = load_jsonl(args.gold)
    if args.pred:
        pred = load_jsonl(args.pred)
    else:
        args.skip_bad = False
        with open(args.gold, encoding="utf-8") as stream:
            bar = _progress(args, None)
            try:
                pred = {r["id"]: r for r in iter_predictions(args, stream, args.gold, bar)}
            finally:
                bar.close()
    res = score(gold, pred)
    if not args.json:
        print(format_report(res))
    print(json.dumps(res, sort_keys=True))
    return 0
