"""Helpers for the REFI-QDA tests: run the CLI outside pytest fixtures (hypothesis),
snapshot everything a lossless round trip must keep, build archives by hand, and
validate against the official schemas the package ships (qualcode/exchange/schemas/)."""

from __future__ import annotations

import atexit
import json
import shutil
import sqlite3
import tempfile
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from qualcode.cli.whole import app
from qualcode.exchange.schema_check import compiled_schema

from .conftest import Result


def run(*args: str, coder: str = "tester") -> Result:
    result = CliRunner().invoke(app, list(args), env={"QUALCODE_CODER": coder,
                                                      "QUALCODE_DB": None},
                                catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


def project_schema() -> Any:
    return compiled_schema("project")


def codebook_schema() -> Any:
    return compiled_schema("codebook")


def assert_valid_qdpx(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert "project.qde" in names
        assert all(n == "project.qde" or (n.startswith("sources/") and n.count("/") == 1)
                   for n in names), names
        qde = zf.read("project.qde")
    assert not qde.startswith(b"\xef\xbb\xbf")
    project_schema().validate(qde.decode("utf-8"))


def make_qdpx(path: Path, qde: str | bytes, files: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde)
        for name, data in (files or {}).items():
            zf.writestr(name, data)
    return path


def project_snapshot(db: Path) -> dict[str, Any]:
    """Everything a lossless export → import must keep, as users see it."""
    snap: dict[str, Any] = {}
    for key, args in (("report", ("report", "--format", "json")), ("quotes", ("quotes", "--json"))):
        result = run("--db", str(db), *args)
        assert result.code == 0, result.err
        snap[key] = json.loads(result.out)
    # With fewer than two coders agreement is a one-line refusal: the same one after the trip.
    agreement = run("--db", str(db), "agreement", "--format", "json")
    snap["agreement"] = json.loads(agreement.out) if agreement.code == 0 else agreement.err
    conn = sqlite3.connect(db)
    coders = [r[0] for r in conn.execute("SELECT name FROM coder ORDER BY name")]
    snap["coders"] = coders
    for coder in coders:
        snap[f"report {coder}"] = json.loads(run("--db", str(db), "report", "--format", "json",
                                                 "--coder", coder).out)

    def rows(sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in conn.execute(sql)]

    snap["study"] = rows("SELECT title, attributes FROM study")
    snap["design"] = rows("SELECT d.name, d.position, l.name, l.position FROM level l "
                          "JOIN dimension d ON d.id = l.dimension_id ORDER BY d.position, "
                          "l.position")
    snap["groups"] = rows("SELECT name, attributes FROM study_group ORDER BY position, id")
    snap["participants"] = rows(
        "SELECT g.name, p.label, p.is_moderator, p.attributes FROM participant p "
        "JOIN study_group g ON g.id = p.group_id ORDER BY g.name, p.label")
    snap["codebook"] = rows(
        "SELECT c.name, p.name, c.position, c.description, c.include, c.exclude, c.example, "
        "c.color, c.key, c.keywords, c.exclusive FROM code c LEFT JOIN code p "
        "ON p.id = c.parent_id ORDER BY c.id")
    snap["codings"] = rows(
        "SELECT c.quote_id, d.name, k.name, c.span_start, c.span_end, c.memo, "
        "substr(c.created_at, 1, 19) FROM coding c JOIN code d ON d.id = c.code_id "
        "JOIN coder k ON k.id = c.coder_id ORDER BY 1, 2, 3, 4, 5")
    snap["memos"] = rows("SELECT m.quote_id, k.name, m.text, substr(m.updated_at, 1, 19) "
                         "FROM memo m JOIN coder k ON k.id = m.coder_id ORDER BY 1, 2")
    snap["reviews"] = rows("SELECT r.quote_id, k.name, substr(r.created_at, 1, 19) "
                           "FROM review r JOIN coder k ON k.id = r.coder_id ORDER BY 1, 2")
    snap["transcripts"] = rows("SELECT s.name, s.kind, s.text, g.name FROM source s "
                               "LEFT JOIN study_group g ON g.id = s.group_id ORDER BY s.id")
    snap["offsets"] = rows("SELECT q.id, q.start, q.\"end\" FROM quote q JOIN source s "
                           "ON s.id = q.source_id WHERE s.kind = 'transcript' ORDER BY q.id")
    conn.close()
    return snap


def copy_project(template: Path, target: Path) -> Path:
    """A copy of a closed project file: cheaper than running the migrations again."""
    shutil.copyfile(template, target)
    target.chmod(0o600)
    return target


@cache
def empty_project() -> Path:
    """One `qualcode init` project per test process, copied by `round_trip`."""
    folder = Path(tempfile.mkdtemp(prefix="qualcode-refi-"))
    atexit.register(shutil.rmtree, folder, True)
    assert run("--db", str(folder / "empty.db"), "init").code == 0
    return folder / "empty.db"


def round_trip(db: Path, folder: Path) -> tuple[Path, Path]:
    """Export `db`, import the file into a fresh `qualcode init` project; both paths."""
    qdpx = folder / "export.qdpx"
    result = run("--db", str(db), "export", str(qdpx), "--validate")
    assert result.code == 0, result.err
    target = copy_project(empty_project(), folder / "imported.db")
    result = run("--db", str(target), "import", str(qdpx))
    assert result.code == 0, result.err
    assert "not imported" not in result.out, result.out
    return qdpx, target
