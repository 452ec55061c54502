"""Inter-coder agreement of a project, as SPEC's `agreement --format json` structure.

The project is read in three plain scans (codings, review marks, quotes' groups) into
NumPy arrays; the codebook tree is rolled up in NumPy, and the reliability matrix of
every code and every `exclusive` parent is a scatter into those arrays, never a loop
over quotes. For a code, a coder's value on a quote is 1 when they applied it or a
descendant, 0 when they coded or reviewed the quote otherwise, missing when they never
touched it. For an exclusive parent the value is the child applied or "none"; a coder
who applied two children of it (possible through imports or merges) gets that pair as
its own category, which counts as a disagreement with either child alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import text as sql
from sqlmodel import Session

from qualcode.config import RESERVED_CODERS
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.reports.agreement_stats import MISSING, STATISTICS, Figures, Matrix, figures
from qualcode.reports.alpha_bootstrap import REPLICATES, SEED, alpha_intervals
from qualcode.services.assign import assigned_quotes, coders_with_assignments
from qualcode.services.code_tree import CodeNode, code_tree

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Matrices:
    """What the coders did, as arrays over units (quotes touched by at least one coder)."""

    coders: list[str]
    codes: list[CodeNode]
    quote_ids: Ints
    group_of_unit: Ints
    groups: list[tuple[int, str]]
    touched: npt.NDArray[np.bool_]
    """coders × units: the coder coded or reviewed the quote."""
    applied: dict[int, tuple[Ints, Ints]]
    """code id → (coder rows, unit columns) where the coder applied it or a descendant."""

    def code_matrix(self, code_id: int, units: npt.NDArray[np.bool_] | None = None) -> Matrix:
        values: Matrix = np.where(self.touched, 0, MISSING).astype(np.int64)
        rows, cols = self.applied.get(code_id, (_EMPTY, _EMPTY))
        values[rows, cols] = 1
        return values if units is None else values[:, units]

    def exclusive_matrix(self, parent: CodeNode,
                         units: npt.NDArray[np.bool_] | None = None) -> Matrix:
        """One category per distinct set of children applied, the empty set being "none"."""
        children = [c for c in self.codes if c.parent_id == parent.id]
        masks = np.zeros(self.touched.shape, dtype=np.int64)
        for bit, child in enumerate(children):
            rows, cols = self.applied.get(child.id, (_EMPTY, _EMPTY))
            masks[rows, cols] |= np.int64(1) << np.int64(bit)
        if units is not None:
            masks, touched = masks[:, units], self.touched[:, units]
        else:
            touched = self.touched
        _, categories = np.unique(masks, return_inverse=True)
        categories = categories.reshape(masks.shape)
        return np.where(touched, categories, MISSING).astype(np.int64)


_EMPTY: Ints = np.zeros(0, dtype=np.int64)


def default_coders(session: Session) -> list[str]:
    """Every coder who coded or reviewed something, but `consensus` and `auto`."""
    rows = session.execute(sql(
        "SELECT k.name FROM coder k WHERE k.id IN (SELECT coder_id FROM coding) "
        "OR k.id IN (SELECT coder_id FROM review) ORDER BY k.name"
    )).all()
    return [r[0] for r in rows if r[0] not in RESERVED_CODERS]


def load(session: Session, coders: list[str] | None = None) -> Matrices:
    chosen = list(dict.fromkeys(coders)) if coders else default_coders(session)
    ids = dict(session.execute(sql("SELECT name, id FROM coder")).all())
    unknown = [c for c in chosen if c not in ids]
    if unknown:
        known = ", ".join(sorted(ids)) or _("none yet")
        raise UserError(_("unknown coder {unknown!r} (coders: {known})").format(
                            unknown=unknown[0], known=known))
    if len(chosen) < 2:
        found = ", ".join(chosen) or "none"
        raise UserError(_("agreement needs at least two coders who coded quotes (found: "
                          "{found}); name them with --coders A,B").format(found=found))
    coder_ids = np.array([ids[name] for name in chosen], dtype=np.int64)
    codings = _fetch(session, "SELECT coder_id, quote_id, code_id FROM coding", 3)
    codings = codings[np.isin(codings[:, 0], coder_ids)]
    reviews = _fetch(session, "SELECT coder_id, quote_id FROM review", 2)
    reviews = reviews[np.isin(reviews[:, 0], coder_ids)]
    quote_groups = _fetch(session, "SELECT id, group_id FROM quote ORDER BY id", 2)
    groups = [(int(i), str(n)) for i, n in session.execute(sql(
        "SELECT id, name FROM study_group ORDER BY position, id")).all()]
    quote_ids = np.unique(np.concatenate([codings[:, 1], reviews[:, 1]]))
    group_of_unit = quote_groups[np.searchsorted(quote_groups[:, 0], quote_ids), 1]

    order = np.argsort(coder_ids)

    def coder_row(values: Ints) -> Ints:
        return order[np.searchsorted(coder_ids, values, sorter=order)]

    touched = np.zeros((len(chosen), quote_ids.size), dtype=np.bool_)
    rows, cols = coder_row(codings[:, 0]), np.searchsorted(quote_ids, codings[:, 1])
    touched[rows, cols] = True
    touched[coder_row(reviews[:, 0]), np.searchsorted(quote_ids, reviews[:, 1])] = True
    tree = code_tree(session)
    applied: dict[int, tuple[Ints, Ints]] = {}
    for code, family in _descendants(tree).items():
        hit = np.isin(codings[:, 2], family)
        if hit.any():
            cells = np.unique(rows[hit] * quote_ids.size + cols[hit])
            applied[code] = (cells // quote_ids.size, cells % quote_ids.size)
    return Matrices(chosen, tree, quote_ids, group_of_unit, groups, touched, applied)


def _fetch(session: Session, query: str, columns: int) -> Ints:
    """Integer rows straight from the driver's cursor: at a million codings, SQLAlchemy's
    Row objects and NumPy's conversion of them cost a hundred times the query itself."""
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(query)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    flat = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=columns * len(rows))
    return flat.reshape(-1, columns)


