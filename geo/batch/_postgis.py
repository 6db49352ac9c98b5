"""A PostGIS table as the output of ``geo batch`` and ``geo places``: ``postgresql://USER@HOST:PORT/DB?table=NAME``.

The table gets the columns of the corpus table (:data:`geo.exports.BATCH_COLUMNS`: the document's id,
title, date and URL, then the place; lists as ``jsonb``, a ``geometry(Point, 4326)`` with a GiST index)
plus ``geo_doc_key`` (the document's content key: a hash of its id, text and metadata) and ``geo_row``
(the place's position in the document). A side table ``NAME_geo_docs`` lists every document written,
with its row count or its error. A document's rows and its line in the side table are written in one
transaction, with GeoPandas' ``to_postgis``, so a run killed at any point leaves whole documents only,
and a rerun skips the documents the side table holds: the table grows by what is missing, never twice.

The password is never taken from the command line nor written anywhere: libpq reads ``PGPASSWORD`` or
``~/.pgpass`` (and the other ``PG*`` variables). Any other URL parameter (``sslmode=…``) goes to libpq.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from geo.errors import GeoError

__all__ = ["is_postgis_url", "PostgisTarget", "parse_postgis_url", "PostgisStore", "write_article_rows"]

_SCHEMES = ("postgresql", "postgres")
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,50}$")
_LISTS = ("surface_forms", "spans", "adjectival_spans")
_INTS = ("geonameid", "population", "mentions", "adjectival_mentions")
_EXTRA = "install it with: pip install 'geo[postgis]'"


def is_postgis_url(output) -> bool:
    """Whether an ``-o`` value names a PostgreSQL table rather than a file."""
    return isinstance(output, str) and output.split(":", 1)[0].lower() in _SCHEMES and "://" in output


@dataclass(frozen=True, slots=True)
class PostgisTarget:
    """Where to write: the connection (without a password) and the table."""

    user: str | None
    host: str | None
    port: int | None
    database: str | None
    schema: str | None
    table: str
    options: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        """The URL as the user gave it, for messages (it never holds a password)."""
        where = f"{self.user + '@' if self.user else ''}{self.host or ''}{f':{self.port}' if self.port else ''}"
        table = f"{self.schema}.{self.table}" if self.schema else self.table
        return f"postgresql://{where}/{self.database or ''}?table={table}"

    @property
    def local_name(self) -> Path:
        """A local name for what sits beside the output (the errors file: ``NAME.errors.jsonl``)."""
        return Path(self.table)

    def qualified(self, table: str | None = None) -> str:
        name = f'"{table or self.table}"'
        return f'"{self.schema}".{name}' if self.schema else name


def parse_postgis_url(url: str) -> PostgisTarget:
    """The target of ``postgresql://USER@HOST:PORT/DB?table=[SCHEMA.]NAME``; a one-line :class:`GeoError` if wrong."""
    hint = "give postgresql://USER@HOST:PORT/DATABASE?table=NAME"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise GeoError(f"not a PostgreSQL URL ({exc}): {hint}") from None
    if parts.scheme.lower() not in _SCHEMES:
        raise GeoError(f"not a PostgreSQL URL: {hint}")
    if parts.password is not None:
        raise GeoError("put the database password in PGPASSWORD or ~/.pgpass, not in the URL "
                         "(a command line is visible to every user of the machine)")
    query = parse_qsl(parts.query, keep_blank_values=True)
    tables = [v for k, v in query if k == "table"]
    if not tables or not tables[-1]:
        raise GeoError(f"the PostgreSQL URL names no table: {hint}")
    schema, _, table = tables[-1].rpartition(".")
    for part in (schema, table) if schema else (table,):
        if not _NAME.match(part):
            raise GeoError(f"table name {tables[-1]!r}: use lower-case letters, digits and _ "
                             "(at most 50; SCHEMA.NAME for another schema)")
    database = parts.path.lstrip("/") or None
    return PostgisTarget(user=parts.username or None, host=parts.hostname or None, port=port, database=database,
                         schema=schema or None, table=table,
                         options=tuple((k, v) for k, v in query if k != "table"))


# --------------------------------------------------------------------------- connecting


def _engine(target: PostgisTarget):
    try:
        import geoalchemy2  # noqa: F401 - GeoPandas' to_postgis needs it
        import sqlalchemy
    except ImportError as exc:
        raise GeoError(f"writing to PostGIS needs {exc.name}; {_EXTRA}") from None
    driver = _driver()
    url = sqlalchemy.engine.URL.create(f"postgresql+{driver}", username=target.user, host=target.host,
                                       port=target.port, database=target.database, query=dict(target.options))
    return sqlalchemy.create_engine(url, pool_pre_ping=False, poolclass=sqlalchemy.pool.NullPool)


def _driver() -> str:
    import importlib.util

    for module, name in (("psycopg", "psycopg"), ("psycopg2", "psycopg2")):
        if importlib.util.find_spec(module) is not None:
            return name
    raise GeoError(f"writing to PostGIS needs psycopg (or psycopg2); {_EXTRA}")


