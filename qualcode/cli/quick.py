"""The commands scripts run most, as scripts call them, run without Typer: the read
commands (`quotes`, `segments`, `report`, `search`, `agreement`) and the two that start
a project (`init`, `import`).

Loading Typer and the command tree took 37 ms of every process, where Python itself
starts in 20 ms: on the demo project, more than the query. A command line made only of
options this path knows, each given once, with values that cannot be taken for options,
is parsed here and run by the very bodies the whole command line runs (`cli.reads`,
`cli.writes`), with the same state (`cli.state`) and the same failures (`cli.ending`).
Anything else (help, -o, a misspelt or repeated option, a wrong --lang, completion) goes
to Typer, which parses and reports it as before. A test holds these tables to the Typer
commands' own options.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple, cast

ROOT = {"--db": "db", "--coder": "coder", "--lang": "lang"}
"""The root options the quick path takes, and their parameters."""

VALUES = {
    "quotes": {"--group": "group", "--code": "code", "--coder": "coder"},
    "segments": {"--code": "code", "--coder": "coder", "--group": "group", "--format": "fmt"},
    "report": {"--format": "fmt", "--coder": "coder", "--theme": "theme", "--by": "by",
               "--quotes": "quotes"},
    "search": {"--limit": "limit", "--group": "group", "--code": "code", "--coder": "coder"},
    "agreement": {"--coders": "coders", "--format": "fmt", "--bootstrap": "bootstrap",
                  "--seed": "seed"},
    "init": {"--study": "study", "--codebook": "codebook"},
    "import": {"--group": "group", "--format": "fmt", "--groups": "groups"},
}
"""Per command, the options taking a value, and their parameters."""

FLAGS = {
    "quotes": {"--uncoded": "uncoded", "--moderators": "moderators", "--json": "as_json"},
    "segments": {},
    "report": {"--consensus": "consensus", "--subthemes": "subthemes", "--context": "context",
               "--all-quotes": "all_quotes"},
    "search": {"--regex": "regex", "--json": "as_json"},
    "agreement": {"--by-group": "by_group", "--assigned": "assigned"},
    "init": {},
    "import": {"--dry-run": "dry_run", "--add-codes": "add_codes"},
}
"""Per command, the options that are flags, and their parameters."""

ARGUMENTS = {"search": "query"}
"""Per command, its one argument: any word that is not an option, given once."""

MANY = {"import": "files"}
"""Per command, its argument given one or more times: every word that is not an option."""

PATHS = {"init": ("study", "codebook"), "import": ("files", "groups")}
"""Per command, the parameters that are paths, made `Path`s as Typer makes them."""

WRITES = {"init": "init", "import": "import_"}
"""The commands that write, and the function of `cli.writes` that does each one's work;
a read command's is the function of `cli.reads` of its name."""

INTEGERS: dict[str, dict[str, tuple[int, int | None]]] = {
    "report": {"quotes": (0, None)}, "search": {"limit": (1, None)},
    "agreement": {"bootstrap": (0, 100_000), "seed": (0, None)}}
"""Per command, the parameters that are whole numbers, and the range taken here: only
plain digits within it (Click's other spellings and its messages are its own)."""


class Parsed(NamedTuple):
    root: dict[str, str]
    command: str
    options: dict[str, Any]


def parse(args: Sequence[str]) -> Parsed | None:
    """The command line as the quick path takes it, or None when it is Typer's."""
    rest = list(args)
    root: dict[str, str] = {}
    while rest and rest[0].startswith("-"):
        if not _take_value(rest, ROOT, root):
            return None
    if not rest or rest[0] not in VALUES:
        return None
    command = rest.pop(0)
    options: dict[str, Any] = {}
    while rest:
        flag = FLAGS[command].get(rest[0])
        argument = ARGUMENTS.get(command)
        if command in MANY and not rest[0].startswith("-"):
            options.setdefault(MANY[command], []).append(rest.pop(0))
        elif argument is not None and not rest[0].startswith("-"):
            if argument in options:
                return None
            options[argument] = rest.pop(0)
        elif flag is not None:
            if flag in options:
                return None
            options[flag] = True
            rest.pop(0)
        elif not _take_value(rest, VALUES[command], options):
            return None
    for parameter, (least, most) in INTEGERS.get(command, {}).items():
        value = options.get(parameter)
        if value is not None:
            if not (value.isascii() and value.isdigit()) or int(value) < least or (
                    most is not None and int(value) > most):
                return None
            options[parameter] = int(value)
    if not _known_format(command, options.get("fmt")):
        return None  # Typer names the formats
    if any(command in table and table[command] not in options for table in (ARGUMENTS, MANY)):
        return None  # Typer says it is missing
    for parameter in PATHS.get(command, ()):
        value = options.get(parameter)
        if value is not None:
            options[parameter] = ([Path(v) for v in value] if isinstance(value, list)
                                  else Path(value))
    return Parsed(root, command, options)


def _known_format(command: str, fmt: str | None) -> bool:
    """Whether `command` takes `fmt` (None: not given) without Typer's own message:
    report and agreement refuse an unknown format through Typer, segments in its body."""
    if fmt is None or command not in ("report", "agreement"):
        return True
    if command == "report":
        from qualcode.reports.spec import FORMATS

        return fmt in FORMATS
    from qualcode.cli.reads import AGREEMENT_FORMATS

    return fmt in AGREEMENT_FORMATS


def _take_value(rest: list[str], known: dict[str, str], into: dict[str, Any]) -> bool:
    """Move the option at the head of `rest` (`--name value` or `--name=value`) into
    `into` under its parameter; False when it is not one of `known`, is repeated, or
    its value starts with a dash (Click would take it; a user probably did not mean to)."""
    name, equals, value = rest.pop(0).partition("=")
    parameter = known.get(name)
    if parameter is None or parameter in into:
        return False
    if not equals:
        if not rest:
            return False
        value = rest.pop(0)
    if value.startswith("-"):
        return False
    into[parameter] = value
    return True


def _body(command: str) -> Callable[..., None]:
    if command in WRITES:
        from qualcode.cli import writes

        return cast(Callable[..., None], getattr(writes, WRITES[command]))
    from qualcode.cli import reads

    return cast(Callable[..., None], getattr(reads, command))


def run(args: Sequence[str]) -> int | None:
    """The exit status of the command `args` names, run here; None when Typer must run
    it (nothing has been done then)."""
    if "_QUALCODE_COMPLETE" in os.environ:
        return None
    parsed = parse(args)
    if parsed is None:
        return None
    from qualcode import i18n

    lang = parsed.root.get("lang")
    if lang is not None and lang not in i18n.LANGUAGES:
        return None  # Typer says what is wrong with it
    from qualcode.cli.ending import failure, quiet_pipe, say
    from qualcode.cli.language import choose_early
    from qualcode.cli.state import make_state

    quiet_pipe()
    choose_early(args)
    body = _body(parsed.command)
    try:
        body(make_state(parsed.root.get("db"), parsed.root.get("coder"), lang),
             **parsed.options)
    except (Exception, KeyboardInterrupt) as exc:
        told = failure(exc)
        if told is None:
            raise
        say(told[0])
        return told[1]
    return 0
