"""A real PostgreSQL server with PostGIS on 127.0.0.1 for the tests (Debian's postgresql + postgis packages).

:func:`start_postgres` runs ``initdb`` into a temporary folder and starts the server on a free loopback
port, with its socket in that folder too. Connections over the socket are trusted (to set up the
databases); connections over TCP — the ones geo makes — need the password (SCRAM), which the tests give
through ``PGPASSFILE`` or ``PGPASSWORD``, as a user would. When the process runs as root, the server runs
as the unprivileged ``postgres`` user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

USER = "geo"
PASSWORD = "geo-test-secret"
DATABASE = "newsroom"  # with PostGIS
PLAIN_DATABASE = "plain"  # without


def find_bin() -> Path | None:
    """The bin folder of an installed PostgreSQL whose share folder has the PostGIS extension."""
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        version = Path(bindir).parent.name
        extension = f"/usr/share/postgresql/{version}/extension/postgis.control"
        if (Path(bindir) / "initdb").is_file() and glob.glob(extension):
            return Path(bindir)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Postgres:
    bindir: Path
    root: Path
    port: int
    run_as: str | None

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, table: str, database: str = DATABASE, user: str = USER) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}?table={table}"

    def _run(self, *args: str) -> None:
        subprocess.run([str(self.bindir / args[0]), *args[1:]], check=True, capture_output=True,
                       user=self.run_as, timeout=120)

    def sql(self, query: str, database: str = DATABASE, params=None) -> list[tuple]:
        """Run ``query`` over the trusted socket; the rows it returns."""
        import psycopg

        with psycopg.connect(host=str(self.root), port=self.port, user=USER, dbname=database,
                             autocommit=True) as conn:
            cur = conn.execute(query, params)
            return cur.fetchall() if cur.description else []

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_postgres(bindir: Path) -> Postgres:
    run_as = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="geo-pg-"))
    pg = Postgres(bindir=bindir, root=root, port=_free_port(), run_as=run_as)
    (root / "pw").write_text(PASSWORD + "\n")
    if run_as:
        entry = pwd.getpwnam(run_as)
        for path in (root, root / "pw"):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    try:
        pg._run("initdb", "-D", str(pg.data), "-U", USER, f"--pwfile={root / 'pw'}", "-E", "UTF8",
                "--no-locale", "--auth-local=trust", "--auth-host=scram-sha-256")
        options = f"-k {root} -h 127.0.0.1 -p {pg.port} -c fsync=off -c full_page_writes=off"
        pg._run("pg_ctl", "-D", str(pg.data), "-o", options, "-l", str(root / "server.log"), "-w", "-t", "60",
                "start")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        log = (root / "server.log").read_text(errors="replace") if (root / "server.log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {getattr(exc, 'stderr', b'')!r} {log[-2000:]}") from exc
    for database in (DATABASE, PLAIN_DATABASE):
        pg.sql(f"CREATE DATABASE {database}", database="postgres")
    pg.sql("CREATE EXTENSION postgis")
    return pg
