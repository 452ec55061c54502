"""Inter-coder agreement over the whole corpus, against the `krippendorff` package.

`run` is `qualcode agreement --format json` without the printing and the start-up: open
the project, read it, build every code's and exclusive parent's reliability data and
compute the four statistics on each, with alpha's bootstrap interval (1,000 replicates,
the command's default). The floor is what a user would otherwise script, reading
included on both sides: `benchmarks.floors.agreement` opens the file with the standard
library's sqlite3, fetches the codings and review marks, builds the same matrices with
NumPy (each code rolled up over its descendants, each exclusive parent's child sets as
categories) and asks the krippendorff package for nominal alpha on each: one statistic
of four, no interval, hence the second case, without it. The whole-process case
(`process: agreement --format json`) times the command and that floor as processes,
start-up included.
"""

from __future__ import annotations

import json

from benchmarks.harness import Case, Corpus


def run(corpus: Corpus, replicates: int = 1000) -> str:
    from qualcode.db.reading import reading
    from qualcode.reports.agreement import compute

    with reading(str(corpus.db)) as reader:
        return json.dumps(compute(reader, replicates=replicates), ensure_ascii=False)


def floor(corpus: Corpus) -> str:
    from benchmarks.floors import agreement

    return agreement(str(corpus.db))


CASES = [
    Case(name="agreement", run=run, floor=floor, repeat=3,
         notes="read + all codes, 4 statistics and alpha's 1,000-replicate interval vs a "
               "sqlite3 read, the same matrices and krippendorff's alpha alone"),
    Case(name="agreement --bootstrap 0", run=lambda c: run(c, replicates=0), floor=floor,
         repeat=3, notes="the same without the interval: what the floor computes, and three "
                         "statistics more"),
]
