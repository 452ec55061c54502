"""`quotes`: every coder's codes, segments, memos and review marks on the selected quotes,
whichever way the selection's ids reach the queries (issue 24), on a file or a server."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pytest

from qualcode.db.batches import qmark_batches
from qualcode.db.reading import reading
from qualcode.services import quotes
from qualcode.services.quotes import QuoteFilter, list_quotes

from .conftest import REPO, Cli
from .postgres import postgres_server, postgres_url  # noqa: F401 (fixtures)

WORDS = "Il faut faire attention au hacking"
"""The demo quote the coders below work on."""
FILTERS = [["--json"], ["--code", "data security", "--json"], ["--coder", "zoé", "--json"],
           ["--coder", "anne", "--code", "hacking", "--json"], ["--group", "G1", "--json"],
           ["--uncoded", "--coder", "Émile", "--json"], ["--coder", "consensus", "--json"],
           ["--coder", "consensus", "--code", "data security", "--json"]]


def _work_on(cli: Cli, db: str) -> int:
    """Three coders added after `seed`, in an order their names do not sort in; the
    id of the quote they all work on."""
    found = [q for q in cli("--db", db, "quotes", "--json").json() if WORDS in q["text"]]
    qid = str(found[0]["id"])
    steps = [("zoé", qid, "hacking", "--span", "0:7", "--memo", "« piratage » : à revoir"),
             ("zoé", qid, "hacking", "--span", "20:26"),
             ("zoé", qid, "commercial use"),
             ("anne", qid, "storage practices", "hacking"),
             ("anne", qid, "--memo", "note sur la citation"),
             ("zoé", qid, "--memo", "autre note"),
             ("Émile", qid, "--reviewed"),
             ("Émile", "1", "data security", "--span", "0:5")]
    for coder, *args in steps:
        done = cli("--db", db, "--coder", coder, "code", *args)
        assert done.code == 0, done.err
    return int(qid)


def test_codes_segments_and_memos_of_every_coder_in_order(cli: Cli, demo_db: Path) -> None:
    qid = _work_on(cli, str(demo_db))
    (quote,) = [q for q in cli("--db", str(demo_db), "quotes", "--json").json()
                if q["id"] == qid]
    assert list(quote["codes"]) == ["anne", "seed", "zoé"]
    assert quote["codes"]["zoé"] == ["commercial use", "hacking"]  # codebook order, once
    assert quote["codes"]["anne"] == ["hacking", "storage practices"]
    assert quote["reviewed_by"] == ["anne", "seed", "zoé", "Émile"]
    text = quote["text"]
    assert quote["segments"] == [
        {"code": "hacking", "coder": "zoé", "start": 0, "end": 7, "text": text[0:7]},
        {"code": "hacking", "coder": "zoé", "start": 20, "end": 26, "text": text[20:26]}]
    assert quote["memos"] == [
        {"coder": "anne", "code": None, "text": "note sur la citation"},
        {"coder": "zoé", "code": None, "text": "autre note"},
        {"coder": "zoé", "code": "hacking", "text": "« piratage » : à revoir"}]



def test_a_coders_codes_come_in_codebook_order(cli: Cli, demo_db: Path) -> None:
    """Each code before its sub-codes, as the codebook lists them: not by their place
    among their siblings across themes (which put a data security sub-code between two
    dehumanisation ones)."""
    db = str(demo_db)
    qid = str(cli("--db", db, "quotes", "--json").json()[0]["id"])
    done = cli("--db", db, "--coder", "zoé", "code", qid, "data sensitivity",
               "quality of care", "loss of human contact")
    assert done.code == 0, done.err
    (quote,) = [q for q in cli("--db", db, "quotes", "--json").json() if str(q["id"]) == qid]
    assert quote["codes"]["zoé"] == ["loss of human contact", "quality of care",
                                     "data sensitivity"]

def _listed(db: str, flt: QuoteFilter) -> list[dict[str, Any]]:
    with reading(db) as reader:
        return [vars(q) for q in list_quotes(reader, flt)]


def test_the_ids_in_small_batches_give_the_same_quotes(cli: Cli, demo_db: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each quote's codings, memos and marks come whole from its own batch."""
    _work_on(cli, str(demo_db))
    wanted = [QuoteFilter(), QuoteFilter(code="data security"), QuoteFilter(coder="zoé")]
    whole = [_listed(str(demo_db), flt) for flt in wanted]
    monkeypatch.setattr(quotes, "qmark_batches", partial(qmark_batches, size=2))
    assert [_listed(str(demo_db), flt) for flt in wanted] == whole
    assert any(q["segments"] and q["memos"] for q in whole[0])


def test_codes_read_beside_are_the_codes_read_on_the_first_connection(
        cli: Cli, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a file, every quote's codes come from a second connection (`alongside`)."""
    _work_on(cli, str(demo_db))
    wanted = [QuoteFilter(), QuoteFilter(code="data security"), QuoteFilter(coder="zoé"),
              QuoteFilter(uncoded=True, coder="Émile"), QuoteFilter(coder="consensus")]
    beside = [_listed(str(demo_db), flt) for flt in wanted]
    monkeypatch.setattr(quotes, "alongside", lambda db, work: lambda: work(db))
    assert [_listed(str(demo_db), flt) for flt in wanted] == beside
    assert any(len(q["codes"]) == 3 for q in beside[0])


def test_postgresql_lists_the_same_quotes(cli: Cli, demo_db: Path, postgres_url: str,  # noqa: F811
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """string_agg's groups and the server's collation leave the output as the file's."""
    monkeypatch.chdir(REPO)
    assert cli("--db", postgres_url, "demo", "--no-tui").code == 0
    _work_on(cli, str(demo_db))
    _work_on(cli, postgres_url)
    for args in FILTERS:
        on_file = cli("--db", str(demo_db), "quotes", *args)
        on_server = cli("--db", postgres_url, "quotes", *args)
        assert on_file.code == on_server.code == 0, (args, on_server.err)
        assert on_server.out == on_file.out, args


@pytest.mark.parametrize("coder", [None, "seed"])
def test_the_quotes_of_a_code_are_found_in_the_code_index_alone(demo_db: Path,
                                                                coder: str | None) -> None:
    """The selection by code reads ix_coding_code, which holds the quote and the coder:
    without them there, each coding of the code was a row to read (schema 0006)."""
    with reading(str(demo_db)) as reader:
        seen: list[str] = []
        reader.connection.set_trace_callback(seen.append)
        assert list_quotes(reader, QuoteFilter(code="data security", coder=coder))
        reader.connection.set_trace_callback(None)
        (statement,) = [s for s in seen if "q.text FROM quote q" in s]
        plan = [row[3] for row in reader.rows("EXPLAIN QUERY PLAN " + statement)]
    assert any("USING COVERING INDEX ix_coding_code (code_id=?)" in step for step in plan)


def test_a_group_that_does_not_exist_is_named_not_an_empty_list(cli: Cli, demo_db: Path) -> None:
    """A mistyped group once printed nothing and exited 0, as if it had no quotes."""
    db = str(demo_db)
    for asked in ("G9", "g1", "G1' OR '1'='1"):
        for fmt in (("--json",), ()):
            result = cli("--db", db, "quotes", "--group", asked, *fmt)
            assert result.code == 1 and result.out == "", (asked, result.out)
            assert f"unknown group {asked!r}" in result.err and "G1, G2" in result.err
            assert result.err.count("\n") == 1
    assert {q["group"] for q in cli("--db", db, "quotes", "--group", "G3", "--json").json()} \
        == {"G3"}
