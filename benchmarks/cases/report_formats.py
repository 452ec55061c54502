"""Each file format of the report, the count included (no floor: the JSON report's floor
is in `report_json.py`); timed in seconds on its own.
"""

from __future__ import annotations

from typing import Any

from benchmarks.harness import Case, Corpus, read_project


def _report(corpus: Corpus) -> dict[str, Any]:
    from qualcode.reports.counts import compute

    return read_project(corpus.db, compute)


def _format(fmt: str) -> Any:
    def run(corpus: Corpus) -> object:
        from qualcode.cli.reporting import render

        return render(_report(corpus), fmt)

    return run


CASES: list[Case] = [
    *(Case(f"report {fmt}", _format(fmt), repeat=3, notes=f"the whole report as {fmt}")
      for fmt in ("md", "csv", "html", "xlsx", "docx")),
]
