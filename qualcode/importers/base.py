"""What every importer produces, and the decoding every text format shares.

An importer only parses: it turns one file into a `ParsedSource` (plain data, no
database), raising `UserError` with the file and line on bad input. Writing is the
import service's job, in one transaction, so a bad file never half-lands.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.errors import UserError

MODERATOR_LABELS = frozenset(
    {"animateur", "animatrice", "moderateur", "moderatrice", "moderator", "interviewer",
     "interviewe", "facilitator", "facilitatrice", "facilitateur", "enqueteur", "enqueteuse"}
)


@dataclass
class ParsedTurn:
    speaker: str
    text: str
    start: int | None = None
    end: int | None = None
    is_moderator: bool = False
    group: str | None = None
    external_id: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    line: int | None = None


@dataclass
class ParsedSource:
    name: str
    format: str
    kind: str  # "transcript" or "table"
    content_hash: str
    turns: list[ParsedTurn]
    text: str | None = None


def is_moderator_label(label: str) -> bool:
    from qualcode.search.normalise import fold

    first = fold(label).replace("-", " ").split(" ")[0] if label.strip() else ""
    return first in MODERATOR_LABELS


def content_hash(data: str | bytes) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()[:32]


def read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise UserError("is a folder, not a file", path=str(path)) from None
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", path=str(path)) from None
    if not data.strip():
        raise UserError("the file is empty", path=str(path))
    return data


def decode_text(data: bytes, path: Path) -> str:
    """Bytes from a French office to NFC text with LF line ends.

    BOMs are trusted first (UTF-8, UTF-16); then strict UTF-8; then charset-normalizer
    decides between the legacy code pages (Windows-1252, Latin-1…). Binary content
    is refused rather than decoded into mojibake.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            text = data[3:].decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            raise UserError("not valid UTF-8 text after its byte-order mark",
                            path=str(path)) from None
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise UserError("not valid UTF-16 text", path=str(path)) from None
    else:
        if b"\x00" in data[:4096]:
            raise UserError("binary file, not text (wrong format?)", path=str(path))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            from charset_normalizer import from_bytes

            best = from_bytes(data).best()
            if best is None:
                raise UserError("cannot tell the text encoding (binary file?)",
                                path=str(path)) from None
            encoding = best.encoding
            # cp1252 is a superset of Latin-1 for printable text, and is what French
            # Windows writes: prefer it when the detector hesitates between them.
            if encoding in {"latin_1", "iso8859_15", "cp1250", "cp1258", "mac_roman"}:
                try:
                    text = data.decode("cp1252")
                except UnicodeDecodeError:
                    text = str(best)
            else:
                text = str(best)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip(" \n\t\ufeff"):
        raise UserError("the file is empty", path=str(path))
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text[:4096]):
        raise UserError("binary file, not text (wrong format?)", path=str(path))
    return unicodedata.normalize("NFC", text)
