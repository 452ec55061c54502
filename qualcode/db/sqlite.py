"""Everything SQLite-specific, in one place.

A project file holds health-related verbatims, so it is created owner-only (0600)
before SQLite ever opens it. Connections run in WAL mode with foreign keys on and a
generous busy timeout, and a writing transaction starts with BEGIN IMMEDIATE: taking
the write lock up front means two writers queue on the busy timeout instead of one of
them failing with "database is locked" when it upgrades a read lock mid-transaction.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.config import is_url
from qualcode.errors import UserError
from qualcode.i18n import _

if TYPE_CHECKING:
    from sqlalchemy import Engine

BUSY_TIMEOUT_MS = 30_000
"""How long a writer waits for another one; `QUALCODE_BUSY_TIMEOUT_MS` overrides it."""
SQLITE_MAGIC = b"SQLite format 3\x00"


def busy_timeout_ms() -> int:
    raw = os.environ.get("QUALCODE_BUSY_TIMEOUT_MS", "")
    return int(raw) if raw.isdigit() else BUSY_TIMEOUT_MS


def create_owner_only(path: Path, *, kind: str = "project") -> None:
    """Create an empty file readable and writable by its owner alone; refuse to overwrite."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        message = (_("a project already exists here; choose another --db") if kind == "project"
                   else _("a backup already exists here; choose another name"))
        raise UserError(message, path=str(path)) from None
    except OSError as exc:
        raise UserError(
            _("cannot create the file: {strerror}").format(strerror=exc.strerror),
            path=str(path),
        ) from None
    os.close(fd)
    os.chmod(path, 0o600)  # the umask may have narrowed it further, never widened: make it exact


def discard_project_file(db: str) -> None:
    """Remove a project file this command created and could not finish (SQLite only)."""
    if not is_url(db):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)


def check_is_project_file(path: Path) -> None:
    """Refuse a missing file or one that is not an SQLite database, with one clear line."""
    if not path.exists():
        raise UserError(_("no project here; create one with `qualcode init` or `qualcode demo`"),
                        path=str(path))
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise UserError(
            _("cannot read the project file: {strerror}").format(strerror=exc.strerror),
            path=str(path),
        ) from None
    if head != SQLITE_MAGIC:  # an empty file too: SQLite would quietly make it a database
        raise UserError(_("not a qualcode project (not an SQLite database)"), path=str(path))


CORE_TABLES = {"meta", "study", "dimension", "level", "study_group", "group_level",
               "participant", "source", "quote", "code", "coder", "coding", "review", "memo",
               "event", "alembic_version"}
"""Tables every qualcode project has had since its first schema."""
CORE_COLUMNS = {"quote": {"id", "text", "group_id"},
                "coding": {"quote_id", "code_id", "coder_id", "span_start", "span_end"},
                "alembic_version": {"version_num"}}
"""Columns every qualcode project has had: a lookalike without them is not one."""


def project_revision(path: Path) -> str | None:
    """The SQLite file's schema revision when it has our tables, with our columns, at a
    revision of ours; else None. Asked read-only: a foreign database that is refused
    must be left exactly as it was (opening it as a project would switch it to WAL mode)."""
    from qualcode.db.schema_version import SCHEMA_REVISION, known_revisions

    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {n for n, in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not CORE_TABLES <= tables:
                return None
            for table, wanted in CORE_COLUMNS.items():
                have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
                if not wanted <= have:
                    return None
            revisions = [r for r, in conn.execute("SELECT version_num FROM alembic_version")]
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    if len(revisions) != 1 or not isinstance(revisions[0], str):
        return None
    revision = revisions[0]
    newer = revision.isdigit() and len(revision) == len(SCHEMA_REVISION) and \
        revision > SCHEMA_REVISION  # a later qualcode's: refused with its own message
    return revision if revision in known_revisions() or newer else None


def check_project(path: Path, *, warn: bool = True) -> str:
    """Before anything opens it for real: a project file of ours, else one clear line;
    and a warning when others can read what participants said. Returns its revision."""
    check_is_project_file(path)
    revision = project_revision(path)
    if revision is None:
        raise UserError(_("not a qualcode project (no schema found); it was left as it is"),
                        path=str(path))
    if warn and readable_by_others(path):
        print(_("warning: {path} is readable by other users; `chmod 600 {path}` protects it"
                ).format(path=path), file=sys.stderr)
    return revision


JSON_COLUMNS = (("study", "attributes"), ("study_group", "attributes"),
                ("participant", "attributes"), ("code", "keywords"), ("event", "payload"))


def trusted_copy(path: Path, folder: Path) -> Path:
    """A private copy of another project file (`merge`), checked before anything reads it.

    The file itself is only ever read (opened read-only: no WAL switch, no schema
    upgrade, nothing written beside it), and its copy is refused with one line when it
    is not what our code expects: a view or a trigger in place of our tables (a view can
    recurse forever), broken references, a coding's span outside its quote, damaged JSON.
    """
    check_is_project_file(path)
    if project_revision(path) is None:
        raise UserError(_("not a qualcode project (no schema found); it was left as it is"),
                        path=str(path))
    copy = folder / "other.db"
    try:
        src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        dst = sqlite3.connect(copy)
        try:
            src.backup(dst)
            problem = _inconsistency(dst)
        finally:
            src.close()
            dst.close()
    except sqlite3.Error as exc:
        raise UserError(
            _("cannot read it as a project ({exc})").format(exc=exc), path=str(path)
        ) from None
    if problem:
        raise UserError(
            _("not a consistent qualcode project: {problem}; nothing was merged").format(
                problem=problem
            ),
            path=str(path),
        )
    return copy


def _inconsistency(conn: sqlite3.Connection) -> str | None:
    """What is wrong with a project file, or None."""
    for kind, name in conn.execute(
            "SELECT type, name FROM sqlite_master WHERE type IN ('view', 'trigger')"):
        return _("it holds a {kind} ({name!r}), which no qualcode project has").format(
                   kind=kind, name=name)
    verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
    if verdict != "ok":
        return _("the file is damaged ({verdict})").format(verdict=verdict)
    for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
        return _("row {rowid} of {table} points to a missing {parent}").format(
                   rowid=rowid, table=table, parent=parent)
    for table, column in JSON_COLUMNS:
        bad = conn.execute(f"SELECT rowid FROM {table} WHERE {column} IS NOT NULL AND "  # noqa: S608
                           f"NOT json_valid({column}) LIMIT 1").fetchone()
        if bad:
            return _("row {bad} of {table} has damaged {column}").format(
                       bad=bad[0], table=table, column=column)
    span = conn.execute(
        "SELECT c.id FROM coding c JOIN quote q ON q.id = c.quote_id WHERE c.span_start IS "
        "NOT NULL AND (c.span_start < 0 OR c.span_end <= c.span_start OR "
        "c.span_end > length(q.text)) LIMIT 1").fetchone()
    if span:
        return _("coding {span} covers characters outside its quote").format(span=span[0])
    return None


def readable_by_others(path: Path) -> bool:
    return bool(path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))


