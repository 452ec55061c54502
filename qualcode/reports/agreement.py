"""Inter-coder agreement of a project, as SPEC's `agreement --format json` structure.

The project is read in two plain queries (codings, review marks) on a Reader, each row
packed into one integer and the whole column aggregated into one string that NumPy
parses: a million codings fetched as Python rows cost four times the query. The codebook
is rolled up in NumPy into one boolean array, codes × coders × units, and the statistics
of every code come from its counts at once (`binary_figures`); only an `exclusive`
parent gets a matrix of its own. For a code, a coder's value on a quote is 1 when they
applied it or a descendant, 0 when they coded or reviewed the quote otherwise, missing
when they never touched it. For an exclusive parent the value is the child applied or
"none"; a coder who applied two children of it (possible through imports or merges)
gets that pair as its own category, which counts as a disagreement with either child
alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from qualcode.config import RESERVED_CODERS
from qualcode.db.reader import Reader, reader_of
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.reports.agreement_stats import (
    MISSING,
    STATISTICS,
    Figures,
    Flags,
    Ints,
    Matrix,
    binary_figures,
    category_counts,
    figures,
)
from qualcode.reports.alpha_bootstrap import REPLICATES, SEED, sum_intervals, unit_sums
from qualcode.services.assignments import assigned_quotes, coders_with_assignments
from qualcode.services.code_tree import CodeNode, code_tree

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True)
class Matrices:
    """What the coders did, as arrays over units (quotes touched by at least one coder)."""

    coders: list[str]
    codes: list[CodeNode]
    quote_ids: Ints
    touched: Flags
    """coders × units: the coder coded or reviewed the quote."""
    applied: Flags
    """codes (in `codes` order) × coders × units: the coder applied the code or a
    descendant there."""

    def values(self) -> Matrix:
        """codes × coders × units: each code's reliability matrix (1, 0 or MISSING)."""
        return np.where(self.touched, self.applied, MISSING).astype(np.int64)

    def exclusive_matrix(self, parent: CodeNode, units: Flags | None = None) -> Matrix:
        """One category per distinct set of children applied, the empty set being "none"."""
        children = [i for i, c in enumerate(self.codes) if c.parent_id == parent.id]
        masks = np.zeros(self.touched.shape, dtype=np.int64)
        for bit, child in enumerate(children):
            masks |= self.applied[child].astype(np.int64) << np.int64(bit)
        if units is not None:
            masks, touched = masks[:, units], self.touched[:, units]
        else:
            touched = self.touched
        _, categories = np.unique(masks, return_inverse=True)
        categories = categories.reshape(masks.shape)
        return np.where(touched, categories, MISSING).astype(np.int64)


def default_coders(source: Reader | Session) -> list[str]:
    """Every coder who coded or reviewed something, but `consensus` and `auto`. EXISTS
    stops at each coder's first coding; `IN (SELECT coder_id FROM coding)` read them
    all (0.15 s at a million codings)."""
    rows = reader_of(source).rows(
        "SELECT k.name FROM coder k WHERE EXISTS (SELECT 1 FROM coding c "
        "WHERE c.coder_id = k.id) OR EXISTS (SELECT 1 FROM review r WHERE r.coder_id = k.id) "
        "ORDER BY k.name")
    return [r[0] for r in rows if r[0] not in RESERVED_CODERS]


