"""Speaker turns out of a plain-text transcript; shared by the txt, md and docx importers.

A turn starts at a line `LABEL : text` or `LABEL: text` (any space before the colon,
non-breaking ones included), optionally after a timestamp (`[00:12:34]`, `00:12:34 -`)
or with one between the label and the colon; Markdown emphasis around the label
(`**ANIMATRICE :**`) is allowed. Lines without a label continue the turn. Lines before
the first turn are a header and give no quote.

The hard part is telling a label from a sentence with a colon in it
(`Enfin voilà, ce que je veux dire : …`). A label is short (≤ 4 words, ≤ 40 characters),
starts with a capital (or is a moderator word), has no sentence punctuation, and every
word after the first is capitalised, a number, or a name particle (`de`, `van`…). Its
first word is not a discourse word (`Alors`, `Bon`, `Mon`…) nor a header field
(`Date`, `Lieu`…). A *strong* label — all caps, or with a digit (`P3`), a title (`Mme`),
or a moderator word — counts at once; a *weak* one (`Doctolib`, `Marie`) only when the
same label starts two lines or more, since a real speaker speaks more than once and a
capitalised word before a colon in the middle of a turn rarely comes back (so a
named speaker who speaks only once, among others, joins the turn before; a file whose
labels are all such names takes them all).

Offsets: a turn's text runs from the first character after the label to the end of
its last non-blank line, continuation lines included exactly as they are in the
transcript (line breaks, indentation, blank lines between paragraphs), so
`transcript[start:end] == text` always holds; a timestamp alone on the last line is
left out. Speakers whose labels fold to the same
text (`ANIMATRICE`, `Animatrice`) are one speaker, named as first written.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.importers.base import ParsedSource, ParsedTurn, content_hash
from qualcode.importers.moderators import is_moderator_label
from qualcode.search.normalise import fold

_SP = r"[^\S\n]"
_TS = r"[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?"
_EM = r"(?:\*{1,2}|_{1,2})"
_LABEL_LINE = re.compile(  # from the newline before the line: a literal the engine seeks fast
    rf"\n{_SP}*(?:{_TS}{_SP}*(?:[-–—]{_SP}*)?)?{_EM}?"
    rf"(?P<label>[^\s:*_\[\]()][^:\n*_\[\]()]{{0,59}}(?:\([^()\n:]{{0,30}}\)[^:\n*_\[\]()]{{0,20}})?)"
    r"(?!(?<=\d)\d?:\d\d)"  # a label stops before a time: its colon is not the label's
    rf"(?:{_TS}{_SP}*)?{_EM}?{_SP}*:{_SP}*{_EM}?{_SP}*"
)
_STANDALONE = re.compile(rf"{_SP}*{_TS}{_SP}*$")
_TS_ENDS = frozenset("0123456789)]")  # a trailing timestamp line ends with one of these
_MD_BREAK = re.compile(r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|(?:[-*_][ \t]*){3,}$)", re.MULTILINE)
_PARENS = re.compile(r"\([^()]*\)")

_NOT_FIRST_WORDS = frozenset(
    # discourse words and determiners that start sentences, not names
    "oui non si alors donc bref enfin voila voici mais et ou bon ben bah euh ah oh eh "
    "ouais ok okay merci sinon puis apres ensuite aussi pourquoi comment quoi quand moi "
    "toi lui nous vous eux je tu il elle on ils elles ca cela ceci c'est exemple resultat "
    "conclusion attention remarque rappel bilan nb ps note le la les l' un une des du de "
    "mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs ce cet cette ces "
    "yes no so well and but the a an my "
    # header fields
    "date lieu duree heure horaire participants presents theme sujet titre transcription "
    "fichier enregistrement objet etude projet time location duration title file subject "
    "source page".split()
)
_ELISIONS = frozenset("c' j' qu' s' n' m' t'".split())
_PARTICLES = frozenset("de du des d' la le van von der di da del y et".split())
_TITLES = frozenset("m m. mme mme. mlle mlle. mr mr. mrs mrs. ms ms. dr dr. pr pr.".split())
_SENTENCE_MARKS = frozenset(",;!?…«»\"“”")


class Label(NamedTuple):
    """A speaker label; `strong` when its shape alone makes it one (see the module doc).
    A NamedTuple, not a dataclass: `dataclasses` costs 8 ms of a command's start-up."""

    speaker: str
    strong: bool


