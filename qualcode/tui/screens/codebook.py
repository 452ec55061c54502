"""The codebook screen: add, edit (rename), move, merge and export codes.

Each change is one transaction through `services.codebook_edit`; the tree is read back
from the database after the write commits. Codings hold code ids, so a renamed code
keeps them and a merged code hands them to its target.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from sqlmodel import Session
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from qualcode.i18n import N_, _
from qualcode.services import codebook_edit
from qualcode.tui.app import Job, QualcodeApp
from qualcode.tui.data import CodeInfo, load_codes
from qualcode.tui.messages import WriteFailed
from qualcode.tui.widgets.code_panel import definition
from qualcode.tui.widgets.key_footer import KeyFooter
from qualcode.tui.widgets.status_line import MARKS

FIELDS = (("name", N_("Name")), ("description", N_("Definition")),
          ("include", N_("Include when")), ("exclude", N_("Exclude when")),
          ("example", N_("Example")), ("keywords", N_("Keywords a, b")),
          ("color", N_("Colour #rrggbb")), ("key", N_("Hotkey 1-9")))


class CodesLoaded(Message):
    def __init__(self, codes: list[CodeInfo], note: str = "", focus: int | None = None) -> None:
        super().__init__()
        self.codes, self.note, self.focus = codes, note, focus


class CodebookScreen(Screen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back")),
        Binding("a", "add(False)", N_("Add")),
        Binding("A", "add(True)", N_("Add sub-code")),
        Binding("e", "edit", N_("Edit/rename")),
        Binding("p", "reparent", N_("Move under")),
        Binding("left_square_bracket", "shift(-1)", N_("Up")),
        Binding("right_square_bracket", "shift(1)", N_("Down")),
        Binding("g", "merge", N_("Merge")),
        Binding("x", "export", N_("Export YAML")),
        Binding("question_mark", "help", N_("Help"), show=False),
    ]
    PALETTE: ClassVar[list[tuple[str, str, str]]] = [
        (N_("Add a code"), N_("A new code beside the selected one (a)"), "add(False)"),
        (N_("Add a sub-code"), N_("A new code under the selected one (A)"), "add(True)"),
        (N_("Edit or rename the code"), N_("Name, definition, keywords, colour, hotkey (e)"),
         "edit"),
        (N_("Move the code under another"), N_("Change its parent (p)"), "reparent"),
        (N_("Move the code up"), N_("Earlier among its siblings ([)"), "shift(-1)"),
        (N_("Move the code down"), N_("Later among its siblings (])"), "shift(1)"),
        (N_("Merge the code into another"), N_("Its codings go to the other code (g)"), "merge"),
        (N_("Export the codebook to YAML"), N_("Write the codebook file (x)"), "export"),
        (N_("Back to coding"), N_("Close the codebook (escape)"), "back"),
    ]
    DEFAULT_CSS = """
    CodebookScreen #tree { width: 1fr; border-right: solid $primary 50%; }
    CodebookScreen #detail { width: 1fr; padding: 0 1; }
    CodebookScreen #cb-head { height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.codes: list[CodeInfo] = []
        self.changed = False

    @property
    def qapp(self) -> QualcodeApp:
        assert isinstance(self.app, QualcodeApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Static(_("Codebook"), id="cb-head")
        with Horizontal():
            yield OptionList(id="tree")
            with VerticalScroll(id="detail"):
                yield Static(id="detail-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#tree", OptionList).focus()
        self.reload()

    @work(thread=True, exclusive=True, group="codebook", exit_on_error=False)
    def reload(self, note: str = "", focus: int | None = None) -> None:
        with self.qapp.project.read() as session:
            codes = load_codes(session)
        self.post_message(CodesLoaded(codes, note, focus))

    def on_codes_loaded(self, message: CodesLoaded) -> None:
        keep = message.focus if message.focus is not None else self.current_id
        self.codes = message.codes
        self._fill_tree(keep)
        self.query_one("#cb-head", Static).update(
            _("Codebook · {n} codes · a add · e edit · p move · g merge · x export").format(
                n=len(self.codes)))
        self._detail()
        if message.note:
            self.notify(message.note, timeout=3)

    def say(self, message: str, severity: str = "information") -> None:
        """Notes in the head line, not a toast over the definitions."""
        self.query_one("#cb-head", Static).update(Text(
            _("Codebook · {n} codes · {note}").format(
                n=len(self.codes), note=MARKS.get(severity, "") + message)))

    def _fill_tree(self, keep: int | None) -> None:
        """One option a code; a long name wraps under its own indent, not under the
        hotkeys (Textual's option list wraps a line from its first column)."""
        tree = self.query_one("#tree", OptionList)
        width = max(20, tree.scrollable_content_region.width - 1)
        options = []
        for code in self.codes:
            indent = 2 + 2 * code.depth + 2
            tail = " (exclusive)" if code.exclusive else ""
            lines = textwrap.wrap(code.name + tail, max(8, width - indent)) or [""]
            line = Text()
            line.append(f"{code.hotkey or ' '} ", style="bold")
            line.append("  " * code.depth + "■ ", style=code.color)
            line.append(("\n" + " " * indent).join(lines))
            options.append(Option(line, id=str(code.id)))
        tree.set_options(options)
        ids = [c.id for c in self.codes]
        tree.highlighted = ids.index(keep) if keep in ids else (0 if ids else None)

    def on_resize(self) -> None:
        if self.codes:
            self.call_after_refresh(self._fill_tree, self.current_id)

    @property
    def current(self) -> CodeInfo | None:
        tree = self.query_one("#tree", OptionList)
        if tree.highlighted is None or tree.highlighted >= len(self.codes):
            return None
        return self.codes[tree.highlighted]

    @property
    def current_id(self) -> int | None:
        code = self.current
        return code.id if code else None

    def on_option_list_option_highlighted(self) -> None:
        self._detail()

    def _detail(self) -> None:
        code = self.current
        text = self.query_one("#detail-text", Static)
        if code is None:
            text.update(Text(_("The codebook is empty: press a to add a code."), style="dim"))
            return
        out = definition(code)
        if code.keywords:
            out.append("\n" + _("Keywords: "), style="bold")
            out.append(", ".join(code.keywords))
        out.append("\n" + _("Hotkey: {key}").format(key=code.hotkey or _("none"))
                   + ("" if code.key or not code.hotkey else _(" (given in tree order)")))
        text.update(out)

    def _write(self, job: Job) -> None:
        self.changed = True
        self.qapp.submit(job, self)

    def on_write_failed(self, message: WriteFailed) -> None:
        self.notify(message.error, severity="error")

    # ---- actions -------------------------------------------------------------------

    def _form(self, title: str, code: CodeInfo | None,
              then: Callable[[dict[str, str] | None], None]) -> None:
        from qualcode.tui.screens.dialogs import FormScreen

        values = {"name": "", "description": "", "include": "", "exclude": "", "example": "",
                  "keywords": "", "color": "", "key": ""}
        if code is not None:
            values.update(name=code.name, description=code.description, include=code.include,
                          exclude=code.exclude, example=code.example,
                          keywords=", ".join(code.keywords), color=code.color,
                          key=code.key or "")
        self.app.push_screen(FormScreen(title, [(k, _(label), values[k]) for k, label in FIELDS]),
                             then)

    @staticmethod
    def _fields(form: dict[str, str]) -> codebook_edit.CodeFields:
        return codebook_edit.CodeFields(
            name=form["name"], description=form["description"], include=form["include"],
            exclude=form["exclude"], example=form["example"],
            keywords=tuple(k.strip() for k in form["keywords"].split(",") if k.strip()),
            color=form["color"].strip() or None, key=form["key"].strip() or None,
        )

    def _key_checked(self, fields: codebook_edit.CodeFields, code_id: int | None,
                     write: Callable[[bool], None]) -> None:
        """Save, asking first when the hotkey wanted is another code's: that code loses
        it, and the question names it."""
        from qualcode.tui.screens.dialogs import PickScreen

        holder = next((c for c in self.codes if fields.key and c.key == fields.key
                       and c.id != code_id), None)
        if holder is None:
            write(False)
            return
        name = " ".join(fields.name.split())

        def chosen(answer: str | None) -> None:
            if answer == "take":
                write(True)
            else:
                self.notify(_("not saved: hotkey {key} stays « {code} »'s").format(
                    key=fields.key, code=holder.name))

        self.app.push_screen(PickScreen(
            _("Hotkey {key} is « {code} »'s").format(key=fields.key, code=holder.name), [
                ("take", _("Give {key} to « {code} »: « {holder} » loses it").format(
                    key=fields.key, code=name, holder=holder.name)),
                ("keep", _("Keep {key} on « {holder} » (nothing is saved)").format(
                    key=fields.key, holder=holder.name))],
            hint=_("↑↓ choose · enter pick · escape cancel")), chosen)

    def action_add(self, child: bool) -> None:
        code = self.current
        parent = (code.id if child else code.parent_id) if code else None
        coder = self.qapp.coder

        def save(form: dict[str, str] | None) -> None:
            if form is None:
                return
            fields = self._fields(form)

            def write(take_key: bool) -> None:
                def job(session: Session) -> CodesLoaded:
                    new = codebook_edit.add_code(session, fields=fields, parent_id=parent,
                                                 coder=coder, take_key=take_key)
                    return CodesLoaded(load_codes(session),
                                       _("added {code}").format(code=fields.name), new)

                self._write(job)

            self._key_checked(fields, None, write)

        self._form(_("New sub-code") if child else _("New code"), None, save)

    def action_edit(self) -> None:
        code = self.current
        if code is None:
            return
        coder = self.qapp.coder

        def save(form: dict[str, str] | None) -> None:
            if form is None:
                return
            fields = self._fields(form)

            def write(take_key: bool) -> None:
                def job(session: Session) -> CodesLoaded:
                    codebook_edit.update_code(session, code_id=code.id, fields=fields,
                                              coder=coder, take_key=take_key)
                    return CodesLoaded(load_codes(session),
                                       _("saved {code}").format(code=fields.name))

                self._write(job)

            self._key_checked(fields, code.id, write)

        self._form(_("Edit {code}").format(code=code.name), code, save)

    def action_reparent(self) -> None:
        from qualcode.tui.screens.dialogs import PickScreen

        code = self.current
        if code is None:
            return
        options: list[tuple[str, str | Text]] = [("top", "(top level)")]
        options += [(str(c.id), "  " * c.depth + c.name) for c in self.codes if c.id != code.id]
        coder = self.qapp.coder

        def chosen(key: str | None) -> None:
            if key is None:
                return
            parent = None if key == "top" else int(key)

            def job(session: Session) -> CodesLoaded:
                codebook_edit.move_code(session, code_id=code.id, parent_id=parent,
                                        position=10**6, coder=coder)
                return CodesLoaded(load_codes(session), _("moved {code}").format(code=code.name))

            self._write(job)

        self.app.push_screen(PickScreen(_("Move {code} under…").format(code=code.name),
                                        options), chosen)

    def action_shift(self, step: int) -> None:
        code = self.current
        if code is None:
            return
        siblings = [c.id for c in self.codes if c.parent_id == code.parent_id]
        position = siblings.index(code.id) + step
        if not 0 <= position < len(siblings):
            return
        coder = self.qapp.coder

        def job(session: Session) -> CodesLoaded:
            codebook_edit.move_code(session, code_id=code.id, parent_id=code.parent_id,
                                    position=position, coder=coder)
            return CodesLoaded(load_codes(session))

        self._write(job)

    def action_merge(self) -> None:
        from qualcode.tui.screens.dialogs import PickScreen

        code = self.current
        if code is None:
            return
        options: list[tuple[str, str | Text]] = [
            (str(c.id), "  " * c.depth + c.name) for c in self.codes if c.id != code.id]
        coder = self.qapp.coder

        def chosen(key: str | None) -> None:
            if key is None:
                return
            target = int(key)

            def job(session: Session) -> CodesLoaded:
                moved = codebook_edit.merge_codes(session, source_id=code.id,
                                                  target_id=target, coder=coder)
                return CodesLoaded(load_codes(session),
                                   _("merged {code}: {n} codings moved").format(
                                       code=code.name, n=moved), target)

            self._write(job)

        self.app.push_screen(PickScreen(
            _("Merge {code} into… (its codings move there)").format(code=code.name), options),
            chosen)

    def action_export(self) -> None:
        from qualcode.tui.screens.dialogs import FormScreen

        def chosen(form: dict[str, str] | None) -> None:
            if form and form["path"].strip():
                self.export(Path(form["path"].strip()))

        self.app.push_screen(FormScreen(_("Export the codebook to YAML"),
                                        [("path", _("File"), "codebook.yaml")]), chosen)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export(self, path: Path) -> None:
        from qualcode.domain.codebook import to_yaml
        from qualcode.errors import UserError
        from qualcode.exporters.files import write_owner_only
        from qualcode.services.codebook_export import export_codebook

        try:
            with self.qapp.project.read() as session:
                text = to_yaml(export_codebook(session))
            write_owner_only(path, text)
        except UserError as exc:
            self.post_message(WriteFailed(str(exc)))
            return
        self.post_message(CodesLoaded(self.codes,
                                      _("codebook written to {path}").format(path=path)))

    def action_back(self) -> None:
        self.dismiss(self.changed)

    def action_help(self) -> None:
        from qualcode.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(getattr(self.app, "keys", None)))

