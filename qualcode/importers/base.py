"""What every importer produces, and the decoding every text format shares.

An importer only parses: it turns one file into a `ParsedSource` (plain data, no
database), raising `UserError` with the file and line on bad input. Writing is the
import service's job, in one transaction, so a bad file never half-lands.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from qualcode.domain.control_chars import STRAY, without_controls
from qualcode.errors import UserError
from qualcode.i18n import _

# Kept importable from here, where they were (the benchmarks' cases import them so).
from qualcode.importers.moderators import MODERATOR_LABELS as MODERATOR_LABELS
from qualcode.importers.moderators import is_moderator_label as is_moderator_label


class ParsedTurn:
    """One turn of a parsed file, as the import service writes it: a quote, its speaker
    and where it stands. A class of its own, not a dataclass: `import` makes one a row
    and `dataclasses` costs 8 ms of its start-up (it imports `inspect`)."""

    __slots__ = ("speaker", "text", "start", "end", "is_moderator", "group", "external_id",
                 "attributes", "line", "codings", "coded_by")

    def __init__(self, speaker: str, text: str, start: int | None = None,
                 end: int | None = None, is_moderator: bool = False, group: str | None = None,
                 external_id: str | None = None, attributes: dict[str, str] | None = None,
                 line: int | None = None,
                 codings: list[tuple[str | None, str | None]] | None = None,
                 coded_by: dict[str, int] | None = None) -> None:
        self.speaker = speaker
        self.text = text
        self.start = start
        self.end = end
        self.is_moderator = is_moderator
        self.group = group
        self.external_id = external_id
        self.attributes: dict[str, str] = {} if attributes is None else attributes
        self.line = line
        self.codings: list[tuple[str | None, str | None]] = [] if codings is None else codings
        """From a coded table: (coder or None for the importing coder, code name); a None
        code is a coder's row with no code: reviewed, none applies."""
        self.coded_by: dict[str, int] = {} if coded_by is None else coded_by
        """Coder (or "") → the line of the row that coded the turn: errors name that row."""


class ParsedSource:
    """One parsed file: plain data, no database (see the module's docstring). A class of
    its own, not a dataclass (see `ParsedTurn`)."""

    __slots__ = ("name", "format", "kind", "content_hash", "turns", "text", "notes", "nfc")

    def __init__(self, name: str, format: str, kind: str, content_hash: str,  # noqa: A002
                 turns: list[ParsedTurn], text: str | None = None,
                 notes: list[str] | None = None, nfc: bool = False) -> None:
        self.name = name
        self.format = format
        self.kind = kind  # "transcript" or "table"
        self.content_hash = content_hash
        self.turns = turns
        self.text = text
        self.notes: list[str] = [] if notes is None else notes
        """Doubtful readings, `file:line: what was decided`, for the researcher to check."""
        self.nfc = nfc
        """Whether every turn's text is in NFC already (`text_hashes` then skips it)."""


def content_hash(data: str | bytes) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def text_hash(text: str) -> str:
    return _digest(unicodedata.normalize("NFC", text))


def text_hashes(texts: Iterable[str], *, nfc: bool = False) -> list[str]:
    """`text_hash` of each text; `nfc` when they are all in NFC already, as a quote
    table's are, which skips normalising them again (0.05 s at 100,000 quotes)."""
    return list(map(_digest if nfc else text_hash, texts))


def _digest(nfc_text: str) -> str:
    return hashlib.sha256(nfc_text.encode("utf-8")).hexdigest()[:32]


