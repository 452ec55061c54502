"""The workbench's view models: plain data loaded in worker threads, never ORM rows.

Everything a widget draws comes from here. Quotes are loaded once (they do not change
while coding); the coding state of a quote is an immutable `QuoteState` replaced as a
whole when a write is acknowledged, so a thread never sees a half-updated quote. Filters
and report drill-downs run as SQL in workers: the database is the truth once a write
has committed, and no thread iterates over what the event loop mutates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text as sql
from sqlmodel import Session, select

from qualcode.db.models import Code
from qualcode.domain.codebook import HOTKEYS
from qualcode.i18n import N_, _
from qualcode.services.assignments import assigned_quotes
from qualcode.services.code_tree import code_tree
from qualcode.services.design import load_design
from qualcode.services.quotes import CLOSURE_CTE

AUTO = "auto"
"""Machine suggestions: shown on a quote, never counted as a person's coding."""


@dataclass(frozen=True, slots=True)
class QuoteRow:
    id: int
    group: str
    speaker: str
    moderator: bool
    text: str


@dataclass(frozen=True, slots=True)
class CodeInfo:
    id: int
    name: str
    parent_id: int | None
    depth: int
    hotkey: str | None
    """The key that toggles it: its own, or a digit left over, given in tree order."""
    key: str | None
    """Its own hotkey in the codebook, if it has one."""
    color: str
    exclusive: bool
    description: str
    include: str
    exclude: str
    example: str
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Segment:
    """One coder's code on characters start:end of a quote (code points)."""

    coder: str
    code_id: int
    start: int
    end: int
    memo: str = ""


@dataclass(frozen=True, slots=True)
class QuoteState:
    """Who coded what on one quote, who marked it reviewed, and the memos on it."""

    codes: tuple[tuple[str, tuple[int, ...]], ...] = ()
    reviewed: frozenset[str] = frozenset()
    memos: tuple[tuple[str, str], ...] = ()
    coding_memos: tuple[tuple[str, int, str], ...] = ()
    segments: tuple[Segment, ...] = ()
    """Codings on a stretch of the quote rather than the whole turn."""
    whole: frozenset[tuple[str, int]] = frozenset()
    """(coder, code) coded on the whole turn."""

    def codes_of(self, coder: str) -> tuple[int, ...]:
        for who, ids in self.codes:
            if who == coder:
                return ids
        return ()

    def done_by(self, coder: str) -> bool:
        return coder in self.reviewed or bool(self.codes_of(coder))

    def memo_of(self, coder: str) -> str:
        return next((text for who, text in self.memos if who == coder), "")

    def whole_codes_of(self, coder: str) -> set[int]:
        """The coder's codes on the whole turn (a code can be on segments only)."""
        return {code for who, code in self.whole if who == coder}

    def segments_of(self, coder: str, code_id: int | None = None) -> list[Segment]:
        return [s for s in self.segments if s.coder == coder
                and (code_id is None or s.code_id == code_id)]

    def counted_codes(self) -> set[int]:
        """Codes any person (not `auto`) applied: what the report and the counts see."""
        return {c for who, ids in self.codes if who != AUTO for c in ids}


EMPTY = QuoteState()
FALLBACK_COLOURS = ("#8e24aa", "#00897b", "#f4511e", "#6d4c41", "#546e7a", "#c0ca33")


KINDS = frozenset({"group", "level", "speaker", "code", "coder", "uncoded", "untouched",
                   "informative"})
"""The kinds of filter `filter_ids` knows."""


@dataclass(frozen=True, slots=True)
class Criterion:
    """One filter condition; several are combined with AND (one per kind)."""

    kind: str
    """group, level, speaker, code, coder, uncoded (by me), untouched (by anyone), or
    informative: untouched, the quotes the suggestions are least sure of first."""
    value: int | str
    label: str
    dimension: str = ""
    """For a level: its dimension. Levels of different dimensions combine (CSP- and 60+);
    a new level of the same dimension replaces the old one."""

    @property
    def slot(self) -> tuple[str, str]:
        """Criteria in one slot replace each other; different slots combine."""
        return self.kind, self.dimension


