"""The one place where output files are written: completely or not at all.

Every output goes to a temporary file beside its target (same directory, so the rename is
atomic), is flushed and fsynced, given the mode of any other new file (0666 less the umask,
0644 usually) and renamed onto the target only when complete. On any failure, and on SIGINT or
SIGTERM (see :func:`install_signal_handlers`), the temporary file is removed and the old target is
left as it was, byte for byte.

* :class:`AtomicPath` — a temporary path for writers that create the file themselves (GDAL,
  Parquet, SQLite) or stream into it (``geo parse``); ``commit()`` renames, ``discard()`` removes.
* :func:`write_atomic` — a whole ``str``/``bytes`` payload, or a callback writing to a binary file.
* :func:`clean_stale` — removes temporary files of processes that were killed (``kill -9``).

Temporary names are ``.NAME.PID.RANDOM.tmp[SUFFIX]``: the process id tells a stale file (its
process is gone) from one being written right now by another process.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import sys
from pathlib import Path
from typing import Callable

from geo.errors import GeoError

__all__ = ["AtomicPath", "write_atomic", "clean_stale", "install_signal_handlers", "Terminated", "io_error"]

_STALE_RE = re.compile(r"^\..+\.(\d+)\.[0-9a-f]{8}\.tmp")
#: temporary files of this process not yet committed or discarded: path -> owner pid
_LIVE: dict[Path, int] = {}
_OWNER = [0]  # the process that installed the signal handlers


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: unwinds like Ctrl-C, so every ``finally`` and temporary file is cleaned."""


def io_error(path, exc: OSError) -> GeoError:
    """One line for an OSError met while writing ``path``."""
    return GeoError(f"cannot write {path}: {exc.strerror or exc}")


def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


class AtomicPath:
    """A temporary path beside ``path``; :meth:`commit` renames it onto ``path``.

    ``create=True`` creates the (empty) file; otherwise only the name is reserved, for writers
    that insist on creating the file themselves. Use as a context manager to commit on success and
    discard on any exception.
    """

    def __init__(self, path: str | os.PathLike, *, create: bool = False, suffix: str | None = None):
        self.path = Path(path)
        if self.path.is_dir():
            raise GeoError(f"cannot write {self.path}: is a directory")
        self.direct = _is_special(self.path)
        if self.direct:  # /dev/null, /dev/stdout, a FIFO: written in place, never replaced
            self.tmp = self.path
            return
        parent = self.path.parent
        tail = self.path.suffix if suffix is None else suffix
        self.tmp = parent / f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp{tail}"
        try:
            parent.mkdir(parents=True, exist_ok=True)
            clean_stale(parent, f".{glob_escape(self.path.name)}.*.tmp*")  # left by a killed earlier run
            # created even when the writer wants to create it itself: a full, read-only or forbidden
            # directory is found here, with its own errno, before any work is done
            os.close(os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            if not create:
                os.unlink(self.tmp)
        except OSError as exc:
            raise io_error(self.path, exc) from exc
        _LIVE[self.tmp] = os.getpid()

    def open(self, mode: str = "w", **kwargs):
        """The temporary file opened for writing (text mode: UTF-8 unless told)."""
        if "b" not in mode:
            kwargs.setdefault("encoding", "utf-8")
        try:
            return open(self.tmp, mode, **kwargs)
        except OSError as exc:
            self.discard()
            raise io_error(self.path, exc) from exc

    def commit(self) -> Path:
        """fsync, set the mode, rename onto the target; on failure the target is untouched."""
        if self.direct:
            return self.path
        try:
            fd = os.open(self.tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.chmod(self.tmp, _file_mode())
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.discard()
            raise io_error(self.path, exc) from exc
        _LIVE.pop(self.tmp, None)
        _fsync_dir(self.path.parent)
        return self.path

    def discard(self) -> None:
        """Remove the temporary file (and any SQLite journal beside it)."""
        if not self.direct:
            _unlink_tmp(self.tmp)

    def __enter__(self) -> AtomicPath:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


def _is_special(path: Path) -> bool:
    import stat

    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def glob_escape(name: str) -> str:
    from glob import escape

    return escape(name)


def _unlink_tmp(tmp: Path) -> None:
    _LIVE.pop(tmp, None)
    for p in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        try:
            p.unlink()
        except OSError:  # already gone, or a read-only directory where nothing was created
            pass


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory if str(directory) else ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: str | os.PathLike, data: str | bytes | Callable, *, encoding: str = "utf-8") -> Path:
    """Write ``data`` (text, bytes, or a callback given a binary file) to ``path`` atomically."""
    target = AtomicPath(path, create=True)
    try:
        with target.open("wb") as f:
            if callable(data):
                data(f)
            else:
                f.write(data.encode(encoding) if isinstance(data, str) else data)
    except OSError as exc:
        target.discard()
        raise io_error(target.path, exc) from exc
    except BaseException:
        target.discard()
        raise
    return target.commit()


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (this process counts as running)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(directory: str | os.PathLike, pattern: str = ".*.tmp*") -> int:
    """Remove temporary files in ``directory`` whose process is gone; returns how many."""
    removed = 0
    try:
        candidates = list(Path(directory).glob(pattern))
    except OSError:
        return 0
    for p in candidates:
        m = _STALE_RE.match(p.name)
        if m and not pid_alive(int(m.group(1))):
            try:
                p.unlink()
                removed += 1
            except OSError:
                pass
    return removed


def _remove_live() -> None:
    me = os.getpid()
    for tmp, owner in list(_LIVE.items()):
        if owner == me:  # a forked worker must not remove its parent's files
            _unlink_tmp(tmp)


def _on_signal(signum, frame) -> None:
    if os.getpid() != _OWNER[0]:  # a forked worker: die as it would have without us
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    _remove_live()
    if signum == signal.SIGTERM:
        raise Terminated()
    raise KeyboardInterrupt()


def install_signal_handlers() -> None:
    """SIGINT and SIGTERM remove this process's temporary files and unwind (see :class:`Terminated`)."""
    import atexit

    _OWNER[0] = os.getpid()
    atexit.register(_remove_live)
    if sys.platform != "win32":
        try:
            signal.signal(signal.SIGTERM, _on_signal)
            if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
                signal.signal(signal.SIGINT, _on_signal)
        except ValueError:  # not the main thread (an embedding application): leave its handlers
            pass
