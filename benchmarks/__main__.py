"""`make bench`: `python -m benchmarks [--sizes 1k,10k] [--cases report] [--repeat 3]`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from benchmarks import corpus as corpora
from benchmarks.peers import ENABLED
from benchmarks.process import compile_bytecode
from benchmarks.run import RESULTS, Options, main, worker

SIZES = (corpora.DEMO, *corpora.PROFILES)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time qualcode's operations against their bare floors on generated "
                    "corpora; prints medians, ratios and peak memory, writes "
                    "benchmarks/results/latest.json.")
    parser.add_argument("--sizes", default="demo,1k,10k,100k",
                        help=f"comma-separated, among {', '.join(SIZES)} "
                             "(default: demo,1k,10k,100k)")
    parser.add_argument("--cases", default="",
                        help="comma-separated substrings of case or module names")
    parser.add_argument("--repeat", type=int, default=None,
                        help="timed calls per operation (default: each case's own)")
    parser.add_argument("--out", type=Path, default=corpora.OUT,
                        help="where corpora are generated and cached")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="where the results JSON files go")
    parser.add_argument("--in-process", action="store_true",
                        help="no subprocess per operation (faster, memory not measured)")
    parser.add_argument("--no-peers", action="store_true",
                        help="do not run qc beside qualcode (no install, no qc project)")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds one operation's process may take (default 900)")
    parser.add_argument("--worker", nargs=4, metavar=("MODULE", "CASE", "CORPUS", "N"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    unknown = [s for s in args.sizes.split(",") if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r} (sizes: {', '.join(SIZES)})")
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def cli(argv: list[str]) -> int:
    args = parse(argv)
    if args.worker:
        module, case, folder, repeat = args.worker
        worker(module, case, Path(folder), int(repeat), sys.stdout)
        return 0
    if args.no_peers:
        os.environ[ENABLED] = "0"  # inherited by every worker
    if not args.in_process:
        compile_bytecode()
    rows = main(Options(sizes=args.sizes.split(","),
                        cases=[c for c in args.cases.split(",") if c] or None,
                        repeat=args.repeat, out=args.out, results=args.results,
                        in_process=args.in_process, timeout=args.timeout))
    return 1 if any(r.error for r in rows) else 0


if __name__ == "__main__":
    sys.exit(cli(sys.argv[1:]))
