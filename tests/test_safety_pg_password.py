"""The team server's password need never be typed in a URL (issue "Hardening, round
two", item 1): libpq takes it from `PGPASSWORD` or a `.pgpass` file, and a refused
connection is one line that never prints a password. A server of its own, asking for
passwords (scram-sha-256), unlike the suite's shared one."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Cli
from .postgres import BINARIES, _as_server_user, _free_port

SECRET = "s3cr3t-Éloïse"


@pytest.fixture(scope="module")
def guarded_server() -> Iterator[str]:
    """postgresql://postgres@127.0.0.1:PORT, where every TCP login needs the password."""
    if not (BINARIES / "initdb").exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but there is no PostgreSQL server in {BINARIES}")
        pytest.skip(f"no PostgreSQL server binaries in {BINARIES}")
    folder = Path(tempfile.mkdtemp(prefix="qualcode-pgpw-"))
    pwfile = folder / "pw"
    pwfile.write_text(SECRET + "\n", encoding="utf-8")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        shutil.chown(pwfile, "postgres", "postgres")
    data, port = folder / "data", _free_port()
    subprocess.run(_as_server_user([str(BINARIES / "initdb"), "-D", str(data), "-U", "postgres",
                                    "--auth-host=scram-sha-256", "--auth-local=trust",
                                    f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C",
                                    "--no-sync"]), check=True, capture_output=True)
    options = (f"-c fsync=off -c listen_addresses=127.0.0.1 -p {port} "
               f"-c unix_socket_directories={folder}")
    subprocess.run(_as_server_user([str(BINARIES / "pg_ctl"), "-D", str(data), "-o", options,
                                    "-l", str(folder / "log"), "-w", "start"]),
                   check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_server_user([str(BINARIES / "pg_ctl"), "-D", str(data), "-m",
                                        "fast", "-w", "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def test_password_from_the_environment_or_a_pgpass_file(
        cli: Cli, guarded_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"{guarded_server}/postgres"
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "absent"))
    refused = cli("--db", url, "init")
    assert refused.code != 0 and "internal error" not in refused.err
    assert len(refused.err.strip().splitlines()) == 1 and SECRET not in refused.err
    monkeypatch.setenv("PGPASSWORD", SECRET)
    created = cli("--db", url, "init")
    assert created.code == 0, created.err
    assert SECRET not in created.out + created.err
    monkeypatch.delenv("PGPASSWORD")
    pgpass = tmp_path / "pgpass"
    host, port = guarded_server.rsplit("@", 1)[1].split(":")
    pgpass.write_text(f"{host}:{port}:*:postgres:{SECRET}\n", encoding="utf-8")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert cli("--db", url, "quotes", "--json").code == 0
    with_secret = url.replace("postgres@", f"postgres:{SECRET}@")
    wrong = cli("--db", with_secret.replace(SECRET, "faux-" + SECRET), "quotes")
    assert wrong.code != 0 and SECRET not in wrong.err and "faux" not in wrong.err
