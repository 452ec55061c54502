"""The journal as people read it: "quote 12: + data security", not a payload dump.

Events store ids (they must survive renames and undo); the log resolves them to
code names at reading time. An action this module does not know yet (added by a
later feature) is still shown, as its plain fields, so the audit trail never hides
an entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from qualcode.db.models import Code, Event, Quote
from qualcode.i18n import _
from qualcode.services.events import history

EXCERPT = 40
"""Characters of a segment's words the log shows."""


@dataclass(frozen=True)
class LogLine:
    id: int
    at: datetime
    coder: str
    action: str
    text: str


def read_log(session: Session, *, coder: str | None = None, since: datetime | None = None,
             until: datetime | None = None) -> list[LogLine]:
    names = {c.id: c.name for c in session.exec(select(Code)).all()}
    events = [e for e in history(session, coder=coder, since=since)
              if until is None or _utc(e.at) < _utc(until)]
    segmented = {int(e.payload["quote_id"]) for e in events if "quote_id" in e.payload and any(
        r.get("span_start") is not None
        for r in (*e.payload.get("created", ()), *e.payload.get("deleted", ())))}
    texts = dict(session.exec(select(Quote.id, Quote.text).where(
        col(Quote.id).in_(segmented))).all()) if segmented else {}
    return [LogLine(e.id or 0, e.at, e.coder, e.action, describe(e, names, texts))
            for e in events]


def _utc(moment: datetime) -> datetime:
    """Naive UTC: SQLite hands times back without their zone, and they are stored in UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def describe(event: Event, names: dict[int | None, str],
             texts: dict[int | None, str] | None = None) -> str:
    """`texts`: the quotes' words, so that a segment is named by its words."""
    p = event.payload
    code: Callable[[int], str] = lambda cid: names.get(cid, f"code #{cid}")  # noqa: E731
    quote = f"quote {p['quote_id']}" if "quote_id" in p else ""
    if event.action in ("code", "uncode", "review"):
        def named(row: dict[str, Any]) -> str:  # a segment says which characters
            at, end = row.get("span_start"), row.get("span_end")
            if at is None:
                return code(row["code_id"])
            words = (texts or {}).get(p.get("quote_id"), "")[at:end]
            if len(words) > EXCERPT:
                words = words[:EXCERPT - 1] + "…"
            return code(row["code_id"]) + (f" on « {words} »" if words else "") + \
                f" ({at}-{end})"

        created = [(r["code_id"], named(r)) for r in p.get("created", [])]
        deleted = [(r["code_id"], named(r)) for r in p.get("deleted", [])]
        made, gone = {c for c, _memo in created}, {c for c, _memo in deleted}
        parts = [f"+ {n}" for c, n in created if c not in gone]
        parts += [f"− {n}" for c, n in deleted if c not in made]
        parts += [_("memo on {code}").format(code=code(c)) for c, _memo in created if c in gone]
        if event.action == "review":
            parts.insert(0, _("reviewed, no code applies"))
        return f"{quote}: {', '.join(parts) or 'no change'}"
    if event.action == "memo":
        verb = _("memo removed") if not p.get("after") else (
            _("memo written") if not p.get("before") else _("memo changed"))
        return f"{quote}: {verb}"
    if event.action == "undo":
        return _("undid entry #{undoes} ({action} on {quote})").format(
                   undoes=event.undoes, action=p.get('undone_action', '?'), quote=quote)
    if event.action == "import":
        return f"imported {p.get('path')} ({p.get('format')}): {p.get('quotes', 0)} quotes"
    if event.action == "codebook":
        return (_("codebook {path}: {added} codes added, {updated} updated").format(
                    path=p.get('path'), added=p.get('added', 0), updated=p.get('updated', 0)))
    if event.action == "init":
        used = [f"{k} {p[k]}" for k in ("study", "codebook") if p.get(k)]
        return "created the project" + (f" ({', '.join(used)})" if used else "")
    if event.action == "settle":
        decided = ", ".join(p.get("codes", [])) or _("no code applies")
        reason = f", because {p['why']}" if p.get("why") else ""
        return _("{quote}: the consensus is now {decided} (decided by {coder}{reason})").format(
                   quote=quote, decided=decided, coder=event.coder, reason=reason)
    if event.action == "comment":
        return f"{quote}: commented « {p.get('text', '')} »"
    if event.action == "assign":
        return _("assigned {quotes} quotes ({share} of each group, seed "
                 "{seed}) to {coders}").format(
            quotes=p.get("quotes"), share=p.get("share"), seed=p.get("seed"), coders=p.get("coders")
        )
    if event.action == "pseudonymise":
        total = sum(p.get("replacements", {}).values())
        return f"pseudonymised {p.get('names', 0)} names ({total} replacements)"
    return _plain(p, code)


def _plain(payload: dict[str, Any], code: Callable[[int], str]) -> str:
    parts = []
    for key, value in payload.items():
        if value is None or isinstance(value, dict | list):
            continue
        if key == "quote_id":
            parts.append(f"quote {value}")
        elif key == "code_id" and isinstance(value, int):
            parts.append(code(value))
        else:
            parts.append(f"{key} {value}")
    return ", ".join(parts)
