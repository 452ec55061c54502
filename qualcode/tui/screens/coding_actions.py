"""The coding keys shared by the screens that show quotes (the quote list, the transcript):
code keys, any code by name, the word selection coded as a segment, none applies, memo.

Each screen says which quote is current and how to redraw; the writes are the same
services, submitted as one job each, and acknowledged by a `QuoteSaved` the screen
handles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from qualcode.i18n import N_, _
from qualcode.services import coding
from qualcode.tui.data import CodeInfo, Segment, Workbench, load_state
from qualcode.tui.messages import QuoteSaved
from qualcode.tui.selection import Selection

if TYPE_CHECKING:
    from qualcode.tui.app import QualcodeApp

SELECTION_BINDINGS = [
    ("x", "select", N_("Select words")),
    ("w", "select_end(1)", N_("Selection end: next word")),
    ("b", "select_end(-1)", N_("Selection end: previous word")),
    ("W", "select_start(1)", N_("Selection start: next word")),
    ("B", "select_start(-1)", N_("Selection start: previous word")),
    ("right_parenthesis", "select_sentence", N_("Selection to the end of the sentence")),
]
"""(key, action, description) of the selection keys, as SPEC names them."""


def words_of(text: str, start: int, end: int, room: int = 40) -> str:
    words = text[start:end]
    return words if len(words) <= room else words[:room - 1] + "…"


class CodingActions:
    """Mixed into a Textual screen holding `bench` (a loaded Workbench or None)."""

    bench: Workbench | None
    selection: Selection | None = None
    app: Any
    notify: Any
    """Textual's, from the screen: only annotated here, so that it is not overridden."""

    # ---- what the screen supplies ------------------------------------------------------

    @property
    def quote_id(self) -> int | None:
        raise NotImplementedError

    @property
    def qapp(self) -> QualcodeApp:
        raise NotImplementedError

    def selection_changed(self) -> None:
        """Redraw what shows the selection."""
        raise NotImplementedError


    # ---- the selection -----------------------------------------------------------------

    def current_selection(self) -> Selection | None:
        """The selection, if it is on the current quote (moving away drops it)."""
        sel = self.selection
        return sel if sel is not None and sel.quote_id == self.quote_id else None

    def action_select(self) -> None:
        """`x`: a selection of the current quote's first word (again: drop it)."""
        bench, qid = self.bench, self.quote_id
        if bench is None or qid is None or not bench.is_loaded(qid):
            return
        if self.current_selection() is not None:
            self.selection = None
        else:
            self.selection = Selection.start(qid, bench.quote(qid).text)
            if self.selection is None:
                self.notify(_("This quote has no words to select."), severity="warning")
        self.selection_changed()

    def _move_selection(self, how: str, step: int = 0) -> None:
        sel = self.current_selection()
        if sel is None:
            self.action_select()
            return
        if how == "end":
            self.selection = sel.end_by(step)
        elif how == "start":
            self.selection = sel.start_by(step)
        else:
            self.selection = sel.to_sentence_end()
        self.selection_changed()

    def action_select_end(self, step: int) -> None:
        self._move_selection("end", step)

    def action_select_start(self, step: int) -> None:
        self._move_selection("start", step)

    def action_select_sentence(self) -> None:
        self._move_selection("sentence")

    def drop_selection(self) -> bool:
        """Escape: drop the selection; False when there was none."""
        if self.current_selection() is None:
            return False
        self.selection = None
        self.selection_changed()
        return True

    # ---- coding ------------------------------------------------------------------------

    def action_code(self, key: str) -> None:
        bench, qid = self.bench, self.quote_id
        if bench is None or qid is None:
            return
        code = bench.code_for_key(key)
        if code is None:
            self.notify(_("No code has the hotkey {key}.").format(key=key), severity="warning")
            return
        self.toggle(qid, code)

    def action_pick_code(self) -> None:
        """Any code by name (`a`): the whole codebook, narrowed as you type, accent- and
        case-blind over paths and keywords; a tick marks the codes I put on the quote."""
        from rich.text import Text

        from qualcode.tui.screens.dialogs import PickScreen

        bench, qid = self.bench, self.quote_id
        if bench is None or qid is None:
            return
        mine = set(bench.state(qid).codes_of(bench.coder))
        options: list[tuple[str, str | Text]] = []
        for code in bench.codes:
            path = " › ".join(bench.code_by_id[c].name for c in reversed(bench.lineage[code.id]))
            words = ", ".join(code.keywords[:6])
            options.append((str(code.id), Text.assemble(
                ("✓ " if code.id in mine else "  ", "bold"), path,
                (f"  ({words})" if words else "", "dim"))))
        sel = self.current_selection()
        what = (_("the words « {words} »").format(words=words_of(sel.text, *sel.span)) if sel
                else _("the quote"))

        def chosen(key: str | None) -> None:
            if key is not None and self.quote_id == qid:
                self.toggle(qid, bench.code_by_id[int(key)])

        self.app.push_screen(PickScreen(
            _("Any code on {what} · enter: on or off · ✓ mine").format(what=what), options),
            chosen)

    def toggle(self, qid: int, code: CodeInfo) -> None:
        """A code key or the picker: on the selection as a segment when there is one;
        else on the whole quote, except that a code I carry on segments alone is taken
        off a segment (asking which, when there are several)."""
        bench = self.bench
        assert bench is not None
        sel = self.current_selection()
        if sel is not None:
            self.selection = None
            self.selection_changed()
            self._submit_toggle(qid, code, sel.span)
            return
        state = bench.state(qid)
        segments = state.segments_of(bench.coder, code.id)
        if not segments or code.id in state.whole_codes_of(bench.coder):
            self._submit_toggle(qid, code, None)
            return
        if len(segments) == 1:
            self._submit_toggle(qid, code, (segments[0].start, segments[0].end))
            return
        self._ask_which_segment(qid, code, segments)

    def _ask_which_segment(self, qid: int, code: CodeInfo, segments: list[Segment]) -> None:
        from qualcode.tui.screens.dialogs import PickScreen

        bench = self.bench
        assert bench is not None
        text = bench.quote(qid).text
        options: list[tuple[str, Any]] = [
            (f"{s.start}:{s.end}", f"« {words_of(text, s.start, s.end, 60)} »") for s in segments]
        options.append(("all", _("every segment of « {code} » on this quote").format(
            code=code.name)))

        def chosen(key: str | None) -> None:
            if key is None or self.quote_id != qid:
                return
            if key == "all":
                self._submit_toggle(qid, code, None)
            else:
                start, end = (int(n) for n in key.split(":"))
                self._submit_toggle(qid, code, (start, end))

        self.app.push_screen(PickScreen(
            _("Which segment loses « {code} »?").format(code=code.name), options), chosen)

    def _submit_toggle(self, qid: int, code: CodeInfo, span: tuple[int, int] | None) -> None:
        bench = self.bench
        assert bench is not None
        coder = bench.coder
        text = bench.quote(qid).text
        moderator = qid in bench.moderator_quotes

        def job(session: Session) -> QuoteSaved:
            before = load_state(session, qid)
            if span is None:
                change = coding.toggle_code(session, quote_id=qid, code=code.name, coder=coder)
            elif any(s.code_id == code.id and (s.start, s.end) == span
                     for s in before.segments_of(coder)):
                change = coding.remove_codes(session, quote_id=qid, codes=[code.name],
                                             coder=coder, span=span)
            else:
                change = coding.apply_codes(session, quote_id=qid, codes=[code.name],
                                            coder=coder, span=span)
            where = (f"#{qid}" if span is None else _("« {words} » of #{id}").format(
                words=words_of(text, *span), id=qid))
            verb = (_("added « {code} » to {where}") if change.added
                    else _("removed « {code} » from {where}"))
            note = verb.format(code=code.name, where=where) + (
                _(" (replaces {codes})").format(codes=", ".join(change.removed))
                if change.added and change.removed else "")
            if change.added and moderator:
                note += _(" · a moderator's turn: reports leave it out")
            return QuoteSaved(qid, load_state(session, qid), note, before=before,
                              code_id=code.id)

        self.qapp.submit(job, self)  # type: ignore[arg-type]

    def action_none_applies(self) -> None:
        bench, qid = self.bench, self.quote_id
        if bench is None or qid is None:
            return
        coder = bench.coder

        def job(session: Session) -> QuoteSaved:
            before = load_state(session, qid)
            coding.mark_reviewed(session, quote_id=qid, coder=coder)
            return QuoteSaved(qid, load_state(session, qid), _("reviewed: none applies"),
                              before=before)

        self.qapp.submit(job, self)  # type: ignore[arg-type]

    # ---- memos -------------------------------------------------------------------------

    def action_memo(self) -> None:
        """`m`: a memo on the quote, on one of my codings, or on one of my segments."""
        from qualcode.tui.screens.dialogs import MemoScreen

        bench, qid = self.bench, self.quote_id
        if bench is None or qid is None:
            return
        state = bench.state(qid)
        text = bench.quote(qid).text
        targets = [("quote", _("On the quote"), state.memo_of(bench.coder))]
        memos = {code: memo for who, code, memo in state.coding_memos if who == bench.coder}
        for code_id in sorted(state.whole_codes_of(bench.coder)):
            name = bench.code_by_id[code_id].name
            targets.append((str(code_id), _("On my coding “{code}”").format(code=name),
                            memos.get(code_id, "")))
        for seg in state.segments_of(bench.coder):
            name = bench.code_by_id[seg.code_id].name
            targets.append((f"{seg.code_id}:{seg.start}:{seg.end}",
                            _("On my “{code}” « {words} »").format(
                                code=name, words=words_of(text, seg.start, seg.end, 30)),
                            seg.memo))

        def save(result: tuple[str, str] | None) -> None:
            if result is not None:
                self._save_memo(qid, *result)

        self.app.push_screen(MemoScreen(targets), save)

    def _save_memo(self, qid: int, target: str, text: str) -> None:
        bench = self.bench
        assert bench is not None
        coder = bench.coder
        code: str | None = None
        span: tuple[int, int] | None = None
        if target != "quote":  # "code" or "code:start:end" for a segment
            code_id, *ends = (int(part) for part in target.split(":"))
            code = bench.code_by_id[code_id].name
            span = (ends[0], ends[1]) if ends else None

        def job(session: Session) -> QuoteSaved:
            before = load_state(session, qid)
            if code is None:
                coding.set_memo(session, quote_id=qid, coder=coder, text=text)
            else:
                coding.apply_codes(session, quote_id=qid, codes=[code], coder=coder, memo=text,
                                   span=span)
            return QuoteSaved(qid, load_state(session, qid), _("memo saved"), before=before)

        self.qapp.submit(job, self)  # type: ignore[arg-type]
