"""The parts of a batch in progress, and the output assembled from them.

Beside the output ``OUT`` a folder ``OUT.parts/`` holds what is done so far: Arrow files of rows
(``part-000001.arrow``), each followed by its manifest (``part-000001.json``: the content key,
row offset, row count, error, id and source of each document in it). A manifest is written, atomically, only
once its Arrow file is complete, so a part without one is debris of a killed run and is ignored.
A rerun reads the manifests, skips every document whose key is there, and the output is then
assembled from the parts in input order — the same rows, in the same order, as a run that was
never interrupted.
"""

from __future__ import annotations

import fcntl
import json
import re
import shutil
import sys
import time
from collections import OrderedDict
from pathlib import Path
from typing import Iterable, Iterator

from geo.errors import GeoError, UsageError

__all__ = ["PartStore", "parts_dir"]

_PART_RE = re.compile(r"^part-(\d{6,})\.json$")
_STATE = "batch.json"
_STATE_VERSION = 1


def parts_dir(output: Path) -> Path:
    return output.with_name(output.name + ".parts")


class PartStore:
    """Done documents (``done``: key -> (part, offset, rows, error, id, source)) and new parts."""

    def __init__(self, folder: Path, *, restart: bool = False, part_docs: int = 500, part_seconds: float = 30.0):
        from geo import __version__

        self.folder = folder
        self.part_docs = max(1, part_docs)
        self.part_seconds = part_seconds
        if restart and folder.exists():
            shutil.rmtree(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._lock = open(folder / "lock", "w")
        except OSError as exc:
            raise GeoError(f"cannot write {folder}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            raise GeoError(f"another geo batch is writing {folder}; wait for it or stop it") from None
        self._check_state(folder, {"state": _STATE_VERSION, "geo": __version__})
        self.done: dict[str, tuple] = {}
        self.next_part = 1
        for manifest in sorted(folder.glob("part-*.json")):
            m = _PART_RE.match(manifest.name)
            if not m:
                continue
            number = int(m.group(1))
            self.next_part = max(self.next_part, number + 1)
            try:
                entries = json.loads(manifest.read_text(encoding="utf-8"))["docs"]
            except (OSError, ValueError, KeyError, TypeError):
                continue  # unreadable: its documents are done again
            part = manifest.stem
            if not (folder / f"{part}.arrow").exists():
                continue
            for e in entries:
                key, offset, rows = e[0], e[1], e[2]
                error, doc_id, source = (e[3], e[4], e[5]) if len(e) > 3 else (None, None, None)
                self.done[key] = (part, offset, rows, error, doc_id, source)
        self.resumed = len(self.done)
        self._rows: list[dict] = []
        self._entries: list[list] = []
        self._since = time.monotonic()

    def _check_state(self, folder: Path, state: dict) -> None:
        """The parts must be of this geo's layout; an unreadable state file counts as absent."""
        from geo._atomic import clean_stale, write_atomic

        clean_stale(folder)
        state_path = folder / _STATE
        old = None
        if state_path.exists():
            try:
                old = json.loads(state_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                print(f"geo: warning: {state_path} is unreadable; taken as absent", file=sys.stderr)
            if old is not None and old != state:
                self.close()
                raise UsageError(f"{folder} holds parts of another geo version or layout ({old}); "
                                 "rerun with --restart to start again")
        if old is None:
            try:
                write_atomic(state_path, json.dumps(state))
            except GeoError:
                self.close()
                raise

    # ------------------------------------------------------------------ writing

    def add(self, key: str, rows: list[dict] | None, error: str | None, doc_id: str, source: str) -> None:
        if error is not None:
            self._entries.append([key, len(self._rows), 0, error, doc_id, source])
        else:  # the id too: a rerun knows the pages of a list of URLs it need not fetch again
            self._entries.append([key, len(self._rows), len(rows or ()), None, doc_id, source])
            self._rows.extend(rows or ())
        if len(self._entries) >= self.part_docs or time.monotonic() - self._since >= self.part_seconds:
            self.flush()

    def flush(self) -> None:
        """Write the documents added since the last flush as one part (Arrow file, then manifest)."""
        import pyarrow as pa

        from geo._atomic import write_atomic
        from geo.exports import rows_to_table

        if not self._entries:
            return
        part = f"part-{self.next_part:06d}"
        table = rows_to_table(self._rows)

        def write(f):
            with pa.ipc.new_file(f, table.schema) as w:
                w.write_table(table)

        write_atomic(self.folder / f"{part}.arrow", write)
        write_atomic(self.folder / f"{part}.json", json.dumps({"docs": self._entries}, ensure_ascii=False))
        for e in self._entries:
            self.done[e[0]] = (part, e[1], e[2], *(e[3:6] if len(e) > 3 else (None, None, None)))
        self.next_part += 1
        self._rows, self._entries = [], []
        self._since = time.monotonic()

    # ------------------------------------------------------------------ reading

    def tables(self, keys: Iterable[str], *, batch_rows: int = 50_000) -> Iterator:
        """The rows of ``keys`` (in that order) as Arrow tables of about ``batch_rows`` rows."""
        import pyarrow as pa

        cache: OrderedDict[str, object] = OrderedDict()

        def part_table(name: str):
            if name in cache:
                cache.move_to_end(name)
                return cache[name]
            with pa.memory_map(str(self.folder / f"{name}.arrow")) as source:
                table = pa.ipc.open_file(source).read_all()
            cache[name] = table
            if len(cache) > 8:
                cache.popitem(last=False)
            return table

        pending: list = []
        size = 0
        run: list | None = None  # [part, start, stop] of consecutive rows of one part

        def close_run():
            nonlocal size
            if run is not None and run[2] > run[1]:
                pending.append(part_table(run[0]).slice(run[1], run[2] - run[1]))
                size += run[2] - run[1]

        for key in keys:
            entry = self.done.get(key)
            if entry is None or entry[3] is not None or not entry[2]:
                continue
            part, offset, rows = entry[0], entry[1], entry[2]
            if run is not None and run[0] == part and run[2] == offset:
                run[2] += rows
                continue
            close_run()
            run = [part, offset, offset + rows]
            if size >= batch_rows:
                yield pa.concat_tables(pending)
                pending, size = [], 0
        close_run()
        if pending:
            yield pa.concat_tables(pending)

    def remove(self) -> None:
        self.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def close(self) -> None:
        if not self._lock.closed:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
