"""Hostile and broken input, fuzzed: never a traceback, only SPEC's one-line errors.

Every importer registered in `qualcode.importers.FORMATS` is fuzzed (the registry is
read at run time, so a format added later is fuzzed without touching this file):
random bytes, and mutations of a valid file of that format. The codebook and study
loaders get random text, mutated valid files and random YAML structures. A format
with no valid sample below is still fuzzed with a transcript-like text. More
examples: `QUALCODE_FUZZ_EXAMPLES=2000`.
"""

from __future__ import annotations

import functools
import io
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.domain.codebook import load_codebook, validate_file
from qualcode.domain.study import load_study
from qualcode.errors import UserError
from qualcode.importers import EXTENSIONS, FORMATS, parser_for
from qualcode.importers.base import ParsedSource

from .conftest import REPO, Cli

EXAMPLES = int(os.environ.get("QUALCODE_FUZZ_EXAMPLES", "120"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

TRANSCRIPT = ("[00:00:01] ANIMATRICE : Bonjour à tous, on commence.\n"
              "P1 : « Sans internet on est coincé », franchement.\n"
              "suite du tour de parole\u00a0; avec l’apostrophe\n"
              "MARIE: Mes données de santé ? Je ne sais pas où elles vont.\n")


def _docx() -> bytes:
    from docx import Document

    doc = Document()
    for line in TRANSCRIPT.splitlines():
        doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["group", "speaker", "text", "age"])
    sheet.append(["G1", "P1", "« Sans internet on est coincé. »", 34])
    sheet.append(["G2", "Mme D.", "Tous mes rapports ; mes radios", None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _qdpx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("project.qde", '<?xml version="1.0" encoding="utf-8"?>\n'
                    '<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="t">'
                    '<Sources><TextSource guid="11111111-1111-1111-1111-111111111111" '
                    'name="G1" plainTextPath="internal://11111111-1111-1111-1111-111111111111'
                    '.txt"/></Sources></Project>')
        zf.writestr("sources/11111111-1111-1111-1111-111111111111.txt", TRANSCRIPT)
    return out.getvalue()


SAMPLES: dict[str, Callable[[], bytes]] = {
    "csv": lambda: ("group,speaker,text,age\nG1,P1,\"« Sans internet ; on est coincé »\",34\n"
                    "G2,Mme D.,Ça va,\n").encode("cp1252"),
    "txt": lambda: TRANSCRIPT.encode("utf-8"),
    "md": lambda: ("# Groupe 1\n\n" + TRANSCRIPT).encode("utf-16"),
    "vtt": lambda: ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Marie>Bonjour à tous</v>\n\n"
                    "00:00:05.000 --> 00:00:07.500\n<v Karim>Ça m’inquiète.</v>\n").encode(),
    "srt": lambda: ("1\n00:00:01,000 --> 00:00:04,000\nMarie: Bonjour à tous\n\n2\n"
                    "00:00:05,000 --> 00:00:07,500\nKarim: Ça m’inquiète.\n").encode(),
    "docx": _docx,
    "xlsx": _xlsx,
    "qdpx": _qdpx,
}


@functools.cache
def sample(fmt: str) -> bytes:
    return SAMPLES.get(fmt, lambda: TRANSCRIPT.encode("utf-8"))()


def suffix(fmt: str) -> str:
    return next((ext for ext, f in EXTENSIONS.items() if f == fmt), f".{fmt}")


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """A valid file, damaged: bytes overwritten, inserted, cut, or a slice repeated."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["set", "insert", "cut", "repeat", "truncate"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "set" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "cut":
            del data[pos:pos + draw(st.integers(1, 64))]
        elif op == "repeat":
            data[pos:pos] = data[pos:pos + draw(st.integers(1, 200))]
        else:
            del data[pos:]
    return bytes(data)


def hostile(original: bytes) -> st.SearchStrategy[bytes]:
    text = st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass"))
    return st.one_of(st.binary(max_size=600), text, mutated(original))


def one_line(exc: UserError) -> None:
    message = str(exc)
    assert message and "\n" not in message and "Traceback" not in message, message


def parse_bytes(parse: Callable[[Path], Any], data: bytes, name: str) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            return parse(path)
        except UserError as exc:
            one_line(exc)
            return None


PROJECT_FORMATS = {"qdpx"}
"""Formats that are whole projects, read by their own reader rather than `parse`."""


def reader_for(fmt: str) -> Callable[[Path], Any]:
    if fmt == "qdpx":
        from qualcode.importers.qdpx import read

        return read
    return parser_for(fmt)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_importer_survives_hostile_files(fmt: str) -> None:
    parse = reader_for(fmt)

    @FUZZ
    @given(data=hostile(sample(fmt)))
    def run(data: bytes) -> None:
        result = parse_bytes(parse, data, f"fuzz{suffix(fmt)}")
        assert result is None or isinstance(result, ParsedSource) or fmt in PROJECT_FORMATS

    run()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_valid_samples_still_parse(fmt: str) -> None:
    """The mutations start from files the importer accepts (else they prove little)."""
    if fmt not in SAMPLES:
        pytest.skip(f"no valid sample written for {fmt!r} yet")
    result = parse_bytes(reader_for(fmt), sample(fmt), f"ok{suffix(fmt)}")
    if fmt in PROJECT_FORMATS:
        assert result is not None and result.sources
    else:
        assert isinstance(result, ParsedSource) and result.turns


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_import_command_on_hostile_files_is_exit_0_or_one_line(fmt: str, cli: Cli,
                                                                tmp_path: Path) -> None:
    """Through the real command and the database, into a project with a design."""
    db = str(tmp_path / "p.db")
    assert cli("--db", db, "init", "--study", str(REPO / "data/study.toml")).code == 0
    counter = iter(range(1 << 30))

    @settings(FUZZ, max_examples=max(EXAMPLES // 4, 10))
    @given(data=hostile(sample(fmt)))
    def run(data: bytes) -> None:
        path = tmp_path / f"in{next(counter)}{suffix(fmt)}"
        path.write_bytes(data)
        group = [] if fmt in PROJECT_FORMATS else ["--group", "G1"]
        result = cli("--db", db, "import", str(path), *group, "--format", fmt)
        assert result.code in (0, 1), result.err
        if result.code == 1:
            assert result.err.count("\n") == 1 and "internal error" not in result.err, result.err

    run()


def _yaml_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                        st.text(max_size=20), st.sampled_from(["#1f77b4", "1", "hacking"]))
    keys = st.sampled_from(["name", "version", "codes", "key", "color", "children", "keywords",
                            "exclusive", "description", "autre"])
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)), max_leaves=25)


CODEBOOK = (REPO / "codebooks/numerique-sante.yaml").read_bytes()
STUDY = (REPO / "data/study.toml").read_bytes()


@FUZZ
@given(data=st.one_of(hostile(CODEBOOK),
                      _yaml_values().map(lambda v: yaml.safe_dump(v).encode("utf-8"))))
def test_codebook_loader_survives_hostile_files(data: bytes) -> None:
    parse_bytes(load_codebook, data, "codebook.yaml")
    parse_bytes(validate_file, data, "codebook.yaml")


@FUZZ
@given(data=hostile(STUDY))
def test_study_loader_survives_hostile_files(data: bytes) -> None:
    parse_bytes(load_study, data, "study.toml")
