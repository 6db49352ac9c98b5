"""Real HTTP servers on 127.0.0.1 for the tests, and helpers to run the ``geo`` command.

* :class:`NominatimServer` speaks Nominatim's ``/search`` JSON API (``format=json`` or
  ``jsonv2``; ``q``, ``countrycodes``, ``limit``, ``addressdetails``, ``extratags``) and can be
  told to answer 429 with ``Retry-After``, 500, or too late;
* :class:`FileServer` serves files (the GeoNames dump server's ``/export/dump/XX.zip``);
* :func:`dump_row` / :func:`dump_zip` write GeoNames dumps in the real format (19 columns).
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import threading
import time
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from geo._text import normalize


# -- a Nominatim ------------------------------------------------------------------------------------
@dataclass
class OsmPlace:
    """A place as Nominatim describes it (names are matched accent- and case-insensitively)."""

    names: tuple[str, ...]
    lat: float
    lon: float
    country_code: str
    type: str = "village"
    category: str = "place"
    place_rank: int = 19
    osm_id: int = 1
    display_name: str = ""
    population: int | None = None

    def record(self, fmt: str, address: bool, extratags: bool) -> dict:
        rec = {
            "place_id": 100000 + self.osm_id, "licence": "Data © OpenStreetMap contributors, ODbL 1.0.",
            "osm_type": "node", "osm_id": self.osm_id, "lat": f"{self.lat:.7f}", "lon": f"{self.lon:.7f}",
            ("category" if fmt == "jsonv2" else "class"): self.category, "type": self.type,
            "place_rank": self.place_rank, "importance": 0.35, "addresstype": self.type, "name": self.names[0],
            "display_name": self.display_name or f"{self.names[0]}, {self.country_code.upper()}",
            "boundingbox": [f"{self.lat - 0.01:.7f}", f"{self.lat + 0.01:.7f}", f"{self.lon - 0.01:.7f}",
                            f"{self.lon + 0.01:.7f}"],
        }
        if address:
            rec["address"] = {self.type: self.names[0], "country_code": self.country_code.lower()}
        if extratags:
            rec["extratags"] = {"population": str(self.population)} if self.population else {}
        return rec


@dataclass
class Seen:
    at: float
    path: str
    params: dict
    headers: dict


@dataclass
class NominatimServer:
    places: list[OsmPlace]
    #: what to do for the next requests, one item each: ("ok",), ("status", 429, {"Retry-After": "1"}),
    #: ("status", 500, {}), ("sleep", seconds); when empty: ``default``
    script: list = field(default_factory=list)
    default: tuple = ("ok",)
    requests: list[Seen] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep the test output clean
                pass

            def do_GET(self):
                url = urlsplit(self.path)
                params = {k: v[-1] for k, v in parse_qs(url.query).items()}
                with server._lock:
                    server.requests.append(Seen(time.time(), url.path, params, dict(self.headers)))
                    action = server.script.pop(0) if server.script else server.default
                if action[0] == "sleep":
                    time.sleep(action[1])
                    action = ("ok",)
                if action[0] == "status":
                    body = json.dumps({"error": {"code": action[1], "message": "scripted"}}).encode()
                    self.send_response(action[1])
                    for k, v in (action[2] if len(action) > 2 else {}).items():
                        self.send_header(k, v)
                    self._send(body)
                    return
                if url.path not in ("/search", "/search.php"):
                    self.send_response(404)
                    self._send(b'{"error": "not found"}')
                    return
                fmt = params.get("format", "jsonv2")
                if fmt not in ("json", "jsonv2"):
                    self.send_response(400)
                    self._send(b'{"error": "format"}')
                    return
                q = normalize(params.get("q", ""))
                ccs = {c.strip().lower() for c in params.get("countrycodes", "").split(",") if c.strip()}
                limit = int(params.get("limit", "10"))
                hits = [p for p in server.places if q in {normalize(n) for n in p.names}
                        and (not ccs or p.country_code.lower() in ccs)][:limit]
                body = json.dumps([p.record(fmt, params.get("addressdetails") == "1", params.get("extratags", "").lower() in ("1", "true"))
                                   for p in hits]).encode()
                self.send_response(200)
                self._send(body)

            def _send(self, body: bytes):
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    pass

        self.handler = Handler

    def searches(self) -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith("/search")]


# -- a file server (GeoNames downloads) --------------------------------------------------------------
@dataclass
class FileServer:
    files: dict[str, bytes]
    requests: list[str] = field(default_factory=list)

    def __post_init__(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = urlsplit(self.path).path
                server.requests.append(path)
                body = server.files.get(path)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "9")
                    self.end_headers()
                    self.wfile.write(b"not found")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/zip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.handler = Handler


class Serving:
    """Run a handler class on 127.0.0.1 in a thread: ``with Serving(s.handler) as url: …``."""

    def __init__(self, handler):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def refused_url() -> str:
    """The URL of a port on 127.0.0.1 where nothing listens (connections are refused)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"


