"""Schema upgrades through Alembic, loaded only when a project needs one.

An older project is backed up (SQLite) before it is touched, and a project written
by a newer qualcode is refused rather than guessed at.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from qualcode.db import sqlite as sqlite_db
from qualcode.db.engine import Project
from qualcode.errors import UserError
from qualcode.i18n import _

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(project: Project) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = project.engine
    return cfg


def head_revision() -> str:
    script = ScriptDirectory(str(MIGRATIONS))
    head = script.get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def upgrade(project: Project) -> None:
    command.upgrade(_config(project), "head")


def upgrade_existing(project: Project, revision: str) -> None:
    if revision not in known_revisions():
        raise UserError(
            _(
                "this project was written by a newer qualcode (schema {revision}); upgrade qualcode"
            ).format(revision=revision),
            path=project.location,
        )
    backup = None
    if project.path is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        backup = project.path.with_name(f"{project.path.name}.before-{revision}-{stamp}.bak")
        sqlite_db.backup_to(project.engine, backup)
    try:
        upgrade(project)
    except UserError:
        raise
    except Exception as exc:  # the upgrade ran in one transaction: it left nothing behind
        kept = _("; a copy from before is at {backup}").format(backup=backup) if backup else ""
        raise UserError(
            _("the schema upgrade failed ({kind}: {exc}), the project is unchanged{kept}").format(
                kind=type(exc).__name__, exc=exc, kept=kept
            ),
            path=project.location,
        ) from exc
