"""`qualcode search`, `suggest` and `duplicates` from the command line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .conftest import REPO, Cli


def codings_by_coder(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT k.name, COUNT(*) FROM coding c JOIN coder k ON k.id = c.coder_id "
                        "GROUP BY k.name").fetchall()
    conn.close()
    return dict(rows)


def test_search_json_is_specs_shape_best_first(cli: Cli, demo_db: Path) -> None:
    result = cli("--db", str(demo_db), "search", "hacking donees sensibles", "--json")
    assert result.code == 0, result.err
    hits = result.json()
    assert hits and set(hits[0]) == {"id", "group", "speaker", "score", "text"}
    assert hits[0]["group"] == "G1" and hits[0]["speaker"] == "P2"
    assert hits[0]["text"].startswith("Il faut faire attention au hacking sur les données")
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)
    assert len(cli("--db", str(demo_db), "search", "donnees", "--limit", "1", "--json")
               .json()) == 1


def test_search_filters(cli: Cli, demo_db: Path) -> None:
    db = str(demo_db)

    def groups(*args: str) -> set[str]:
        result = cli("--db", db, "search", "ameli", "--json", *args)
        assert result.code == 0, result.err
        return {h["group"] for h in result.json()}

    assert groups() == {"G2", "G5"}
    assert groups("--group", "G5") == {"G5"}
    assert groups("--level", "csp=CSP+") == {"G2"}  # G1-G3 are CSP+
    assert groups("--level", "35-59", "--level", "CSP-") == {"G5"}
    assert groups("--code", "activation barriers") == {"G5"}
    assert groups("--coder", "seed", "--code", "mes activated") == {"G2"}
    bad = cli("--db", db, "search", "ameli", "--level", "age=90+")
    assert bad.code == 1 and "unknown level 'age=90+'" in bad.err
    assert cli("--db", db, "search", "ameli", "--group", "G9").code == 1


def test_search_regex_and_phrase(cli: Cli, demo_db: Path) -> None:
    db = str(demo_db)
    hits = cli("--db", db, "search", "--regex", r"carte\s+vitale", "--json").json()
    assert [h["group"] for h in hits] == ["G6"]
    assert cli("--db", db, "search", '"vitale carte"', "--json").json() == []
    bad = cli("--db", db, "search", "--regex", "[")
    assert bad.code == 1 and bad.err.count("\n") == 1


def test_suggest_json_and_apply_records_auto_only(cli: Cli, demo_db: Path) -> None:
    db = str(demo_db)
    one = cli("--db", db, "suggest", "9", "--json").json()
    assert one[0]["id"] == 9
    codes = {s["code"]: s for s in one[0]["suggestions"]}
    assert "données sensibles" in codes["data sensitivity"]["matched"]
    before = codings_by_coder(demo_db)
    report_before = cli("--db", db, "report", "--format", "json").json()
    result = cli("--db", db, "--coder", "alice", "suggest", "--apply")
    assert result.code == 0, result.err
    after = codings_by_coder(demo_db)
    assert "alice" not in after and "tester" not in after
    assert after["seed"] == before["seed"]
    every = cli("--db", db, "suggest", "--json").json()
    expected = sum(1 for q in every for s in q["suggestions"] if s["score"] >= 70)
    assert after["auto"] == expected > 0
    assert cli("--db", db, "report", "--format", "json").json() == report_before
    again = cli("--db", db, "suggest", "--apply")
    assert "0 codings added" in again.out
    assert cli("--db", db, "suggest", "999").code == 1


def test_duplicates_lists_a_verbatim_imported_twice(cli: Cli, tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    assert cli("--db", db, "init", "--study", str(REPO / "data/study.toml")).code == 0
    table = tmp_path / "t.csv"
    table.write_text(
        "group,speaker,text\n"
        "G1,P1,\"Il y avait un délai pour l'activer, il fallait un numéro, c'était galère.\"\n"
        "G1,P2,Oui.\n"
        "G2,P1,\"Il y avait un delai pour l’activer il fallait un numero c’etait galere\"\n"
        "G2,P2,Oui.\n", encoding="utf-8")
    assert cli("--db", db, "import", str(table)).code == 0
    result = cli("--db", db, "duplicates", "--json")
    assert result.code == 0, result.err
    (pair,) = result.json()
    assert len(pair["ids"]) == 2 and pair["similarity"] >= 92
    assert "délai" in cli("--db", db, "duplicates").out
