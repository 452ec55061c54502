"""The codings' GUIDs made ahead by a forked process are the ones made in process,
whether they are asked for in runs or scattered, and without `os.fork` too."""

from __future__ import annotations

import os
import uuid

import pytest

from qualcode.exchange.guids import guid_bytes
from qualcode.exchange.guids_ahead import CHUNK, Ahead

ASKED = [list(range(0, 40)), [7, 3, 3, 250], [CHUNK - 1, CHUNK, CHUNK + 1], [5], [], [9, 10**6]]


def _expected(namespace: uuid.UUID, ids: list[int]) -> list[bytes]:
    return guid_bytes(namespace, "coding", ids)


def test_guids_made_ahead_are_the_ones_made_in_process() -> None:
    namespace = uuid.UUID(int=11)
    ahead = Ahead(namespace, "coding", CHUNK + 300)
    for ids in ASKED:
        assert ahead.of(ids) == _expected(namespace, ids)
    for first, count in ((0, 1), (CHUNK - 2, 5), (CHUNK + 290, 11)):
        assert ahead.run(first, count) == b"\n".join(
            _expected(namespace, list(range(first, first + count))))
    assert ahead.run(CHUNK + 295, 10) is None  # beyond what was made


def test_without_fork_they_are_made_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "fork")
    namespace = uuid.UUID(int=12)
    ahead = Ahead(namespace, "coding", 300)
    for ids in ASKED:
        assert ahead.of(ids) == _expected(namespace, ids)


def test_a_failed_child_leaves_them_made_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from qualcode.exchange import guids_ahead

    monkeypatch.setattr(guids_ahead, "CHUNK", 0)  # the child's range() raises
    namespace = uuid.UUID(int=13)
    ahead = Ahead(namespace, "coding", 300)
    for ids in ASKED:
        assert ahead.of(ids) == _expected(namespace, ids)


def test_guids_read_a_window_at_a_time_are_the_ones_made(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from qualcode.exchange import guids_ahead

    monkeypatch.setattr(guids_ahead, "WINDOW", 37 * 3 + 5)  # three GUIDs a read
    namespace = uuid.UUID(int=14)
    ahead = Ahead(namespace, "coding", 60)
    for first, count in ((0, 1), (1, 2), (2, 5), (40, 3), (41, 1), (10, 1), (55, 6)):
        assert ahead.run(first, count) == b"\n".join(
            _expected(namespace, list(range(first, first + count))))
    for ids in ([5, 9, 6], [60], [30, 31, 32, 33]):
        assert ahead.of(ids) == _expected(namespace, ids)
