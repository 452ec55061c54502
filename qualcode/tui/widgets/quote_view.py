"""The current quote in full, between the turns around it, with every coder's codes."""

from __future__ import annotations

from rich.console import Group as RichGroup
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from qualcode.tui.data import QuoteRow, Workbench

CONTEXT_LINES = 2
"""How much of the turns before and after is shown: context, not a second quote."""


def _context(row: QuoteRow | None, label: str, room: int) -> Text:
    if row is None:
        return Text(f"({label} of the transcript)", style="dim italic")
    text = row.text if len(row.text) <= room else row.text[:room] + "…"
    out = Text(style="dim")
    out.append(f"{row.speaker}: ", style="dim bold")
    out.append(text)
    return out


def describe(bench: Workbench, quote_id: int, spans: tuple[tuple[int, int], ...] = (),
             width: int = 80) -> RichGroup:
    """What the middle pane shows for one quote."""
    row = bench.quote(quote_id)
    state = bench.state(quote_id)
    codes = bench.code_by_id
    before, after = bench.neighbours(quote_id)
    levels = next((lv for _gid, name, lv in bench.groups if name == row.group), {})
    head = Text()
    head.append(f"{row.group}", style="bold")
    if levels:
        head.append(" (" + " · ".join(levels.values()) + ")")
    head.append(f" · {row.speaker}" + (" · moderator" if row.moderator else ""))
    head.append(f" · #{quote_id}", style="dim")
    body = Text(row.text)
    for a, b in spans:
        body.stylize("reverse bold", a, b)
    room = max(40, CONTEXT_LINES * width - 12)
    parts: list[Text] = [head, _context(before, "start", room), Text(""), body, Text(""),
                         _context(after, "end", room), Text("")]
    coders = sorted({who for who, _ in state.codes} | set(state.reviewed),
                    key=lambda who: (who != bench.coder, who))
    if not coders:
        parts.append(Text("not coded yet · 1-9 apply a code · . none applies", style="dim"))
    for who in coders:
        line = Text()
        line.append(f"{who}{' (me)' if who == bench.coder else ''}: ", style="bold")
        ids = state.codes_of(who)
        for n, code_id in enumerate(ids):
            code = codes.get(code_id)
            if code is None:
                continue
            line.append(", " if n else "")
            line.append("■ ", style=code.color)
            line.append(code.name, style=f"bold {code.color}" if who == bench.coder else "")
        if not ids:
            line.append("reviewed, none applies", style="italic")
        parts.append(line)
    for who, code_id, memo in state.coding_memos:
        name = codes[code_id].name if code_id in codes else "?"
        parts.append(Text(f"✎ {who} on {name}: {memo}", style="italic"))
    for who, memo in state.memos:
        parts.append(Text(f"✎ {who}: {memo}", style="italic"))
    return RichGroup(*parts)


class QuoteView(VerticalScroll, can_focus=False):
    """The middle pane; scrolls when a long quote does not fit."""

    DEFAULT_CSS = """
    QuoteView { padding: 0 1; }
    QuoteView > Static { width: 1fr; }
    """

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="quote-body")

    def show(self, bench: Workbench, quote_id: int | None,
             spans: tuple[tuple[int, int], ...] = ()) -> None:
        body = self.query_one("#quote-body", Static)
        if quote_id is None:
            body.update(Text("No quote matches. f changes the filter; escape clears the search.",
                             style="dim"))
        else:
            body.update(describe(bench, quote_id, spans, self.scrollable_content_region.width))
        self.scroll_home(animate=False)
