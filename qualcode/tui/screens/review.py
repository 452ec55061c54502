"""Team review (`v`): walk the disagreements and settle each into the consensus.

One quote at a time: its text, each coder's codes side by side, and the definitions of
the codes in question, so the discussion happens over the codebook rather than from
memory. A digit takes that coder's version, `b` both (every code any coder applied),
`0` none, `e` edits the codes one by one. Each settlement is one transaction run in a
worker thread, and the figures — each coder's agreement with the consensus so far —
are recomputed after it.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import select
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, SelectionList, Static

from qualcode.db.engine import Project
from qualcode.db.models import Code
from qualcode.errors import UserError
from qualcode.i18n import N_, _
from qualcode.services.agreed import agreed
from qualcode.services.code_tree import code_tree
from qualcode.services.comments import Message, comment, threads
from qualcode.services.review import CONSENSUS, Disagreement, disagreements, progress, settle
from qualcode.tui.live import TeamChanged
from qualcode.tui.widgets.key_footer import KeyFooter
from qualcode.tui.widgets.status_line import MARKS


class ReviewScreen(Screen[None]):
    """Disagreements between coders, settled into the reserved coder `consensus`."""

    BINDINGS = [
        Binding("j,down", "move(1)", N_("next")),
        Binding("k,up", "move(-1)", N_("previous")),
        Binding("b", "take_both", N_("both")),
        Binding("0", "take_none", N_("none")),
        Binding("e", "edit", N_("edit")),
        Binding("f", "filter", N_("filter")),
        Binding("c", "comment", N_("comment")),
        Binding("escape,q", "leave", N_("back")),
        *(Binding(str(n), f"take_coder({n})", show=False) for n in range(1, 10)),
    ]

    AUTO_FOCUS = ""  # nothing: keys are the screen's until `f` or `e` opens a field

    DEFAULT_CSS = """
    ReviewScreen #status { height: 1; background: $boost; }
    ReviewScreen #quote { padding: 1 1; }
    ReviewScreen #coders { height: auto; }
    ReviewScreen .coder { width: 1fr; border: round $primary; padding: 0 1; height: auto; }
    ReviewScreen #definitions { padding: 0 1; color: $text-muted; height: auto; }
    ReviewScreen #figures { height: auto; padding: 0 1; }
    ReviewScreen #editor { height: 14; display: none; border: round $accent; }
    ReviewScreen #editor > .selection-list--button { color: $text-muted; }
    ReviewScreen #editor > .selection-list--button-highlighted { color: $text; }
    ReviewScreen #filter { display: none; }
    ReviewScreen #comment { display: none; }
    ReviewScreen #thread { height: auto; padding: 0 1; }
    """

    def __init__(self, project: Project, coder: str) -> None:
        super().__init__()
        self.project = project
        self.coder = coder
        self.items: list[Disagreement] = []
        self.index = 0
        self.filters: dict[str, Any] = {}
        self.definitions: dict[str, str] = {}
        self.code_names: list[str] = []
        self.threads: dict[int, list[Message]] = {}
        """Each quote's discussion; the settler's last word there is kept as their reason."""
        self.by_agreement = 0
        self.depths: dict[str, int] = {}
        """Each code's depth in the tree, to show the editor's codes as the tree they are."""
        self.note = ""
        """The last thing said (settled, an error), shown in the status line."""

    def compose(self) -> ComposeResult:
        yield Static(_("loading the disagreements…"), id="status")
        yield Input(placeholder=_("filter: a group (G3), a coder pair (alice,bob), a code; "
                                  "empty for all"), id="filter")
        yield Input(placeholder=_("comment for the team · enter send · escape cancel "
                                  "(your last comment is kept as the reason of your decision)"),
                    id="comment")
        with VerticalScroll():
            yield Static(id="quote")
            yield Horizontal(id="coders")
            yield Static(id="consensus")
            yield Static(id="thread")
            yield SelectionList[str](id="editor")
            yield Static(id="definitions")
            yield Static(id="figures")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load()

    def on_team_changed(self, _message: TeamChanged) -> None:
        """A teammate coded or settled: the disagreements may differ now."""
        current = self.current
        self.load(current.quote_id if current is not None else None, advance=False)

    # --- database work, always in a thread ---

    @work(thread=True, exclusive=True, group="review-load")
    def load(self, keep: int | None = None, *, advance: bool = True) -> None:
        """Read the disagreements; `keep` is the quote to show again, or with `advance`
        (after a settlement) the next one still open after it."""
        try:
            with self.project.read() as session:
                items = disagreements(session, **self.filters)
                self.threads = threads(session)
                self.by_agreement = len(agreed(session))
                tree = code_tree(session)
                definitions = {c.name: _definition(c.description, c.include, c.exclude)
                               for c in session.exec(select(Code)).all()}
        except UserError as exc:
            self.app.call_from_thread(self._message, str(exc))
            return
        self.depths = {n.name: n.depth for n in tree}
        self.app.call_from_thread(self._loaded, items, [n.name for n in tree], definitions,
                                  keep, advance)
        self.app.call_from_thread(self.figures)

    @work(thread=True, exclusive=True, group="review-figures")
    def figures(self) -> None:
        """Each coder's agreement with the consensus so far, over the settled quotes."""
        from qualcode.reports.agreement import load, pooled

        coders = self.filters.get("pair") or sorted({c for d in self.items for c in d.codes})
        lines = []
        with self.project.read() as session:
            for name in coders:
                try:
                    matrices = load(session, [name, CONSENSUS])
                except UserError:
                    continue  # no consensus yet
                figures = pooled(matrices)
                if figures is None:
                    continue
                both = int((matrices.touched.sum(axis=0) >= 2).sum())
                alpha, share = figures.krippendorff_alpha, figures.percent_agreement
                lines.append(_("{coder} vs consensus, all codes: ").format(coder=name)
                             + (_("{share} agreement").format(share=f"{share:.1%}")
                                if share is not None else "—")
                             + (f", α = {alpha:.3f}" if alpha is not None else "")
                             + _(" over {n} quotes").format(n=both))
        text = "\n".join(lines) or _("no consensus yet: settle a quote to see the figures")
        self.app.call_from_thread(self.query_one("#figures", Static).update, text)

    @work(thread=True, exclusive=True, group="review-settle")
    def store(self, quote_id: int, codes: list[str]) -> None:
        said = [m.text for m in self.threads.get(quote_id, []) if m.coder == self.coder]
        try:
            with self.project.write() as session:
                settle(session, quote_id=quote_id, codes=codes, coder=self.coder,
                       why=said[-1] if said else None)
        except UserError as exc:
            self.app.call_from_thread(self._message, str(exc))
            return
        self.app.call_from_thread(self.notify, _("settled: {codes}").format(
            codes=", ".join(codes) or _("none applies")))
        self.load(keep=quote_id)

    # --- screen updates ---

    def _loaded(self, items: list[Disagreement], names: list[str], definitions: dict[str, str],
                keep: int | None, advance: bool = True) -> None:
        self.items, self.code_names, self.definitions = items, names, definitions
        if keep is not None:
            ids = [d.quote_id for d in items]
            at = ids.index(keep) if keep in ids else self.index
            # after a settlement, go on to the next quote still open
            later = [i for i in range(at + 1, len(items)) if not items[i].settled]
            self.index = later[0] if later and advance else at
        self.index = max(0, min(self.index, len(items) - 1))
        self._show()

    def _message(self, text: str) -> None:
        self.notify(text, severity="error")

    @property
    def current(self) -> Disagreement | None:
        return self.items[self.index] if self.items else None

    def say(self, message: str, severity: str = "information") -> None:
        """Notes in the status line, after the position (see `QualcodeApp.notify`)."""
        self.note = MARKS.get(severity, "") + message
        self._show()

    def _show(self) -> None:
        done = progress(self.items)
        where = ", ".join(f"{k}: {v if isinstance(v, str) else ','.join(v)}"
                          for k, v in self.filters.items())
        status = self.query_one("#status", Static)
        coders_box = self.query_one("#coders", Horizontal)
        coders_box.remove_children()
        d = self.current
        if d is None:
            status.update(_("no disagreements") + (f" ({where})" if where else "")
                          + _(" — press f to change the filter, q to go back")
                          + (f" · {_escape(self.note)}" if self.note else ""))
            self.query_one("#quote", Static).update("")
            self.query_one("#consensus", Static).update("")
            self.query_one("#definitions", Static).update("")
            return
        status.update(_("disagreement {n}/{total} · settled {settled}/{all} · {agreed} settled "
                        "by agreement").format(n=self.index + 1, total=len(self.items),
                                               settled=done.settled, all=done.total,
                                               agreed=self.by_agreement)
                      + (f" · {where}" if where else "")
                      + (f" · {_escape(self.note)}" if self.note else ""))
        said = self.threads.get(d.quote_id, [])
        self.query_one("#thread", Static).update(
            _("discussion (c to add):") + "\n" + "\n".join(
                f"  [b]{_escape(m.coder)}[/b]: {_escape(m.text)}" for m in said)
            if said else _("no discussion yet (c to comment)"))
        quote = self.query_one("#quote", Static)
        quote.update(f"[b]{d.group} {d.speaker}[/b]  #{d.quote_id}\n{_escape(d.text)}")
        for n, (name, codes) in enumerate(d.codes.items(), start=1):
            words = {c: [d.text[a:b] for code, a, b in d.segments.get(name, []) if code == c]
                     for c in codes}
            body = "\n".join(
                f"• {_escape(c)}" + "".join(f" « {_escape(_short(w))} »" for w in words[c])
                for c in codes) or _("(none applies)")
            coders_box.mount(Static(f"[b]{n}[/b] {_escape(name)}\n{body}", classes="coder"))
        if d.consensus is None:
            self.query_one("#consensus", Static).update(_("consensus: not settled yet"))
        else:
            shown = ", ".join(d.consensus) or _("none applies")
            self.query_one("#consensus", Static).update(
                _("consensus: {codes}").format(codes=_escape(shown)))
        in_question = [c for c in self.code_names if any(c in v for v in d.codes.values())]
        self.query_one("#definitions", Static).update("\n".join(
            f"[b]{_escape(c)}[/b]: {_escape(self.definitions.get(c, ''))}" for c in in_question))

    # --- actions ---

    def action_move(self, step: int) -> None:
        if self.items:
            self.index = (self.index + step) % len(self.items)
            self._show()

    def action_take_coder(self, n: int) -> None:
        d = self.current
        if d is not None and 1 <= n <= len(d.codes):
            self.store(d.quote_id, list(d.codes.values())[n - 1])

    def action_take_both(self) -> None:
        d = self.current
        if d is not None:
            union = [c for c in self.code_names if any(c in v for v in d.codes.values())]
            self.store(d.quote_id, union)

    def action_take_none(self) -> None:
        d = self.current
        if d is not None:
            self.store(d.quote_id, [])

    def action_edit(self) -> None:
        """Show every code, ticked as the consensus (or the union) stands; `e` again saves."""
        d = self.current
        editor = self.query_one("#editor", SelectionList)
        if d is None:
            return
        if editor.display:
            editor.display = False
            self.set_focus(None)
            self.store(d.quote_id, [str(v) for v in editor.selected])
            return
        start = set(d.consensus) if d.consensus is not None else {
            c for v in d.codes.values() for c in v}
        editor.clear_options()
        editor.add_options([("  " * self.depths.get(name, 0) + name, name, name in start)
                            for name in self.code_names])
        editor.border_title = _("the consensus: space ticks or unticks · e saves · "
                                "escape cancels")
        editor.display = True
        self.call_after_refresh(editor.focus)

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.value = ""
        self.call_after_refresh(box.focus)  # after this key, or it lands in the field

    def action_comment(self) -> None:
        if self.current is None:
            return
        box = self.query_one("#comment", Input)
        box.display = True
        box.value = ""
        self.call_after_refresh(box.focus)

    @on(Input.Submitted, "#comment")
    def send_comment(self, event: Input.Submitted) -> None:
        event.input.display = False
        self.set_focus(None)
        d = self.current
        if d is not None and event.value.strip():
            self.write_comment(d.quote_id, event.value)

    @work(thread=True, exclusive=True, group="review-comment")
    def write_comment(self, quote_id: int, text: str) -> None:
        try:
            with self.project.write() as session:
                comment(session, quote_id=quote_id, coder=self.coder, text=text)
        except UserError as exc:
            self.app.call_from_thread(self._message, str(exc))
            return
        self.load(keep=quote_id, advance=False)

    @on(Input.Submitted, "#filter")
    def apply_filter(self, event: Input.Submitted) -> None:
        event.input.display = False
        self.set_focus(None)
        self.filters = _parse_filter(event.value, self.items)
        self.index = 0
        self.load()

    def action_leave(self) -> None:
        for box in self.query(Input):
            if box.display:  # escape closes an open field, not the screen
                box.display = False
                self.set_focus(None)
                return
        editor = self.query_one("#editor", SelectionList)
        if editor.display:
            editor.display = False
            self.set_focus(None)
            return
        self.dismiss(None)


def _parse_filter(value: str, items: list[Disagreement]) -> dict[str, Any]:
    """`G3` a group, `alice,bob` a pair of coders, anything else a code name."""
    value = value.strip()
    if not value:
        return {}
    if "," in value:
        first, second = (v.strip() for v in value.split(",", 1))
        return {"pair": (first, second)}
    if value in {d.group for d in items} or (value[:1] in "Gg" and value[1:].isdigit()):
        return {"group": value.upper() if value[1:].isdigit() else value}
    return {"code": value}


def _definition(description: str, include: str, exclude: str) -> str:
    parts = [description]
    if include:
        parts.append(_("include: {text}").format(text=include))
    if exclude:
        parts.append(_("exclude: {text}").format(text=exclude))
    return " — ".join(p for p in parts if p)


def _short(words: str, room: int = 40) -> str:
    return words if len(words) <= room else words[:room - 1] + "…"


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
