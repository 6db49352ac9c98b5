"""``geo batch`` and ``geo places`` writing to a PostGIS table, against a real PostgreSQL on 127.0.0.1.

The server comes from Debian's postgresql and postgis packages (:mod:`_postgres`); the tests skip when
they are not installed, except in CI (``CI=true``), where ``.ci/run`` installs them and a missing server
is a failure. geo connects over TCP with a password it reads, as libpq does, from ``PGPASSFILE`` /
``~/.pgpass`` or ``PGPASSWORD``.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import time

import pytest

import _postgres

#: hand-written news openings from around the world (a dateline, countries, cities, a demonym)
STORIES = [
    "NAIROBI, Kenya - Heavy rain flooded parts of Nairobi on Monday, and Kenyan officials said roads to "
    "Mombasa were closed. Aid also went to Kampala in Uganda.",
    "Prices of rice rose in Dhaka after floods in Bangladesh; traders in Kolkata, India, expect the same.",
    "The mayor of Lyon met officials from Marseille and Paris to talk about the summer heat in France.",
    "LIMA, Peru - Miners blocked a highway south of Lima, while Chilean police closed the border near Arica.",
    "An earthquake shook Wellington on Sunday. New Zealand's agency said Christchurch felt it too.",
    "Nothing in this short note names a place at all.",
    "Ferries between Helsinki and Tallinn stopped as ice closed the Gulf; Estonia and Finland sent icebreakers.",
    "Farmers from Saskatchewan drove to Ottawa to protest, and Canadian ministers met them on Friday.",
    "Officials in Hanoi said the storm would reach Da Nang by night; Vietnam moved thousands inland.",
    "Dust from the Sahara reached Madrid and Lisbon, and Spain warned people with asthma to stay in.",
    "In Lagos, Nigeria, the port reopened after a strike; ships waiting off Accra, Ghana, began to move.",
    "Teachers in Melbourne and Sydney walked out on Thursday, the largest strike in Australia this year.",
    "Police said the fire began in the village of Oskarvrend late on Tuesday.",  # a name nothing can place
]
N_DOCS = 240


def _docs() -> list[dict]:
    out = []
    for i in range(N_DOCS):
        story = STORIES[i % len(STORIES)]
        text = f"Report {i + 1} of the desk. {story}"
        out.append({"id": f"doc-{i:04d}", "text": text, "title": f"Story {i + 1}",
                    "date": f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}", "url": f"https://news.example.org/{i}"})
    return out


@pytest.fixture(scope="session")
def postgres():
    bindir = _postgres.find_bin()
    if bindir is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("PostgreSQL with PostGIS is not installed, and CI must run these tests (.ci/run installs "
                        "postgresql and postgresql-15-postgis-3)", pytrace=False)
        pytest.skip("needs PostgreSQL with PostGIS (Debian: postgresql, postgresql-15-postgis-3)")
    server = _postgres.start_postgres(bindir)
    yield server
    server.stop()


@pytest.fixture()
def pg_env(postgres, tmp_path):
    """The environment of a CLI run: the password in a pgpass file, nothing else of the user's."""
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:{postgres.port}:*:{_postgres.USER}:{_postgres.PASSWORD}\n")
    passfile.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["PGPASSFILE"] = str(passfile)
    return env


@pytest.fixture()
def corpus(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in _docs()), encoding="utf-8")
    return path


