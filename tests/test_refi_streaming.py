"""The REFI-QDA export writes as it reads (issue 24, item 3): selections reach the zip
while the quotes are still being fetched, batch boundaries change nothing, GUIDs are
uuid5's own, and the same code exports a project held on PostgreSQL."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcode.db import reader as reader_module
from qualcode.db.reader import Reader
from qualcode.exchange import qdpx_export, xml_write
from qualcode.exchange.background_write import written_behind
from qualcode.exchange.guids import guid_bytes, make_guid
from qualcode.exchange.qde_write import (
    coded_selections,
    coding_xml,
    place,
    selection_refs,
    selection_xml,
    who,
)
from qualcode.exchange.qdpx_export import label

from .conftest import REPO, Cli
from .postgres import postgres_server, postgres_url  # noqa: F401 (fixtures)
from .refi_support import assert_valid_qdpx


def _annotated(cli: Cli, db: Path) -> None:
    """The demo with a memo, a span, a coding memo and a review: every kind of row the
    export reads beside the quotes."""
    assert cli("--db", str(db), "code", "3", "--memo", "« À revoir » : l’exemple").code == 0
    assert cli("--db", str(db), "--coder", "bob", "code", "3", "--reviewed").code == 0
    assert cli("--db", str(db), "--coder", "bob", "code", "5", "data security",
               "--memo", "sûr").code == 0


def _qde(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("project.qde")


def test_selections_are_written_while_the_quotes_are_read(
        demo_db: Path, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _annotated(cli, demo_db)
    whole = tmp_path / "whole.qdpx"
    assert cli("--db", str(demo_db), "export", str(whole)).code == 0

    events: list[str] = []
    real_stream = Reader.stream

    def logged(self: Reader, text: str, params: Any = ()) -> Iterator[list[tuple[Any, ...]]]:
        for batch in real_stream(self, text, params):
            events.append("fetch")
            yield batch

    real_write = qdpx_export.write_project_xml

    def watched(project: Any, sink: BinaryIO) -> None:
        class Sink:
            def write(self, data: bytes) -> int:
                events.append("selection" if b"<PlainTextSelection" in data else "write")
                return sink.write(data)

        real_write(project, Sink())  # type: ignore[arg-type]

    monkeypatch.setattr(reader_module, "FETCH", 3)
    monkeypatch.setattr(xml_write, "FLUSH", 1)
    monkeypatch.setattr(Reader, "stream", logged)
    monkeypatch.setattr(qdpx_export, "write_project_xml", watched)
    small = tmp_path / "small.qdpx"
    assert cli("--db", str(demo_db), "export", str(small)).code == 0

    assert _qde(small) == _qde(whole)  # three rows a batch, a flush a piece: the same file
    assert_valid_qdpx(small)
    first, last = events.index("selection"), len(events) - events[::-1].index("selection")
    between = events[first:last].count("fetch")
    assert between > events.count("fetch") / 4, "rows all read before the selections written"


def test_export_on_postgresql_writes_what_the_file_does(
        cli: Cli, demo_db: Path, postgres_url: str, tmp_path: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert cli("--db", postgres_url, "demo", "--no-tui").code == 0
    on_file, on_server = tmp_path / "file.qdpx", tmp_path / "server.qdpx"
    assert cli("--db", str(demo_db), "export", str(on_file)).code == 0
    done = cli("--db", postgres_url, "export", str(on_server), "--positions", "utf16")
    assert done.code == 0, done.err
    assert_valid_qdpx(on_server)

    def shape(qde: bytes) -> str:
        """GUIDs numbered by first use, times and the project's name left out: the two
        projects were made apart, so only these may differ."""
        text = re.sub(r'(creationDateTime|modifiedDateTime)="[^"]*"', r'\1=""', qde.decode())
        text = re.sub(r'<Project ([^>]*?)name="[^"]*"', r"<Project \1", text, count=1)
        text = text.replace(" (positions in UTF-16 units)", "")
        seen: dict[str, str] = {}
        return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                      lambda m: seen.setdefault(m.group(), f"#{len(seen)}"), text)

    assert shape(_qde(on_server)) == shape(_qde(on_file))
    assert done.out.startswith(f"wrote {on_server}: ") and " 0 selections" not in done.out


PROBE = """
import sys
from qualcode.cli import main
sys.argv = ["qualcode", "--db", {db!r}, "export", {target!r}, "--force"]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
print("IMPORTED", sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "sqlmodel")),
      file=sys.stderr)
