"""Codebook files: the shipped one is complete, and bad ones are reported by line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from qualcode.domain.codebook import load_codebook, parse, to_yaml, validate_file
from qualcode.errors import UserError

from .conftest import REPO, Cli

SHIPPED = REPO / "codebooks" / "numerique-sante.yaml"


def test_shipped_codebook_has_the_four_themes_with_hotkeys() -> None:
    book = load_codebook(SHIPPED)
    top = {c.name: c for c in book.codes}
    assert {top[n].key for n in ("dehumanisation", "data security", "practicality",
                                 "reassurance")} == {"1", "2", "3", "4"}
    for theme in ("dehumanisation", "data security", "practicality", "reassurance"):
        code = top[theme]
        assert code.description and code.include and code.exclude and code.example
        assert code.color and len(code.keywords) >= 4 and len(code.children) >= 3
    exclusive = [c for c, _, _ in book.walk() if c.exclusive]
    assert exclusive and all(len(c.children) >= 2 for c in exclusive)
    assert [f for f in validate_file(SHIPPED) if f.fatal] == []


def test_examples_are_demo_verbatims() -> None:
    """Each example is one of the seed's verbatims, as data/quotes.csv holds them."""
    with (REPO / "data" / "quotes.csv").open(encoding="utf-8", newline="") as f:
        verbatims = {row["text"] for row in csv.DictReader(f)}
    examples = [code for code, _, _ in load_codebook(SHIPPED).walk() if code.example]
    assert examples
    for code in examples:
        assert code.example in verbatims, code.name


def test_examples_are_seed_verbatims(seed_text: str) -> None:
    for code, _, _ in load_codebook(SHIPPED).walk():
        if code.example:
            assert code.example in seed_text, code.name


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("name: x\ncodes:\n  - name: a\n    key: [\n", 5, "invalid YAML"),
        ("name: x\ncodes:\n  - name: alpha\n  - name: Alpha\n", 4, "duplicate code name"),
        ("name: x\ncodes:\n  - name: alpha\n  - name: ' '\n", 4, "empty or too short"),
        ("name: x\ncodes:\n  - name: alpha\n    colour: red\n", 3, "unknown key 'colour'"),
        ("name: x\ncodes:\n  - name: alpha\n    key: '0'\n", 3, "one digit 1-9"),
        ("name: x\ncodes:\n  - name: alpha\n    key: 1\n  - name: beta\n    key: 1\n", 5,
         "hotkey 1"),
        ("name: x\nauthor: me\ncodes:\n  - name: alpha\n", 2, "unknown key 'author'"),
        ("name: x\ncodes:\n  - name: alpha\n    exclusive: true\n    children:\n"
         "      - name: only\n", 3, "fewer than two children"),
    ],
)
def test_bad_codebooks_are_reported_with_their_line(text: str, line: int, needle: str) -> None:
    _book, findings = parse(text, "cb.yaml")
    fatal = [f for f in findings if f.fatal]
    assert fatal, findings
    assert needle in fatal[0].message
    assert fatal[0].line == line


def test_near_duplicate_names_are_warned_not_refused() -> None:
    book, findings = parse("name: x\ncodes:\n  - name: data security\n"
                           "  - name: data securty\n", "cb.yaml")
    assert book is not None
    assert any("nearly the same" in f.message and not f.fatal for f in findings)


def test_yaml_round_trip_keeps_everything(tmp_path: Path) -> None:
    book = load_codebook(SHIPPED)
    out = tmp_path / "again.yaml"
    out.write_text(to_yaml(book), encoding="utf-8")
    assert load_codebook(out) == book
    assert "sécurité" in out.read_text(encoding="utf-8")  # accents written as they are


def test_load_raises_first_error_as_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncodes:\n  - name: ab\n  - name: ab\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_codebook(bad)
    assert str(err.value).startswith(f"{bad}:4: ")
    assert "\n" not in str(err.value)


def test_validate_command(cli: Cli, tmp_path: Path) -> None:
    ok = cli("codebook", "validate", str(SHIPPED))
    assert ok.code == 0 and "ok" in ok.out
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncodes:\n  - name: a1\n    shortcut: 3\n", encoding="utf-8")
    result = cli("codebook", "validate", str(bad))
    assert result.code == 1
    assert f"{bad}:3: error: unknown key 'shortcut'" in result.out
    assert result.err.count("\n") == 1


def test_bad_codebook_at_init_leaves_no_project(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncodes:\n  - name: ab\n  - name: AB\n", encoding="utf-8")
    result = cli("--db", "p.db", "init", "--codebook", str(bad))
    assert result.code == 1
    assert result.err.strip() == f"qualcode: {bad}:4: duplicate code name 'AB' (first at line 3)"
    assert not (tmp_path / "p.db").exists()


def test_codebook_import_into_project_is_atomic(cli: Cli, demo_db: Path, tmp_path: Path) -> None:
    before = cli("--db", str(demo_db), "codebook", "show").out
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncodes:\n  - name: new code\n    color: blue\n", encoding="utf-8")
    result = cli("--db", str(demo_db), "codebook", "import", str(bad))
    assert result.code == 1 and "bad.yaml:3" in result.err
    assert cli("--db", str(demo_db), "codebook", "show").out == before


def test_codebook_export_then_import_is_stable(cli: Cli, demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "cb.yaml"
    assert cli("--db", str(demo_db), "codebook", "export", str(out)).code == 0
    assert out.stat().st_mode & 0o777 == 0o600
    assert load_codebook(out) == load_codebook(SHIPPED)
    before = cli("--db", str(demo_db), "codebook", "show").out
    result = cli("--db", str(demo_db), "codebook", "import", str(out))
    assert result.code == 0 and "0 codes added" in result.out
    assert cli("--db", str(demo_db), "codebook", "show").out == before