SPEAKER_WIDTH = 14
GROUP_WIDTH = 10
"""Widest speaker and group columns in the quote list; longer names end with «…»."""
PAGE_MARGIN = 200
"""Quotes read ahead on each side of what is on screen, so moving rarely meets a gap."""
TEXT_CACHE = 20_000
"""Texts kept in memory at most; the database holds them all."""
LOADING = "…"
"""What a line shows for the instant its text is still being read."""


@dataclass(repr=False)
class Workbench:
    """Everything the coding screen shows, owned by the event loop once loaded.

    The quotes' order, groups and speakers are loaded at once (a few integers each).
    Texts and coding states are read in workers, a page around what is on screen at a
    time, and merged here on the event loop: drawing never touches the database. The
    counts per code arrive from another worker (`counts_loaded`), so the first screen
    does not wait for a million codings.
    """

    coder: str
    title: str
    ids: list[int]
    gids: list[int]
    pids: list[int]
    group_names: dict[int, str]
    speaker_of: dict[int, tuple[str, bool]]
    codes: list[CodeInfo]
    groups: list[tuple[int, str, dict[str, str]]]
    levels: list[tuple[int, str, str]]
    speakers: list[tuple[int, str, str]]
    coders: list[str]
    mine: set[int] = field(default_factory=set)
    """Quotes I have coded or marked reviewed: progress, and `n` (come with the counts)."""
    counts_loaded: bool = False
    assigned: frozenset[int] = frozenset()
    """Quotes drawn for me to double-code (`qualcode assign`): `n` visits them first."""
    count_all: Counter[int] = field(default_factory=Counter)
    count_mine: Counter[int] = field(default_factory=Counter)

    def __repr__(self) -> str:
        """Short: Textual writes a worker's arguments into its description, and the
        full dataclass form of 100,000 quotes took 60 ms of the event loop a page read."""
        return f"Workbench({self.coder!r}, {len(self.ids)} quotes)"

    def __post_init__(self) -> None:
        self.index = {qid: i for i, qid in enumerate(self.ids)}
        self.moderator_quotes = frozenset(
            qid for qid, pid in zip(self.ids, self.pids, strict=True) if self.speaker_of[pid][1])
        """Moderators' turns: context, never in the queue or the progress (reports skip
        them)."""
        self._mine_moderated = 0
        self.texts: dict[int, str] = {}
        self.states: dict[int, QuoteState] = {}
        self.pending: set[int] = set()
        """Quotes a page worker is reading now: not asked for twice."""
        self.version = 0
        """Bumped by every acknowledged write; a page read before it must not undo it."""
        self.written: dict[int, int] = {}
        """The version at which each quote's state was last replaced by a write."""
        self.colours = {c.id: c.color for c in self.codes}
        """Code colours in tree order, for the marks drawn on every line."""
        self.code_by_id = {c.id: c for c in self.codes}
        self.speaker_width = min(SPEAKER_WIDTH, max(
            (len(label) for label, _ in self.speaker_of.values()), default=1))
        self.group_width = min(GROUP_WIDTH, max(map(len, self.group_names.values()), default=1))
        """The quote list's columns fit the longest name, up to a sensible width."""
        self.by_key = {c.hotkey: c for c in self.codes if c.hotkey}
        self.lineage: dict[int, tuple[int, ...]] = {}
        """Each code with its ancestors: a quote counts for a theme through its sub-codes."""
        for code in self.codes:
            above = self.lineage.get(code.parent_id, ()) if code.parent_id else ()
            self.lineage[code.id] = (code.id, *above)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def done(self) -> int:
        """Participants' turns I have coded or reviewed."""
        return len(self.mine) - self._mine_moderated

    @property
    def to_code(self) -> int:
        """Participants' turns: the coding queue."""
        return len(self.ids) - len(self.moderator_quotes)

    def is_loaded(self, quote_id: int) -> bool:
        return quote_id in self.texts

    def claim_missing(self, quote_ids: Iterable[int]) -> list[int]:
        """The quotes among these that nobody has read or is reading; now pending."""
        missing = [q for q in quote_ids if q not in self.texts and q not in self.pending]
        self.pending.update(missing)
        return missing

    def merge(self, page: Page, version: int) -> None:
        """A page worker's result: keep it, unless a write has replaced a state since."""
        if len(self.texts) + len(page.texts) > TEXT_CACHE:
            self.texts.clear()
            self.states.clear()
        self.pending.difference_update(page.texts)
        self.texts.update(page.texts)
        for qid, state in page.states.items():
            if self.written.get(qid, 0) <= version:
                self.states[qid] = state

    def row(self, i: int) -> QuoteRow:
        qid = self.ids[i]
        label, moderator = self.speaker_of[self.pids[i]]
        return QuoteRow(qid, self.group_names[self.gids[i]], label, moderator,
                        self.texts.get(qid, LOADING))

    def quote(self, quote_id: int) -> QuoteRow:
        return self.row(self.index[quote_id])

    def set_counts(self, counts: Counts) -> None:
        self.count_all, self.count_mine, self.mine = counts.everyone, counts.mine, counts.done
        self._mine_moderated = len(self.mine & self.moderator_quotes)
        self.counts_loaded = True

    def code_for_key(self, key: str) -> CodeInfo | None:
        return self.by_key.get(key)

    def state(self, quote_id: int) -> QuoteState:
        """What is known of the quote's codings; empty until its page has been read."""
        return self.states.get(quote_id, EMPTY)

    def replace(self, quote_id: int, state: QuoteState, before: QuoteState | None) -> None:
        """A write was acknowledged: swap the quote's state and keep the counts exact.

        `before` is the state the write itself read in its transaction, so the counts
        stay right even for a quote whose page was never read here.
        """
        if quote_id not in self.index:
            return
        self.version += 1
        self.written[quote_id] = self.version
        self._account(self.state(quote_id) if before is None else before, -1)
        self.states[quote_id] = state
        self._account(state, +1)
        was = quote_id in self.mine
        if state.done_by(self.coder):
            self.mine.add(quote_id)
        else:
            self.mine.discard(quote_id)
        if quote_id in self.moderator_quotes:
            self._mine_moderated += (quote_id in self.mine) - was

    def _account(self, state: QuoteState, sign: int) -> None:
        for code in {a for c in state.counted_codes() for a in self.lineage.get(c, (c,))}:
            self.count_all[code] += sign
        for code in {a for c in state.codes_of(self.coder) for a in self.lineage.get(c, (c,))}:
            self.count_mine[code] += sign

    def neighbours(self, quote_id: int) -> tuple[QuoteRow | None, QuoteRow | None]:
        """The turns just before and after in the same transcript, for context."""
        i = self.index[quote_id]
        before = self.row(i - 1) if i > 0 and self.gids[i - 1] == self.gids[i] else None
        after = (self.row(i + 1) if i + 1 < len(self.ids) and self.gids[i + 1] == self.gids[i]
                 else None)
        return before, after