"""


def test_export_reads_without_sqlalchemy_once_its_namespace_is_drawn(
        demo_db: Path, tmp_path: Path) -> None:
    """The first export writes the project's GUID namespace (through SQLAlchemy, as
    every write); every later one only reads, with sqlite3 alone."""
    imported = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", PROBE.format(
            db=str(demo_db), target=str(tmp_path / "d.qdpx"))], capture_output=True, text=True,
            cwd=REPO, check=False)
        assert done.returncode == 0 and done.stdout.startswith("wrote "), done.stderr[-2000:]
        imported.append(done.stderr.splitlines()[-1])
    assert imported[0] != "IMPORTED []" and imported[1] == "IMPORTED []", imported


@given(st.text(max_size=300))
def test_guids_are_uuid5(ident: str) -> None:
    namespace = uuid.UUID(int=hash(ident) % (1 << 128))
    assert make_guid(namespace, "quote", ident) == str(uuid.uuid5(namespace, f"quote:{ident}"))
    assert make_guid(namespace, "coding", 12) == str(uuid.uuid5(namespace, "coding:12"))


@given(st.lists(st.text(max_size=40) | st.integers(), max_size=50))
def test_guids_made_in_bulk_are_uuid5(idents: list[str | int]) -> None:
    namespace = uuid.UUID(int=hash(tuple(idents)) % (1 << 128))
    assert guid_bytes(namespace, "coding", idents) == [
        str(uuid.uuid5(namespace, f"coding:{i}")).encode() for i in idents]


@given(st.text(st.characters(min_codepoint=32, max_codepoint=0xD7FF), max_size=30), st.booleans())
def test_selections_of_one_coding_are_written_as_the_general_one(name: str, dated: bool) -> None:
    where, by = place(name, 3, 14), who("u-guid", "2023-11-21T09:00:07Z" if dated else None)
    made = coded_selections([b"s1", b"s2"], where.encode(), [by.encode(), b""], [b"c1", b"c2"],
                            [b"k1", b"k2"])
    assert b"".join(made).decode() == selection_xml("s1", where, by, coding_xml(
        "c1", "k1", by)) + selection_xml("s2", where, "", coding_xml("c2", "k2", ""))


@pytest.mark.parametrize("guids", [[], [b"a"], [b"a", b"b", b"c"]])
def test_selection_refs_are_one_line_each(guids: list[bytes]) -> None:
    assert selection_refs(b"\n".join(guids)).decode().splitlines() == [
        f'      <SelectionRef targetGUID="{g.decode()}"/>' for g in guids]


@given(st.lists(st.sampled_from([*"ab é\n\t\u00a0", "x" * 20]), max_size=40).map("".join))
def test_label_is_the_first_words_of_the_whole_split(text: str) -> None:
    words = text.split()
    short = " ".join(words[:8])
    if len(short) > 60:
        short = short[:60].rsplit(" ", 1)[0] or short[:60]
    assert label(text) == short + ("…" if short != " ".join(words) else "")


def test_writes_behind_arrive_in_order_and_their_failure_is_raised() -> None:
    sink = io.BytesIO()
    with written_behind(sink) as behind:
        for i in range(100):
            behind.write(b"%d," % i)
    assert sink.getvalue() == b"".join(b"%d," % i for i in range(100))

    class Full(io.BytesIO):
        def write(self, data: Any) -> int:
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"), written_behind(Full()) as behind:
        for _ in range(10):
            behind.write(b"x")


class _Rows:
    """A Reader's `row` answering `max(id), count(*)` for a table of the given ids."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def row(self, text: str, params: Any = ()) -> tuple[int | None, int]:
        return (max(self.ids, default=None), len(self.ids))


@pytest.mark.parametrize("ids", [list(range(1, 50)), [1, 5, 10**6]])
@pytest.mark.parametrize("fork", [True, False])
def test_remembered_guids_are_the_ones_made_even_when_some_were_not(
        ids: list[int], fork: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not fork:
        monkeypatch.delattr(os, "fork", raising=False)
    guids = qdpx_export._Guids(uuid.UUID(int=7), {})
    top = qdpx_export._dense_top(_Rows(ids), "coding")  # type: ignore[arg-type]
    remembered = qdpx_export._Remembered(guids, "coding-selection", top)
    remembered.made(ids[::2])
    for asked in (ids[::2], ids, ids[1:2], []):
        assert remembered.recalled(asked) == guids.many("coding-selection", asked)
    for asked in (ids[:3], ids[1:2], ids[::2]):
        run = remembered.run(",".join(map(str, asked)))
        consecutive = asked == list(range(asked[0], asked[0] + len(asked)))
        if fork and consecutive and top is not None:  # dense ids, made ahead
            assert run == b"\n".join(guids.many("coding-selection", asked))
        else:
            assert run is None  # made by `made` instead