def _descendants(tree: list[CodeNode]) -> dict[int, Ints]:
    """Each code with itself and everything below it."""
    children: dict[int | None, list[int]] = {}
    for node in tree:
        children.setdefault(node.parent_id, []).append(node.id)
    out: dict[int, Ints] = {}

    def below(code: int) -> list[int]:
        found = [code]
        for child in children.get(code, []):
            found += below(child)
        return found

    for node in tree:
        out[node.id] = np.array(below(node.id), dtype=np.int64)
    return out


def compute(session: Session, coders: list[str] | None = None, *,
            by_group: bool = False, replicates: int = REPLICATES,
            seed: int = SEED, assigned: bool = False) -> dict[str, Any]:
    """SPEC's JSON, plus `reasons` for each null statistic and, on request, the same
    figures for each focus group on its own. `replicates` and `seed` drive alpha's
    bootstrap interval, so the same project and seed always give the same interval.
    `assigned` keeps the double-coding sample the coders share (`qualcode assign`)."""
    if assigned and coders is None:
        coders = coders_with_assignments(session)
        if not coders:
            raise UserError(_("no quote is assigned yet; `qualcode assign --coders A,B "
                            "--share 20%` draws the double-coding sample"))
    m = load(session, coders)
    draws = Draws(replicates, seed)
    sample = None
    if assigned:
        sample = np.isin(m.quote_ids, sorted(assigned_quotes(session, m.coders)))
    data = _section(m, sample, draws)
    touched = m.touched if sample is None else m.touched[:, sample]
    result: dict[str, Any] = {"coders": m.coders, "units": _double_coded(touched), **data}
    if sample is not None:
        result["assigned"] = len(assigned_quotes(session, m.coders))
    if by_group:
        result["groups"] = []
        for gid, name in m.groups:
            units = m.group_of_unit == gid
            if sample is not None:
                units &= sample
            result["groups"].append({"group": name, "units": _double_coded(m.touched[:, units]),
                                     **_section(m, units, draws)})
    return result


@dataclass(frozen=True)
class Draws:
    replicates: int
    seed: int


def _double_coded(touched: npt.NDArray[np.bool_]) -> int:
    return int(np.count_nonzero(touched.sum(axis=0) >= 2))


