"""Running the cases: discovery, timing, memory, the table and the results file.

Each case is measured in a fresh Python process per size: one warm-up call of `run`
and of `floor`, then `repeat` timed calls of each, alternating, with
`time.perf_counter`; medians kept. Peak memory is the process's resident high-water
mark (Linux `VmHWM`) right after the first `run` — what one call costs, interpreter
included; the baseline before it (interpreter, harness and the case's module imported)
is kept beside it, and the table shows both. `--in-process` skips the subprocesses
(the smoke test uses it) and then reports no memory.

A case with a `peer` (the same operation in qc) times it in the same turns, so the
ratio to the other tool holds on a busy machine too; a whole-process case names the
in-process case `beside` it, whose median the table shows in the same line.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from benchmarks import corpus as corpora
from benchmarks.harness import Case, Corpus, Skip, Timed, Unavailable

RESULTS = Path(__file__).resolve().parent / "results"
SMOKE = "smoke"


@dataclass
class Timing:
    """One case at one size, as a worker measured it."""

    run_times: list[float] = field(default_factory=list)
    floor_times: list[float] = field(default_factory=list)
    peer_times: list[float] = field(default_factory=list)
    rss_base: int | None = None
    rss_run: int | None = None
    rss_peak: int | None = None
    skipped: str | None = None
    peer_skipped: str | None = None
    error: str | None = None
    details: dict[str, list[float]] = field(default_factory=dict)
    """Figures a case returned beside its time (`Timed.details`), by name, per call."""


@dataclass
class Row:
    case: str
    module: str
    size: str
    run: float | None = None
    floor: float | None = None
    peer: float | None = None
    run_times: list[float] = field(default_factory=list)
    floor_times: list[float] = field(default_factory=list)
    peer_times: list[float] = field(default_factory=list)
    rss_base: int | None = None
    rss_run: int | None = None
    rss_peak: int | None = None
    skipped: str | None = None
    peer_skipped: str | None = None
    error: str | None = None
    notes: str = ""
    peer_name: str = ""
    beside: str = ""
    in_process: float | None = None
    """The median of the in-process case `beside` this one, at the same size."""
    extra: dict[str, float] = field(default_factory=dict)
    details: dict[str, float] = field(default_factory=dict)
    """Medians of the figures the case returned beside its time."""

    @property
    def ratio(self) -> float | None:
        return self.run / self.floor if self.run is not None and self.floor else None

    @property
    def peer_ratio(self) -> float | None:
        return self.run / self.peer if self.run is not None and self.peer else None


def discover(only: list[str] | None = None) -> list[tuple[str, Case]]:
    """Every `CASES` of every module in `benchmarks/cases/`, filtered by name substrings."""
    import benchmarks.cases as package

    found: list[tuple[str, Case]] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        try:
            module = importlib.import_module(f"{package.__name__}.{info.name}")
        except Exception as exc:  # one broken module must not hide every other number
            found.append((info.name, _broken(info.name, exc)))
            continue
        for case in getattr(module, "CASES", []):
            if not only or any(word in case.name or word in info.name for word in only):
                found.append((info.name, case))
    return found


def _broken(module: str, exc: Exception) -> Case:
    message = f"cannot import benchmarks/cases/{module}.py: {type(exc).__name__}: {exc}"

    def fail(_: Corpus) -> object:
        raise RuntimeError(message)

    return Case(f"{module} (import failed)", fail)


def find_case(module: str, name: str) -> Case:
    for mod, case in discover([module]):
        if mod == module and case.name == name:
            return case
    raise LookupError(f"no case {name!r} in benchmarks/cases/{module}.py")


def measure(case: Case, corpus: Corpus, repeat: int) -> Timing:
    """Warm up `run`, `floor` and `peer`, then time them in turns, `repeat` times each.

    Alternating them means a neighbour's burst of work on a shared machine slows
    all alike, so the ratios hold even when the absolute times wander. `rss_run` is
    the peak right after the first `run`, before the floor ever ran. Each reading is
    held at or above the one before: the kernel sums its resident-set counters per CPU
    and may read a high-water mark a few pages below one it reported earlier (CI saw
    36 KB less). The peer's warm-up also installs it and builds its project on first
    use; a peer that cannot run here leaves its reason in `peer_skipped`.
    """
    base = _max_rss()
    timing = Timing(rss_base=base)
    ops: list[tuple[str, Callable[[Corpus], object], list[float]]] = [
        ("run", case.run, timing.run_times)]
    if case.floor is not None:
        ops.append(("floor", case.floor, timing.floor_times))
    step = "run"
    try:
        case.run(corpus)
        timing.rss_run = base = max(_max_rss(), base)
        step = "floor"
        if case.floor is not None:
            case.floor(corpus)
        step = "peer"
        if case.peer is not None:
            try:
                case.peer(corpus)
                ops.append(("peer", case.peer, timing.peer_times))
            except Unavailable as why:
                timing.peer_skipped = str(why)
        for _ in range(repeat):
            for name, op, times in ops:
                step = name
                started = time.perf_counter()
                result = op(corpus)
                elapsed = time.perf_counter() - started
                if isinstance(result, Timed):
                    elapsed = result.seconds
                    for key, value in result.details.items():
                        timing.details.setdefault(f"{name}: {key}", []).append(value)
                times.append(elapsed)
    except Skip as skip:
        timing.skipped = str(skip) or "skipped by the case"
    except Exception as exc:  # a broken case is reported, the others still run
        timing.error = f"{step}: {type(exc).__name__}: {exc}"
    timing.rss_peak = max(_max_rss(), base)
    return timing


def _max_rss() -> int:
    """Peak resident set of this process in bytes.

    On Linux, `VmHWM` of the current address space: `ru_maxrss` would also carry the
    parent's peak across fork, so a worker forked by a harness that had just generated
    a large corpus would report the harness's memory, not its own.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def worker(module: str, name: str, folder: Path, repeat: int, out: TextIO) -> None:
    """The subprocess side: measure one case and print the timing as JSON."""
    timing = measure(find_case(module, name), corpora.corpus_at(folder), repeat)
    out.write(json.dumps(asdict(timing)) + "\n")