def _geo(geo_exe, *args, env, timeout=600):
    return subprocess.run([geo_exe, *map(str, args)], capture_output=True, text=True, env=env, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def _count(postgres, table: str) -> int:
    return postgres.sql(f"SELECT count(*) FROM {table}")[0][0]


def _one_line_error(proc) -> str:
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("geo: error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def _plain(v):
    """A value of either reader as a comparable Python value (lists, None for missing, ints as ints)."""
    if hasattr(v, "tolist"):
        v = v.tolist()
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if type(v).__name__ == "NAType":
        return None
    return v


def _rows(frame, columns):
    out = []
    for rec in frame[columns].to_dict("records"):
        g = rec.pop("geometry")
        rec = {k: _plain(v) for k, v in rec.items()}
        rec["geometry"] = None if g is None or g.is_empty else (g.x, g.y)
        out.append(rec)
    return out


def test_batch_killed_half_way_then_rerun_equals_the_geoparquet_output(postgres, pg_env, corpus, geo_exe, tmp_path):
    import geopandas as gpd
    import sqlalchemy

    from geo.exports import BATCH_COLUMNS

    url = postgres.url("archive")
    args = ["batch", corpus, "-o", url, "--part-size", "1", "--chunk-size", "2", "-q"]
    run = subprocess.Popen([geo_exe, *map(str, args)], env=pg_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    done = 0
    while time.monotonic() < deadline and run.poll() is None:
        tables = postgres.sql("SELECT count(*) FROM pg_tables WHERE tablename = 'archive_geo_docs'")[0][0]
        done = _count(postgres, "archive_geo_docs") if tables else 0
        if done >= 20:
            run.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    run.wait(timeout=60)
    assert run.returncode == -signal.SIGKILL, run.stderr.read()
    half = _count(postgres, "archive_geo_docs")
    assert 20 <= half < N_DOCS, half  # really killed half-way

    again = _geo(geo_exe, "batch", corpus, "-o", url, "--part-size", "50", env=pg_env)
    assert again.returncode == 0, again.stderr
    assert f"{half:,} done by an earlier run" in again.stderr and "postgresql://geo@127.0.0.1" in again.stderr
    parquet = tmp_path / "same.parquet"
    ref = _geo(geo_exe, "batch", corpus, "-o", parquet, "-q", env=pg_env)
    assert ref.returncode == 0, ref.stderr

    expected = gpd.read_parquet(parquet)
    engine = sqlalchemy.create_engine(f"postgresql+psycopg://{_postgres.USER}@/{_postgres.DATABASE}"
                                      f"?host={postgres.root}&port={postgres.port}")
    with engine.connect() as conn:
        got = gpd.read_postgis("SELECT * FROM archive ORDER BY doc_id, geo_row", conn, geom_col="geometry")
    engine.dispose()
    assert list(expected.columns) == BATCH_COLUMNS
    assert set(got.columns) == set(BATCH_COLUMNS) | {"geo_doc_key", "geo_row"}
    assert len(expected) > N_DOCS  # most documents have several places; some have none
    assert len(got) == len(expected)
    assert _rows(got, BATCH_COLUMNS) == _rows(expected, BATCH_COLUMNS)
    assert got.crs.to_epsg() == 4326
    assert _count(postgres, "archive_geo_docs") == N_DOCS
    assert postgres.sql("SELECT geo_doc_key, geo_row FROM archive GROUP BY 1, 2 HAVING count(*) > 1") == []
    indexes = [r[0] for r in postgres.sql("SELECT indexdef FROM pg_indexes WHERE tablename = 'archive'")]
    assert any("USING gist (geometry)" in d for d in indexes), indexes
    print(f"\nkilled after {half} of {N_DOCS} documents; after the rerun: {len(got)} PostGIS rows, "
          f"{len(expected)} GeoParquet rows, equal row for row on {len(BATCH_COLUMNS)} columns {BATCH_COLUMNS}")

    # a third run on the same feed adds nothing
    third = _geo(geo_exe, "batch", corpus, "-o", url, "-q", env=pg_env)
    assert third.returncode == 0, third.stderr
    assert _count(postgres, "archive") == len(expected)


def test_a_grown_feed_adds_only_the_new_documents(postgres, pg_env, tmp_path, geo_exe):
    url = postgres.url("grown")
    feed = tmp_path / "feed.jsonl"
    docs = _docs()[:12]
    feed.write_text("".join(json.dumps(d) + "\n" for d in docs[:8]), encoding="utf-8")
    assert _geo(geo_exe, "batch", feed, "-o", url, "-q", env=pg_env).returncode == 0
    first = _count(postgres, "grown")
    feed.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    r = _geo(geo_exe, "batch", feed, "-o", url, env=pg_env)
    assert r.returncode == 0, r.stderr
    assert "8 done by an earlier run" in r.stderr and "4 geoparsed" in r.stderr
    assert _count(postgres, "grown_geo_docs") == 12 and _count(postgres, "grown") > first
    ids = {r[0] for r in postgres.sql("SELECT DISTINCT doc_id FROM grown")}
    assert ids <= {d["id"] for d in docs} and "doc-0011" in ids


def test_places_of_one_article_with_the_password_from_PGPASSWORD(postgres, pg_env, story_article, geo_exe):
    env = {k: v for k, v in pg_env.items() if k != "PGPASSFILE"}
    env["PGPASSFILE"] = "/nonexistent"
    env["PGPASSWORD"] = _postgres.PASSWORD
    url = postgres.url("desk.article_places")
    places = json.loads(_geo(geo_exe, "places", story_article, "-f", "json", "-q", env=env).stdout)
    first = _geo(geo_exe, "places", story_article, "-o", url, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stderr.strip().endswith(f"wrote {len(places)} rows to {url}")
    rows = postgres.sql("SELECT name, doc_id, doc_title, ST_Y(geometry), ST_X(geometry) FROM desk.article_places "
                        "ORDER BY geo_row")
    assert [r[0] for r in rows] == [p["name"] for p in places]
    assert {r[1] for r in rows} == {str(story_article)} and rows[0][2] is None
    for row, place in zip(rows, places):
        assert row[3] == pytest.approx(place["lat"], abs=1e-6) and row[4] == pytest.approx(place["lon"], abs=1e-6)
    again = _geo(geo_exe, "places", story_article, "-o", url, env=env)
    assert again.returncode == 0 and "already in" in again.stderr
    assert _count(postgres, "desk.article_places") == len(places)


@pytest.mark.parametrize("case", ["refused", "no-postgis", "no-table", "bad-port", "password-in-url", "no-password",
                                  "bad-table-name"])
def test_wrong_database_targets_are_one_line_errors(postgres, pg_env, corpus, geo_exe, tmp_path, case):
    import socket

    env = dict(pg_env)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    url, expected = {
        "refused": (f"postgresql://geo@127.0.0.1:{closed}/newsroom?table=t", "Connection refused"),
        "no-postgis": (postgres.url("t", database=_postgres.PLAIN_DATABASE), "no PostGIS extension"),
        "no-table": (f"postgresql://geo@127.0.0.1:{postgres.port}/newsroom", "names no table"),
        "bad-port": ("postgresql://geo@127.0.0.1:port/newsroom?table=t", "not a PostgreSQL URL"),
        "password-in-url": (f"postgresql://geo:secret@127.0.0.1:{postgres.port}/newsroom?table=t", "PGPASSWORD"),
        "no-password": (postgres.url("t"), "PGPASSWORD or ~/.pgpass"),
        "bad-table-name": (postgres.url("Robert'); DROP TABLE x;--"), "table name"),
    }[case]
    if case == "no-password":
        env["PGPASSFILE"] = str(tmp_path / "none")
    for command in (["batch", corpus], ["places", corpus.with_name("a.txt")]):
        corpus.with_name("a.txt").write_text("Rain fell on Oslo and Bergen.", encoding="utf-8")
        line = _one_line_error(_geo(geo_exe, *command, "-o", url, env=env))
        assert expected in line, line
        assert "secret" not in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "feed.jsonl", "pgpass"]
    assert postgres.sql("SELECT count(*) FROM pg_tables WHERE tablename = 't'")[0][0] == 0


def test_two_runs_on_one_table_at_once_are_refused(postgres, pg_env, corpus, geo_exe):
    import psycopg

    with psycopg.connect(host=str(postgres.root), port=postgres.port, user=_postgres.USER,
                         dbname=_postgres.DATABASE, autocommit=True) as other:  # another run holds the table
        assert other.execute("SELECT pg_try_advisory_lock(hashtext(%s))",
                             ['geo:"locked":' + _postgres.DATABASE]).fetchone()[0]
        line = _one_line_error(_geo(geo_exe, "batch", corpus, "-o", postgres.url("locked"), env=pg_env))
        assert "another geo run is writing" in line
    assert _geo(geo_exe, "batch", corpus, "-o", postgres.url("locked"), "--limit", "2", "-q",
                env=pg_env).returncode == 0
    assert _count(postgres, "locked_geo_docs") == 2
