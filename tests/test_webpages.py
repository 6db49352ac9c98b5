"""News pages and URLs: only the story's places, from a saved page and from its URL alike.

Each layout in tests/pages/ (written for these tests) is a page NAME.html and its story NAME.txt
(headline, standfirst, body). The page's boilerplate — navigation, cookie banner ("Manage
preferences"), most-read and related boxes, teaser cards, comments, footer — names places the story
does not. The places geo finds in the page, read from the file and fetched from a real HTTP server on
127.0.0.1, must be exactly the places it finds in the story's text alone.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import zlib
from pathlib import Path

import pytest

from _servers import Page, PageServer, Serving, refused_url
from geo.errors import InputError
from geo.inputs import Fetcher, read_article

PAGES = Path(__file__).parent / "pages"
LAYOUTS = sorted(p.stem for p in PAGES.glob("*.html"))


def _places(geoparser, text: str) -> set[tuple[str, int | None]]:
    frame = geoparser.geoparse(text)
    import pandas as pd

    return {(r.name, None if pd.isna(r.geonameid) else int(r.geonameid)) for r in frame.itertuples()}


def _content_type(name: str) -> str:
    # the cp1252 page declares its charset only in <meta charset>, as many old sites do
    return "text/html" if name.startswith("cp1252") else "text/html; charset=utf-8"


@pytest.fixture(scope="module")
def cli_run(geo_exe, gazetteer):
    """Run ``geo ARGS`` (stdout and stderr as text), talking to 127.0.0.1 without a proxy."""

    def run(args, *, cwd=None, timeout=180):
        env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
        env.pop("GEO_FETCH_USER_AGENT", None)
        proc = subprocess.run([geo_exe, *map(str, args)], cwd=cwd, capture_output=True, text=True, env=env,
                              timeout=timeout)
        proc.err = proc.stderr
        return proc

    return run


@pytest.fixture(scope="module")
def site():
    pages = {f"/news/{p.name}": Page(p.read_bytes(), _content_type(p.name)) for p in PAGES.glob("*.html")}
    server = PageServer(pages)
    with Serving(server.handler) as base:
        yield base, server


def test_there_are_ten_layouts_each_with_its_story():
    assert len(LAYOUTS) >= 10
    for name in LAYOUTS:
        assert (PAGES / f"{name}.txt").is_file(), name


@pytest.mark.parametrize("name", LAYOUTS)
def test_page_gives_exactly_the_places_of_its_story(geoparser, site, name):
    base, _server = site
    story = _places(geoparser, (PAGES / f"{name}.txt").read_text(encoding="utf-8"))
    assert len(story) >= 4, story  # a real test: the story names places
    from_file = read_article(PAGES / f"{name}.html")
    from_url = read_article(f"{base}/news/{name}.html", fetcher=Fetcher())
    for article in (from_file, from_url):
        page = _places(geoparser, article.text)
        assert page - story == set(), f"{name}: places from the page's boilerplate"
        assert story - page == set(), f"{name}: places of the story lost"
    assert from_file.text == from_url.text


@pytest.mark.parametrize("name", LAYOUTS)
def test_page_headline_is_the_title_and_opens_the_text(name):
    headline = (PAGES / f"{name}.txt").read_text(encoding="utf-8").split("\n\n")[0].strip()
    article = read_article(PAGES / f"{name}.html")
    assert article.title == article.meta.title == headline
    assert article.text.startswith(headline + "\n\n")
    assert "Manage preferences" not in article.text


@pytest.mark.parametrize("name, date, author, site, url", [
    ("div-soup", "2024-07-16", "Anjali Shrestha", "The Daily Ledger",
     "https://news.example.org/world/asia/2024/07/16/nepal-landslide-sindhupalchok"),
    ("wordpress", "2023-02-14", "Wanjiru Otieno", "Savanna Dispatch",
     "https://savannadispatch.example.com/2023/02/14/turkana-drought-boreholes/"),
    ("jsonld-body", "2023-08-17", "Jordan Whitehorse", "Prairie Herald",
     "https://prairieherald.example.ca/news/canada/yellowknife-wildfire-evacuation"),
    ("amp", "2024-05-12", "Lucas Ferreira", "Sul21 English",
     "https://sul.example.net/en/2024/05/12/guaiba-porto-alegre-flood-defences/"),
])
def test_page_metadata(name, date, author, site, url):
    meta = read_article(PAGES / f"{name}.html").meta
    assert (meta.date, meta.author, meta.site, meta.url) == (date, author, site, url)


# -- article-length pages: 850-1,000-word stories in 170-300 KB of CMS markup (mega-menus, inline CSS and
# scripts, page state as JSON, ads, read-more boxes in the body, related and most-read boxes, comments)
LONG = PAGES / "long"
LONG_PAGES = sorted(p.stem for p in LONG.glob("*.html"))


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.strip().split("\n\n")]


def test_there_are_article_length_pages():
    assert len(LONG_PAGES) >= 4
    for name in LONG_PAGES:
        assert (LONG / f"{name}.html").stat().st_size > 150_000
        assert len((LONG / f"{name}.txt").read_text(encoding="utf-8").split()) > 800


@pytest.mark.parametrize("name", LONG_PAGES)
def test_article_length_page_gives_exactly_its_story(name):
    """Paragraph for paragraph (and so exactly the story's places): photo captions (a figcaption's span, a
    WordPress figcaption, a div "img-caption") included, their credit lines not."""
    article = read_article(LONG / f"{name}.html")
    assert _paragraphs(article.text) == _paragraphs((LONG / f"{name}.txt").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name, date, author, site, url", [
    ("sindh-floods", "2024-09-05", "Saima Baloch", "The Indus Courier",
     "https://induscourier.example.pk/news/pakistan/sindh-floods-manchar-lake-sehwan"),
    ("atacama-lithium", "2024-03-18", "Camila Fuentes Araya", "Andes Ledger",
     "https://andesledger.example.cl/2024/03/18/atacama-lithium-water-peine/"),
    ("ghana-galamsey", "2024-10-02", "Efua Mensah-Bonsu", "Gold Coast Observer",
     "https://gcobserver.example.com.gh/news/ghana-rivers-galamsey-forest-reserves-pra"),
    ("danube-delta-drought", "2024-08-21", "Andreea Munteanu", "Black Sea Post",
     "https://blackseapost.example.ro/news/romania/danube-delta-drought-sulina-shipping"),
])
def test_article_length_page_metadata(name, date, author, site, url):
    meta = read_article(LONG / f"{name}.html").meta
    assert (meta.date, meta.author, meta.site, meta.url) == (date, author, site, url)


def test_story_only_in_json_ld_is_read_from_it():
    article = read_article(PAGES / "jsonld-body.html")
    assert "Loading story" not in article.text
    assert "Great Slave Lake" in article.text


def test_url_article_stem_and_metadata_fall_back_to_the_fetched_url(site):
    base, _server = site
    a = read_article(f"{base}/news/table-layout.html", fetcher=Fetcher())
    assert a.stem == "table-layout"
    assert a.source == f"{base}/news/table-layout.html"
    assert a.meta.url == f"{base}/news/table-layout.html"  # the page has no canonical URL


# -- what is sent, and fetching once, politely ---------------------------------------------------------
def test_fetch_sends_a_user_agent_naming_geo_and_no_cookies():
    server = PageServer({
        "/a": Page(b"", status=302, headers={"Location": "/b", "Set-Cookie": "session=abc; Path=/"}),
        "/b": Page(b"<html><body><p>Floods in Dhaka.</p></body></html>"),
    })
    with Serving(server.handler) as base:
        Fetcher().fetch(f"{base}/a")
        Fetcher(user_agent="newsroom-maps/2.0 (desk@example.org)").fetch(f"{base}/b")
    first, second, third = server.requests
    assert first.headers["User-Agent"].startswith("geo/")
    assert "Cookie" not in second.headers  # the cookie set by the redirect is not sent back
    assert "gzip" in first.headers["Accept-Encoding"] and "deflate" in first.headers["Accept-Encoding"]
    assert third.headers["User-Agent"] == "newsroom-maps/2.0 (desk@example.org)"


def test_a_page_is_fetched_once_per_fetcher_and_hosts_are_paced():
    server = PageServer({"/1": Page(b"<p>Rain in Quito.</p>"), "/2": Page(b"<p>Rain in Lima.</p>")})
    with Serving(server.handler) as base:
        f = Fetcher(host_delay=0.4)
        for path in ("/1", "/2", "/1", "/2"):
            f.fetch(base + path)
    assert [r.path for r in server.requests] == ["/1", "/2"]
    assert server.requests[1].at - server.requests[0].at >= 0.35


# -- charsets and compression ---------------------------------------------------------------------------
_ES = "<html><body><p>Lluvias en Córdoba, Málaga y Cádiz – “récord”.</p></body></html>"


@pytest.mark.parametrize("content_type, body, expect", [
    ("text/html", _ES.replace("<html>", '<html><head><meta charset="windows-1252"></head>').encode("cp1252"),
     "Córdoba"),
    ("text/html; charset=iso-8859-1", _ES.replace("–", "-").replace("“", '"').replace("”", '"').encode("latin-1"),
     "Málaga"),
    # the HTTP header wins over a contradicting <meta charset>
    ("text/html; charset=utf-8", _ES.replace("<html>", '<html><head><meta charset="iso-8859-1"></head>').encode(),
     "Cádiz – “récord”"),
    ("application/xhtml+xml", ('<?xml version="1.0" encoding="utf-8"?>' + _ES).encode(), "Córdoba"),
    ("text/plain; charset=utf-8", "Lluvias en Córdoba.\n".encode(), "Lluvias en Córdoba."),
], ids=["meta-cp1252", "header-latin1", "header-over-meta", "xhtml", "plain"])
def test_declared_charset_is_honoured(content_type, body, expect):
    server = PageServer({"/p": Page(body, content_type)})
    with Serving(server.handler) as base:
        assert expect in read_article(f"{base}/p", fetcher=Fetcher()).text


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_pages(encoding):
    raw = _ES.encode()
    body = gzip.compress(raw) if encoding == "gzip" else zlib.compress(raw)
    server = PageServer({"/p": Page(body, headers={"Content-Encoding": encoding})})
    with Serving(server.handler) as base:
        assert "Málaga" in read_article(f"{base}/p", fetcher=Fetcher()).text


# -- every failure: one line, exit 1, no output file ------------------------------------------------------
FAILURES = {
    "dns": ("http://no-such-host.invalid/story", "host not found"),
    "refused": ("REFUSED/story", "connection refused"),
    "timeout": ("/slow", "timed out"),
    "404": ("/missing", "HTTP 404"),
    "500": ("/broken", "HTTP 500"),
    "too-large": ("/endless", "too large"),
    "not-html": ("/report.pdf", "not a web page"),
    "redirect-loop": ("/loop", "redirect"),
}


@pytest.fixture(scope="module")
def failing_site():
    server = PageServer({
        "/slow": Page(b"<p>late</p>", sleep=4),
        "/broken": Page(b"oops", "text/plain", status=500),
        "/endless": Page(endless=True),
        "/report.pdf": Page(b"%PDF-1.7 ...", "application/pdf"),
        "/loop": Page(b"", status=302, headers={"Location": "/loop2"}),
        "/loop2": Page(b"", status=302, headers={"Location": "/loop"}),
    })
    with Serving(server.handler) as base:
        yield base


def _failure_url(failing_site, case):
    where, _reason = FAILURES[case]
    if where.startswith("REFUSED"):
        return refused_url() + where[len("REFUSED"):]
    return where if where.startswith("http") else failing_site + where


@pytest.mark.parametrize("case", list(FAILURES))
def test_fetch_failures_are_one_line(failing_site, case):
    fetcher = Fetcher(timeout=1.5)
    url = _failure_url(failing_site, case)
    with pytest.raises(InputError) as info:
        read_article(url, fetcher=fetcher)
    msg = str(info.value)
    assert msg.startswith(url + ": ") and "\n" not in msg
    assert FAILURES[case][1] in msg


@pytest.mark.parametrize("case", list(FAILURES))
@pytest.mark.parametrize("command", ["map", "places"])
def test_cli_fetch_failures_exit_1_without_output(cli_run, failing_site, tmp_path, case, command):
    out = tmp_path / ("out.html" if command == "map" else "out.csv")
    proc = cli_run([command, _failure_url(failing_site, case), "-o", out, "--fetch-timeout", "1.5"])
    assert proc.returncode == 1, proc.err
    assert "Traceback" not in proc.err
    lines = proc.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("geo: error: ") and FAILURES[case][1] in lines[0], proc.err
    assert not out.exists() and list(tmp_path.iterdir()) == []


# -- the commands on pages and URLs ---------------------------------------------------------------------
def test_geo_map_of_a_url(cli_run, site, tmp_path):
    base, server = site
    before = len(server.requests)
    proc = cli_run(["map", f"{base}/news/div-soup.html"], cwd=tmp_path)
    assert proc.returncode == 0, proc.err
    assert [r.path for r in server.requests[before:]] == ["/news/div-soup.html"]  # one request, nothing else
    out = tmp_path / "maps" / "div-soup.html"  # the stem of the URL's path, not a mangled path
    html = out.read_text(encoding="utf-8")
    title = re.search(r'<h1 class="geo-title">(.*?)</h1>', html).group(1)
    assert title == "Landslide buries homes in Nepal&#x27;s Sindhupalchok as monsoon rains return"
    source = re.search(r'<p class="geo-source">(.*?)</p>', html).group(1)
    assert source.startswith("2024-07-16 · The Daily Ledger · Anjali Shrestha · <a ")
    assert 'href="https://news.example.org/world/asia/2024/07/16/nepal-landslide-sindhupalchok" ' \
           'rel="noopener noreferrer">https://news.example.org/' in source
    for boilerplate in ("Manage preferences", "Most read", "dave_in_houston"):
        assert boilerplate not in html


def test_geo_places_of_a_url_and_of_the_saved_page_agree(cli_run, site):
    base, _server = site
    by_url = cli_run(["places", f"{base}/news/wordpress.html", "-f", "csv", "-q"])
    by_file = cli_run(["places", PAGES / "wordpress.html", "-f", "csv", "-q"])
    assert by_url.returncode == 0 and by_file.returncode == 0, (by_url.err, by_file.err)
    assert by_url.stdout == by_file.stdout and "Lodwar" in by_url.stdout and "Mombasa" not in by_url.stdout


def test_geo_batch_of_a_url_list(cli_run, site, tmp_path):
    base, server = site
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# stories to map\n{base}/news/div-soup.html\n\n{base}/news/gone.html\n"
                       f"{base}/news/teaser-cards.html\n{base}/news/div-soup.html\n", encoding="utf-8")
    before = len(server.requests)
    out = tmp_path / "places.csv"
    proc = cli_run(["batch", listing, "-o", out, "-q", "--fetch-delay", "0.2"])
    assert proc.returncode == 0, proc.err
    import csv

    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    docs = {r["doc_id"]: r for r in rows}
    assert set(docs) == {f"{base}/news/div-soup.html", f"{base}/news/teaser-cards.html"}
    nepal = docs[f"{base}/news/div-soup.html"]
    assert (nepal["doc_title"], nepal["doc_date"], nepal["doc_author"], nepal["doc_site"]) == (
        "Landslide buries homes in Nepal's Sindhupalchok as monsoon rains return", "2024-07-16",
        "Anjali Shrestha", "The Daily Ledger")
    assert nepal["doc_url"] == "https://news.example.org/world/asia/2024/07/16/nepal-landslide-sindhupalchok"
    assert not {"Houston", "Paris", "Manage"} & {r["name"] for r in rows}
    errors = [json.loads(ln) for ln in (tmp_path / "places.errors.jsonl").read_text().splitlines()]
    assert [(e["id"], e["source"]) for e in errors] == [(f"{base}/news/gone.html", f"{listing}:4"),
                                                        (f"{base}/news/div-soup.html", f"{listing}:6")]
    assert "HTTP 404" in errors[0]["error"] and "duplicate" in errors[1]["error"]
    fetched = [r.path for r in server.requests[before:]]
    assert fetched.count("/news/div-soup.html") == 1  # fetched once, though listed twice


def test_geo_batch_of_saved_pages_has_their_metadata(cli_run, tmp_path):
    out = tmp_path / "pages.csv"
    proc = cli_run(["batch", PAGES / "amp.html", PAGES / "cp1252-meta.html", "-o", out, "-q"])
    assert proc.returncode == 0, proc.err
    import csv

    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    by_doc = {r["doc_id"].rsplit("/", 1)[-1]: r for r in rows}
    assert by_doc["cp1252-meta.html"]["doc_title"] == "Wildfire forces 1,500 from their homes in Castellón’s Alto Palancia"
    assert by_doc["amp.html"]["doc_date"] == "2024-05-12" and by_doc["amp.html"]["doc_site"] == "Sul21 English"
    assert not {"São Paulo", "Buenos Aires", "Barcelona", "Madrid"} & {r["name"] for r in rows}


def test_batch_rerun_does_not_fetch_the_pages_done_again(geoparser, site, tmp_path):
    import csv

    from geo.batch import run_batch

    base, server = site
    amp, gone, paywall = (f"{base}/news/{n}.html" for n in ("amp", "gone", "paywall"))
    listing, out = tmp_path / "urls.txt", tmp_path / "places.csv"
    listing.write_text(f"{amp}\n{gone}\n", encoding="utf-8")
    run_batch([str(listing)], out, geoparser=geoparser, keep_parts=True, fetcher=Fetcher())
    first = [r for r in csv.DictReader(out.open(encoding="utf-8")) if r["doc_id"] == amp]
    assert first and {r["doc_site"] for r in first} == {"Sul21 English"}
    listing.write_text(f"{amp}\n{gone}\n{paywall}\n{amp}\n", encoding="utf-8")  # the list grew
    before = len(server.requests)
    summary = run_batch([str(listing)], out, geoparser=geoparser, keep_parts=True, fetcher=Fetcher())
    # the page done is not fetched again; the one that failed is tried again, the new one fetched
    assert [r.path for r in server.requests[before:]] == ["/news/gone.html", "/news/paywall.html"]
    assert (summary.documents, summary.resumed, summary.processed) == (4, 1, 1)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r for r in rows if r["doc_id"] == amp] == first  # its rows and metadata, as the first run wrote them
    assert {r["doc_id"] for r in rows} == {amp, paywall}
    errors = [json.loads(ln) for ln in (tmp_path / "places.errors.jsonl").read_text().splitlines()]
    assert [(e["id"], e["source"]) for e in errors] == [(gone, f"{listing}:2"), (amp, f"{listing}:4")]
    assert "HTTP 404" in errors[0]["error"] and "duplicate" in errors[1]["error"]


def test_fetch_user_agent_option(cli_run):
    server = PageServer({"/s": Page(b"<html><body><p>Rain in Hanoi.</p></body></html>")})
    with Serving(server.handler) as base:
        proc = cli_run(["places", f"{base}/s", "-q", "--fetch-user-agent", "desk-maps/1.0 (maps@example.org)"])
    assert proc.returncode == 0, proc.err
    assert server.requests[0].headers["User-Agent"] == "desk-maps/1.0 (maps@example.org)"


# -- the seed article -------------------------------------------------------------------------------------
SEED_HEADLINE = "Kurdish-led forces declare the end of the Islamic State's last enclave in Syria"


def test_seed_as_html_has_its_headline_as_the_map_title(cli_run, seed_text, tmp_path):
    from html import escape

    body = seed_text.split("\n", 1)[1] if seed_text.lstrip().startswith("date ") else seed_text
    paras = "".join(f"<p>{escape(p.strip())}</p>" for p in body.split("\n\n") if p.strip())
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(SEED_HEADLINE)} | Test Wire</title>"
            f"<meta property='og:title' content=\"{escape(SEED_HEADLINE)}\"></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/paris'>Paris</a> <a href='/tokyo'>Tokyo</a></nav>"
            f"<article><h1>{escape(SEED_HEADLINE)}</h1>{paras}</article>"
            f"<footer>Test Wire, offices in Madrid</footer></body></html>")
    (tmp_path / "seed.html").write_text(page, encoding="utf-8")
    proc = cli_run(["map", tmp_path / "seed.html", "-o", tmp_path / "seed-map.html", "-q"])
    assert proc.returncode == 0, proc.err
    html = (tmp_path / "seed-map.html").read_text(encoding="utf-8")
    assert re.search(r'<h1 class="geo-title">(.*?)</h1>', html).group(1) == escape(SEED_HEADLINE)
    assert f"<title>{escape(SEED_HEADLINE)}</title>" in html


def test_seed_txt_date_line_is_metadata_not_body(seed_article, seed_text, geoparser):
    article = read_article(seed_article)
    assert seed_text.lstrip().startswith("date 2019-03-23")
    assert article.meta.date == "2019-03-23"
    assert not article.text.startswith(" ") and "date 2019-03-23" not in article.text
    assert article.text.startswith("An image grab")
    frame = geoparser.geoparse(article.text)
    for row in frame.itertuples():  # the offsets index the text shown, so highlights stay right
        for start, end in row.spans:
            assert article.text[start:end] in row.surface_forms


def test_map_header_shows_the_frames_article_metadata(geoparser):
    from geo.render import render_map

    frame = geoparser.geoparse("Heavy rain fell on Dhaka and Chittagong.")
    frame.attrs["article"] = {"title": "Rain", "date": "2024-06-01", "site": "Bay <News>", "author": None,
                              "url": "javascript:alert(1)"}
    html = render_map(frame, title="Rain", article="Heavy rain fell on Dhaka and Chittagong.")
    source = re.search(r'<p class="geo-source">(.*?)</p>', html).group(1)
    assert source == "2024-06-01 · Bay &lt;News&gt;"  # text only; a non-http(s) link is not a link