@dataclass(frozen=True)
class Page:
    """Texts and coding states of a page of quotes."""

    texts: dict[int, str]
    states: dict[int, QuoteState]


def load_workbench(session: Session, coder: str) -> Workbench:
    """What the first screen needs, in a handful of light queries (run in a worker).

    The first page of texts comes with it, so the first screen is drawn whole."""
    design = load_design(session)
    group_names = {int(gid): str(name) for gid, name in
                   session.execute(sql("SELECT id, name FROM study_group")).all()}
    speaker_of: dict[int, tuple[str, bool]] = {}
    speaker_list: list[tuple[int, str, str]] = []
    for pid, gid, label, moderator in session.execute(sql(
        "SELECT p.id, p.group_id, p.label, p.is_moderator FROM participant p "
        "JOIN study_group g ON g.id = p.group_id ORDER BY g.position, g.id, p.label"
    )).all():
        speaker_of[int(pid)] = (str(label), bool(moderator))
        speaker_list.append((int(pid), group_names[int(gid)], str(label)))
    # 100,000 rows: read through the driver's own cursor, skipping SQLAlchemy's row
    # objects, which would double the time before the first screen.
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(
            "SELECT q.id, q.group_id, q.participant_id FROM quote q "
            "JOIN study_group g ON g.id = q.group_id ORDER BY g.position, g.id, q.position")
        order = cursor.fetchall()
    finally:
        cursor.close()
    levels = [(int(lid), str(d), str(lv)) for lid, d, lv in session.execute(sql(
        "SELECT l.id, d.name, l.name FROM level l JOIN dimension d ON d.id = l.dimension_id "
        "ORDER BY d.position, l.position"
    )).all()]
    bench = Workbench(
        coder=coder,
        title=design.title,
        ids=[r[0] for r in order],
        gids=[r[1] for r in order],
        pids=[r[2] for r in order],
        group_names=group_names,
        speaker_of=speaker_of,
        codes=load_codes(session),
        groups=[(g.id, g.name, dict(g.levels)) for g in design.groups],
        levels=levels,
        speakers=speaker_list,
        coders=[str(n) for (n,) in session.execute(sql("SELECT name FROM coder ORDER BY name"))],
        assigned=frozenset(assigned_quotes(session, [coder])),
    )
    bench.merge(read_page(session, bench.ids[:PAGE_MARGIN]), bench.version)
    return bench