def _section(m: Matrices, units: npt.NDArray[np.bool_] | None, draws: Draws) -> dict[str, Any]:
    parents = [p for p in m.codes if p.exclusive]
    matrices = ([m.code_matrix(c.id, units) for c in m.codes]
                + [m.exclusive_matrix(p, units) for p in parents])
    intervals = alpha_intervals(matrices, replicates=draws.replicates, seed=draws.seed)
    rows = []
    for values, interval in zip(matrices, intervals, strict=True):
        stats = figures(values)
        ci = None if stats.krippendorff_alpha is None or interval is None else list(interval)
        rows.append({**stats.as_json(), "krippendorff_alpha_ci": ci})
    codes = [{"code": c.name, **row} for c, row in zip(m.codes, rows, strict=False)]
    exclusive = [{"parent": p.name, **row}
                 for p, row in zip(parents, rows[len(m.codes):], strict=True)]
    return {"codes": codes, "exclusive": exclusive}


def pooled(m: Matrices) -> Figures | None:
    """Every code at once, each (quote, code) one unit: one figure for a whole coder pair."""
    if not m.codes:
        return None
    return figures(np.concatenate([m.code_matrix(c.id) for c in m.codes], axis=1))


def to_markdown(data: dict[str, Any]) -> str:
    """Tables a team can paste into its methods section; undefined figures explained."""
    lines = [_("# Inter-coder agreement: {items}").format(items=', '.join(data['coders'])), "",
             _("{units} quotes coded by two or more of these coders. Units are quotes; a coder "
               "who never touched a quote has no value on it. Brackets: Krippendorff's α 95 % "
               "bootstrap interval (quotes resampled, Hayes & Krippendorff 2007).").format(
                 units=data['units']), ""]
    lines += _md_section(data)
    for group in data.get("groups", []):
        lines += ["", _("## Group {group} ({units} quotes)").format(group=group["group"],
                                                                   units=group["units"]), ""]
        lines += _md_section(group)
    notes = _notes(data)
    if notes:
        lines += ["", _("## Undefined figures"), ""]
        lines += [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def _header(first: str) -> list[str]:
    return [_("| {first} | units | % agreement | Cohen's κ | Fleiss' κ | Krippendorff's α |"
              ).format(first=first), "|---|---:|---:|---:|---:|---:|"]


def _md_section(data: dict[str, Any]) -> list[str]:
    lines = _header(_("code"))
    lines += [_md_row(c["code"], c) for c in data["codes"]]
    if data["exclusive"]:
        lines += ["", *_header(_("exclusive parent"))]
        lines += [_md_row(e["parent"], e) for e in data["exclusive"]]
    return lines


def _md_row(name: str, row: dict[str, Any]) -> str:
    cells = ["—" if row[s] is None else
             (f"{row[s]:.1%}" if s == "percent_agreement" else f"{row[s]:.3f}")
             for s in STATISTICS]
    interval = row.get("krippendorff_alpha_ci")
    if interval is not None:
        cells[-1] += f" [{interval[0]:.3f}, {interval[1]:.3f}]"
    return f"| {name} | {row['units']} | " + " | ".join(cells) + " |"


def _notes(data: dict[str, Any]) -> list[str]:
    """One line per distinct reason, naming the codes it applies to."""
    labels = {"percent_agreement": _("percent agreement"), "cohen_kappa": "Cohen's κ",
              "fleiss_kappa": "Fleiss' κ", "krippendorff_alpha": "Krippendorff's α"}
    where: dict[tuple[str, str], list[str]] = {}
    sections = [("", data), *((f"{g['group']}: ", g) for g in data.get("groups", []))]
    for prefix, section in sections:
        rows = [(c["code"], c) for c in section["codes"]]
        rows += [(e["parent"], e) for e in section["exclusive"]]
        for name, row in rows:
            for stat, reason in row["reasons"].items():
                where.setdefault((labels[stat], reason), []).append(prefix + name)
    out = []
    for (label, reason), names in where.items():
        shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        out.append(f"{label} undefined — {reason}: {shown}")
    return out
