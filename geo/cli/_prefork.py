"""``geo map`` on a machine with two cores or more: the renderer's imports overlap the model's.

A cold ``geo map`` spends most of its time importing: spaCy and its model (~1.1 s), then folium
(~0.6 s). Threads cannot overlap them (an import holds the interpreter), two processes can. So,
before the model loads, :func:`prefork` forks a child that imports the renderer and waits; this
process loads the model and geoparses as ever, then :meth:`Prefork.call` sends the child the
renderer's arguments (plain data and :class:`~geo.types.Place` values, pickled through a pipe) and
gets the page back. The child draws and sends, nothing more: the file is written here (atomically,
as always), errors are raised here (one line, the usual exit code) and a child that died is an
error, never a missing map. Without ``os.fork``, with one CPU or no spare one (a loaded machine),
with threads already running, or with ``GEO_FORK=0``, nothing is forked and the renderer runs in
this process: the same bytes.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from typing import Any, Callable

from geo.errors import GeoError

__all__ = ["Prefork", "prefork", "forking"]

#: ``GEO_FORK=0`` keeps everything in one process, ``GEO_FORK=1`` forks whatever the load
FORK_ENV = "GEO_FORK"


def forking() -> bool:
    """Whether :func:`prefork` forks here: ``os.fork`` exists, no other thread runs, and two CPUs are
    ours with one to spare (the 1-minute load average below their number less one; on a busy machine
    the child would only take turns with this process and add the cost of the fork)."""
    choice = os.environ.get(FORK_ENV, "").strip()
    if choice == "0" or not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    if choice == "1":
        return True
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cpus >= 2 and os.getloadavg()[0] < cpus - 1


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


class Prefork:
    """A forked child that ran ``warm()`` and runs one call; use :func:`prefork`."""

    def __init__(self, warm: Callable[[], Any]):
        job_r, self._job_w = os.pipe()
        self._result_r, result_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            os.close(self._job_w)
            os.close(self._result_r)
            try:
                _serve(warm, job_r, result_w)
            finally:
                os._exit(0)  # no atexit, no flush of the parent's buffers
        os.close(job_r)
        os.close(result_w)
        self._status: int | None = None

    def call(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``func(*args, **kwargs)`` in the child (``func`` importable by name): its result, or its
        exception raised here. Once only."""
        try:
            _write_all(self._job_w, pickle.dumps((func, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL))
        except BrokenPipeError:
            pass  # the child is gone: said below
        finally:
            os.close(self._job_w)
            self._job_w = -1
        data = _read_all(self._result_r)
        self.close()
        if not data:
            raise GeoError(f"the map renderer (process {self.pid}) stopped: {_how(self._status)}")
        ok, value = pickle.loads(data)
        if ok:
            return value
        raise value

    def close(self) -> None:
        """Stop the child if it still runs (this process failed first) and reap it."""
        for fd in (self._job_w, self._result_r):
            if fd >= 0:
                os.close(fd)
        self._job_w = self._result_r = -1
        if self._status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == 0:
                os.kill(self.pid, signal.SIGKILL)
                _, status = os.waitpid(self.pid, 0)
            self._status = status

    def __enter__(self) -> Prefork:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(warm: Callable[[], Any], job_r: int, result_w: int) -> None:
    """The child: warm up, read the one job, run it, send back ``(ok, result or exception)``."""
    try:
        warm()
        func, args, kwargs = pickle.loads(_read_all(job_r))
        answer: tuple[bool, Any] = (True, func(*args, **kwargs))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent, which reports it
        answer = (False, exc)
    try:
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        if not answer[0]:
            pickle.loads(data)  # an exception that cannot be rebuilt there is sent as its message
    except Exception as exc:  # noqa: BLE001 - pickling can fail in any way a class's __reduce__ does
        message = answer[1] if not answer[0] else f"the map renderer's answer cannot be sent back: {exc}"
        data = pickle.dumps((False, GeoError(" ".join(str(message).split()) or type(message).__name__)))
    try:
        _write_all(result_w, data)
    except BrokenPipeError:
        pass  # the parent is gone


def _how(status: int | None) -> str:
    if status is not None and os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    if status is not None and os.WIFEXITED(status):
        return f"exit status {os.WEXITSTATUS(status)} without an answer"
    return "no answer"


def prefork(warm: Callable[[], Any]) -> Prefork | None:
    """A child that runs ``warm()`` now (the renderer's imports) and then one :meth:`Prefork.call`;
    None where :func:`forking` says no (the caller runs everything itself)."""
    return Prefork(warm) if forking() else None
