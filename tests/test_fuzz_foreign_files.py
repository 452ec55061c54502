"""Structured fuzzing of the files other programs and people hand us: REFI-QDA projects
built from the format's own vocabulary (nested codes, selections with any positions,
odd dates, encodings, notes), and SQLite files shaped like a project but not one (views
in place of tables, missing columns, triggers, damaged rows), given to `import`,
`merge` and `--db … quotes`. Whatever the shape: exit 0, or one line; never a
traceback. `QUALCODE_FUZZ_EXAMPLES` sets how many of each are tried."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import uuid
from pathlib import Path
from xml.sax.saxutils import quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .refi_support import make_qdpx, run

EXAMPLES = max(20, int(os.environ.get("QUALCODE_FUZZ_EXAMPLES", "120")) // 2)
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TEXT = "P1 : Bonjour à tous 😀.\r\nP2 : Mes données de santé ? Je ne sais pas.\n"

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
numbers = st.one_of(st.integers(-5, 120), st.sampled_from(["", "x", "1e9", "-0", "٣"]))
moments = st.sampled_from(["2024-01-05T10:00:00Z", "0001-01-01T00:00:00+14:00",
                           "9999-12-31T23:59:59-12:00", "hier", ""])


def _attr(name: str, value: object) -> str:
    return f" {name}={quoteattr(str(value))}"


@st.composite
def codes(draw: st.DrawFn, depth: int = 0) -> str:
    children = draw(st.lists(codes(depth + 1), max_size=2)) if depth < 3 else []
    guid = draw(st.sampled_from([str(uuid.uuid4()), "", "not-a-guid", "SAME"]))
    return (f"<Code{_attr('guid', guid)}{_attr('name', draw(texts))}"
            f"{_attr('isCodable', draw(st.sampled_from(['true', 'false', 'maybe'])))}"
            f"{_attr('color', draw(st.sampled_from(['#ff0000', 'red', ''])))}>"
            + (f"<Description>{draw(st.sampled_from(['', 'déf', '&lt;b&gt;']))}</Description>"
               if draw(st.booleans()) else "") + "".join(children) + "</Code>")


@st.composite
def selections(draw: st.DrawFn, code_guids: list[str], users: list[str]) -> str:
    out = []
    for _ in range(draw(st.integers(0, 4))):
        codings = "".join(
            f"<Coding{_attr('guid', uuid.uuid4())}"
            f"{_attr('creatingUser', draw(st.sampled_from([*users, 'nobody'])))}>"
            f"<CodeRef{_attr('targetGUID', draw(st.sampled_from([*code_guids, 'ghost'])))}/>"
            "</Coding>" for _ in range(draw(st.integers(0, 3))))
        note = (f"<Description>{draw(st.sampled_from(['', 'un commentaire']))}</Description>"
                if draw(st.booleans()) else "")
        out.append(f"<PlainTextSelection{_attr('guid', uuid.uuid4())}{_attr('name', draw(texts))}"
                   f"{_attr('startPosition', draw(numbers))}{_attr('endPosition', draw(numbers))}"
                   f"{_attr('creationDateTime', draw(moments))}"
                   f"{_attr('creatingUser', draw(st.sampled_from([*users, ''])))}>"
                   f"{note}{codings}</PlainTextSelection>")
    return "".join(out)


@st.composite
def projects(draw: st.DrawFn) -> bytes:
    users = [str(uuid.uuid4()) for _ in range(draw(st.integers(0, 2)))]
    code_xml = draw(st.lists(codes(), max_size=3))
    code_guids = [g for g in (c.split('guid="', 1)[1].split('"', 1)[0] for c in code_xml) if g]
    origin = draw(st.sampled_from(["NVivo 14", "ATLAS.ti 23", "MAXQDA 24", "QualCoder", ""]))
    encoding = draw(st.sampled_from(["utf-8", "UTF-8", "latin-1", "bogus"]))
    name = draw(st.sampled_from(["g1", "", "G1"]))
    qde = (f'<?xml version="1.0" encoding="{encoding}"?>'
           f'<Project xmlns="urn:QDA-XML:project:1.0"{_attr("name", draw(texts))}'
           f'{_attr("origin", origin)}><Users>'
           + "".join(f"<User{_attr('guid', u)}{_attr('name', draw(texts))}/>" for u in users)
           + f"</Users><CodeBook><Codes>{''.join(code_xml)}</Codes></CodeBook><Sources>"
           f"<TextSource{_attr('guid', uuid.uuid4())}{_attr('name', name)}"
           f'{_attr("plainTextPath", "internal://g1.txt")}>'
           f"{draw(selections(code_guids, users))}</TextSource></Sources></Project>")
    return qde.encode("utf-8", "surrogatepass")


def one_line_or_success(code: int, err: str) -> None:
    assert "internal error" not in err and "Traceback" not in err, err
    if code != 0:
        assert len([line for line in err.splitlines() if not line.startswith("warning")]) >= 1


def test_refi_projects_of_any_shape_import_or_refuse_in_one_line() -> None:
    @FUZZ
    @given(qde=projects())
    def attempt(qde: bytes) -> None:
        with tempfile.TemporaryDirectory() as folder:
            db, path = Path(folder) / "p.db", Path(folder) / "f.qdpx"
            assert run("--db", str(db), "init").code == 0
            make_qdpx(path, qde, {"sources/g1.txt": TEXT.encode("utf-8")})
            result = run("--db", str(db), "import", str(path))
            one_line_or_success(result.code, result.err)
            if result.code == 0:  # what came in goes out again
                out = run("--db", str(db), "export", str(Path(folder) / "back.qdpx"))
                assert out.code == 0, out.err

    attempt()


TABLES = ["meta", "study", "dimension", "level", "study_group", "group_level", "participant",
          "source", "quote", "code", "coder",
          "coding", "review", "memo", "event", "alembic_version"]


Statement = tuple[str, tuple[object, ...]]


@st.composite
def foreign_databases(draw: st.DrawFn) -> list[Statement]:
    """Statements (with their parameters) making a file that looks, more or less, like a
    project."""
    statements: list[Statement] = []
    for table in TABLES:
        shape = draw(st.sampled_from(["table", "table", "view", "absent", "bare"]))
        if shape == "table":
            statements.append((f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT, "
                               "text TEXT, quote_id INT, code_id INT, coder_id INT, "
                               "span_start INT, span_end INT, keywords TEXT, payload TEXT, "
                               "version_num TEXT, key TEXT, value TEXT)", ()))
            for _ in range(draw(st.integers(0, 2))):
                statements.append((
                    f"INSERT INTO {table} (name, text, quote_id, code_id, span_start, "
                    "span_end, keywords, version_num) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (draw(texts), draw(texts), draw(st.integers(-1, 3)),
                     draw(st.integers(-1, 3)), draw(st.integers(-5, 50)),
                     draw(st.integers(-5, 50)), draw(st.sampled_from(["[]", "[", "null"])),
                     draw(st.sampled_from(["0003", "x", ""])))))
        elif shape == "view":
            statements.append((f"CREATE VIEW {table} AS WITH RECURSIVE r(n) AS (SELECT 1 "
                               "UNION ALL SELECT n + 1 FROM r LIMIT 100000) SELECT n AS id "
                               "FROM r", ()))
        elif shape == "bare":
            statements.append((f"CREATE TABLE {table} (x)", ()))
    if draw(st.booleans()):
        statements += [("CREATE TABLE t_log (x)", ()),
                       ("CREATE TRIGGER t AFTER INSERT ON t_log BEGIN SELECT 1; END", ())]
    return statements


def test_sqlite_files_shaped_like_a_project_are_refused_in_one_line(tmp_path: Path) -> None:
    ours = tmp_path / "ours.db"
    assert run("--db", str(ours), "init").code == 0

    @FUZZ
    @given(statements=foreign_databases())
    def attempt(statements: list[Statement]) -> None:
        with tempfile.TemporaryDirectory() as folder:
            other = Path(folder) / "other.db"
            con = sqlite3.connect(other)
            for statement, params in statements:
                con.execute(statement, params)
            con.commit()
            con.close()
            before = other.read_bytes()
            for args in (("--db", str(ours), "merge", str(other)),
                         ("--db", str(other), "quotes", "--json")):
                result = run(*args)
                one_line_or_success(result.code, result.err)
            assert other.read_bytes() == before  # refused or read, never changed

    attempt()