def _reason(exc: Exception) -> str:
    """The database's own message, on one line, with a hint where one helps."""
    text = " ".join(str(getattr(exc, "orig", None) or exc).split())
    text = re.sub(r"\s*\(Background on this error at: .*$", "", text)
    text = re.sub(r"^connection failed: ", "", text)
    if "password" in text.lower():
        text += " (the password comes from PGPASSWORD or ~/.pgpass)"
    return text[:300]


def connect(target: PostgisTarget):
    """An engine for ``target`` after checking that it answers and has PostGIS; one-line errors otherwise."""
    import sqlalchemy

    engine = _engine(target)
    try:
        with engine.connect() as conn:
            version = conn.execute(sqlalchemy.text(
                "SELECT extversion FROM pg_extension WHERE extname = 'postgis'")).scalar()
    except sqlalchemy.exc.SQLAlchemyError as exc:
        engine.dispose()
        raise GeoError(f"cannot connect to {target.label}: {_reason(exc)}") from None
    if version is None:
        engine.dispose()
        raise GeoError(f"{target.label}: the database has no PostGIS extension; run CREATE EXTENSION postgis; "
                       "in it (as its owner or a superuser)")
    return engine


def _create_tables(conn, target: PostgisTarget) -> None:
    import sqlalchemy

    main, docs = target.qualified(), target.qualified(f"{target.table}_geo_docs")
    columns = ("doc_id text, doc_title text, doc_date text, doc_url text, doc_author text, doc_site text, "
               "name text, kind text, "
               "country_code text, country text, geonameid bigint, population bigint, mentions bigint, "
               "adjectival_mentions bigint, surface_forms jsonb, spans jsonb, adjectival_spans jsonb, "
               "confidence double precision, resolved boolean, source text, geometry geometry(Point, 4326), "
               "geo_doc_key text NOT NULL, geo_row integer NOT NULL")
    for statement in (
        f"CREATE SCHEMA IF NOT EXISTS \"{target.schema}\"" if target.schema else None,
        f"CREATE TABLE IF NOT EXISTS {main} ({columns})",
        f'CREATE INDEX IF NOT EXISTS "{target.table}_geometry_idx" ON {main} USING GIST (geometry)',
        f'CREATE INDEX IF NOT EXISTS "{target.table}_geo_doc_key_idx" ON {main} (geo_doc_key)',
        f"CREATE TABLE IF NOT EXISTS {docs} (doc_key text PRIMARY KEY, doc_id text, source text, "
        "rows integer NOT NULL, error text, written_at timestamptz NOT NULL DEFAULT now())",
    ):
        if statement:
            conn.execute(sqlalchemy.text(statement))


# --------------------------------------------------------------------------- the store


class PostgisStore:
    """The PostGIS counterpart of :class:`geo.batch._store.PartStore`: the table itself holds the progress.

    ``done`` maps each document key in the side table to ``(part, offset, rows, error, id, source)``, as
    PartStore does; :meth:`add` buffers documents, :meth:`flush` writes them in one transaction.
    """

    def __init__(self, target: PostgisTarget, *, restart: bool = False, part_docs: int = 500,
                 part_seconds: float = 30.0):
        import sqlalchemy

        self.target, self.part_docs, self.part_seconds = target, max(1, part_docs), part_seconds
        self.engine = connect(target)
        self._lock = None
        try:
            self._lock = self.engine.connect()  # held for the run: one writer per table
            key = f"geo:{target.qualified()}:{target.database}"
            locked = self._lock.execute(sqlalchemy.text("SELECT pg_try_advisory_lock(hashtext(:k))"), {"k": key})
            if not locked.scalar():
                raise GeoError(f"another geo run is writing {target.label}; wait for it or stop it")
            self._lock.commit()
            with self.engine.begin() as conn:
                _create_tables(conn, target)
                if restart:
                    conn.execute(sqlalchemy.text(f"TRUNCATE {target.qualified()}, "
                                                 f"{target.qualified(target.table + '_geo_docs')}"))
                found = conn.execute(sqlalchemy.text(
                    f"SELECT doc_key, rows, error, doc_id, source FROM {target.qualified(target.table + '_geo_docs')}"))
                self.done = {k: ("postgis", 0, n, err, i, s) for k, n, err, i, s in found}
        except sqlalchemy.exc.SQLAlchemyError as exc:
            self.close()
            raise GeoError(f"cannot write {target.label}: {_reason(exc)}") from None
        except BaseException:
            self.close()
            raise
        self.resumed = len(self.done)
        self._rows: list[dict] = []
        self._docs: list[dict] = []
        self._since = time.monotonic()

    def add(self, key: str, rows: list[dict] | None, error: str | None, doc_id: str, source: str) -> None:
        rows = [] if error is not None else list(rows or ())
        for i, row in enumerate(rows):
            self._rows.append({**row, "geo_doc_key": key, "geo_row": i})
        self._docs.append({"doc_key": key, "doc_id": doc_id, "source": source, "rows": len(rows), "error": error})
        if len(self._docs) >= self.part_docs or time.monotonic() - self._since >= self.part_seconds:
            self.flush()

    def flush(self) -> None:
        """Write the buffered documents: their rows and their side-table lines, in one transaction."""
        import sqlalchemy

        if not self._docs:
            return
        docs = [d for d in self._docs if d["doc_key"] not in self.done]
        keys = {d["doc_key"] for d in docs}
        rows = [r for r in self._rows if r["geo_doc_key"] in keys]
        try:
            with self.engine.begin() as conn:
                _append_rows(conn, self.target, rows)
                if docs:
                    conn.execute(sqlalchemy.text(
                        f"INSERT INTO {self.target.qualified(self.target.table + '_geo_docs')} "
                        "(doc_key, doc_id, source, rows, error) VALUES (:doc_key, :doc_id, :source, :rows, :error)"),
                        docs)
        except sqlalchemy.exc.SQLAlchemyError as exc:
            raise GeoError(f"cannot write {self.target.label}: {_reason(exc)}") from None
        for d in docs:
            self.done[d["doc_key"]] = ("postgis", 0, d["rows"], d["error"], d["doc_id"], d["source"])
        self._rows, self._docs = [], []
        self._since = time.monotonic()

    def tables(self, keys, **_):
        """Nothing to assemble: the rows are in the table as soon as they are flushed."""
        return iter(())

    def writer(self, order: list[str]):
        return _DoneWriter(sum(self.done[k][2] for k in dict.fromkeys(order)
                               if k in self.done and self.done[k][3] is None))

    def remove(self) -> None:  # the table and its side table are the output: kept
        self.close()

    def close(self) -> None:
        if self._lock is not None and not self._lock.closed:
            self._lock.close()
        self.engine.dispose()


