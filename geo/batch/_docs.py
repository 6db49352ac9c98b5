"""The documents of a batch: article files, folders and globs of them, JSON Lines and CSV files, and
lists of URLs (a ``.urls`` file, or a ``.txt`` file whose every line is an http(s) URL; blank lines
and ``#`` comments allowed), each page fetched politely (one request at a time, a pause per host).

Every document gets an id (its path, or the id field / column), its metadata (title, date, URL
when present) and a content key: a hash of the id, the text and the metadata, by which a rerun
recognises what an earlier run already did. A document that cannot be read is yielded with its
``error`` set, so the batch reports it and goes on.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from geo._values import has_lone_surrogate, printable
from geo.errors import InputError, UsageError

__all__ = ["BatchDoc", "iter_documents", "expand_inputs", "count_documents", "ARTICLE_EXTENSIONS"]

ARTICLE_EXTENSIONS = (".txt", ".text", ".html", ".htm", ".xhtml")
JSONL_EXTENSIONS = (".jsonl", ".ndjson")
URL_LIST_EXTENSIONS = (".urls",)
CSV_EXTENSIONS = (".csv",)
#: metadata fields recognised (case-insensitive) in JSON Lines records and CSV headers
META_FIELDS = {
    "title": ("title", "headline"),
    "date": ("date", "published", "published_at", "pub_date", "pubdate", "datetime", "timestamp"),
    "url": ("url", "link", "href"),
}


@dataclass(frozen=True, slots=True)
class BatchDoc:
    """One document: ``text`` is None and ``error`` says why when it could not be read."""

    seq: int
    id: str
    key: str
    source: str
    text: str | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None
    error: str | None = None
    author: str | None = None
    site: str | None = None
    done: bool = False  # done by an earlier run: a URL not fetched again (``key`` is that run's, ``text`` None)


def _key(doc_id: str, text: str | None, title, date, url, error, author=None, site=None) -> str:
    extra = [author, site] if author or site else []  # keys of documents without them stay as they were
    payload = json.dumps([doc_id, text, title, date, url, error, *extra], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def _url_lines(path: Path) -> list[tuple[int, str]] | None:
    """The URLs of a list of URLs (line number, URL), or None when ``path`` is not one."""
    from geo.inputs import is_url

    try:
        with open(path, "rb") as f:
            data = f.read(1 << 20)
    except OSError:
        return None
    try:
        lines = data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        return None
    urls = [(n, ln.strip()) for n, ln in enumerate(lines, 1) if ln.strip() and not ln.lstrip().startswith("#")]
    if not urls or not all(is_url(u) and " " not in u for _n, u in urls):
        return None
    return urls


def _kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(JSONL_EXTENSIONS):
        return "jsonl"
    if name.endswith(CSV_EXTENSIONS):
        return "csv"
    if name.endswith(URL_LIST_EXTENSIONS) or (name.endswith((".txt", ".text")) and _url_lines(path)):
        return "urls"
    return "article"


_KNOWN = ARTICLE_EXTENSIONS + JSONL_EXTENSIONS + CSV_EXTENSIONS + URL_LIST_EXTENSIONS


def expand_inputs(inputs: Sequence[str]) -> list[Path]:
    """Files named by ``inputs`` (files, folders searched recursively, globs), sorted, no repeats.

    A name that matches nothing is a usage error: the batch would silently miss it otherwise.
    """
    out: list[Path] = []
    seen: set[str] = set()

    def add(p: Path) -> None:
        key = os.path.normpath(str(p))
        if key not in seen:
            seen.add(key)
            out.append(p)

    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(_KNOWN)
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            if not found:
                raise UsageError(f"{item}: no .txt, .html, .jsonl or .csv files in this folder")
            for p in found:
                add(p)
        elif path.exists():
            add(path)
        elif glob.has_magic(item):
            found = sorted(Path(p) for p in glob.glob(item, recursive=True) if Path(p).is_file())
            if not found:
                raise UsageError(f"{item}: matches no file")
            for p in found:
                add(p)
        else:
            raise UsageError(f"{item}: no such file or folder")
    return out


def _meta(record: dict) -> dict[str, str | None]:
    lowered = {str(k).lower(): v for k, v in record.items()}
    out: dict[str, str | None] = {}
    for field, names in META_FIELDS.items():
        value = None
        for name in names:
            v = lowered.get(name)
            if v not in (None, ""):
                value = str(v).strip() if not isinstance(v, (dict, list)) else None
                break
        out[field] = value or None
    return out


class _Builder:
    """Numbers documents, checks ids are unique and texts not too long, computes keys."""

    def __init__(self, max_chars: int):
        self.seq = 0
        self.max_chars = max_chars
        self.first_seen: dict[str, str] = {}

    def make(self, doc_id: str, source: str, text: str | None = None, *, title=None, date=None, url=None,
             error: str | None = None, author=None, site=None) -> BatchDoc:
        if error is None and doc_id in self.first_seen:
            error = f"duplicate id (first seen at {self.first_seen[doc_id]})"
        elif error is None:
            self.first_seen[doc_id] = source
        if error is None and text is not None and len(text) > self.max_chars:
            error = f"text too long ({len(text):,} characters; the limit is {self.max_chars:,})"
        fields = {"id": doc_id, "title": title, "date": date, "url": url, "text": text}
        broken = [name for name, v in fields.items() if isinstance(v, str) and has_lone_surrogate(v)]
        if error is None and broken:
            error = f"a lone surrogate in its {broken[0]} (not valid Unicode)"
        if error is not None:
            text = None
        if broken or has_lone_surrogate(source):  # kept printable for the errors file and the key
            doc_id, source, title, date, url, author, site = (
                printable(v) for v in (doc_id, source, title, date, url, author, site))
        doc = BatchDoc(seq=self.seq, id=doc_id, key=_key(doc_id, text, title, date, url, error, author, site),
                       source=source, text=text, title=title, date=date, url=url, error=error, author=author,
                       site=site)
        self.seq += 1
        return doc

    def done(self, doc_id: str, source: str, key: str) -> BatchDoc:
        """A document an earlier run did (its key from that run), counted and numbered like the others."""
        if doc_id in self.first_seen:
            return self.make(doc_id, source)  # a duplicate: an error, as it would be after fetching
        self.first_seen[doc_id] = source
        doc = BatchDoc(seq=self.seq, id=doc_id, key=key, source=source, done=True)
        self.seq += 1
        return doc


def _article(source, label: str, doc_id: str, b: _Builder, fetcher=None) -> Iterator[BatchDoc]:
    """The document of an article file or of a page's URL, with the article's metadata."""
    from geo.inputs import read_article

    try:
        article = read_article(source, fetcher=fetcher)
    except InputError as exc:
        msg = str(exc)
        where = str(source)
        yield b.make(doc_id, label, error=msg[len(where) + 2:] if msg.startswith(where + ": ") else msg)
        return
    m = article.meta
    yield b.make(doc_id, label, article.text, title=m.title, date=m.date, url=m.url, author=m.author, site=m.site)


def _urls(path: Path, b: _Builder, fetcher, done_urls: Mapping[str, str]) -> Iterator[BatchDoc]:
    for ln, url in _url_lines(path) or []:
        if url in done_urls:
            yield b.done(url, f"{path}:{ln}", done_urls[url])
        else:
            yield from _article(url, f"{path}:{ln}", url, b, fetcher)


def _jsonl(path: Path, b: _Builder) -> Iterator[BatchDoc]:
    label = str(path)
    try:
        f = open(path, "rb")
    except OSError as exc:
        yield b.make(label, label, error=f"cannot read ({exc.strerror or exc})")
        return
    with f:
        for ln, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            source = f"{label}:{ln}"
            try:
                record = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield b.make(source, source, error=f"not UTF-8 ({exc.reason} at byte {exc.start})")
                continue
            except ValueError as exc:
                yield b.make(source, source, error=f"not JSON ({getattr(exc, 'msg', exc)})")
                continue
            if not isinstance(record, dict):
                yield b.make(source, source, error="not a JSON object")
                continue
            raw_id = record.get("id")
            doc_id = str(raw_id) if isinstance(raw_id, (str, int)) and str(raw_id) else source
            text = record.get("text")
            if not isinstance(text, str):
                yield b.make(doc_id, source, error='no "text" string')
                continue
            yield b.make(doc_id, source, text, **_meta(record))


def _csv(path: Path, b: _Builder, text_column: str, id_column: str | None) -> Iterator[BatchDoc]:
    label = str(path)
    try:
        f = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        yield b.make(label, label, error=f"cannot read ({exc.strerror or exc})")
        return
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with f:
        try:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            for wanted, option in ((text_column, "--text-column"), (id_column, "--id-column")):
                if wanted and wanted not in header:  # the command line is wrong: nothing would be read
                    raise InputError(f"{label}: no column {wanted!r} (columns: {', '.join(header)}); "
                                     f"give {option}")
            for row in reader:
                source = f"{label}:{reader.line_num}"
                doc_id = (row.get(id_column) or "").strip() if id_column else ""
                text = row.get(text_column)
                if not isinstance(text, str) or not text.strip():
                    yield b.make(doc_id or source, source, error=f"empty {text_column!r}")
                    continue
                meta = _meta({k: v for k, v in row.items() if k not in (text_column, id_column) and k})
                yield b.make(doc_id or source, source, text, **meta)
        except UnicodeDecodeError as exc:
            yield b.make(label, label, error=f"not UTF-8 ({exc.reason} at byte {exc.start})")
        except csv.Error as exc:
            yield b.make(label, label, error=f"malformed CSV ({exc})")


def iter_documents(files: Sequence[Path], *, text_column: str = "text", id_column: str | None = None,
                   max_chars: int | None = None, fetcher=None,
                   done_urls: Mapping[str, str] | None = None) -> Iterator[BatchDoc]:
    """Every document of ``files``, in order, numbered from 0; ``fetcher`` fetches lists of URLs
    (default: a :class:`geo.inputs.Fetcher` pausing 1 s between two requests to a host).

    ``done_urls``: URL -> key of the pages an earlier run did; they are not fetched again (``done``)."""
    from geo.inputs import Fetcher
    from geo.pipeline import MAX_TEXT_CHARS

    b = _Builder(max_chars or MAX_TEXT_CHARS)
    own = fetcher is None
    fetcher = fetcher or Fetcher(host_delay=1.0)
    try:
        for path in files:
            kind = _kind(path)
            if kind == "jsonl":
                yield from _jsonl(path, b)
            elif kind == "csv":
                yield from _csv(path, b, text_column, id_column)
            elif kind == "urls":
                yield from _urls(path, b, fetcher, done_urls or {})
            else:
                yield from _article(path, str(path), str(path), b)
    finally:
        if own:
            fetcher.close()


def count_documents(files: Sequence[Path]) -> int:
    """About how many documents ``files`` hold (lines of JSON Lines and CSV files): for the ETA."""
    total = 0
    for path in files:
        kind = _kind(path)
        if kind == "article":
            total += 1
            continue
        if kind == "urls":
            total += max(len(_url_lines(path) or []), 1)
            continue
        try:
            with open(path, "rb") as f:
                lines = sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))
        except OSError:
            lines = 1
        total += max(lines - (1 if kind == "csv" else 0), 1)
    return total