# -- GeoNames dumps ----------------------------------------------------------------------------------
def dump_row(gid: int, name: str, lat: float, lon: float, *, cc: str = "SY", fclass: str = "P", fcode: str = "PPL",
             alternates: str = "", admin1: str = "", population: int = 0, ascii_name: str | None = None) -> str:
    """One line of the GeoNames ``geoname`` table: 19 tab-separated columns."""
    cols = [str(gid), name, ascii_name if ascii_name is not None else name, alternates, f"{lat:.5f}", f"{lon:.5f}",
            fclass, fcode, cc, "", admin1, "", "", "", str(population), "", "250", "Asia/Damascus", "2024-01-01"]
    assert len(cols) == 19
    return "\t".join(cols) + "\n"


def dump_zip(member: str, text: str, *, readme: bool = True) -> bytes:
    """A zip file as GeoNames serves them: ``XX.txt`` (and ``readme.txt``)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(member, text)
        if readme:
            z.writestr("readme.txt", "Readme for GeoNames Gazetteer extract files (test copy)\n")
    return buf.getvalue()


# -- running geo -------------------------------------------------------------------------------------
def isolated_env(tmp: Path, gazetteer_path: Path, **extra: str) -> dict:
    """Environment for a ``geo`` subprocess with its own cache and imports, reusing the session's gazetteer.

    The gazetteer file is linked (not rebuilt) into ``tmp``; imports and the geocoder cache go beside it.
    """
    gz_dir = tmp / "gz"
    gz_dir.mkdir(parents=True, exist_ok=True)
    link = gz_dir / Path(gazetteer_path).name
    if not link.exists():
        link.symlink_to(Path(gazetteer_path).resolve())
    env = dict(os.environ)
    env.update(GEO_GAZETTEER=str(link), GEO_CACHE_DIR=str(tmp / "cache"), NO_PROXY="127.0.0.1,localhost",
               no_proxy="127.0.0.1,localhost", PYTHONWARNINGS="ignore::DeprecationWarning")
    for k in ("GEO_GEOCODER", "GEO_CORRECTIONS", "GEO_USER_AGENT", "GEO_GEOCODER_CACHE", "GEO_GEONAMES_URL",
              "GEO_PROGRESS"):
        env.pop(k, None)
    env.update(extra)
    return env


def run_geo(geo_exe: str, *args: str, env: dict, timeout: float = 180, cwd: Path | None = None):
    return subprocess.run([geo_exe, *map(str, args)], env=env, capture_output=True, text=True, timeout=timeout,
                          cwd=cwd)


def warnings_of(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith("geo: warning:")]


# -- a news site (pages for geo map URL / geo batch) -------------------------------------------------
@dataclass
class Page:
    """One answer: ``body`` with ``headers``; ``status`` other than 200; ``sleep`` seconds first;
    ``endless``: a body streamed without end (no Content-Length)."""

    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict = field(default_factory=dict)
    sleep: float = 0.0
    endless: bool = False


@dataclass
class PageServer:
    pages: dict[str, Page]
    requests: list[Seen] = field(default_factory=list)

    def __post_init__(self):
        server = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                url = urlsplit(self.path)
                with lock:
                    server.requests.append(Seen(time.time(), url.path, {}, dict(self.headers)))
                page = server.pages.get(url.path) or Page(b"<html><body><p>Not found</p></body></html>", status=404)
                if page.sleep:
                    time.sleep(page.sleep)
                self.send_response(page.status)
                if page.content_type:
                    self.send_header("Content-Type", page.content_type)
                for k, v in page.headers.items():
                    self.send_header(k, v)
                try:
                    if page.endless:
                        self.send_header("Connection", "close")
                        self.end_headers()
                        block = b"<p>" + b"Lorem ipsum dolor sit amet. " * 2000 + b"</p>\n"
                        while True:
                            self.wfile.write(block)
                    self.send_header("Content-Length", str(len(page.body)))
                    self.end_headers()
                    self.wfile.write(page.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.handler = Handler
