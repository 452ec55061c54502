"""Codebook imports add and update what the file states and keep what it does not
(issue "Hardening, round two", item 4)."""

from __future__ import annotations

import uuid
from pathlib import Path

from qualcode.exchange.codes import from_refi
from qualcode.exchange.refi_model import RCode

from .conftest import Cli
from .tui_support import sql

HEAD = ('<?xml version="1.0" encoding="utf-8"?>\n'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo 12"><Codes>')


def qdc(path: Path, *codes: str) -> Path:
    path.write_text(HEAD + "".join(codes) + "</Codes></CodeBook>", encoding="utf-8")
    return path


def code(name: str, description: str = "", *, color: str = "") -> str:
    desc = f"<Description>{description}</Description>" if description else ""
    colour = f' color="{color}"' if color else ""
    return (f'<Code guid="{uuid.uuid4()}" name="{name}" isCodable="true"{colour}>'
            f"{desc}</Code>")


def fields(db: Path) -> dict[str, tuple[object, ...]]:
    return {str(r[0]): tuple(r[1:]) for r in sql(
        db, "SELECT c.name, c.key, c.color, c.description, c.include, c.exclude, c.example, "
        "c.keywords, p.name FROM code c LEFT JOIN code p ON p.id = c.parent_id")}


def test_a_qdc_with_one_new_code_keeps_every_hotkey(cli: Cli, demo_db: Path,
                                                     tmp_path: Path) -> None:
    before = fields(demo_db)
    assert any(f[0] for f in before.values())
    result = cli("--db", str(demo_db), "codebook", "import",
                 str(qdc(tmp_path / "un.qdc", code("téléconsultation", "Consulter à distance"))))
    assert result.code == 0, result.err
    after = fields(demo_db)
    assert {n: f for n, f in after.items() if n in before} == before
    assert after["téléconsultation"][2] == "Consulter à distance"
    assert after["téléconsultation"][0] is None


def test_a_description_alone_changes_the_description_alone(cli: Cli, demo_db: Path,
                                                            tmp_path: Path) -> None:
    before = fields(demo_db)["hacking"]
    assert before[-1] == "data security"  # a sub-code, with a colour and keywords
    result = cli("--db", str(demo_db), "codebook", "import",
                 str(qdc(tmp_path / "d.qdc", code("hacking", "Piratage de données"))))
    assert result.code == 0, result.err
    after = fields(demo_db)["hacking"]
    assert after[2] == "Piratage de données"
    assert after[:2] + after[3:] == before[:2] + before[3:]  # key, colour, rules, parent kept


def test_a_colour_is_stated_and_taken(cli: Cli, demo_db: Path, tmp_path: Path) -> None:
    result = cli("--db", str(demo_db), "codebook", "import",
                 str(qdc(tmp_path / "c.qdc", code("hacking", color="#123456"))))
    assert result.code == 0, result.err
    assert fields(demo_db)["hacking"][1] == "#123456"


def test_a_hotkey_on_two_codes_is_refused_and_nothing_changes(cli: Cli, demo_db: Path,
                                                              tmp_path: Path) -> None:
    holder = str(sql(demo_db, "SELECT name FROM code WHERE key = '1'")[0][0])
    book = tmp_path / "k.yaml"
    book.write_text("name: autre\nversion: '2'\ncodes:\n  - name: téléconsultation\n"
                    "    key: '1'\n", encoding="utf-8")
    before = fields(demo_db)
    result = cli("--db", str(demo_db), "codebook", "import", str(book))
    assert result.code != 0
    assert f"hotkey 1 would be both « {holder} »'s and « téléconsultation »'s" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert fields(demo_db) == before


def test_many_codes_of_one_name_are_numbered_in_one_pass() -> None:
    codes = [RCode(guid=str(uuid.uuid4()), name="Thème") for _ in range(5000)]
    specs, _ = from_refi(codes, set(), [])
    names = [s.name for s in specs]
    assert len(set(names)) == 5000
    assert names[:3] == ["Thème", "Thème (2)", "Thème (3)"] and names[-1] == "Thème (5000)"