def load(source: Reader | Session, coders: list[str] | None = None) -> Matrices:
    reader = reader_of(source)
    chosen = list(dict.fromkeys(coders)) if coders else default_coders(reader)
    ids: dict[str, int] = dict(reader.rows("SELECT name, id FROM coder"))
    unknown = [c for c in chosen if c not in ids]
    if unknown:
        known = ", ".join(sorted(ids)) or _("none yet")
        raise UserError(_("unknown coder {unknown!r} (coders: {known})").format(
                            unknown=unknown[0], known=known))
    if len(chosen) < 2:
        found = ", ".join(chosen) or "none"
        raise UserError(_("agreement needs at least two coders who coded quotes (found: "
                          "{found}); name them with --coders A,B").format(found=found))
    tree = code_tree(reader)
    code_span = max((node.id for node in tree), default=0) + 1
    row_of = np.full(max(ids.values()) + 1, -1, dtype=np.int64)
    row_of[[ids[name] for name in chosen]] = np.arange(len(chosen))
    coding_quotes, coding_codes, coding_rows = _codings(reader, row_of, code_span)
    review_quotes, review_rows = _reviews(reader, row_of)
    # units: the quotes touched, numbered in id order by a running count over the ids
    # (linear, where sorting a million codings' quote ids was not)
    present = np.zeros(int(max(coding_quotes.max(initial=0), review_quotes.max(initial=0))) + 1,
                       dtype=np.bool_)
    present[coding_quotes] = present[review_quotes] = True
    quote_ids = np.flatnonzero(present)
    column_of = np.cumsum(present) - 1
    coding_cols = column_of[coding_quotes]
    touched = np.zeros((len(chosen), quote_ids.size), dtype=np.bool_)
    touched[coding_rows, coding_cols] = True
    touched[review_rows, column_of[review_quotes]] = True
    index_of = np.zeros(code_span, dtype=np.int64)
    index_of[[node.id for node in tree]] = np.arange(len(tree))
    applied = np.zeros((len(tree), len(chosen), quote_ids.size), dtype=np.bool_)
    applied[index_of[coding_codes], coding_rows, coding_cols] = True
    position = {node.id: i for i, node in enumerate(tree)}
    for i in reversed(range(len(tree))):  # children come after their parent in tree order
        parent = tree[i].parent_id
        if parent is not None:
            applied[position[parent]] |= applied[i]
    return Matrices(chosen, tree, quote_ids, touched, applied)


def _codings(reader: Reader, row_of: Ints, code_span: int) -> tuple[Ints, Ints, Ints]:
    """Quote, code and coder row of each coding by a chosen coder (`row_of` a coder id's
    row, -1 for the others)."""
    coder_span = row_of.size
    packed = _packed(reader, "(CAST(quote_id AS BIGINT) * ? + code_id) * ? + coder_id",
                     "coding", (code_span, coder_span))
    quotes, rest = np.divmod(packed, code_span * coder_span)
    codes, coders = np.divmod(rest, coder_span)
    rows = row_of[coders]
    mine = rows >= 0
    return quotes[mine], codes[mine], rows[mine]


def _reviews(reader: Reader, row_of: Ints) -> tuple[Ints, Ints]:
    """Quote and coder row of each review mark by a chosen coder."""
    quotes, coders = np.divmod(_packed(reader, "CAST(quote_id AS BIGINT) * ? + coder_id",
                                       "review", (row_of.size,)), row_of.size)
    rows = row_of[coders]
    return quotes[rows >= 0], rows[rows >= 0]


def _packed(reader: Reader, expression: str, table: str, params: Sequence[int]) -> Ints:
    """`expression` (an integer packing a row's ids) over every row of `table`, sent as one
    comma-separated string that NumPy parses in C."""
    found = reader.row(f"SELECT {reader.joined(expression)} FROM {table}", params)
    text = found[0] if found else None
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


def _groups(reader: Reader, quote_ids: Ints) -> tuple[Ints, list[tuple[int, str]]]:
    """Each unit's focus group, and the groups in design order."""
    groups = [(int(i), str(n)) for i, n in reader.rows(
        "SELECT id, name FROM study_group ORDER BY position, id")]
    span = max((gid for gid, _name in groups), default=0) + 1
    packed = np.sort(_packed(reader, "CAST(id AS BIGINT) * ? + group_id", "quote", (span,)))
    quotes, group_ids = np.divmod(packed, span)
    return group_ids[np.searchsorted(quotes, quote_ids)], groups


