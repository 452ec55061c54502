"""The read commands without Typer (`cli.quick`): what the quick path takes, it runs as
the whole command line would, byte for byte; anything else is left to Typer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.core import TyperArgument, TyperOption

from qualcode.cli import reads, writes
from qualcode.cli.quick import (
    ARGUMENTS,
    FLAGS,
    INTEGERS,
    MANY,
    PATHS,
    ROOT,
    VALUES,
    WRITES,
    Parsed,
    parse,
)
from qualcode.cli.whole import app

from .conftest import REPO, Cli
from .postgres import postgres_server, postgres_url  # noqa: F401 (fixtures)

WHOLE = [sys.executable, "-c",
         "import sys; from qualcode.cli import main; sys.argv[0] = 'qualcode'; main()"]
QUICK = [sys.executable, "-m", "qualcode"]


def _run(command: list[str], args: list[str], cwd: Path,
         lang: str = "C.UTF-8") -> tuple[int, str, str]:
    env = {**{k: v for k, v in os.environ.items()
              if k not in ("PYTHONUNBUFFERED", "LC_ALL", "LC_MESSAGES")},
           "QUALCODE_CODER": "tester", "LANG": lang}
    done = subprocess.run([*command, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, check=False)
    return done.returncode, done.stdout, done.stderr


def test_the_tables_are_the_typer_commands_options() -> None:
    """Each option the quick path takes is the Typer command's, with the same parameter
    name, and a flag there exactly when it is one here."""
    whole = typer.main.get_command(app)
    assert isinstance(whole, typer.core.TyperGroup)
    for name, params in [(None, ROOT)] + [(command, {**VALUES[command], **FLAGS[command]})
                                          for command in VALUES]:
        command = whole if name is None else whole.commands[name]
        declared = {opt: (param.name, param.is_flag) for param in command.params
                    if isinstance(param, TyperOption) for opt in param.opts}
        for option, parameter in params.items():
            flag = name is not None and option in FLAGS[name]
            assert declared[option] == (parameter, flag), (name, option)
        types = {param.name: param.type for param in command.params}
        for parameter, (least, most) in INTEGERS.get(name or "", {}).items():
            kind = types[parameter]  # Click's int, or its range: ours lies within
            assert kind.name in ("int", "int range"), (name, parameter)
            assert least >= (getattr(kind, "min", None) or 0), (name, parameter)
            assert getattr(kind, "max", None) in (None, most), (name, parameter)
        arguments = {param.name: param.nargs for param in command.params
                     if isinstance(param, TyperArgument)}
        assert arguments == ({ARGUMENTS[name]: 1} if name in ARGUMENTS else {}) | (
            {MANY[name]: -1} if name in MANY else {}), name
        taken = set(params.values()) | set(arguments)
        paths = {param.name for param in command.params if param.type.name == "path"}
        assert paths & taken == set(PATHS.get(name or "", ())), name
    for name, function in WRITES.items():
        assert name in whole.commands and callable(getattr(writes, function)), name
    assert set(VALUES) - set(WRITES) <= set(dir(reads))


@pytest.mark.parametrize(("args", "parsed"), [
    (["quotes"], Parsed({}, "quotes", {})),
    (["--db", "p.db", "--lang=fr", "quotes", "--code=données", "--json", "--group", "G1"],
     Parsed({"db": "p.db", "lang": "fr"}, "quotes",
            {"code": "données", "as_json": True, "group": "G1"})),
    (["--coder", "zoé", "segments", "--coder", "anne", "--format", "md"],
     Parsed({"coder": "zoé"}, "segments", {"coder": "anne", "fmt": "md"})),
    (["report", "--quotes", "007", "--format", "md", "--consensus"],
     Parsed({}, "report", {"quotes": 7, "fmt": "md", "consensus": True})),
    (["search", "--limit", "3", "données santé", "--json"],
     Parsed({}, "search", {"limit": 3, "query": "données santé", "as_json": True})),
    (["agreement", "--bootstrap", "100000", "--seed=0", "--by-group"],
     Parsed({}, "agreement", {"bootstrap": 100_000, "seed": 0, "by_group": True})),
    (["init", "--study", "é.toml", "--codebook=c.yaml"],
     Parsed({}, "init", {"study": Path("é.toml"), "codebook": Path("c.yaml")})),
    (["--db", "p.db", "import", "a.csv", "--group", "G1", "b.txt", "--dry-run"],
     Parsed({"db": "p.db"}, "import",
            {"files": [Path("a.csv"), Path("b.txt")], "group": "G1", "dry_run": True})),
])
def test_what_the_quick_path_takes(args: list[str], parsed: Parsed) -> None:
    assert parse(args) == parsed


@pytest.mark.parametrize("args", [
    [], ["--version"], ["--help"], ["quotes", "--help"], ["quotes", "-h"], ["log"],
    ["quotes", "--json", "--json"], ["quotes", "--code", "a", "--code", "b"],
    ["--db", "a.db", "--db", "b.db", "quotes"], ["quotes", "--code"], ["quotes", "--code", "-x"],
    ["quotes", "--code=-x"], ["quotes", "--format", "csv", "-o", "t.csv"],
    ["segments", "--json"], ["segments", "-o", "s.csv"], ["quotes", "--cod", "x"],
    ["quotes", "extra"], ["--db", "p.db"], ["--bogus", "quotes"], ["quotes", "--", "--json"],
    ["report", "--format", "pdf"], ["report", "--quotes", "x"], ["report", "--quotes", "٣"],
    ["report", "--where", "age=60+"], ["report", "-o", "r.md"], ["report", "--spec", "s.toml"],
    ["search"], ["search", "a", "b"], ["search", "a", "--limit", "0"], ["search", "-x"],
    ["search", "a", "--level", "CSP-"], ["agreement", "--format", "xml"],
    ["agreement", "--bootstrap", "100001"], ["agreement", "--seed", "-1"],
    ["import"], ["import", "--group", "G1"], ["import", "a.csv", "-x"], ["init", "extra"],
    ["import", "a.csv", "--dry-run", "--dry-run"], ["init", "--study"], ["import", "--help"],
    ["import", "a.csv", "--", "-b.csv"],
])
def test_everything_else_is_left_to_typer(args: list[str]) -> None:
    assert parse(args) is None


CASES = [
    ["quotes"], ["quotes", "--json"], ["quotes", "--code", "data security", "--json"],
    ["quotes", "--group", "G2", "--coder", "tester"], ["quotes", "--uncoded", "--moderators"],
    ["quotes", "--uncoded", "--coder", "tester", "--json"], ["quotes", "--coder", "consensus"],
    ["--lang", "fr", "quotes", "--group", "G9"], ["quotes", "--group", "G1' OR '1'='1"],
    ["quotes", "--code", "pas un code"], ["--lang", "fr", "quotes", "--coder", "personne"],
    ["segments"], ["segments", "--format", "md", "--code", "data security"],
    ["--coder", "zoé", "segments", "--format=json", "--group", "G1"],
    ["segments", "--format", "xlsx"], ["--lang", "fr", "segments", "--format", "pdf"],
    ["report"], ["report", "--format", "md", "--quotes", "1", "--context"],
    ["--lang", "fr", "report", "--format", "csv", "--by", "age", "--subthemes"],
    ["report", "--consensus", "--coder", "tester"], ["report", "--format", "docx"],
    ["report", "--theme", "nulle part"], ["search", "données santé", "--json"],
    ["search", "telemedecine", "--limit", "2", "--group", "G3"], ["search", "zzqqxx"],
    ["search", "sant[ée]", "--regex", "--coder", "tester"], ["agreement"],
    ["agreement", "--format", "json", "--bootstrap", "20", "--by-group"],
    ["--lang", "fr", "agreement", "--coders", "tester,personne"],
]


def test_the_quick_path_answers_as_the_whole_command_line(cli: Cli, demo_db: Path,
                                                          tmp_path: Path) -> None:
    """Same status, output and error line, in English and in French, on success and on
    failure; and a project that does not exist is refused the same way."""
    assert cli("--db", str(demo_db), "code", "1", "hacking").code == 0
    assert cli("--db", str(demo_db), "--coder", "anne", "code", "1", "hacking").code == 0
    statuses = []
    for db, args in [(demo_db, case) for case in CASES] + [
            (tmp_path / "nowhere.db", ["quotes", "--json"])]:
        quick = _run(QUICK, ["--db", str(db), *args], tmp_path)
        whole = _run(WHOLE, ["--db", str(db), *args], tmp_path)
        assert quick == whole, args
        statuses.append(quick[0])
    assert statuses.count(0) >= 18 and statuses.count(1) >= 8


@pytest.mark.parametrize(("args", "module"), [
    (["quotes", "--json"], "qualcode.services.quotes"),
    (["segments", "--format", "json"], "qualcode.services.segments"),
    (["report", "--format", "md"], "qualcode.reports.counts"),
    (["search", "santé"], "qualcode.search.engine"),
    (["agreement", "--bootstrap", "10"], "qualcode.reports.agreement"),
])
def test_the_quick_path_loads_no_typer(cli: Cli, demo_db: Path, tmp_path: Path,
                                       args: list[str], module: str) -> None:
    """The point of it: neither Typer nor the command tree is imported."""
    assert cli("--db", str(demo_db), "--coder", "anne", "code", "1", "hacking").code == 0
    status, _out, err = _run([sys.executable, "-X", "importtime", "-m", "qualcode"],
                             ["--db", str(demo_db), *args], tmp_path)
    assert status == 0, err
    loaded = {line.split("|")[-1].strip() for line in err.splitlines() if "|" in line}
    assert module in loaded
    assert not {"typer", "click", "qualcode.cli.whole", "qualcode.cli.app"} & loaded


def test_a_broken_settings_file_is_told_in_the_language_chosen_before_it(
        demo_db: Path, tmp_path: Path) -> None:
    """The settings cannot choose the language when they cannot be read: the flag, then
    the locale do, on both paths, before the one line that names the file's line."""
    (tmp_path / "qualcode.toml").write_text('lang = "fr"\ndb = [broken\n', encoding="utf-8")
    for lang, args, words in [("C.UTF-8", ["quotes"], "not valid TOML"),
                              ("C.UTF-8", ["--lang", "fr", "report"], "TOML invalide"),
                              ("fr_FR.UTF-8", ["search", "x"], "TOML invalide"),
                              ("fr_FR.UTF-8", ["--lang", "en", "agreement"], "not valid TOML")]:
        quick = _run(QUICK, ["--db", str(demo_db), *args], tmp_path, lang)
        whole = _run(WHOLE, ["--db", str(demo_db), *args], tmp_path, lang)
        assert quick == whole, args
        assert quick[0] == 1 and words in quick[2] and "qualcode.toml:2" in quick[2], quick