def _in_subprocess(module: str, case: Case, folder: Path, repeat: int,
                   timeout: float) -> Timing:
    command = [sys.executable, "-m", "benchmarks", "--worker", module, case.name,
               str(folder), str(repeat)]
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (root, os.environ.get("PYTHONPATH", "")) if p)}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              env=env, cwd=root, check=False)
    except subprocess.TimeoutExpired:
        return Timing(error=f"timed out after {timeout:.0f} s")
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Timing(error=f"worker failed: {tail}")
    return Timing(**json.loads(lines[-1]))


def run_case(module: str, case: Case, corpus: Corpus, folder: Path, *, repeat: int,
             in_process: bool, timeout: float) -> Row:
    row = Row(case=case.name, module=module, size=corpus.size, notes=case.notes,
              extra=dict(case.extra), peer_name=case.peer_name, beside=case.beside)
    if corpus.size != SMOKE and corpus.size not in case.sizes:
        row.skipped = f"not measured at {corpus.size} (sizes: {', '.join(case.sizes)})"
        return row
    timing = (measure(case, corpus, repeat) if in_process
              else _in_subprocess(module, case, folder, repeat, timeout))
    row.skipped, row.error = timing.skipped, timing.error
    if row.skipped or row.error:
        return row
    row.run_times, row.floor_times = timing.run_times, timing.floor_times
    row.peer_times, row.peer_skipped = timing.peer_times, timing.peer_skipped
    row.run = statistics.median(timing.run_times)
    row.floor = statistics.median(timing.floor_times) if timing.floor_times else None
    row.peer = statistics.median(timing.peer_times) if timing.peer_times else None
    row.details = {key: statistics.median(values) for key, values in timing.details.items()}
    if not in_process:
        row.rss_base, row.rss_run, row.rss_peak = timing.rss_base, timing.rss_run, \
            timing.rss_peak
    return row


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def fmt_mb(peak: int | None, base: int | None) -> str:
    """Peak, and in brackets what the operation added to the idle process."""
    if peak is None:
        return "-"
    extra = f" (+{(peak - base) / 2**20:.0f})" if base is not None else ""
    return f"{peak / 2**20:.0f} MB{extra}"


def _previous_key(row: dict[str, Any]) -> tuple[str, str, str]:
    return (str(row.get("module")), str(row.get("case")), str(row.get("size")))


def table(rows: list[Row], previous: dict[tuple[str, str, str], dict[str, Any]]) -> str:
    """The report: medians, the ratios to the floor and to the peer, the in-process
    figure beside a whole-process one, memory, and the change since last time."""
    header = ["case", "size", "run", "floor", "run/floor", "in-process", "peer", "run/peer",
              "peak RSS", "vs last run"]
    lines: list[list[str]] = []
    status: list[bool] = []
    for r in rows:
        if r.skipped or r.error:
            lines.append([r.case, r.size, f"skipped: {r.skipped}" if r.skipped
                          else f"ERROR {r.error}"])
            status.append(True)
            continue
        change = "-"
        before = previous.get((r.module, r.case, r.size))
        if before and before.get("run") and r.run is not None:
            change = f"{(r.run / float(before['run']) - 1) * 100:+.0f} %"
        peer = "n/a" if r.peer_skipped else fmt_time(r.peer)
        lines.append([r.case, r.size, fmt_time(r.run), fmt_time(r.floor), _times(r.ratio),
                      fmt_time(r.in_process), peer, _times(r.peer_ratio), _memory(r), change])
        status.append(False)
    measured = [line for line, skipped in zip(lines, status, strict=True) if not skipped]
    widths = [max([len(h), *(len(line[i]) for line in measured)]) for i, h in enumerate(header)]
    for i in (0, 1):
        widths[i] = max([widths[i], *(len(line[i]) for line in lines)])
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    for line, skipped in zip(lines, status, strict=True):
        if skipped:
            out.append(f"{line[0].ljust(widths[0])}  {line[1].ljust(widths[1])}  {line[2]}")
        else:
            out.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    peers = {r.case: r.peer_name for r in rows if r.peer_name}
    if peers:
        out.append("")
        out.append("peers (whole processes, timed in turns with run and floor):")
        out += [f"  {case}: {name}" for case, name in peers.items()]
        out += [f"  not measured: {why}" for why in dict.fromkeys(
            r.peer_skipped for r in rows if r.peer_skipped)]
    detailed = [r for r in rows if r.details]
    if detailed:
        out.append("")
        out.append("details (medians):")
        for r in detailed:
            out.append(f"  {r.case} @ {r.size}: " + ", ".join(
                f"{key.removesuffix(MEGABYTES)} {fmt_detail(key, value)}"
                for key, value in r.details.items()))
    return "\n".join(out)