def compute(source: Reader | Session, coders: list[str] | None = None, *,
            by_group: bool = False, replicates: int = REPLICATES,
            seed: int = SEED, assigned: bool = False) -> dict[str, Any]:
    """SPEC's JSON, plus `reasons` for each null statistic and, on request, the same
    figures for each focus group on its own. `replicates` and `seed` drive alpha's
    bootstrap interval, so the same project and seed always give the same interval.
    `assigned` keeps the double-coding sample the coders share (`qualcode assign`)."""
    reader = reader_of(source)
    if assigned and coders is None:
        coders = coders_with_assignments(reader)
        if not coders:
            raise UserError(_("no quote is assigned yet; `qualcode assign --coders A,B "
                            "--share 20%` draws the double-coding sample"))
    m = load(reader, coders)
    draws = Draws(replicates, seed)
    sample = None
    shared: set[int] = set()
    if assigned:
        shared = assigned_quotes(reader, m.coders)
        sample = np.isin(m.quote_ids, sorted(shared))
    data = _section(m, sample, draws)
    touched = m.touched if sample is None else m.touched[:, sample]
    result: dict[str, Any] = {"coders": m.coders, "units": _double_coded(touched), **data}
    if sample is not None:
        result["assigned"] = len(shared)
    if by_group:
        group_of_unit, groups = _groups(reader, m.quote_ids)
        result["groups"] = []
        for gid, name in groups:
            units = group_of_unit == gid
            if sample is not None:
                units &= sample
            result["groups"].append({"group": name, "units": _double_coded(m.touched[:, units]),
                                     **_section(m, units, draws)})
    return result


@dataclass(frozen=True)
class Draws:
    replicates: int
    seed: int


def _double_coded(touched: Flags) -> int:
    return int(np.count_nonzero(touched.sum(axis=0) >= 2))


def _section(m: Matrices, units: Flags | None, draws: Draws) -> dict[str, Any]:
    touched = m.touched if units is None else m.touched[:, units]
    applied = m.applied if units is None else m.applied[:, :, units]
    parents = [p for p in m.codes if p.exclusive]
    exclusive = [m.exclusive_matrix(p, units) for p in parents]
    stats = binary_figures(applied, touched) + [figures(values) for values in exclusive]
    intervals = _intervals(applied, touched, exclusive, draws)
    rows = []
    for found, interval in zip(stats, intervals, strict=True):
        ci = None if found.krippendorff_alpha is None or interval is None else list(interval)
        rows.append({**found.as_json(), "krippendorff_alpha_ci": ci})
    codes = [{"code": c.name, **row} for c, row in zip(m.codes, rows, strict=False)]
    exclusive_rows = [{"parent": p.name, **row}
                      for p, row in zip(parents, rows[len(m.codes):], strict=True)]
    return {"codes": codes, "exclusive": exclusive_rows}


def _intervals(applied: Flags, touched: Flags, exclusive: list[Matrix],
               draws: Draws) -> list[tuple[float, float] | None]:
    """Alpha's interval for each code and parent, from their bootstrap columns over the
    pairable units (which all share): a code's category counts are the coders who did
    not and did apply it. Nothing is prepared when no interval is asked for."""
    if draws.replicates <= 0:
        return [None] * (applied.shape[0] + len(exclusive))
    pairable = touched.sum(axis=0) >= 2
    totals = touched[:, pairable].sum(axis=0, dtype=np.int64)
    ones = applied[:, :, pairable].sum(axis=1, dtype=np.int64)
    blocks = [*unit_sums(np.stack([totals - ones, ones], axis=-1))]
    blocks += [unit_sums(category_counts(values[:, pairable])) for values in exclusive]
    return sum_intervals(totals, blocks, replicates=draws.replicates, seed=draws.seed)


def pooled(m: Matrices) -> Figures | None:
    """Every code at once, each (quote, code) one unit: one figure for a whole coder pair."""
    if not m.codes:
        return None
    values = m.values()
    return figures(values.transpose(1, 0, 2).reshape(values.shape[1], -1))


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
