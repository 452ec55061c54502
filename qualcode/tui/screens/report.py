"""The report screen: themes × groups as a heat map, recounted as codes change.

The counts are `reports.counts.compute`, the same numbers as `qualcode report`; they
are recomputed in a worker when the screen opens, when it comes back into view and
every few seconds while it is shown (a teammate may be coding the same project).
Enter on a cell lists its quotes; Enter on a quote goes back to it in the coding screen.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from sqlalchemy import text as sql
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from qualcode.exporters.report_common import scope_text, test_text
from qualcode.i18n import N_, _
from qualcode.reports.counts import compute
from qualcode.tui.app import QualcodeApp
from qualcode.tui.data import cell_quote_ids
from qualcode.tui.live import TeamChanged
from qualcode.tui.widgets.key_footer import KeyFooter

REFRESH_SECONDS = 5.0
HEAT = Color.parse("#e65100")
FLAGS = {"above": " ▲", "below": " ▼", None: ""}
THEME_WIDTH = 30
"""The theme column's width at most: at 80 columns, three groups still show beside it."""


class ReportReady(Message):
    def __init__(self, report: dict[str, Any]) -> None:
        super().__init__()
        self.report = report


class CellQuotes(Message):
    def __init__(self, theme: str, group: str, quotes: list[tuple[int, str]]) -> None:
        super().__init__()
        self.theme, self.group, self.quotes = theme, group, quotes


class ReportScreen(Screen[int | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,r", "dismiss(None)", N_("Back to coding")),
        Binding("question_mark", "help", N_("Help")),
    ]
    PALETTE: ClassVar[list[tuple[str, str, str]]] = [
        (N_("Back to coding"), N_("Close the report (escape)"), "dismiss(None)"),
        (N_("Quotes of this cell"), N_("List the quotes behind the selected cell (enter)"),
         "open_cell"),
    ]
    DEFAULT_CSS = """
    ReportScreen #report-head { height: auto; padding: 0 1; background: $panel; }
    ReportScreen DataTable { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.report: dict[str, Any] | None = None

    @property
    def qapp(self) -> QualcodeApp:
        assert isinstance(self.app, QualcodeApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Static(_("counting…"), id="report-head")
        yield DataTable(id="heat", cursor_type="cell", zebra_stripes=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.recount()
        self.set_interval(REFRESH_SECONDS, self.recount)

    def on_screen_resume(self) -> None:
        self.recount()

    def on_team_changed(self, _message: TeamChanged) -> None:
        """A teammate's coding: the heat map follows within the second, not at the next tick."""
        self.recount()

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
    def recount(self) -> None:
        with self.qapp.project.read() as session:
            report = compute(session)
        self.post_message(ReportReady(report))

    def on_report_ready(self, message: ReportReady) -> None:
        if message.report == self.report:
            return
        self.report = report = message.report
        table = self.query_one(DataTable)
        row, col = table.cursor_coordinate
        table.clear(columns=True)
        groups = report["groups"]
        table.add_column(_("theme"), key="theme")
        widths: dict[str, int] = {}
        for g in groups:
            head = [g["name"], " ".join(g["attributes"].values()),
                    f"{g['quotes']} q · {g['participants']} p"]
            widths[g["name"]] = max(len(line) for line in head)
            table.add_column(Text("\n".join(head), justify="right"), key=g["name"])
        table.header_height = 3  # name, cell of the design, size (quotes · participants)
        table.fixed_columns = 1  # the themes stay in view when scrolling right
        cells = {(c["theme"], c["group"]): c for c in report["cells"]}
        top = max((c["share"] for c in report["cells"]), default=0.0) or 1.0
        parents = {t["name"]: t["parent"] for t in report["themes"]}
        base = Color.parse(self.app.current_theme.background or "#000000")
        for theme in report["themes"]:
            name = theme["name"]
            depth, parent = 0, parents.get(name)
            while parent:
                depth, parent = depth + 1, parents.get(parent)
            shown = "  " * depth + name
            if len(shown) > THEME_WIDTH:
                shown = shown[:THEME_WIDTH - 1] + "…"
            label = Text(shown, style="bold" if depth == 0 else "")
            row_cells: list[Text] = [label]
            for g in groups:
                cell = cells[(name, g["name"])]
                heat = base.blend(HEAT, 0.15 + 0.85 * cell["share"] / top) if cell["quotes"] \
                    else base
                # Padded to the column's width so the cell is shaded whole; colours
                # without alpha, which Rich cannot parse (the style would be dropped).
                words = f"{cell['quotes']}{FLAGS[cell['flag']]}".rjust(widths[g["name"]])
                text = Text(words)
                text.stylize(f"{heat.get_contrast_text().hex6} on {heat.hex6}")
                row_cells.append(text)
            table.add_row(*row_cells, key=name)
        table.move_cursor(row=row, column=max(col, 1))
        total = sum(g["quotes"] for g in groups)
        self.query_one("#report-head", Static).update(
            _("Quotes carrying each theme (or a sub-theme), {scope}, moderators excluded · "
              "{total} quotes · ▲▼ significantly above/below the theme's overall rate ({test}) "
              "· shading: share of the group's quotes · q quotes, p participants · enter: the "
              "cell's quotes").format(scope=scope_text(report["scope"]), total=total,
                                      test=test_text(report))
        )

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_open_cell()

    def action_open_cell(self) -> None:
        table = self.query_one(DataTable)
        if self.report is None or table.row_count == 0:
            return
        coord = table.cursor_coordinate
        keys = table.coordinate_to_cell_key(coord)
        if keys.column_key.value == "theme" or keys.row_key.value is None:
            return
        self.list_cell(str(keys.row_key.value), str(keys.column_key.value))

    @work(thread=True, exclusive=True, group="cell", exit_on_error=False)
    def list_cell(self, theme: str, group: str) -> None:
        with self.qapp.project.read() as session:
            ids = cell_quote_ids(session, theme, group)
            texts = dict(session.execute(sql(
                "SELECT q.id, p.label || ': ' || q.text FROM quote q "
                "JOIN participant p ON p.id = q.participant_id WHERE q.id IN "
                f"({','.join(str(i) for i in ids) or 'NULL'})")).all())
        self.post_message(CellQuotes(theme, group, [(i, str(texts[i])) for i in ids]))

    def on_cell_quotes(self, message: CellQuotes) -> None:
        from qualcode.tui.screens.dialogs import PickScreen

        if not message.quotes:
            self.notify(_("No quote carries {theme} in {group}.").format(
                theme=message.theme, group=message.group))
            return
        options: list[tuple[str, str | Text]] = [
            (str(qid), Text(text if len(text) < 300 else text[:300] + "…"))
            for qid, text in message.quotes]

        def picked(key: str | None) -> None:
            if key is not None:
                self.dismiss(int(key))

        self.app.push_screen(PickScreen(
            _("{theme} in {group}: {n} quotes (enter goes to the quote)").format(
                theme=message.theme, group=message.group, n=len(options)), options), picked)

    def action_help(self) -> None:
        from qualcode.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(getattr(self.app, "keys", None)))
