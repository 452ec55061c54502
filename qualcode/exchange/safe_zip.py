"""Reading a `.qdpx` without trusting it: nothing is extracted to disk, and the
archive is refused before any reading when it names paths outside itself, holds
links, or promises more data than a project needs (a zip bomb).

Declared sizes are checked up front; reading is then done in bounded chunks and
counted again, so an archive that lies about its sizes is stopped all the same.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from pathlib import Path

from qualcode.errors import UserError
from qualcode.i18n import _

MAX_ENTRIES = 10_000
MAX_TOTAL = 256 << 20
"""Uncompressed bytes of the whole archive. A 3-hour focus group is about 200 KB of text
and the harness's 100,000-quote project exports to under 100 MB; a gigabyte only ever
came from a crafted file, and parsing it took 3.4 GB of memory."""
MAX_RATIO = 100
"""Uncompressed/compressed size of one entry; XML and text compress 5-30x."""
RATIO_FLOOR = 1 << 20
"""Entries smaller than this are too small to matter whatever their ratio."""
CHUNK = 1 << 16
_DRIVE = re.compile(r"^[A-Za-z]:")


class SafeArchive:
    """The entries of a checked zip, by lower-case name (tools disagree on case)."""

    def __init__(self, path: Path, *, max_total: int | None = None,
                 not_zip: str | None = None) -> None:
        self.path = path
        self.max_total = MAX_TOTAL if max_total is None else max_total
        try:
            self._zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise UserError(_("no such file"), path=str(path)) from None
        except IsADirectoryError:
            raise UserError(_("is a folder, not a file"), path=str(path)) from None
        except (zipfile.BadZipFile, OSError):
            raise UserError(not_zip or _("not a zip archive (a .qdpx project is one)"),
                            path=str(path)) from None
        try:
            self._infos = self._check()
        except BaseException:
            self._zip.close()
            raise
        self._read_total = 0

    def _refuse(self, message: str) -> UserError:
        return UserError(_("refused: {message}").format(message=message), path=str(self.path))

    def _check(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise self._refuse(_("{count} entries (at most {MAX_ENTRIES})").format(
                                   count=len(infos), MAX_ENTRIES=MAX_ENTRIES))
        total = 0
        found: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename.replace("\\", "/")
            if not name:  # zipfile itself fails on it (`is_dir` reads its last character)
                raise self._refuse(_("an entry without a name"))
            parts = name.split("/")
            if name.startswith("/") or _DRIVE.match(name) or "\x00" in name:
                raise self._refuse(_("absolute path {filename!r} in the archive").format(
                                       filename=info.filename))
            if ".." in parts:
                raise self._refuse(_("path {filename!r} leads outside the archive").format(
                                       filename=info.filename))
            if stat.S_ISLNK(info.external_attr >> 16):
                raise self._refuse(_("{filename!r} is a symbolic link").format(
                                       filename=info.filename))
            if info.flag_bits & 0x1:
                raise self._refuse(_("{filename!r} is encrypted").format(filename=info.filename))
            total += info.file_size
            if total > self.max_total:
                raise self._refuse(_("it unpacks to more than {value} MiB").format(
                                       value=self.max_total >> 20))
            if (info.file_size > RATIO_FLOOR
                    and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
                raise self._refuse(_("{filename!r} is compressed more than {MAX_RATIO}:1 (a zip "
                                     "bomb?)").format(filename=info.filename, MAX_RATIO=MAX_RATIO))
            if info.is_dir():
                continue
            key = name.lower()
            if key in found:
                raise self._refuse(_("{filename!r} appears twice").format(filename=info.filename))
            found[key] = info
        return found

    def names(self) -> list[str]:
        return [info.filename for info in self._infos.values()]

    def size(self, name: str) -> int:
        return self._infos[name.lower()].file_size

    def has(self, name: str) -> bool:
        return name.lower() in self._infos

    def read(self, name: str) -> bytes:
        info = self._infos[name.lower()]
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as fh:
                while chunk := fh.read(CHUNK):
                    size += len(chunk)
                    self._read_total += len(chunk)
                    if size > info.file_size or self._read_total > self.max_total:
                        raise self._refuse(_("{filename!r} holds more than it declares").format(
                                               filename=info.filename))
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
            raise self._refuse(_("{filename!r} is damaged ({exc})").format(
                                   filename=info.filename, exc=exc)) from None
        return b"".join(chunks)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