def read_page(session: Session, ids: Sequence[int]) -> Page:
    """Texts and states of these quotes: what the screen needs to draw them."""
    if not ids:
        return Page({}, {})
    listed = ",".join(str(int(i)) for i in ids)
    texts = {int(qid): str(text) for qid, text in session.execute(sql(
        f"SELECT id, text FROM quote WHERE id IN ({listed})"))}
    states = load_states(session, listed)
    return Page(texts, {qid: states.get(qid, EMPTY) for qid in texts})


@dataclass(frozen=True)
class Counts:
    """What the codebook pane and the progress need from every coding of the project."""

    everyone: Counter[int]
    """Quotes per code, with its sub-codes, coded by anyone but `auto`."""
    mine: Counter[int]
    """The same, coded by me."""
    done: set[int]
    """Quotes I have coded or marked reviewed."""


def load_counts(session: Session, coder: str) -> Counts:
    """The counts over every coding: seconds on a million, so read after the first screen."""
    counts = (CLOSURE_CTE + "SELECT cl.ancestor, COUNT(DISTINCT c.quote_id) FROM coding c "
              "JOIN coder k ON k.id = c.coder_id "
              "JOIN code_closure cl ON cl.descendant = c.code_id WHERE {w} GROUP BY cl.ancestor")
    params = {"auto": AUTO, "me": coder}
    everyone = Counter({int(c): int(n) for c, n in
                        session.execute(sql(counts.format(w="k.name <> :auto")), params)})
    mine = Counter({int(c): int(n) for c, n in
                    session.execute(sql(counts.format(w="k.name = :me")), params)})
    done = {int(q) for (q,) in session.execute(sql(
        "SELECT c.quote_id FROM coding c JOIN coder k ON k.id = c.coder_id WHERE k.name = :me "
        "UNION SELECT r.quote_id FROM review r JOIN coder k ON k.id = r.coder_id "
        "WHERE k.name = :me"), params)}
    return Counts(everyone, mine, done)