@lru_cache(maxsize=8192)
def classify_label(raw: str) -> Label | None:
    """`raw` as a speaker label, or None when it reads as the start of a sentence."""
    label = " ".join(raw.split())
    if not label or len(label) > 40:
        return None
    bare = _PARENS.sub(" ", label)  # "Femme 1 (CSP+, 35 ans)": the aside is free
    if any(ch in _SENTENCE_MARKS or ch in "()" for ch in bare):
        return None
    words = bare.split()
    if not words or len(words) > 4:
        return None
    folded = [fold(w) for w in words]
    moderator = is_moderator_label(label)
    if folded[0] in _NOT_FIRST_WORDS or folded[0].split("'")[0] + "'" in _ELISIONS:
        return None
    if not (words[0][0].isupper() or moderator):
        return None
    for word, key in zip(words[1:], folded[1:], strict=True):
        if not (word[0].isupper() or any(ch.isdigit() for ch in word) or key in _PARTICLES):
            return None
    for word in words:
        if "." in word and len(word) > 5:  # "M.", "Mme.", "J.-P." but not "voilà."
            return None
    letters = [ch for ch in bare if ch.isalpha()]
    strong = (moderator or any(ch.isdigit() for ch in bare) or folded[0] in _TITLES
              or (len(letters) > 1 and all(ch.isupper() for ch in letters)))
    return Label(label, strong)


def parse_turns(text: str, *, markdown: bool = False, breaks: frozenset[int] = frozenset(),
                notes: list[tuple[int, str]] | None = None) -> list[ParsedTurn]:
    """The turns of `text` (NFC, LF), with exact offsets; linear in the text's length.

    The label lines are found by one regex pass (in C, seeking each line's newline), so
    the Python work is per turn, not per line. `breaks` are 0-based line numbers that end a turn
    without belonging to one (Word headings); with `markdown`, headings and rules do
    the same. Every doubtful reading (a name seen once, header lines) is added to
    `notes` as (line, message), for the import summary.
    """
    candidates: list[tuple[int, int, Label]] = []  # (line start, text start, label)
    weak_counts: Counter[str] = Counter()
    first = _LABEL_LINE.match("\n" + text.partition("\n")[0])
    found = [(0, first.end() - 1, first.group("label"))] if first is not None else []
    found += [(m.start() + 1, m.end(), m.group("label")) for m in _LABEL_LINE.finditer(text)]
    for line_start, text_start, raw in found:
        label = classify_label(raw)
        if label is not None:
            candidates.append((line_start, text_start, label))
            if not label.strong:
                weak_counts[label.speaker] += 1
    bounds = sorted(_break_offsets(text, markdown, breaks))
    accepted = []
    for candidate in candidates:
        label = candidate[2]
        if label.strong or weak_counts[label.speaker] > 1:
            accepted.append(candidate)
            continue
        # A name seen once: a speaker's turn starts with a capital, while a colon inside
        # a sentence goes on in lower case ("Doctolib : c'est pratique"). Either way
        # the reading is reported, so the researcher checks it.
        opens = text[candidate[1]:candidate[1] + 1]
        starts_turn = opens.isupper() or opens.isdigit() or opens in "«\"“"
        line_no = text.count("\n", 0, candidate[0]) + 1
        if starts_turn:
            accepted.append(candidate)
            _note(notes, line_no, _("« {speaker} » speaks only here: taken as a speaker").format(
                                      speaker=label.speaker))
        else:
            _note(notes, line_no, _("« {speaker} : » read as words of the turn before, not a "
                                    "speaker").format(speaker=label.speaker))
    accepted = accepted or candidates  # only once-seen names: still the best reading
    accepted = _without_header(text, accepted, notes)
    ends = [line_start for line_start, _, _ in accepted[1:]] + [len(text) + 1] * bool(accepted)

    turns: list[ParsedTurn] = []
    by_label: dict[str, tuple[str, bool]] = {}  # label as written → (speaker, moderator)
    by_key: dict[str, tuple[str, bool]] = {}  # folded label → the first spelling's
    line, counted = 1, 0
    b, next_bound = 0, bounds[0]
    count, standalone, ts_ends = text.count, _STANDALONE.match, _TS_ENDS
    for (line_start, text_start, label), stop in zip(accepted, ends, strict=True):
        if next_bound < stop:
            while bounds[b] < text_start:
                b += 1
            next_bound = bounds[b]
            stop = min(stop, next_bound)
        trimmed = text[text_start:stop - 1].rstrip()
        while trimmed[-1:] in ts_ends and standalone(trimmed, trimmed.rfind("\n") + 1):
            trimmed = trimmed[:trimmed.rfind("\n") + 1].rstrip()
        said = trimmed.lstrip()
        line += count("\n", counted, line_start)
        counted = line_start
        if not said:
            continue
        known = by_label.get(label.speaker)
        if known is None:
            key = fold(label.speaker)
            known = by_key.setdefault(key, (label.speaker, is_moderator_label(key)))
            by_label[label.speaker] = known
        end = text_start + len(trimmed)
        turns.append(ParsedTurn(known[0], said, end - len(said), end, known[1], line=line))
    return turns


