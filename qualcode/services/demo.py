"""The demo project: the seed study's design, codebook and verbatims, coded as `seed`.

It is built from the study's plain files, shipped inside the package (`qualcode/demo/`,
read through importlib.resources, so an installed qualcode has them in any folder); the
repository's top-level `data/` and `codebooks/` are links to the same files, so what a
newcomer reads there is exactly what the demo holds.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from qualcode.db.engine import create_project
from qualcode.db.sqlite import discard_project_file
from qualcode.domain.codebook import load_codebook
from qualcode.domain.study import load_study
from qualcode.errors import UserError
from qualcode.i18n import _
from qualcode.services import events
from qualcode.services.codebook import import_codebook
from qualcode.services.coding import apply_codes
from qualcode.services.imports import parse_files, write_source
from qualcode.services.study import apply_study

SEED_CODER = "seed"


@dataclass(frozen=True)
class DemoFiles:
    study: Path
    codebook: Path
    quotes: Path
    codings: Path

    @classmethod
    def find(cls) -> DemoFiles:
        """The demo study as the package ships it."""
        from importlib.resources import files

        root = Path(str(files("qualcode") / "demo"))
        found = cls(root / "data/study.toml", root / "codebooks/numerique-sante.yaml",
                    root / "data/quotes.csv", root / "data/seed-codings.csv")
        if not all(p.is_file() for p in (found.study, found.codebook, found.quotes,
                                          found.codings)):
            raise UserError(
                _("the demo data is missing from the installed package ({root})").format(root=root)
            )
        return found


def build_demo(db: str, files: DemoFiles | None = None, *, coder: str = SEED_CODER) -> int:
    """Create the demo project at `db`; returns the number of quotes."""
    files = files or DemoFiles.find()
    study = load_study(files.study)
    book = load_codebook(files.codebook)
    (source,) = parse_files([files.quotes])
    codings = _read_codings(files.codings)
    project = create_project(db)
    try:
        with project.write() as session:
            apply_study(session, study)
            import_codebook(session, book)
            events.record(session, coder=coder, action="init", study=str(files.study),
                          codebook=str(files.codebook))
            summary = write_source(session, str(files.quotes), source, group=None, coder=coder)
            session.flush()
            from sqlmodel import select

            from qualcode.db.models import Quote

            ids = {q.external_id: q.id for q in session.exec(select(Quote)).all()}
            for external_id, codes in codings.items():
                if external_id not in ids:
                    raise UserError(_("seed coding for unknown quote {external_id!r}").format(
                                        external_id=external_id),
                                    path=str(files.codings))
                apply_codes(session, quote_id=ids[external_id] or 0, codes=codes, coder=coder)
    except BaseException:
        project.close()
        discard_project_file(db)
        raise
    project.close()
    return summary.quotes_added


def _read_codings(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["quote_id"], []).append(row["code"])
    return out