def read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise UserError(_("is a folder, not a file"), path=str(path)) from None
    except OSError as exc:
        raise UserError(
            _("cannot read: {strerror}").format(strerror=exc.strerror), path=str(path)
        ) from None
    if not data or data.isspace():  # not `strip`, which copies a file of text
        raise UserError(_("the file is empty"), path=str(path))
    return data


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
"""Control characters that no text file holds (tab, line and page breaks excepted)."""


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 written without a BOM shows as NUL bytes at every other position."""
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def decode_text(data: bytes, path: Path, notes: list[str] | None = None, *,
                keep_page_breaks: bool = False) -> str:
    """Bytes from a French office to NFC text with LF line ends.

    BOMs are trusted first (UTF-8, UTF-16), then a BOM-less UTF-16 shape; then strict
    UTF-8; then Windows-1252, which is what French Windows writes and which reads
    Latin-1 text identically (they differ only on 0x80-0x9F, control codes in Latin-1).
    charset-normalizer decides only for what neither reads: on a short French text it
    guesses mac_roman or cp1250 as often as cp1252, so it cannot go first. Binary
    content is refused rather than decoded into mojibake.

    A vertical tab or form feed becomes a line break, unless `keep_page_breaks`: a CSV
    reader must see it whole, since a line break outside quotes would end the row
    (`page_breaks_as_lines` then turns it into one inside its cell).
    """
    head = data[:4096]
    whole: str | None = None  # the encoding every byte was read in, when one was
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            text, whole = _decoded_lf(data[3:], "utf-8"), "utf-8"
        elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        elif (wide := _utf16_without_bom(head)) is not None:
            text = data.decode(wide)
        else:
            if b"\x00" in head:
                raise UserError(_("binary file, not text (wrong format?)"), path=str(path))
            text, whole = _decode_narrow(data, path, notes)
    except UnicodeDecodeError as exc:
        raise UserError(_("not valid {upper} text (byte {start})").format(
                            upper=exc.encoding.upper(), start=exc.start),
                        path=str(path)) from None
    text = text.lstrip("\ufeff")
    if "\r" in text:  # a search is cheaper than two copies of a 30 MB table
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _BLANK.match(text):
        raise UserError(_("the file is empty"), path=str(path))
    head_text = text[:4096]
    if len(_CONTROL.findall(head_text)) > max(3, len(head_text) // 100):
        # Dense control codes are a binary file; a stray one is removed below, noted.
        raise UserError(_("binary file, not text (wrong format?)"), path=str(path))
    if whole is None or _strays_in_bytes(data, whole):
        text = without_controls(text, str(path), notes, keep_page_breaks=keep_page_breaks)
    return unicodedata.normalize("NFC", text)


_BLANK = re.compile(r"[ \n\t]*\Z")
"""A text of nothing but blanks: matched from the start, it stops at the first word
(`strip` would copy the whole text to find out)."""

_NOT_C0_STRAY = bytes(b for b in range(256) if b >= 0x80 or not STRAY.match(chr(b)))
_C1_IN_UTF8 = re.compile(b"\xc2[\x80-\x9f]")


def _strays_in_bytes(data: bytes, encoding: str) -> bool:
    """Whether text read whole in `encoding` (UTF-8 or Windows-1252) may hold a `STRAY`
    character, told from its bytes: a regex over a 30 MB text took 90 ms, these two
    passes 20. The C0 controls and DEL are their own bytes in both encodings; a C1
    control is U+0080-U+009F, `\\xc2\\x80`-`\\xc2\\x9f` in UTF-8 (Windows-1252 decodes no
    byte to one)."""
    if data.translate(None, _NOT_C0_STRAY):
        return True
    return encoding == "utf-8" and _C1_IN_UTF8.search(data) is not None


def _decode_narrow(data: bytes, path: Path, notes: list[str] | None
                   ) -> tuple[str, str | None]:
    """The text, and the encoding it was read in whole (None when lines differ or
    charset-normalizer chose)."""
    try:
        return _decoded_lf(data, "utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mixed = _mixed_utf8(data, str(path), notes)
    if mixed is not None:
        return mixed, None
    try:
        return _decoded_lf(data, "cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UserError(_("cannot tell the text encoding (binary file?)"), path=str(path))
    return str(best), None


def _decoded_lf(data: bytes, encoding: str) -> str:
    """`data` in `encoding` (UTF-8 or Windows-1252, where CR and LF are bytes of their
    own), its line ends made LF in the bytes as `decode_text` makes them in a text: 30
    ms less at 100k rows. A decoding error is the one the bytes as read give, at its
    offset in them."""
    if b"\r" not in data:
        return data.decode(encoding)
    try:
        return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").decode(encoding)
    except UnicodeDecodeError:
        return data.decode(encoding)  # raises, at the offset in the file


def _mixed_utf8(data: bytes, where: str, notes: list[str] | None) -> str | None:
    """A UTF-8 file with a few lines in Windows-1252 (pasted from another file): each
    line in its own encoding, the others noted. None when no line shows UTF-8 at all,
    so a plain Windows-1252 file is read whole as such."""
    lines = data.split(b"\n")
    out: list[str] = []
    foreign: list[int] = []
    utf8_seen = False
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8")
            utf8_seen = utf8_seen or not raw.isascii()
        except UnicodeDecodeError:
            try:
                line = raw.decode("cp1252")
            except UnicodeDecodeError:
                raise UserError(_("line {number} is neither UTF-8 nor Windows-1252 text").format(
                                    number=number),
                                path=where, line=number) from None
            foreign.append(number)
        out.append(line)
    if not utf8_seen:
        return None
    if notes is not None:
        shown = ", ".join(map(str, foreign[:10])) + (" …" if len(foreign) > 10 else "")
        notes.append(_("{where}:{foreign}: not UTF-8 like the rest of the file: read as "
                       "Windows-1252 (lines {shown}); check their accents").format(
                         where=where, foreign=foreign[0], shown=shown))
    return "\n".join(out)