def test_on_a_postgresql_server_too(cli: Cli, postgres_url: str,  # noqa: F811
                                    monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The bodies read a server through SQLAlchemy, whichever path parsed the line."""
    monkeypatch.chdir(REPO)
    assert cli("--db", postgres_url, "demo", "--no-tui").code == 0
    assert cli("--db", postgres_url, "--coder", "anne", "code", "1", "hacking").code == 0
    for args in (["quotes", "--json", "--code", "data security"], ["report", "--format", "md"],
                 ["segments", "--format", "json"], ["search", "données santé", "--json"],
                 ["agreement", "--bootstrap", "20"], ["quotes", "--group", "G9"]):
        quick = _run(QUICK, ["--db", postgres_url, *args], tmp_path)
        whole = _run(WHOLE, ["--db", postgres_url, *args], tmp_path)
        assert quick == whole, args
        assert quick[0] == (1 if "G9" in args else 0), quick[2]
    (tmp_path / "table.csv").write_text("group;speaker;text\nG2;Zoé;« Oui, ça rassure. »\n",
                                        encoding="utf-8")
    added = _run(QUICK, ["--db", postgres_url, "import", "table.csv"], tmp_path)
    assert added[0] == 0 and "1 quotes added" in added[1], added
    again = [_run(command, ["--db", postgres_url, "import", "table.csv"], tmp_path)
             for command in (QUICK, WHOLE)]
    assert again[0] == again[1] and "already imported" in again[0][1], again


INIT_AND_IMPORT = [
    ["init", "--study", "study.toml", "--codebook", "book.yaml"], ["init"],
    ["import", "--dry-run", "table.csv"], ["import", "table.csv"], ["import", "table.csv"],
    ["import", "g1.txt"], ["--lang", "fr", "import", "g1.txt"],
    ["import", "g1.txt", "--group", "G1"], ["import", "absent.csv"],
    ["import", "--groups", "map.csv", "table.csv"], ["import", "broken.qdpx"],
    ["import", "table.csv", "broken.qdpx"], ["import", "--format", "rtf", "g1.txt"],
    ["--coder", "zoé", "import", "other.csv", "--group=G2", "g1.txt"], ["quotes", "--json"],
]


def test_init_and_import_answer_as_the_whole_command_line(tmp_path: Path) -> None:
    """A project started by each path, step by step in folders alike: the same status,
    output and error line at each step, successes and failures, and the same quotes."""
    statuses = []
    for path, command in (("quick", QUICK), ("whole", WHOLE)):
        folder = tmp_path / path
        folder.mkdir()
        (folder / "study.toml").write_bytes((REPO / "data" / "study.toml").read_bytes())
        (folder / "book.yaml").write_bytes((REPO / "codebooks" / "numerique-sante.yaml")
                                           .read_bytes())
        (folder / "table.csv").write_text(
            "group;speaker;text\nG1;Zoé;« Le dossier médical, c'est rassurant. »\n"
            "G1;Animatrice;Et vous ?\nG2;Loïc;J'ai peur qu'on pirate mes données.\n",
            encoding="cp1252")
        (folder / "other.csv").write_text("speaker,text\nNadia,Oui.\nNadia,Oui.\n",
                                          encoding="utf-8")
        (folder / "g1.txt").write_text("Animatrice : Bonjour à tous.\n\nÉlodie : Bonjour.\n",
                                       encoding="utf-8")
        (folder / "map.csv").write_text("source,group\n", encoding="utf-8")
        (folder / "broken.qdpx").write_bytes(b"PK\x03\x04 not a whole archive")
        statuses.append([_run(command, ["--db", "p.db", *args], folder)
                         for args in INIT_AND_IMPORT])
    quick, whole = statuses
    for args, one, other in zip(INIT_AND_IMPORT, quick, whole, strict=True):
        assert one == other, args
    codes = [status for status, _out, _err in quick]
    assert codes.count(0) >= 7 and codes.count(1) >= 6, quick
    assert "« Le dossier médical, c'est rassurant. »" in quick[-1][1]


@pytest.mark.parametrize("args", [
    ["init", "--study", "study.toml"], ["import", "table.csv"],
    ["import", "table.csv", "--dry-run"],
])
def test_init_and_import_load_no_typer(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "study.toml").write_bytes((REPO / "data" / "study.toml").read_bytes())
    (tmp_path / "table.csv").write_text("group,speaker,text\nG1,Zoé,Oui.\n", encoding="utf-8")
    if args[0] == "import":
        assert _run(QUICK, ["--db", "p.db", "init", "--study", "study.toml"], tmp_path)[0] == 0
    status, _out, err = _run([sys.executable, "-X", "importtime", "-m", "qualcode"],
                             ["--db", "p.db", *args], tmp_path)
    assert status == 0, err
    loaded = {line.split("|")[-1].strip() for line in err.splitlines() if "|" in line}
    assert "qualcode.cli.writes" in loaded
    assert not {"typer", "click", "qualcode.cli.whole", "qualcode.cli.app"} & loaded
