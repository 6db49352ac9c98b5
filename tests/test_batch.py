"""``geo batch``: one table for a whole corpus, the same whichever way it ran, surviving a kill.

The 200 documents are short news items written here from templates (no corpus text); they run
through one process, ``--workers 2`` and a real dask.distributed cluster (a scheduler and two worker
processes on 127.0.0.1, started by the test), and the three tables must be equal row for row.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geo.batch import run_batch
from geo.exports import BATCH_COLUMNS, read_table
from geo.frame import _plain  # NaN / NA / numpy values as plain JSON values

PLACES = ["Paris", "Berlin", "Nairobi", "Lagos", "Cairo", "Lima", "Oslo", "Madrid", "Kenya", "Peru", "Chile",
          "Texas", "Ohio", "Ontario", "Mumbai", "Jakarta", "Manila", "Hanoi", "Warsaw", "Vienna", "Dublin",
          "Bogota", "Quito", "Accra", "Dakar", "Tunis", "Beirut", "Amman", "Damascus", "Baghdad", "Kabul",
          "Tehran", "Ankara", "Athens", "Rome", "Lisbon", "Toronto", "Denver", "Seattle", "Atlanta"]
TEMPLATES = [
    "Flooding hit {a} on Monday, officials in {b} said. Aid from {c} arrived by truck.",
    "Talks between {a} and {b} ended without a deal. Delegates flew home to {c}.",
    "Prices rose in {a} for a third month, while markets in {b} fell.",
    "The festival moved from {a} to {b} this year, and will visit {c} next spring.",
    "A court in {a} fined the company, which also works in {b} and {c}.",
    "Nobody here mentions a place at all; the weather was mild and the trains ran on time.",
]


def make_docs(n: int, seed: int = 0) -> list[dict]:
    docs = []
    for i in range(n):
        k = i + seed
        a, b, c = PLACES[k % 40], PLACES[(k * 7 + 3) % 40], PLACES[(k * 13 + 5) % 40]
        text = TEMPLATES[k % len(TEMPLATES)].format(a=a, b=b, c=c)
        doc = {"id": f"item-{i:04d}", "text": text, "title": f"Item {i}: {a}", "date": f"2024-{1 + i % 12:02d}-15"}
        if i % 3 == 0:
            doc["url"] = f"https://news.example/{i}"
        docs.append(doc)
    return docs


def write_jsonl(path: Path, docs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


def rows(path: Path) -> list[tuple]:
    """The table as plain tuples: order, values and points compared exactly."""
    frame = read_table(path)
    assert list(frame.columns) == BATCH_COLUMNS
    out = []
    for rec, geom in zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry):
        plain = tuple(json.dumps(_plain(v), default=str, sort_keys=True) for v in rec.values())
        out.append(plain + (None if geom is None or geom.is_empty else (geom.x, geom.y),))
    return out


@pytest.fixture(scope="module")
def corpus200(tmp_path_factory):
    return write_jsonl(tmp_path_factory.mktemp("corpus") / "items.jsonl", make_docs(200))


@pytest.fixture(scope="module")
def reference(corpus200, geoparser, tmp_path_factory):
    """The 200 documents in this process: the rows every other way of running must give."""
    out = tmp_path_factory.mktemp("ref") / "ref.parquet"
    summary = run_batch([str(corpus200)], out, geoparser=geoparser)
    assert summary.documents == 200 and summary.processed == 200 and summary.failed == 0
    table = rows(out)
    assert summary.rows == len(table) > 300  # most items name three places
    return table


def geo_batch(geo_exe, *args, cwd=None, timeout=900):
    return subprocess.run([geo_exe, "batch", *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          cwd=cwd)


def test_reference_rows_carry_documents_and_places(reference):
    docs = {d["id"]: d for d in make_docs(200)}
    seen_docs = []
    for row in reference:
        doc_id = json.loads(row[0])
        if not seen_docs or seen_docs[-1] != doc_id:
            seen_docs.append(doc_id)
        doc = docs[doc_id]
        assert json.loads(row[1]) == doc["title"] and json.loads(row[2]) == doc["date"]
        assert json.loads(row[3]) == doc.get("url")
    # rows come in input order, and the items with no place have no row
    assert seen_docs == [d for d in docs if "Nobody" not in docs[d]["text"]]
    names = {json.loads(r[BATCH_COLUMNS.index("name")]) for r in reference}
    assert {"Paris", "Nairobi", "Peru"} <= names


def test_two_local_workers_give_identical_rows(reference, corpus200, geo_exe, tmp_path):
    out = tmp_path / "w2.parquet"
    proc = geo_batch(geo_exe, corpus200, "-o", out, "--workers", "2", "-q")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert rows(out) == reference


def test_dask_cluster_gives_identical_rows(reference, corpus200, geo_exe, tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    import dask

    from geo.batch import WORKER_CONFIG

    # a nanny sets its pre-spawn variables in its own (here: this) process: an earlier cluster's stay
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)

    with dask.config.set(WORKER_CONFIG), distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
            silence_logs=40) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        out = tmp_path / "dask.parquet"
        proc = geo_batch(geo_exe, corpus200, "-o", out, "--scheduler", address, "--chunk-size", "8")
        assert proc.returncode == 0, proc.stderr
        assert "docs/s" in proc.stderr
        with distributed.Client(address) as client:
            # the work really ran on the cluster's two worker processes, each with its own model, built
            # once for all its chunks of the 25 (each task brings its own copy of the config: equal, one Geoparser)
            loaded = client.run(lambda: len(__import__("geo.batch._work", fromlist=["_"])._geoparsers))
            # geo's worker settings: no memory trimming at every free, no profiler sampling the tasks
            trim = client.run(lambda: __import__("os").environ.get("MALLOC_TRIM_THRESHOLD_"))
            profiling = client.run(lambda dask_worker: "profile" in dask_worker.periodic_callbacks)
            # the event loop's health tick, the memory and system monitors: seldom (they wake a busy worker)
            rates = client.run(lambda dask_worker: {name: dask_worker.periodic_callbacks[name].callback_time
                                                    for name in ("tick", "memory_monitor", "monitor")})
            scheduler_tick = client.run_on_scheduler(
                lambda dask_scheduler: dask_scheduler.periodic_callbacks["tick"].callback_time)
        assert list(loaded.values()) == [1, 1]
        assert list(trim.values()) == [None, None] and list(profiling.values()) == [False, False]
        assert list(rates.values()) == [{"tick": 1000, "memory_monitor": 1000, "monitor": 2000}] * 2
        assert scheduler_tick == 1000
    assert rows(out) == reference


def test_dask_results_come_in_order_while_a_slow_task_runs():
    """A slow chunk holds back the output, not the other worker: it keeps taking new chunks."""
    distributed = pytest.importorskip("distributed")
    from geo.batch._work import ordered_futures

    def task(i):
        time.sleep(4.0 if i == 0 else 0.02)
        return i, time.time()

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as cluster, \
            distributed.Client(cluster) as client:
        results = list(ordered_futures(client, task, ((i,) for i in range(20))))
    assert [i for i, _ in results] == list(range(20))
    ends = [t for _, t in results]
    before_slow = sum(t < ends[0] for t in ends[1:])
    # at most 2 x 2 + 2 = 6 chunks are in flight; with in-order submission only 5 could pass the slow one
    assert before_slow >= 12, ends


def test_unreachable_scheduler_is_one_line_error(geo_exe, corpus200, tmp_path):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = geo_batch(geo_exe, corpus200, "-o", tmp_path / "x.parquet", "--scheduler", f"tcp://127.0.0.1:{port}",
                     timeout=120)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("geo: error: cannot reach the dask scheduler"), proc.stderr
    assert not (tmp_path / "x.parquet").exists()


def test_killed_batch_resumes_to_the_same_rows(geo_exe, geoparser, tmp_path):
    corpus = write_jsonl(tmp_path / "feed.jsonl", make_docs(90, seed=7))
    expected_out = tmp_path / "expected.geojson"
    run_batch([str(corpus)], expected_out, geoparser=geoparser)
    expected = rows(expected_out)

    out = tmp_path / "out.geojson"
    parts = tmp_path / "out.geojson.parts"
    proc = subprocess.Popen([geo_exe, "batch", str(corpus), "-o", str(out), "--part-size", "10", "--chunk-size", "5",
                             "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 600
        while len(list(parts.glob("part-*.json"))) < 3:
            assert proc.poll() is None, f"the batch ended before it could be killed: {proc.stderr.read()}"
            assert time.monotonic() < deadline, "no parts written"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    manifests = sorted(parts.glob("part-*.json"))
    done = sum(len(json.loads(m.read_text())["docs"]) for m in manifests)
    assert len(manifests) >= 3 and 0 < done < 90, "killed half-way"
    assert not out.exists()  # nothing half-written where the output goes

    again = geo_batch(geo_exe, corpus, "-o", out, "--part-size", "10", "--chunk-size", "5")
    assert again.returncode == 0, again.stderr
    assert "done by an earlier run" in again.stderr
    resumed = int(again.stderr.split(" done by an earlier run")[0].rsplit(",", 1)[-1].strip().replace(",", ""))
    assert resumed == done  # every document of a complete part is skipped, no other
    assert rows(out) == expected  # exactly the rows of an uninterrupted run: none lost, none twice
    assert not parts.exists()  # finished: the parts are gone
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_corrupt_files_go_to_the_errors_file(geo_exe, tmp_path):
    src = tmp_path / "articles"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("Heavy rain fell on Paris and Berlin overnight.", encoding="utf-8")
    (src / "sub" / "b.html").write_text("<html><head><title>Port news</title></head><body><p>Ships left Lagos "
                                        "for Cairo.</p></body></html>", encoding="utf-8")
    (src / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (src / "empty.txt").write_bytes(b"")
    (src / "c.txt").write_text("Nothing about anywhere.", encoding="utf-8")
    out = tmp_path / "out" / "places.gpkg"
    proc = geo_batch(geo_exe, src, "-o", out, "--parents", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "2 documents failed; see" in proc.stderr
    errors = [json.loads(line) for line in (tmp_path / "out" / "places.errors.jsonl").read_text().splitlines()]
    assert [(e["id"], e["error"]) for e in errors] == [
        (str(src / "broken.txt"), "looks like a binary file, not text"), (str(src / "empty.txt"), "is empty")]
    table = read_table(out)
    assert table.crs.to_epsg() == 4326
    by_doc = {d: set(g["name"]) for d, g in table.groupby("doc_id")}
    assert by_doc[str(src / "a.txt")] >= {"Paris", "Berlin"}
    assert "Lagos" in by_doc[str(src / "sub" / "b.html")]
    assert set(table.loc[table["doc_id"] == str(src / "sub" / "b.html"), "doc_title"]) == {"Port news"}


def test_bad_lines_and_duplicate_ids_are_reported_not_fatal(geoparser, tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        json.dumps({"id": "one", "text": "Clashes in Aleppo."}) + "\n"
        + "{not json\n"
        + json.dumps({"id": "two", "body": "no text field"}) + "\n"
        + json.dumps({"id": "one", "text": "A second document that reuses an id."}) + "\n"
        + json.dumps({"id": "three", "text": "Snow in Oslo.", "headline": "Winter", "link": "https://x.example/3",
                      "published": "2023-12-01"}) + "\n", encoding="utf-8")
    summary = run_batch([str(corpus)], tmp_path / "out.csv", geoparser=geoparser)
    assert summary.documents == 5 and summary.failed == 3
    errors = [json.loads(x) for x in summary.errors_file.read_text().splitlines()]
    assert [e["source"] for e in errors] == [f"{corpus}:2", f"{corpus}:3", f"{corpus}:4"]
    assert errors[2]["error"] == f"duplicate id (first seen at {corpus}:1)"
    table = read_table(tmp_path / "out.csv")
    assert set(table["doc_id"]) == {"one", "three"}
    three = table[table["doc_id"] == "three"].iloc[0]
    assert (three["doc_title"], three["doc_url"], three["doc_date"]) == ("Winter", "https://x.example/3", "2023-12-01")
    # a rerun after fixing nothing: same table, errors listed once
    again = run_batch([str(corpus)], tmp_path / "out.csv", geoparser=geoparser)
    assert again.failed == 3 and len(again.errors_file.read_text().splitlines()) == 3


def test_output_inside_an_input_folder_is_not_read_back(geoparser, tmp_path):
    (tmp_path / "a.txt").write_text("Rain in Oslo and Bergen.", encoding="utf-8")
    first = run_batch([str(tmp_path)], tmp_path / "places.jsonl", geoparser=geoparser)
    again = run_batch([str(tmp_path)], tmp_path / "places.jsonl", geoparser=geoparser)
    assert first.documents == again.documents == 1 and again.rows == first.rows > 0


def test_csv_input_with_text_and_id_columns(geo_exe, tmp_path):
    import csv

    path = tmp_path / "stories.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["story_id", "headline", "body", "date"])
        w.writerow(["s1", "Floods", "Floods in Nairobi, Kenya, left\nmany homeless.", "2022-05-01"])
        w.writerow(["s2", "Talks", "Talks in Vienna ended.", "2022-05-02"])
    out = tmp_path / "stories.jsonl"
    proc = geo_batch(geo_exe, path, "-o", out, "--text-column", "body", "--id-column", "story_id", "-q")
    assert proc.returncode == 0, proc.stderr
    table = read_table(out)
    assert table.crs.to_epsg() == 4326
    assert table["doc_id"].tolist()[0] == "s1" and "Vienna" in set(table.loc[table["doc_id"] == "s2", "name"])
    assert set(table["doc_title"]) == {"Floods", "Talks"}

    missing = geo_batch(geo_exe, path, "-o", tmp_path / "x.csv", "--text-column", "nope", "-q")
    assert missing.returncode == 1  # a wrong column reads nothing: an error, not an empty table
    assert missing.stderr.count("\n") == 1 and "no column 'nope' (columns: story_id, headline, body, date)" \
        in missing.stderr
    assert not (tmp_path / "x.csv").exists()


def test_glob_inputs_and_usage_errors(geo_exe, tmp_path):
    (tmp_path / "n").mkdir()
    for i, place in enumerate(["Paris", "Rome", "Lisbon"]):
        (tmp_path / "n" / f"{i}.txt").write_text(f"Protests in {place} continued.", encoding="utf-8")
    proc = geo_batch(geo_exe, "n/*.txt", "-o", "g.parquet", "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    table = read_table(tmp_path / "g.parquet")
    assert table["doc_id"].drop_duplicates().tolist() == ["n/0.txt", "n/1.txt", "n/2.txt"]

    for args, message in [(["nothing/*.txt", "-o", "x.parquet"], "matches no file"),
                          (["missing.jsonl", "-o", "x.parquet"], "no such file or folder"),
                          (["n", "-o", "x.xlsx"], "cannot tell the format"),
                          (["n", "-o", "x.parquet", "--workers", "0"], "workers must be at least 1")]:
        bad = geo_batch(geo_exe, *args, cwd=tmp_path)
        assert bad.returncode == 2, bad.stderr
        lines = bad.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], bad.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.parquet", "n"]


def test_keep_parts_makes_a_grown_corpus_incremental(geoparser, tmp_path):
    docs = make_docs(30, seed=3)
    corpus = write_jsonl(tmp_path / "feed.jsonl", docs[:20])
    out = tmp_path / "feed.parquet"
    first = run_batch([str(corpus)], out, geoparser=geoparser, keep_parts=True)
    assert first.processed == 20 and (tmp_path / "feed.parquet.parts").is_dir()
    write_jsonl(corpus, docs)  # the feed grew by ten items
    second = run_batch([str(corpus)], out, geoparser=geoparser, keep_parts=True)
    assert (second.resumed, second.processed) == (20, 10)
    fresh = tmp_path / "fresh.parquet"
    run_batch([str(corpus)], fresh, geoparser=geoparser)
    assert rows(out) == rows(fresh)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