def _note(notes: list[tuple[int, str]] | None, line: int, message: str) -> None:
    if notes is not None:
        notes.append((line, message))


_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_NAME_WORD = re.compile(r"^(?:[A-ZÀ-Ý][\w'’-]*\.?|[A-ZÀ-Ý]\.(?:-[A-ZÀ-Ý]\.)?)$")


def _without_header(text: str, accepted: list[tuple[int, int, Label]],
                    notes: list[tuple[int, str]] | None) -> list[tuple[int, int, Label]]:
    """Label lines of the opening block that only name people ("Animatrice : Claire D.")
    are the session's header when a blank line then opens the conversation."""
    blank = _BLANK_LINE.search(text)
    if blank is None:
        return accepted
    head = [c for c in accepted if c[0] < blank.start()]
    if not head or len(head) == len(accepted):
        return accepted
    for _label, text_start, _end in head:
        said = text[text_start:text.find("\n", text_start)].strip()
        words = said.split()
        if not 2 <= len(words) <= 5 or fold(words[0]) in _NOT_FIRST_WORDS or not all(
                _NAME_WORD.match(w) for w in words):
            return accepted
    last = text.count("\n", 0, blank.start()) + 1
    if notes is not None:  # what was said of the header's lines no longer matters
        notes[:] = [n for n in notes if n[0] > last]
    _note(notes, 1, _("lines 1-{last} kept as the transcript's header, not as quotes").format(
                        last=last))
    return accepted[len(head):]


def _break_offsets(text: str, markdown: bool, breaks: frozenset[int]) -> set[int]:
    """Offsets of the lines that end a turn (see `parse_turns`), plus one past the end."""
    found = {len(text) + 1}
    if markdown:
        found.update(m.start() for m in _MD_BREAK.finditer(text))
    if breaks:
        offset = 0
        for number, line in enumerate(text.split("\n")):
            if number in breaks:
                found.add(offset)
            offset += len(line) + 1
    return found


def transcript_source(path: Path, fmt: str, text: str, *, markdown: bool = False,
                      breaks: frozenset[int] = frozenset(),
                      notes: list[str] | None = None) -> ParsedSource:
    """A transcript file's text as a source; a file with no turn at all is refused.
    `notes` are what decoding already found doubtful."""
    doubts: list[tuple[int, str]] = []
    turns = parse_turns(text, markdown=markdown, breaks=breaks, notes=doubts)
    if not turns:
        raise UserError(_("no speaker turns found (expected lines like `P1 : text` or "
                        "`ANIMATRICE : text`)"), path=str(path))
    return ParsedSource(name=path.name, format=fmt, kind="transcript",
                        content_hash=content_hash(text), turns=turns, text=text,
                        notes=[*(notes or []), *(f"{path}:{line}: {message}"
                                                 for line, message in sorted(doubts))])
