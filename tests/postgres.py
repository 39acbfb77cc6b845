"""A throwaway PostgreSQL server for the test session: `initdb` into a temporary directory, `pg_ctl`.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` OS user (`runuser`).
It listens on 127.0.0.1 on a free port and on a unix socket in its own directory; the superuser
connects over the socket without a password, everyone else over TCP with a password (SCRAM).
Every wait is bounded. Without PostgreSQL installed the tests fail and say how to install it::

    with running_postgres() as pg:
        pg.execute("CREATE TABLE t (id int PRIMARY KEY)")
        url = pg.url()  # postgresql+psycopg://steward:...@127.0.0.1:PORT/mcop
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

STEWARD = "steward"
STEWARD_PASSWORD = "Pg-t3st-s3cret-9f2c"
DATABASE = "mcop"
_WAIT = 60  # seconds; no wait on the server is longer than this


@dataclass(frozen=True)
class PostgresServer:
    """A running server: `url()` for the catalog (a password-protected role), `execute()` to set up."""

    port: int
    socket_dir: Path
    data_dir: Path
    bin_dir: Path
    as_root: bool
    user: str = STEWARD
    password: str = STEWARD_PASSWORD
    database: str = DATABASE

    def url(self, *, password: str | None = None, port: int | None = None) -> str:
        """The steward's URL over TCP; `password=""` leaves the password out (given in the environment)."""
        secret = self.password if password is None else password
        auth = f"{self.user}:{secret}" if secret else self.user
        return f"postgresql+psycopg://{auth}@127.0.0.1:{port or self.port}/{self.database}"

    def execute(self, sql: str, database: str | None = None) -> None:
        """Run SQL (several statements allowed) as the superuser, over the unix socket, autocommitted."""
        with psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user="postgres",
            dbname=database or self.database,
            autocommit=True,
            connect_timeout=10,
        ) as conn:
            conn.execute(sql.encode())

    def stop(self) -> None:
        """Stop the server at once (`pg_ctl stop -m immediate`), as a crash or an outage would."""
        _pg_ctl(self, "-m", "immediate", "stop")

    def running(self) -> bool:
        return _pg_ctl(self, "status", check=False) == 0

    def log(self) -> str:
        path = self.data_dir.parent / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _pg_ctl(server: PostgresServer, *args: str, check: bool = True) -> int:
    prefix = ["runuser", "-u", "postgres", "--"] if server.as_root else []
    command = [*prefix, str(server.bin_dir / "pg_ctl"), "-D", str(server.data_dir), "-w", "-t", "30", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=_WAIT, check=False)
    if check and done.returncode:
        pytest.fail(f"pg_ctl {' '.join(args)} failed: {(done.stderr or done.stdout).strip()}", pytrace=False)
    return done.returncode


def _bin_dir() -> Path:
    def version(path: str) -> tuple[int, str]:
        name = Path(path).parent.parent.name  # /usr/lib/postgresql/VERSION/bin/initdb
        return (int(name) if name.isdigit() else 0, name)

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    initdb = found[-1] if found else shutil.which("initdb")
    if not initdb:
        pytest.fail(
            "PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or on PATH). "
            "Run .ci/run, or install it: apt-get install -y postgresql",
            pytrace=False,
        )
    return Path(initdb).parent


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """Start a fresh cluster, yield it, then stop it (`pg_ctl stop -m fast`) and delete its files."""
    bin_dir = _bin_dir()
    as_root = os.geteuid() == 0
    if as_root:
        try:
            import pwd

            account = pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail("Running as root needs the 'postgres' OS user: apt-get install -y postgresql")
    # Directly under /tmp (not pytest's 0700 tmp dirs) so that the postgres user can reach it.
    root = Path(tempfile.mkdtemp(prefix="mcop-pg-"))
    data_dir, socket_dir, log = root / "data", root / "sock", root / "server.log"
    socket_dir.mkdir()
    pwfile = root / "pwfile"
    pwfile.write_text("postgres-superuser-unused\n")
    if as_root:
        for path in (root, socket_dir, pwfile):
            os.chown(path, account.pw_uid, account.pw_gid)

    def run(*command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
        done = subprocess.run(
            [*prefix, *command], cwd=root, capture_output=True, text=True, timeout=_WAIT, check=False
        )
        if done.returncode:
            detail = (done.stderr or done.stdout).strip()
            log_text = log.read_text(errors="replace") if log.exists() else ""
            pytest.fail(f"{Path(command[0]).name} failed: {detail}\n{log_text}", pytrace=False)

    port = free_port()
    server = PostgresServer(
        port=port, socket_dir=socket_dir, data_dir=data_dir, bin_dir=bin_dir, as_root=as_root
    )
    started = False
    try:
        run(
            str(bin_dir / "initdb"), "-D", str(data_dir), "-U", "postgres", "--no-locale", "-E", "UTF8",
            "--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={pwfile}", "--no-sync",
        )  # fmt: skip
        options = (
            f"-h 127.0.0.1 -p {port} -k {socket_dir} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=30 -c shared_buffers=16MB"
        )
        run(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data_dir),
            "-l",
            str(log),
            "-o",
            options,
            "-w",
            "-t",
            "30",
            "start",
        )
        started = True
        server.execute(f"CREATE ROLE {STEWARD} LOGIN PASSWORD '{STEWARD_PASSWORD}'", database="postgres")
        server.execute(f"CREATE DATABASE {DATABASE} OWNER {STEWARD}", database="postgres")
        yield server
    finally:
        if started and server.running():
            run(str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "-t", "30", "stop")
        shutil.rmtree(root, ignore_errors=True)
