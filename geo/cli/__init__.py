"""The ``geo`` command line: thin commands over the library API.

Each command lives in its own module with ``register(subparsers)``; a command opens its input,
calls one library function and turns :class:`~geo.errors.GeoError` into one line on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Sequence

from geo import __version__
from geo.errors import GeoError

__all__ = ["main", "build_parser", "COMMAND_MODULES"]

#: modules that each register one command (or a group of sub-commands)
COMMAND_MODULES = ("geo.cli._map", "geo.cli._places", "geo.cli._parse", "geo.cli._eval", "geo.cli._gazetteer",
                   "geo.cli._batch")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="geo", description="Turn a news article into a map of the places it names.")
    parser.add_argument("--version", action="version", version=f"geo {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser, required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):  # pragma: no cover - every command sets func
        parser.error("no command given")
    try:
        return int(args.func(args) or 0)
    except GeoError as exc:
        print(f"geo: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("geo: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `geo places … | head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