def _memory(row: Row) -> str:
    """A whole-process case's own process (its `run: peak RSS` detail), else the worker's."""
    own = row.details.get("run: peak RSS" + MEGABYTES)
    return fmt_mb(row.rss_run, row.rss_base) if own is None else f"{own:.0f} MB (process)"


def _times(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio:.2f}×"


def link_beside(rows: list[Row]) -> None:
    """Each whole-process row gets the median of the in-process case it names, at its size."""
    medians = {(r.case, r.size): r.run for r in rows}
    for r in rows:
        if r.beside:
            r.in_process = medians.get((r.beside, r.size))


COUNT = " (count)"
"""A detail whose name ends so is a number of things, not seconds."""


MEGABYTES = " (MB)"
"""A detail whose name ends so is an amount of memory in MiB."""


def fmt_detail(key: str, value: float) -> str:
    if key.endswith(COUNT):
        return f"{value:g}"
    if key.endswith(MEGABYTES):
        return f"{value:.0f} MB"
    return fmt_time(value)


def load_previous(results: Path) -> dict[tuple[str, str, str], dict[str, Any]]:
    latest = results / "latest.json"
    if not latest.is_file():
        return {}
    try:
        data = json.loads(latest.read_text(encoding="utf-8"))
        return {_previous_key(r): r for r in data.get("results", [])}
    except (ValueError, AttributeError):
        return {}


def write_results(results: Path, rows: list[Row], manifests: dict[str, Any],
                  started: datetime, in_process: bool) -> Path:
    results.mkdir(parents=True, exist_ok=True)
    payload = {
        "started": started.isoformat(),
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpus": os.cpu_count()},
        "memory": "not measured (in-process)" if in_process else
                  "peak RSS (VmHWM) of a fresh process per operation, interpreter included",
        "corpora": manifests,
        "results": [{**asdict(r), "ratio": r.ratio} for r in rows],
    }
    text = json.dumps(payload, indent=2, ensure_ascii=False)
    stamped = results / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    stamped.write_text(text, encoding="utf-8")
    (results / "latest.json").write_text(text, encoding="utf-8")
    return stamped


@dataclass
class Options:
    sizes: list[str]
    cases: list[str] | None = None
    repeat: int | None = None
    out: Path = corpora.OUT
    results: Path = RESULTS
    in_process: bool = False
    timeout: float = 900.0


def main(opts: Options, echo: Callable[[str], None] = print) -> list[Row]:
    started = datetime.now(UTC)
    cases = discover(opts.cases)
    if not cases:
        echo("no case matches " + ", ".join(opts.cases or []))
        return []
    rows: list[Row] = []
    manifests: dict[str, Any] = {}
    previous = load_previous(opts.results)
    for size in opts.sizes:
        begun = time.perf_counter()
        corpus = corpora.load(size, opts.out)
        folder = corpus.db.parent
        manifest = corpora.read_manifest(folder)
        assert manifest is not None
        manifests[size] = asdict(manifest)
        echo(f"corpus {size}: {manifest.quotes} quotes, {manifest.groups} groups, "
             f"{manifest.total_codings} codings by {len(manifest.codings)} coders, kappa "
             + ", ".join(f"{k} {v:.2f}" for k, v in manifest.kappa.items() if v is not None)
             + f" (ready in {time.perf_counter() - begun:.1f} s)")
        for module, case in cases:
            repeat = opts.repeat if opts.repeat is not None else case.repeat
            row = run_case(module, case, corpus, folder, repeat=repeat,
                           in_process=opts.in_process, timeout=opts.timeout)
            rows.append(row)
            if row.skipped:
                echo(f"  {case.name} @ {size}: skipped ({row.skipped})")
            elif row.error:
                echo(f"  {case.name} @ {size}: ERROR {row.error}")
            else:
                peer = f", peer {fmt_time(row.peer)}" if row.peer is not None else ""
                echo(f"  {case.name} @ {size}: run {fmt_time(row.run)}, "
                     f"floor {fmt_time(row.floor)}{peer}")
    echo("")
    link_beside(rows)
    echo(table(rows, previous))
    path = write_results(opts.results, rows, manifests, started, opts.in_process)
    echo(f"\nresults: {path} (and latest.json)"
         + ("; compared with the previous latest.json" if previous else ""))
    return rows