def load_codes(session: Session) -> list[CodeInfo]:
    """The codebook in tree order, with each code's effective hotkey and a colour."""
    full = {c.id: c for c in session.exec(select(Code)).all()}
    nodes = code_tree(session)
    taken = {n.key for n in nodes if n.key in HOTKEYS}
    spare = iter(sorted(HOTKEYS - taken))
    out: list[CodeInfo] = []
    for i, node in enumerate(nodes):
        code = full[node.id]
        hotkey = node.key if node.key in HOTKEYS else next(spare, None)
        out.append(CodeInfo(
            id=node.id, name=node.name, parent_id=node.parent_id, depth=node.depth,
            hotkey=hotkey, key=node.key,
            color=node.color or FALLBACK_COLOURS[i % len(FALLBACK_COLOURS)],
            exclusive=node.exclusive, description=code.description, include=code.include,
            exclude=code.exclude, example=code.example, keywords=node.keywords,
        ))
    return out


_STATE_SQL = {
    "codes": "SELECT c.quote_id, k.name, c.code_id, c.memo, c.span_start, c.span_end "
             "FROM coding c "
             "JOIN coder k ON k.id = c.coder_id {where} ORDER BY c.quote_id, c.id",
    "reviews": "SELECT r.quote_id, k.name FROM review r JOIN coder k ON k.id = r.coder_id {where}",
    "memos": "SELECT m.quote_id, k.name, m.text FROM memo m JOIN coder k ON k.id = m.coder_id "
             "{where} ORDER BY k.name",
}


def load_states(session: Session, listed: str) -> dict[int, QuoteState]:
    """Coding states of the quotes whose ids are `listed` (comma-separated integers)."""
    prefix = {"codes": "c", "reviews": "r", "memos": "m"}

    def query(name: str) -> Iterable[Any]:
        where = f"WHERE {prefix[name]}.quote_id IN ({listed})"
        return session.execute(sql(_STATE_SQL[name].format(where=where))).all()

    codes: dict[int, dict[str, list[int]]] = {}
    coding_memos: dict[int, list[tuple[str, int, str]]] = {}
    segments: dict[int, list[Segment]] = {}
    whole: dict[int, set[tuple[str, int]]] = {}
    for qid, who, code, memo, start, end in query("codes"):
        ids = codes.setdefault(qid, {}).setdefault(who, [])
        if code not in ids:
            ids.append(code)
        if start is None:
            whole.setdefault(qid, set()).add((who, code))
        else:
            segments.setdefault(qid, []).append(Segment(who, code, start, end, memo or ""))
        if memo:
            coding_memos.setdefault(qid, []).append((who, code, memo))
    reviewed: dict[int, set[str]] = {}
    for qid, who in query("reviews"):
        reviewed.setdefault(qid, set()).add(who)
    memos: dict[int, list[tuple[str, str]]] = {}
    for qid, who, text in query("memos"):
        memos.setdefault(qid, []).append((who, text))
    out: dict[int, QuoteState] = {}
    for qid in codes.keys() | reviewed.keys() | memos.keys():
        out[qid] = QuoteState(
            codes=tuple((who, tuple(ids)) for who, ids in codes.get(qid, {}).items()),
            reviewed=frozenset(reviewed.get(qid, ())),
            memos=tuple(memos.get(qid, ())),
            coding_memos=tuple(coding_memos.get(qid, ())),
            segments=tuple(sorted(segments.get(qid, ()), key=lambda g: (g.start, g.end))),
            whole=frozenset(whole.get(qid, ())),
        )
    return out


def load_state(session: Session, quote_id: int) -> QuoteState:
    return load_states(session, str(int(quote_id))).get(quote_id, EMPTY)


def shown_label(crit: Criterion) -> str:
    """A filter's label in the interface's language (a group or speaker is its name)."""
    if crit.kind == "coder":
        return _("coded by {name}").format(name=crit.value)
    return _(crit.label) if crit.kind in ("uncoded", "untouched", "informative") else crit.label