def connect(path: str) -> sqlite3.Connection:
    """A plain sqlite3 connection to the project at `path`, with `configure`'s pragmas:
    how the read, write and create paths open a file without SQLAlchemy."""
    connection = sqlite3.connect(path, timeout=busy_timeout_ms() / 1000)
    try:
        configure(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def configure(dbapi_conn: sqlite3.Connection) -> None:
    """Every connection's pragmas, whether SQLAlchemy's pool or a read command opened it;
    transactions are ours to begin (BEGIN IMMEDIATE for a writer, see below)."""
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")  # durable across app crashes in WAL mode
    cur.close()


def install_pragmas(engine: Engine) -> None:
    """Set the per-connection pragmas and take transactions into our own hands."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        configure(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get("qualcode_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def backup_to(engine: Engine, target: Path) -> None:
    """Consistent online copy of the live database (others may keep writing).

    The copy is taken in one step, so it is one snapshot of the project: writers in
    WAL mode carry on meanwhile. It is written to a hidden file beside the target and
    given the target's name only once complete and checked: a backup killed half-way
    leaves no broken file under the name asked for (which would then refuse the next
    try), and the name is taken without ever replacing a file that appeared meanwhile.
    """
    if target.exists() or target.is_symlink():
        raise UserError(_("a backup already exists here; choose another name"), path=str(target))
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    create_owner_only(partial, kind="backup")
    raw = engine.raw_connection()
    try:
        src = raw.driver_connection
        assert isinstance(src, sqlite3.Connection)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            dst.close()
        if verdict != "ok":
            raise UserError(_("the copy failed its integrity check ({verdict})").format(
                                verdict=verdict), path=str(target))
        with partial.open("rb") as fh:
            os.fsync(fh.fileno())
        try:
            os.link(partial, target)  # fails, rather than replaces, if the name is taken
        except FileExistsError:
            raise UserError(_("a backup already exists here; choose another name"),
                            path=str(target)) from None
    finally:
        raw.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)


_EXPLAINED = (
    ("locked", _("the project is busy: another program kept it locked for {wait} s; "
               "nothing was written, try again")),
    ("busy", _("the project is busy: another program kept it locked for {wait} s; "
             "nothing was written, try again")),
    ("disk is full", _("the disk is full (or the project reached its size limit); "
                     "nothing was written: free some space and try again")),
    ("readonly", _("the project file cannot be written (read-only file or folder)")),
    ("disk i/o error", _("the disk failed while writing; nothing was written: check the disk")),
    ("not a database", _("not a qualcode project (not an SQLite database, or damaged)")),
    ("malformed", _("the project file is damaged; restore it from a backup "
                  "(`*.bak` beside it, or your own `qualcode backup` copies)")),
)


def explain(exc: BaseException, location: str) -> UserError | None:
    """SQLite's failures a user can act on, as SPEC's one line; None for the others."""
    message = str(getattr(exc, "orig", exc)).lower()
    for needle, text in _EXPLAINED:
        if needle in message:
            wait = f"{busy_timeout_ms() / 1000:g}"
            return UserError(text.format(wait=wait), path=location)
    return None


def scrub(engine: Engine) -> bool:
    """Rewrite the file so replaced text survives nowhere in it: not in free pages
    (VACUUM), not in the write-ahead log (checkpoint, then truncate). Returns False
    when another open session kept the log from being emptied."""
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert isinstance(conn, sqlite3.Connection)
        conn.execute("VACUUM")
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    finally:
        raw.close()
    return bool(busy == 0)
