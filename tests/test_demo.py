"""The demo project is the seed study: its design, its themes, each verbatim once.

The demo is built from data/quotes.csv, which holds the seed's verbatims byte for byte;
the seed itself is checked only where ../shared is beside the repository.
"""

from __future__ import annotations

import csv
import re
import sqlite3
from pathlib import Path

from .conftest import REPO, Cli

DESIGN = {"G1": ("CSP+", "<35"), "G2": ("CSP+", "35-59"), "G3": ("CSP+", "60+"),
          "G4": ("CSP-", "<35"), "G5": ("CSP-", "35-59"), "G6": ("CSP-", "60+")}


def seed_verbatims(seed_text: str) -> list[str]:
    """Standalone quoted paragraphs of the seed: a line that is one « … » quotation."""
    return [m.group(1).strip() for m in re.finditer(r"^« (.+) »$", seed_text, flags=re.M)]


def table_verbatims() -> list[str]:
    """The `text` column of data/quotes.csv, read with the csv module, not qualcode."""
    with (REPO / "data" / "quotes.csv").open(encoding="utf-8", newline="") as f:
        return [row["text"] for row in csv.DictReader(f)]


def test_quote_table_holds_the_seed_verbatims(seed_text: str) -> None:
    expected = seed_verbatims(seed_text)
    assert len(expected) >= 20
    assert sorted(table_verbatims()) == sorted(expected)


def test_demo_groups_match_the_seed_design(cli: Cli, demo_db: Path) -> None:
    report = cli("--db", str(demo_db), "report", "--format", "json").json()
    got = {g["name"]: (g["attributes"]["csp"], g["attributes"]["age"]) for g in report["groups"]}
    assert got == DESIGN


def test_each_seed_verbatim_is_in_the_demo_exactly_once(cli: Cli, demo_db: Path) -> None:
    quotes = cli("--db", str(demo_db), "quotes", "--json").json()
    texts = [q["text"] for q in quotes]
    expected = table_verbatims()
    assert len(expected) == len(set(expected)) == 22
    assert sorted(texts) == sorted(expected)
    assert all(q["codes"].get("seed") for q in quotes)


def test_demo_report_has_quotes_for_every_theme(cli: Cli, demo_db: Path) -> None:
    report = cli("--db", str(demo_db), "report", "--format", "json").json()
    top = [t["name"] for t in report["themes"] if t["parent"] is None]
    for theme in ("dehumanisation", "data security", "practicality", "reassurance"):
        assert theme in top
    for theme in report["themes"]:
        total = sum(c["quotes"] for c in report["cells"] if c["theme"] == theme["name"])
        assert total > 0, theme["name"]
    assert len(report["cells"]) == len(report["themes"]) * len(report["groups"])


def test_demo_file_is_owner_only(demo_db: Path) -> None:
    assert demo_db.stat().st_mode & 0o777 == 0o600


def test_demo_refuses_to_overwrite(cli: Cli, demo_db: Path, monkeypatch: object) -> None:
    before = sqlite3.connect(demo_db).execute("SELECT COUNT(*) FROM quote").fetchone()
    result = cli("--db", str(demo_db), "demo", "--no-tui")
    assert result.code == 1 and "already exists" in result.err
    assert sqlite3.connect(demo_db).execute("SELECT COUNT(*) FROM quote").fetchone() == before


def test_study_file_matches_the_seed() -> None:
    from qualcode.domain.study import load_study

    spec = load_study(REPO / "data" / "study.toml")
    assert {g.name: (g.levels["csp"], g.levels["age"]) for g in spec.groups} == DESIGN
    assert spec.dimensions == {"csp": ["CSP+", "CSP-"], "age": ["<35", "35-59", "60+"]}
    assert spec.attributes["cities"] == ["Lille", "Paris", "Tours"]
    assert all("city" not in g.attributes for g in spec.groups)  # the seed does not say
