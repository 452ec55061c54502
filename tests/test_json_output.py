"""JSON as the commands print it: a long array written in pieces is byte for byte the
array written at once, which is `json.dumps(…, indent=2)` with accents kept."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import pytest

from qualcode.cli.json_output import emit_json
from qualcode.exporters import json_array
from qualcode.services.quotes import QuoteView


def _printed(data: Any, capsysbinary: pytest.CaptureFixture[bytes]) -> bytes:
    emit_json(data)
    return capsysbinary.readouterr().out


def _expected(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 5, 6, 7, 10])
def test_an_array_in_pieces_is_the_array_at_once(
        size: int, monkeypatch: pytest.MonkeyPatch,
        capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    monkeypatch.setattr(json_array, "CHUNK", 3)  # pieces of 3: every boundary met
    items = [{"id": i, "texte": f"« données de santé » n° {i}", "codes": {"zoé": ["sécurité"]},
              "vide": [], "rien": None} for i in range(size)]
    assert _printed(items, capsysbinary) == _expected(items)


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
    assert printed == _expected([asdict(v) for v in views])
    assert list(json.loads(printed)[0]) == ["id", "group", "speaker", "moderator", "text",
                                            "codes", "reviewed_by", "segments", "memos"]


def test_other_values_are_written_whole(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    report = {"scope": "all coders", "groups": [{"name": "G1", "quotes": 3}], "share": 0.1167}
    assert _printed(report, capsysbinary) == _expected(report)


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
