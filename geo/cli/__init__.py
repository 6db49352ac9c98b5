"""The ``geo`` command line: thin commands over the library API.

Each command lives in its own module with ``register(subparsers)``; a command opens its input,
calls one library function and turns :class:`~geo.errors.GeoError` into one line on stderr.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from typing import Sequence

from geo import __version__
from geo.errors import GeoError, foreign_error_message, os_error_message

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
    from geo._atomic import install_signal_handlers
    from geo.cli._common import collector_paused
    from geo.cli._geocoding import install_warning_printer

    with collector_paused():
        parser = build_parser()
        args = parser.parse_args(argv)
    if not getattr(args, "func", None):  # pragma: no cover - every command sets func
        parser.error("no command given")
    install_signal_handlers()
    install_warning_printer(getattr(args, "quiet", False))  # every command: geo's warnings as one line each
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a full /dev/full or a closed pipe is reported here, not at exit
        return code
    except BaseException as exc:  # noqa: BLE001 - each kind is mapped below, the rest re-raised
        return _one_line(exc)
    finally:
        gc.freeze()  # the interpreter's collections at exit skip what is left (see collector_paused)


def _one_line(exc: BaseException) -> int:
    """The exit code and one stderr line for an exception that reached the top."""
    from geo._atomic import Terminated

    if isinstance(exc, BrokenPipeError):
        # The reader went away (e.g. `geo places … | head`): not an error of ours.
        _silence_stdout()
        return 0
    if isinstance(exc, GeoError):
        message, code = str(exc), exc.exit_code
    elif isinstance(exc, Terminated):
        print("geo: terminated; nothing was left half-written", file=sys.stderr)
        return 143
    elif isinstance(exc, KeyboardInterrupt):
        print("geo: interrupted; nothing was left half-written", file=sys.stderr)
        return 130
    elif isinstance(exc, OSError):
        message, code = os_error_message(exc), 1
    elif isinstance(exc, Exception) and (foreign := foreign_error_message(exc)) is not None:
        message, code = foreign, 1
    else:
        raise exc
    if "\n" in message:
        message = " ".join(message.split())
    print(f"geo: error: {message}", file=sys.stderr)
    _silence_stdout()
    return code


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
