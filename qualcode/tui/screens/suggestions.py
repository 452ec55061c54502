"""The `s` dialog: codes suggested for the quote on screen, each with its reasons: the
codebook's keywords it contains, the words that weighed most in the team's coding,
and the most similar quotes people coded with the code.

Accepting a suggestion is the person's own decision, so the code is applied as the
coder at the keyboard (unlike `qualcode suggest --apply`, which records `auto`).
Reading and writing happen in thread workers: the dialog never blocks typing.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from qualcode.db.engine import Project
from qualcode.i18n import N_, _
from qualcode.search.suggest import KeptSuggester, Suggestion

DIGITS = "123456789"


class SuggestionsScreen(ModalScreen[str | None]):
    """Lists the suggestions; Enter or the digit shown applies one and returns its name."""

    DEFAULT_CLASSES = "dialog"
    DEFAULT_CSS = """
    SuggestionsScreen { align: center middle; }
    SuggestionsScreen > Vertical {
        width: 80%; max-width: 100; height: auto; padding: 1 2;
        border: round $accent; background: $surface;
    }
    SuggestionsScreen OptionList { height: auto; max-height: 16; }
    SuggestionsScreen .title { text-style: bold; }
    SuggestionsScreen .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", N_("Cancel"))]

    def __init__(self, project: Project, coder: str, quote_id: int,
                 suggester: KeptSuggester | None = None) -> None:
        """`suggester`: the workbench's, trained once for every quote (a new one, trained
        for this quote alone, otherwise)."""
        super().__init__()
        self.project, self.coder, self.quote_id = project, coder, quote_id
        self.suggester = suggester or KeptSuggester()
        self.suggestions: list[Suggestion] = []
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Codes suggested for quote #{id}").format(id=self.quote_id),
                        classes="title")
            yield Label(_("reading the keywords and the coded quotes…"), id="status")
            yield OptionList(id="suggestions")
            yield Label(_("enter or digit: apply as you · escape: close"), classes="hint")

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="suggestions-load", exit_on_error=False)
    def _load(self) -> None:
        from qualcode.db.models import Quote
        from qualcode.errors import UserError

        try:
            with self.project.read() as session:
                quote = session.get(Quote, self.quote_id)
                if quote is None:
                    raise UserError(_("quote #{id} is gone").format(id=self.quote_id))
                text = quote.text
                model = self.suggester.current(session)
                older = self.suggester.last if model is None else None
                if model is None and older is None:  # the first time: wait for it
                    self.app.call_from_thread(self._say, _("learning from the coded quotes…"))
                    model = self.suggester.get(session)
            chosen = model if model is not None else older
            assert chosen is not None
            found = chosen.suggest(text)
        except UserError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show, found, older is not None)
        if older is not None:
            self.app.call_from_thread(self._train_in_background)

    def _say(self, message: str) -> None:
        self.query_one("#status", Label).update(message)

    def _train_in_background(self) -> None:
        """The coding changed since the models learned: they learn again on the app's
        worker pool, outliving this dialog, so the next quote's suggestions are current."""
        kept, project = self.suggester, self.project

        def train() -> None:
            with project.read() as session:
                kept.get(session)

        self.app.run_worker(train, thread=True, group="suggestions-train", exclusive=True,
                            exit_on_error=False)

    def _show(self, found: list[Suggestion], older: bool = False) -> None:
        self.suggestions = found
        status = self.query_one("#status", Label)
        status.update((_("no code suggested: no keyword of the codebook is in this quote, "
                         "and no coded quote is like it") if not found
                       else _("{n} suggestion(s), best first").format(n=len(found)))
                      + (_(" · learnt before your last codes; learning them now") if older
                         else ""))
        options = self.query_one("#suggestions", OptionList)
        options.set_options(_option(n, s) for n, s in enumerate(found))
        options.highlighted = 0 if found else None
        options.focus()

    def on_key(self, event: Key) -> None:
        if event.character and event.character in DIGITS:
            index = DIGITS.index(event.character)
            if index < len(self.suggestions):
                event.stop()
                self._accept(self.suggestions[index].code)

    @on(OptionList.OptionSelected, "#suggestions")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._accept(event.option.id)

    def _accept(self, code: str) -> None:
        if not self._busy:
            self._busy = True
            self._apply(code)

    @work(thread=True, exclusive=True, group="suggestions-apply", exit_on_error=False)
    def _apply(self, code: str) -> None:
        from qualcode.errors import UserError
        from qualcode.services.coding import apply_codes

        try:
            with self.project.write() as session:
                apply_codes(session, quote_id=self.quote_id, codes=[code], coder=self.coder)
        except UserError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self.dismiss, code)

    def _failed(self, message: str) -> None:
        self._busy = False
        self.notify(message, severity="error")


def _option(index: int, suggestion: Suggestion) -> Option:
    """The code and its score, then why on a line of its own."""
    label = Text()
    label.append(f"{DIGITS[index]} " if index < len(DIGITS) else "  ", style="bold")
    label.append(suggestion.code, style="bold")
    label.append(f"  {suggestion.score:.0f}")
    label.append("\n  ")
    label.append(suggestion.reason, style="italic")
    return Option(label, id=suggestion.code)

