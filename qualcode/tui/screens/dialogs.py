"""Small modal dialogs shared by the screens: pick from a list, write a memo, a form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select, TextArea
from textual.widgets.option_list import Option

from qualcode.i18n import N_, _
from qualcode.search.normalise import fold

MAX_SHOWN = 300
"""Options listed at once; typing narrows the rest (thousands of speakers, say)."""


class PickScreen(ModalScreen[str | None]):
    """Choose one item; typing narrows the list, Enter picks, escape cancels."""

    DEFAULT_CLASSES = "dialog"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", N_("Cancel")),
        Binding("down", "down", show=False),
        Binding("up", "up", show=False),
    ]

    def __init__(self, title: str, options: Sequence[tuple[str, str | Text]],
                 hint: str | None = None) -> None:
        super().__init__()
        self.title_text, self.options = title, options
        self.hint = hint or _("type to narrow · ↑↓ choose · enter pick · escape cancel")
        self._folded = [fold(str(label)) for _key, label in options]
        """Each option's words folded once, not at every key typed."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            yield Input(placeholder=_("type to narrow"), id="narrow")
            yield OptionList(id="choices")
            yield Label(self.hint, classes="hint")

    def on_mount(self) -> None:
        self._fill("")

    @on(Input.Changed, "#narrow")
    def _narrow(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _fill(self, query: str) -> None:
        needle = fold(query)
        shown = [Option(label, id=key) for (key, label), folded in zip(
                     self.options, self._folded, strict=True)
                 if not needle or needle in folded][:MAX_SHOWN]
        choices = self.query_one("#choices", OptionList)
        choices.set_options(shown)
        choices.highlighted = 0 if shown else None

    def action_down(self) -> None:
        self.query_one("#choices", OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one("#choices", OptionList).action_cursor_up()

    @on(Input.Submitted, "#narrow")
    def _submit(self) -> None:
        choices = self.query_one("#choices", OptionList)
        option = choices.highlighted_option
        self.dismiss(option.id if option is not None else None)

    @on(OptionList.OptionSelected, "#choices")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class MemoScreen(ModalScreen[tuple[str, str] | None]):
    """A memo on the quote, or on one of my codings of it: returns (target, text)."""

    DEFAULT_CLASSES = "dialog"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", N_("Cancel")),
        Binding("ctrl+s", "save", N_("Save")),
    ]

    def __init__(self, targets: list[tuple[str, str, str]]) -> None:
        """`targets`: (key, label, current text); the first is the quote itself."""
        super().__init__()
        self.targets = targets

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Memo"), classes="title")
            yield Select([(label, key) for key, label, _ in self.targets],
                         value=self.targets[0][0], allow_blank=False, id="target")
            yield TextArea(self.targets[0][2], id="memo-text")
            yield Label(_("ctrl+s save · escape cancel · an empty memo is removed"),
                        classes="hint")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @on(Select.Changed, "#target")
    def _target(self, event: Select.Changed) -> None:
        text = next((t for key, _, t in self.targets if key == event.value), "")
        self.query_one(TextArea).text = text

    def action_save(self) -> None:
        target = str(self.query_one("#target", Select).value)
        self.dismiss((target, self.query_one(TextArea).text.strip()))


class FormScreen(ModalScreen[dict[str, str] | None]):
    """Labelled one-line fields; ctrl+s (or enter on the last field) returns them."""

    DEFAULT_CLASSES = "dialog"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", N_("Cancel")),
        Binding("ctrl+s", "save", N_("Save")),
    ]

    def __init__(self, title: str, fields: list[tuple[str, str, str]]) -> None:
        """`fields`: (key, label, current value)."""
        super().__init__()
        self.title_text, self.fields = title, fields

    def compose(self) -> ComposeResult:
        # One line a field, its label beside it, in a scrolling column: a code's eight
        # fields and the save key fit at 80×24 (bordered boxes under their labels took
        # three lines each and pushed the last fields and the hint off the screen).
        with Vertical():
            yield Label(self.title_text, classes="title")
            with VerticalScroll(classes="fields"):
                for key, label, value in self.fields:
                    with Horizontal(classes="field"):
                        yield Label(label, classes="field-label")
                        yield Input(value, id=f"field-{key}", compact=True)
            yield Label(_("tab next field · ctrl+s save · escape cancel"), classes="hint")

    def on_mount(self) -> None:
        self.query(Input).first().focus()  # not the scrolling column around the fields

    def on_input_submitted(self) -> None:
        if self.focused is self.query(Input).last():
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        self.dismiss({key: self.query_one(f"#field-{key}", Input).value
                      for key, _, _ in self.fields})
