"""Opening and creating projects: one SQLite file, or a PostgreSQL URL for a team.

Every user action runs in one transaction (`Project.write()`); reads use
`Project.read()`. Opening checks the schema revision with a single query and only
loads Alembic when a migration is due, so everyday commands start fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DatabaseError, DBAPIError, OperationalError
from sqlmodel import Session

from qualcode.config import is_url
from qualcode.db import sqlite as sqlite_db
from qualcode.db.conflicts import concurrent_change
from qualcode.db.schema_version import SCHEMA_REVISION
from qualcode.errors import UserError
from qualcode.i18n import _


def normalise_url(db: str) -> str:
    """`postgresql://` means psycopg 3; a bare path means an SQLite file. Any other
    scheme, or an address that does not parse, is one clear line (password masked)."""
    if db.startswith("postgresql://") or db.startswith("postgres://"):
        url = "postgresql+psycopg://" + db.split("://", 1)[1]
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            parsed = make_url(url)
        except ArgumentError:
            raise UserError(_("not a valid PostgreSQL address"), path=db) from None
        except ValueError:
            raise UserError(_("not a valid PostgreSQL address: its port is not a number"),
                            path=db) from None
        if parsed.port is not None and not 0 < parsed.port < 65536:
            raise UserError(_("port {port} is out of range").format(port=parsed.port), path=db)
        return url
    if db.startswith("sqlite:///"):
        return db
    if is_url(db):
        scheme = db.split("://", 1)[0]
        raise UserError(_("unsupported database {scheme!r}: a project is an SQLite file (a path) "
                          "or a postgresql:// URL").format(scheme=scheme), path=db)
    return f"sqlite:///{Path(db)}"


@dataclass
class Project:
    """An open project: its location and engine. Sessions never outlive an action."""

    location: str
    engine: Engine

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path | None:
        return None if is_url(self.location) else Path(self.location)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One user action: commits on success, leaves nothing behind on failure."""
        bind = self.engine.execution_options(qualcode_write=True)
        with Session(bind, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException as exc:
                session.rollback()
                self._explain(exc)
                raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
            except DBAPIError as exc:
                self._explain(exc)
                raise

    def _explain(self, exc: BaseException) -> None:
        """A locked project, a full disk, a teammate's collision: one line, not a driver error."""
        if isinstance(exc, DBAPIError) and self.is_sqlite:
            explained = sqlite_db.explain(exc, self.location)
            if explained is not None:
                raise explained from None
        collision = None if self.is_sqlite else concurrent_change(exc)
        if collision is not None:
            raise collision from None

    def close(self) -> None:
        self.engine.dispose()


def _engine(db: str) -> Engine:
    url = normalise_url(db)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        sqlite_db.install_pragmas(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def create_project(db: str) -> Project:
    """Make a new, empty project at the latest schema; refuses to overwrite one. An SQLite
    file is made from the schema script (`qualcode.db.creating`), a server's database by
    the migrations."""
    if is_url(db):
        return migrated_project(db)
    from qualcode.db.creating import creating

    with creating(db):
        pass
    return Project(db, _engine(db))


def migrated_project(db: str) -> Project:
    """A new project taken through every migration by Alembic: how a PostgreSQL database
    is made, and how the SQLite schema script is generated (`qualcode.db.schema_script`)."""
    path = None if is_url(db) else Path(db)
    if path is not None:
        sqlite_db.create_owner_only(path)
    project = Project(db, _engine(db))
    try:
        if path is None and _current_revision(project) is not None:
            raise UserError(_("a project already exists in this database"), path=db)
        from qualcode.db.migrate import upgrade

        upgrade(project)
    except BaseException:
        project.close()
        sqlite_db.discard_project_file(db)
        raise
    return project


def open_project(db: str, *, warn: bool = True) -> Project:
    """Open an existing project, upgrading an older schema (after a backup)."""
    if not is_url(db):
        sqlite_db.check_project(Path(db), warn=warn)
    project = Project(db, _engine(db))
    try:
        revision = _current_revision(project)
        if revision is None:
            raise UserError(_("not a qualcode project (no schema found)"), path=db)
        if revision != SCHEMA_REVISION:
            from qualcode.db.migrate import upgrade_existing

            upgrade_existing(project, revision)
    except BaseException:
        project.close()
        raise
    return project


def _current_revision(project: Project) -> str | None:
    try:
        with project.engine.connect() as conn:
            has = conn.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'"
                    if project.is_sqlite
                    else "SELECT tablename FROM pg_tables WHERE tablename='alembic_version'"
                )
            ).first()
            if has is None:
                return None
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
            return None if row is None else str(row[0])
    except OperationalError as exc:
        project._explain(exc)
        first = " ".join(str(exc.orig).split("\n")[0].split())
        raise UserError(
            _("cannot open the project: {first}").format(first=first), path=project.location
        ) from None
    except DatabaseError as exc:
        project._explain(exc)
        raise UserError(
            _("not a qualcode project ({orig})").format(orig=exc.orig), path=project.location
        ) from None
