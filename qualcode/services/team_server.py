"""Each coder in their own lane on a PostgreSQL team server: roles, grants, row security.

On a shared server the coder name cannot be whatever `--coder` says: anyone who can
connect could write anyone's codings or the consensus. Each member gets a login role of
their own, placed in one of three group roles of the project's database (coder,
adjudicator, viewer). Grants say which tables a group may change; row-level security
says which rows: a coder only rows of the coder named like their role, an adjudicator
also the `consensus` coder's (and the codebook), a viewer nothing. The server enforces
it, so plain SQL by a member is refused as surely as the CLI.

The project's owner (the role that created the tables) is not subject to row security,
so single-user and owner workflows keep today's behaviour. Role names are global to a
PostgreSQL cluster: the group roles carry the database's name.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import text as sql
from sqlalchemy.engine import make_url
from sqlmodel import Session

from qualcode.config import RESERVED_CODERS
from qualcode.errors import UserError
from qualcode.i18n import _

ROLES = ("coder", "adjudicator", "viewer")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Tables holding one coder's own work: written under row-level security.
_OWN_WORK = ("coding", "memo", "review", "assignment", "comment")
# Tables a member may add to (the journal, first use of their coder row, their place).
_JOURNAL = ("event", "coder", "meta")
_CODEBOOK = ("code",)


@dataclass(frozen=True)
class Member:
    name: str
    role: str


def _groups(session: Session) -> dict[str, str]:
    database = session.execute(sql("SELECT current_database()")).scalar_one()
    return {role: f"qc_{database}_{role}"[:63] for role in ROLES}


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _require_server(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        raise UserError(_("team roles exist on a PostgreSQL project; a SQLite file is "
                        "protected by its file permissions"))


def _check_name(name: str) -> None:
    if not _NAME.match(name) or name in RESERVED_CODERS:
        raise UserError(_("member name {name!r} must be 1-40 lower-case letters, digits or _, "
                          "starting with a letter, and not consensus or auto").format(name=name))


def prepare(session: Session) -> dict[str, str]:
    """Create the group roles, grants and row policies (idempotent); the groups' names."""
    _require_server(session)
    groups = _groups(session)
    existing = {r for r, in session.execute(sql("SELECT rolname FROM pg_roles"))}
    database = session.execute(sql("SELECT current_database()")).scalar_one()
    for group in groups.values():
        if group not in existing:
            session.execute(sql(f"CREATE ROLE {_ident(group)} NOLOGIN"))
        session.execute(sql(f"GRANT CONNECT ON DATABASE {_ident(database)} TO {_ident(group)}"))
        session.execute(sql(f"GRANT USAGE ON SCHEMA public TO {_ident(group)}"))
        session.execute(sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {_ident(group)}"))
    writers = [groups["coder"], groups["adjudicator"]]
    for group in writers:
        tables = ", ".join(_OWN_WORK + _JOURNAL)
        session.execute(sql(f"GRANT INSERT, UPDATE, DELETE ON {tables} TO {_ident(group)}"))
        session.execute(sql(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {_ident(group)}"))
    session.execute(sql(f"GRANT INSERT, UPDATE, DELETE ON {', '.join(_CODEBOOK)} "
                        f"TO {_ident(groups['adjudicator'])}"))
    coder, adjudicator = _ident(groups["coder"]), _ident(groups["adjudicator"])
    mine = "SELECT id FROM coder WHERE name = current_user"
    ours = "SELECT id FROM coder WHERE name IN (current_user, 'consensus')"
    policies = {table: [(coder, f"coder_id IN ({mine})"),
                        (adjudicator, f"coder_id IN ({ours})")] for table in _OWN_WORK}
    policies["coder"] = [(coder, "name = current_user"),
                         (adjudicator, "name IN (current_user, 'consensus')")]
    policies["event"] = [(coder, "coder = current_user"), (adjudicator, "coder = current_user")]
    for table, rules in policies.items():
        session.execute(sql(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
        session.execute(sql(f"DROP POLICY IF EXISTS qc_read ON {table}"))
        session.execute(sql(f"CREATE POLICY qc_read ON {table} FOR SELECT USING (true)"))
        for n, (group, rule) in enumerate(rules):
            for verb in ("insert", "update", "delete"):
                name = f"qc_{verb}_{n}"
                session.execute(sql(f"DROP POLICY IF EXISTS {name} ON {table}"))
                check = f"WITH CHECK ({rule})" if verb != "delete" else ""
                using = f"USING ({rule})" if verb != "insert" else ""
                session.execute(sql(f"CREATE POLICY {name} ON {table} FOR {verb.upper()} "
                                    f"TO {group} {using} {check}"))
    return groups


def add(session: Session, *, name: str, role: str, url: str) -> str:
    """A new member's login role with a generated password; their connection URL."""
    _check_name(name)
    if role not in ROLES:
        raise UserError(_("role {role!r} must be one of {items}").format(
                            role=role, items=', '.join(ROLES)))
    groups = prepare(session)
    if session.execute(sql("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first():
        raise UserError(_("a database role named {name!r} exists already; `qualcode team remove` "
                          "it first or choose another name").format(name=name))
    password = secrets.token_urlsafe(18)
    session.execute(sql(f"CREATE ROLE {_ident(name)} LOGIN PASSWORD "
                        f"'{password}' IN ROLE {_ident(groups[role])}"))
    return make_url(url).set(username=name, password=password).render_as_string(
        hide_password=False).replace("postgresql+psycopg://", "postgresql://")


def members(session: Session) -> list[Member]:
    _require_server(session)
    groups = {group: role for role, group in _groups(session).items()}
    rows = session.execute(sql(
        "SELECT r.rolname, g.rolname FROM pg_auth_members m "
        "JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid "
        "WHERE g.rolname = ANY(:groups) ORDER BY r.rolname"), {"groups": list(groups)}).all()
    return [Member(name, groups[group]) for name, group in rows]


def remove(session: Session, *, name: str) -> Member:
    found = {m.name: m for m in members(session)}
    if name not in found:
        raise UserError(_("{name!r} is not a member of this project's team (`qualcode team list` "
                          "shows them)").format(name=name))
    session.execute(sql(f"DROP ROLE {_ident(name)}"))
    return found[name]


def connected_member(session: Session) -> Member | None:
    """The team member this session is connected as, or None (owner, SQLite)."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    user = session.execute(sql("SELECT current_user")).scalar_one()
    for member in members(session):
        if member.name == user:
            return member
    return None