def filter_choices(bench: Workbench) -> dict[str, tuple[Criterion, str]]:
    """Every filter the project allows, keyed `kind:value`, with the words offered for it."""
    out: dict[str, tuple[Criterion, str]] = {}

    def add(crit: Criterion, label: str) -> None:
        out[f"{crit.kind}:{crit.value}"] = (crit, label)

    add(Criterion("uncoded", "me", N_("uncoded by me")), _("Uncoded: not reviewed by me"))
    add(Criterion("untouched", "all", N_("uncoded by anyone")), _("Uncoded: nobody has coded"))
    add(Criterion("informative", "all", N_("most informative first")),
        _("Uncoded: most informative first"))
    for gid, name, levels in bench.groups:
        cell = " · ".join(levels.values())
        add(Criterion("group", gid, name),
            _("Group {name}").format(name=name) + (f" ({cell})" if cell else ""))
    for lid, dim, level in bench.levels:
        add(Criterion("level", lid, level, dim),
            _("{dimension}: every {level} group").format(dimension=dim, level=level))
    for code in bench.codes:
        add(Criterion("code", code.id, code.name),
            _("Code: {indent}{name} (and its sub-codes)").format(indent="  " * code.depth,
                                                                  name=code.name))
    for name in bench.coders:
        add(Criterion("coder", name, f"coded by {name}"), _("Coder: {name}").format(name=name))
    for pid, group, label in bench.speakers:
        add(Criterion("speaker", pid, f"{group}/{label}"),
            _("Speaker: {group} {label}").format(group=group, label=label))
    return out


def filter_ids(session: Session, criteria: Iterable[Criterion], coder: str) -> set[int]:
    """Ids of the quotes meeting every criterion, asked of the database."""
    where: list[str] = ["1=1"]
    params: dict[str, Any] = {"me": coder}
    touched = ("SELECT c.quote_id FROM coding c JOIN coder k ON k.id = c.coder_id{w} UNION "
               "SELECT r.quote_id FROM review r JOIN coder k ON k.id = r.coder_id{w}")
    for i, crit in enumerate(criteria):
        p = f"v{i}"
        params[p] = crit.value
        if crit.kind == "group":
            where.append(f"q.group_id = :{p}")
        elif crit.kind == "level":
            where.append(f"q.group_id IN (SELECT group_id FROM group_level WHERE level_id = :{p})")
        elif crit.kind == "speaker":
            where.append(f"q.participant_id = :{p}")
        elif crit.kind == "code":
            where.append(f"q.id IN (SELECT quote_id FROM coding WHERE code_id IN "
                         f"(SELECT descendant FROM code_closure WHERE ancestor = :{p}))")
        elif crit.kind == "coder":
            where.append(f"q.id IN ({touched.format(w=f' WHERE k.name = :{p}')})")
        elif crit.kind == "uncoded":
            where.append(f"q.id NOT IN ({touched.format(w=' WHERE k.name = :me')})")
        elif crit.kind in ("untouched", "informative"):
            where.append(f"q.id NOT IN ({touched.format(w=' WHERE k.name <> :auto')})")
            params["auto"] = AUTO
        else:
            raise ValueError(f"unknown filter {crit.kind!r}")
    found = session.execute(sql(CLOSURE_CTE + f"SELECT q.id FROM quote q WHERE "
                                f"{' AND '.join(where)}"), params)
    return {int(qid) for (qid,) in found}


def cell_quote_ids(session: Session, theme: str, group: str) -> list[int]:
    """The quotes behind one report cell, counted exactly as `reports.counts` counts them."""
    found = session.execute(sql(
        CLOSURE_CTE + "SELECT DISTINCT q.id FROM coding c JOIN coder k ON k.id = c.coder_id "
        "JOIN code_closure cl ON cl.descendant = c.code_id JOIN code t ON t.id = cl.ancestor "
        "JOIN quote q ON q.id = c.quote_id JOIN participant p ON p.id = q.participant_id "
        "JOIN study_group g ON g.id = q.group_id WHERE NOT p.is_moderator AND k.name <> :auto "
        "AND t.name = :theme AND g.name = :group ORDER BY q.position"
    ), {"auto": AUTO, "theme": theme, "group": group})
    return [int(qid) for (qid,) in found]