@dataclass
class _DoneWriter:
    """What :func:`geo.batch.run_batch` closes after assembling: here, the row count of the inputs."""

    rows: int

    def write(self, table) -> None:  # pragma: no cover - PostgisStore.tables yields nothing
        raise AssertionError("the PostGIS rows are written as they are flushed")

    def abort(self) -> None:
        pass

    def close(self) -> None:
        pass


def _append_rows(conn, target: PostgisTarget, rows: list[dict]) -> None:
    """The rows (batch columns, ``lat``/``lon``) appended with GeoPandas' ``to_postgis`` on ``conn``."""
    import geopandas as gpd
    import pandas as pd
    from sqlalchemy.dialects.postgresql import JSONB

    from geo.exports import BATCH_COLUMNS

    if not rows:
        return
    columns = BATCH_COLUMNS[:-1] + ["geo_doc_key", "geo_row"]
    frame = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns)
    for col in _LISTS:  # as JSON text: GeoPandas writes with COPY, where no type adapter runs
        frame[col] = [json.dumps(v if v is not None else [], ensure_ascii=False) for v in frame[col]]
    for col in _INTS:
        frame[col] = frame[col].astype("Int64")
    points = gpd.points_from_xy([r.get("lon") for r in rows], [r.get("lat") for r in rows], crs="EPSG:4326")
    missing = [r.get("lon") is None or r.get("lat") is None for r in rows]
    geometry = gpd.GeoSeries([None if m else p for m, p in zip(missing, points)], crs="EPSG:4326")
    dtype = {c: JSONB for c in _LISTS}
    schema = target.schema or "public"
    if all(missing):  # to_postgis needs one geometry to tell its type: the same COPY, the column left NULL
        from geopandas.io.sql import _psql_insert_copy

        frame.to_sql(target.table, conn, schema=schema, if_exists="append", index=False, dtype=dtype,
                     method=_psql_insert_copy)
        return
    gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326").to_postgis(
        target.table, conn, schema=schema, if_exists="append", index=False, dtype=dtype)


def write_article_rows(url: str, frame, *, doc_id: str, text: str, title: str | None) -> tuple[int, bool]:
    """``geo places -o postgresql://…``: one article's places as one document (key as ``geo batch`` makes it).

    Returns (rows of the document, whether they were added now rather than by an earlier run).
    """
    from geo.batch._docs import _key
    from geo.frame import _plain

    key = _key(doc_id, text, title, None, None, None)
    store = PostgisStore(parse_postgis_url(url))
    try:
        if key in store.done:
            return store.done[key][2], False
        rows = []
        for rec in frame.to_dict("records"):
            g = rec.pop("geometry", None)
            rec = {k: _plain(v) for k, v in rec.items() if k != "snippets"}
            missing = g is None or g.is_empty
            rows.append({**rec, "doc_id": doc_id, "doc_title": title, "lat": None if missing else g.y,
                         "lon": None if missing else g.x})
        store.add(key, rows, None, doc_id, doc_id)
        store.flush()
        return len(rows), True
    finally:
        store.close()
