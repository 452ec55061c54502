"""A real PostgreSQL server for the test session, and a fresh database for each test.

The server is started from the PostgreSQL 15 binaries on a temporary directory, on
127.0.0.1 with a free port and its unix socket in that directory, with fsync off (its
data is thrown away). initdb refuses to run as root, so under root the server runs as
the `postgres` system user. Tests skip only when no server binaries exist and the
environment variable CI is unset: under CI a missing server is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

BINARIES = Path(os.environ.get("QUALCODE_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """Base URL of a running server (no database name): postgresql://postgres@host:port."""
    if not (BINARIES / "initdb").exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but there is no PostgreSQL server in {BINARIES}")
        pytest.skip(f"no PostgreSQL server binaries in {BINARIES} (set QUALCODE_PG_BIN)")
    folder = Path(tempfile.mkdtemp(prefix="qualcode-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    port = _free_port()
    subprocess.run(_as_server_user([str(BINARIES / "initdb"), "-D", str(data), "-A", "trust",
                                    "-U", "postgres", "-E", "UTF8", "--locale=C",
                                    "--no-sync"]),
                   check=True, capture_output=True)
    options = (f"-c fsync=off -c listen_addresses=127.0.0.1 -p {port} "
               f"-c unix_socket_directories={folder} -c max_connections=100")
    subprocess.run(_as_server_user([str(BINARIES / "pg_ctl"), "-D", str(data), "-o", options,
                                    "-l", str(folder / "server.log"), "-w", "start"]),
                   check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_server_user([str(BINARIES / "pg_ctl"), "-D", str(data), "-m", "fast",
                                        "-w", "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A new, empty database of its own for one test."""
    import psycopg

    name = f"qualcode_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{postgres_server}/{name}"
    with psycopg.connect(f"{postgres_server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
