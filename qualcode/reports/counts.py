"""The numbers of the theme-by-group report, as SPEC defines them.

A quote carries a theme when, in scope, a coder applied the theme or any of its
descendants; moderator turns never count. Counting is one SQL query over a
recursive closure of the codebook tree, grouped by (theme, group), so it stays close
to a bare GROUP BY on a million codings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text as sql
from sqlmodel import Session

from qualcode.errors import UserError
from qualcode.reports.stats import ALPHA, FLAG_TEST, fisher_exact_two_sided, holm
from qualcode.services.codebook import code_tree
from qualcode.services.quotes import CLOSURE_CTE
from qualcode.services.study import load_design


@dataclass(frozen=True)
class Scope:
    """Whose codings count: everyone but `auto` (default), one coder, or consensus."""

    coder: str | None = None
    consensus: bool = False

    @property
    def label(self) -> str:
        if self.consensus:
            return "consensus"
        return f"coder {self.coder}" if self.coder else "all coders"

    def where(self) -> tuple[str, dict[str, Any]]:
        if self.consensus:
            return "k.name = :scope_coder", {"scope_coder": "consensus"}
        if self.coder:
            return "k.name = :scope_coder", {"scope_coder": self.coder}
        return "k.name <> 'auto'", {}


def compute(session: Session, scope: Scope = Scope()) -> dict[str, Any]:
    """The report as SPEC's JSON structure (numbers unrounded)."""
    if scope.coder and not session.execute(sql("SELECT 1 FROM coder WHERE name = :n"),
                                           {"n": scope.coder}).first():
        raise UserError(f"unknown coder {scope.coder!r}")
    design = load_design(session)
    codes = code_tree(session)
    names = {c.id: c.name for c in codes}
    base = {
        gid: (int(n), int(p))
        for gid, n, p in session.execute(sql(
            "SELECT q.group_id, COUNT(*), COUNT(DISTINCT q.participant_id) FROM quote q "
            "JOIN participant p ON p.id = q.participant_id WHERE NOT p.is_moderator "
            "GROUP BY q.group_id"
        )).all()
    }
    clause, params = scope.where()
    counted: dict[tuple[int, int], tuple[int, int, int]] = {}
    for theme, gid, quotes, participants, codings in session.execute(sql(
        CLOSURE_CTE + "SELECT cl.ancestor, q.group_id, COUNT(DISTINCT q.id), "
        "COUNT(DISTINCT q.participant_id), COUNT(*) FROM coding c "
        "JOIN coder k ON k.id = c.coder_id JOIN code_closure cl ON cl.descendant = c.code_id "
        "JOIN quote q ON q.id = c.quote_id JOIN participant p ON p.id = q.participant_id "
        f"WHERE NOT p.is_moderator AND {clause} GROUP BY cl.ancestor, q.group_id"
    ), params).all():
        counted[(int(theme), int(gid))] = (int(quotes), int(participants), int(codings))

    groups_json = [
        {"name": g.name, "attributes": dict(g.levels), "quotes": base.get(g.id, (0, 0))[0],
         "participants": base.get(g.id, (0, 0))[1]}
        for g in design.groups
    ]
    total_quotes = sum(n for n, _ in base.values())
    cells: list[dict[str, Any]] = []
    for code in codes:
        row = []
        for g in design.groups:
            quotes, participants, codings = counted.get((code.id, g.id), (0, 0, 0))
            n = base.get(g.id, (0, 0))[0]
            row.append({"theme": code.name, "group": g.name, "quotes": quotes,
                        "codings": codings, "participants": participants,
                        "share": quotes / n if n else 0.0, "flag": None})
        _flag(row, [base.get(g.id, (0, 0))[0] for g in design.groups], total_quotes)
        cells.extend(row)
    return {
        "scope": scope.label,
        "test": FLAG_TEST,
        "groups": groups_json,
        "themes": [{"name": c.name, "parent": names.get(c.parent_id) if c.parent_id else None}
                   for c in codes],
        "cells": cells,
    }


def _flag(row: list[dict[str, Any]], sizes: list[int], total: int) -> None:
    theme_total = sum(cell["quotes"] for cell in row)
    if theme_total == 0 or total == 0:
        return
    pvalues = []
    for cell, n in zip(row, sizes, strict=True):
        k = cell["quotes"]
        pvalues.append(fisher_exact_two_sided(k, n - k, theme_total - k,
                                              (total - n) - (theme_total - k)))
    rate = theme_total / total
    for cell, n, p in zip(row, sizes, holm(pvalues), strict=True):
        if n and p < ALPHA:
            cell["flag"] = "above" if cell["quotes"] / n > rate else "below"
