"""The help screen: every key of the workbench, as SPEC fixes them."""

from __future__ import annotations

from typing import ClassVar

from rich.markdown import Markdown
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from qualcode.i18n import N_, _

HELP = N_("""\
# qualcode workbench

| Key | Does |
|:--|:--|
| ↑ ↓ or `k` `j` | previous / next quote |
| shift+↑ ↓ or `K` `J` | scroll a long quote |
| `n` | next quote I have not reviewed |
| `1` … `9` | toggle the code with that hotkey (shown left of each code) |
| `a` | any code by name (type part of its name or a keyword, accents optional) |
| `x` | select words, from the quote's first word |
| `w` `b` / `W` `B` | the selection's end / start one word forward or back |
| `)` | the selection to the end of the sentence |
| | a code key or `a` codes the selected words as a segment; escape drops them |
| `t` | the group's whole transcript, codings marked, same keys; `t` or escape back |
| `.` | reviewed, none applies |
| `/` | search as you type (accents optional); enter keeps the hits, escape clears |
| `f` | filter by group, level (all CSP-, all 60+…), speaker, code, coder, uncoded |
| | "most informative first": the uncoded quotes the suggestions are least sure of |
| | filters combine; enter on a ● filter drops it |
| `escape` | drop the selection, then clear the search, then the filters |
| `m` | memo on the quote, or on one of my codings |
| `s` | codes suggested for the quote, and why |
| `u` | undo my last change (also after a restart) |
| `r` | report: themes × groups heat map; enter on a cell lists its quotes |
| `v` | team review |
| `c` | codebook: add, edit, rename, move, merge, export |
| `tab` | move between the quote list and the codebook tree |
| `?` | this help |
| `ctrl+p` | command palette: every action, and the light or dark theme |
| `q` | quit |

Every change is saved the moment you make it: what you see is on disk.

In the list, **✓** marks quotes I have reviewed, **■** my codes and **□** other coders'
codes, in the codes' colours; a segment's words are underlined in its code's colour.
Counts in the codebook are *my quotes / everyone's*. The workbench reopens where you
left it (quote and filters).

Codebook screen: `a` add a code, `A` add a sub-code, `e` edit or rename, `p` move under
another parent, `[` `]` move up or down, `g` merge into another code (codings kept),
`x` export to YAML, `escape` back.
""")


class HelpScreen(ModalScreen[None]):
    DEFAULT_CLASSES = "dialog"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss(None)", N_("Close")),
    ]
    DEFAULT_CSS = """
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 100; height: 90%;
        background: $surface; border: thick $primary; padding: 0 1;
    }
    """

    def __init__(self, keys: dict[str, str] | None = None) -> None:
        """`keys`: the workbench's changed keys, by action, shown in place of theirs."""
        super().__init__()
        self.keys = keys or {}

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Markdown(with_keys(_(HELP), self.keys)))  # drawn at once


def with_keys(text: str, keys: dict[str, str]) -> str:
    """The help with each changed key in place of the key it replaces, in the table of
    the workbench's keys (the codebook screen's own keys, below it, stay)."""
    from textual.keys import format_key

    from qualcode.settings import REMAPPABLE

    lines = text.split("\n")
    for action, key in keys.items():
        old, new = f"`{format_key(REMAPPABLE[action])}`", f"`{format_key(key)}`"
        lines = [line.replace(old, new) if line.startswith("|") else line for line in lines]
    return "\n".join(lines)
