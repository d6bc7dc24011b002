"""A throwaway PostgreSQL cluster, for the classroom tests (``conftest.py``) and the load benchmark
(``benchmarks/classroom_load.py``): Debian's initdb/pg_ctl in a temporary folder under /tmp, as the
``postgres`` user when run as root (initdb refuses root), trust auth on 127.0.0.1 only, no fsync (the
data are thrown away). :class:`PostgresUnavailable` says why one cannot be made."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """PostgreSQL is not installed, or the cluster did not start (the message holds its output)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    if found:
        return Path(found[-1]).parent
    which = shutil.which("initdb")
    return Path(which).resolve().parent if which else None


class ThrowawayPostgres:
    """Started on construction; :meth:`new_database` makes a database and gives its SQLAlchemy URL;
    :meth:`stop` stops the cluster and deletes its folder."""

    def __init__(self, max_connections: int = 200) -> None:
        bindir = _bindir()
        if bindir is None:
            raise PostgresUnavailable(
                "PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin)"
            )
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="cramp-pg-"))  # under /tmp: the postgres user can reach it
        self.data, self.log = self.root / "data", self.root / "log"
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "cramp",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        opts = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            f"-c synchronous_commit=off -c full_page_writes=off -c max_connections={max_connections}"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", opts, "-w", "-t", "60", "start")

    def _run(self, tool: str, *args: str) -> None:
        cmd = [*self.as_user, str(self.bindir / tool), *args]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            self.stop()
            raise PostgresUnavailable(f"`{' '.join(cmd)}` failed:\n{r.stdout}{r.stderr}{log}")

    def new_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=cramp dbname=postgres", autocommit=True
        ) as con:
            con.execute(f"CREATE DATABASE {name}")
        return f"postgresql+psycopg://cramp@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if self.data.exists():
            subprocess.run(
                [*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(self.root, ignore_errors=True)
