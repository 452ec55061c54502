"""JSON as the commands print it: a long array written in pieces is byte for byte the
array written at once, which is `json.dumps(…, indent=2)` with accents kept, whichever
encoder writes it (the standard library for small outputs, orjson for large ones)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qualcode.cli.json_output import emit_json
from qualcode.exporters import json_array
from qualcode.services.quotes import QuoteView


@pytest.fixture(params=["standard", "orjson"])
def encoder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The test twice: with each output taken as small, then as large."""
    monkeypatch.setattr(json_array, "SMALL", 10**9 if request.param == "standard" else -1)
    return str(request.param)


def _printed(data: Any, capsysbinary: pytest.CaptureFixture[bytes]) -> bytes:
    emit_json(data)
    return capsysbinary.readouterr().out


def _expected(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


@pytest.mark.usefixtures("encoder")
@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 5, 6, 7, 10])
def test_an_array_in_pieces_is_the_array_at_once(
        size: int, monkeypatch: pytest.MonkeyPatch,
        capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    monkeypatch.setattr(json_array, "CHUNK", 3)  # pieces of 3: every boundary met
    items = [{"id": i, "texte": f"« données de santé » n° {i}", "codes": {"zoé": ["sécurité"]},
              "vide": [], "rien": None} for i in range(size)]
    assert _printed(items, capsysbinary) == _expected(items)


@pytest.mark.usefixtures("encoder")
def test_quote_records_are_written_as_their_fields(
        monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    """`quotes --json` hands the records themselves to the encoder: their fields, in
    order, are SPEC's keys."""
    monkeypatch.setattr(json_array, "CHUNK", 2)
    views = [QuoteView(i, "G1", "Aïcha", i == 0, "J’ai peur… du piratage",
                       {"anne": ["piratage"]}, ["anne", "zoé"],
                       [{"code": "piratage", "coder": "anne", "start": 6, "end": 10,
                         "text": "peur"}], [{"coder": "zoé", "code": None, "text": "à voir"}])
             for i in range(5)]
    printed = _printed(views, capsysbinary)
    assert printed == _expected([vars(v) for v in views])
    assert list(json.loads(printed)[0]) == ["id", "group", "speaker", "moderator", "text",
                                            "codes", "reviewed_by", "segments", "memos"]


@pytest.mark.usefixtures("encoder")
def test_other_values_are_written_whole(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    report = {"scope": "all coders", "groups": [{"name": "G1", "quotes": 3}], "share": 0.1167}
    assert _printed(report, capsysbinary) == _expected(report)


@pytest.mark.usefixtures("encoder")
@pytest.mark.parametrize("size", [0, 1, 3, 4, 7])
def test_a_streamed_array_is_the_array_at_once(
        size: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """`segments --format json` streams a million rows through a generator: the pieces
    it writes are the whole array's bytes, however the rows fall into them."""
    import io

    monkeypatch.setattr(json_array, "CHUNK", 3)
    rows = [{"thème": "sécurité des données", "texte": f"« piratage »\n\t\"{i}\" \\ \x01",
             "début": i, "modérateur": i % 2 == 0, "mémo": None} for i in range(size)]
    sink = io.BytesIO()
    assert json_array.write_array(iter(rows), sink) == size
    assert sink.getvalue() == _expected(rows)


def test_small_outputs_do_not_load_orjson() -> None:
    """The demo's outputs are written without orjson, which costs 14 ms to import (it
    loads `dataclasses`); a large one with it."""
    import subprocess
    import sys

    code = ("import sys, io; from qualcode.exporters import json_array as j; "
            "j.write_array([{'a': 1}] * int(sys.argv[1]), io.BytesIO()); "
            "j.json_bytes({'a': [1] * int(sys.argv[1])}); "
            "print(sorted(m for m in ('orjson', 'dataclasses') if m in sys.modules))")
    loaded = {n: subprocess.run([sys.executable, "-c", code, str(n)], capture_output=True,
                                text=True, check=True).stdout.strip()
              for n in (3, json_array.SMALL + 1)}
    assert loaded == {3: "[]", json_array.SMALL + 1: "['dataclasses', 'orjson']"}


def test_the_size_is_counted_through_records_and_nesting() -> None:
    records = [QuoteView(i, "G1", "A", False, "t", {"c": ["x"] * 5}, [], [], [])
               for i in range(3)]
    budget = json_array.SMALL
    assert json_array._small(records)
    assert not json_array._small([{"codes": {"c": ["x"] * budget}}])
    assert not json_array._small([[[0] * (budget // 2)], [[0] * (budget // 2)]])
