"""Run the DI benchmarks side by side and print one Markdown table.

    python benchmarks/run.py [--quick] [--only NAME[,NAME...]]

Hand-written code and dioxide run in the interpreter of the project's venv (``.venv/bin/python``);
each peer framework listed in ``benchmarks/peers.txt`` runs in its own venv under
``benchmarks/.envs/<name>/``, created (or rebuilt when its pinned requirement changes) on demand.
Every framework module prints its results as JSON; this script turns them into ns per call and ratios
to hand-written code, prints the table, and (for a run without ``--only``) writes it to
``benchmarks/results/latest.md`` with the facts of the machine; a full run (without ``--quick``) also
puts it in the "Latest results" section of ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
FRAMEWORKS_DIR = BENCH_DIR / "frameworks"
ENVS_DIR = BENCH_DIR / ".envs"
PEERS_FILE = BENCH_DIR / "peers.txt"
RESULTS_FILE = BENCH_DIR / "results" / "latest.md"
README_FILE = BENCH_DIR / "README.md"
README_START, README_END = "<!-- results:start -->", "<!-- results:end -->"
PROJECT_PYTHON = REPO / ".venv" / "bin" / "python"

sys.path.insert(0, str(FRAMEWORKS_DIR))
from _envs import cpu_model, ensure_env, log, read_peers, tail  # noqa: E402  (next to this script)
from _timing import SCENARIOS  # noqa: E402  (standard library only, shared with the framework modules)

MODULE_TIMEOUT = 300
CELL_ERROR_CHARS = 60

SCENARIO_LABELS = {
    "singleton": "singleton (cached)",
    "factory_chain": "factory chain A(B(C()))",
    "factory_chain_1000": "factory chain, 1,000 extra registered",
    "request_scope": "request scope (sync): enter, resolve A, exit",
    "request_scope_async": "request scope (async): enter, resolve A, exit",
}


@dataclass
class Column:
    """One framework: where it runs, and what it reported."""

    name: str
    label: str
    requirements: list[str] | None  # the pinned pip requirements, for peers
    python: Path | None = None
    version: str = ""
    python_version: str = ""  # as the module reported it
    results: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # scenario -> error
    not_applicable: dict[str, str] = field(default_factory=dict)  # scenario -> reason
    failure: str | None = None  # the whole column failed (install or run)
    late_failures: list[str] = field(default_factory=list)  # rounds that failed after one succeeded
    seconds: float = 0.0
    rounds: list[dict[str, float]] = field(default_factory=list)  # results of each round
    repeats: int = 0
    target_seconds: float = 0.0

    @property
    def module(self) -> Path:
        stem = "handwritten" if self.name == "handwritten" else f"{self.name}_bench"
        return FRAMEWORKS_DIR / f"{stem}.py"


# ------------------------------------------------------------------------------------ environments


# ------------------------------------------------------------------------------------------ running


def _fail(column: Column, message: str) -> None:
    """A run that produced no report fails the column, unless an earlier round measured it."""
    if column.rounds:
        column.late_failures.append(message)
    else:
        column.failure = message


def run_column(column: Column, *, quick: bool, scenarios: list[str]) -> None:
    assert column.python is not None
    command = [str(column.python), str(column.module)]
    if quick:
        command.append("--quick")
    if scenarios != list(SCENARIOS):
        command += ["--scenarios", ",".join(scenarios)]
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            command, capture_output=True, text=True, cwd=REPO, env=env, timeout=MODULE_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        _fail(column, f"timed out after {MODULE_TIMEOUT} s")
        return
    finally:
        column.seconds += time.perf_counter() - start
    report = None
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            try:
                report = json.loads(line)
            except json.JSONDecodeError:
                pass
            break
    if proc.returncode != 0 or report is None:
        _fail(column, tail(proc.stderr or proc.stdout, 1) or f"exit code {proc.returncode}")
        if proc.stderr:
            log(tail(proc.stderr, 20))
        return
    if proc.stderr.strip():
        log(f"[{column.name}] stderr:\n{tail(proc.stderr, 20)}")
    column.version = report.get("version", "")
    column.python_version = report.get("python", "")
    column.repeats = int(report.get("repeats", 0))
    column.target_seconds = float(report.get("target_seconds", 0.0))
    column.rounds.append({k: float(v) for k, v in report.get("results", {}).items()})
    # A scenario measured in any round is kept (best round); an error is kept only if no round measured it.
    column.results = {
        scenario: min(r[scenario] for r in column.rounds if scenario in r)
        for scenario in SCENARIOS
        if any(scenario in r for r in column.rounds)
    }
    column.errors.update(report.get("errors", {}))
    column.errors = {k: v for k, v in column.errors.items() if k not in column.results}
    column.not_applicable.update(report.get("not_applicable", {}))


# ------------------------------------------------------------------------------------------- report


def fmt_ns(ns: float) -> str:
    return f"{ns:,.1f} ns" if ns < 100 else f"{ns:,.0f} ns"


def fmt_ratio(ratio: float) -> str:
    if ratio < 10:
        return f"{ratio:.2f}x"
    if ratio < 100:
        return f"{ratio:.1f}x"
    return f"{ratio:,.0f}x"


def _short(text: str) -> str:
    text = " ".join(text.split()).replace("|", "/")
    return text if len(text) <= CELL_ERROR_CHARS else text[: CELL_ERROR_CHARS - 3] + "..."


def cell(column: Column, scenario: str, baseline: Column) -> str:
    if column.failure is not None:
        return f"n/a (error: {_short(column.failure)})"
    if scenario in column.results:
        ns = column.results[scenario]
        base = baseline.results.get(scenario)
        return f"{fmt_ns(ns)} ({fmt_ratio(ns / base)})" if base else fmt_ns(ns)
    if scenario in column.errors:
        return f"n/a (error: {_short(column.errors[scenario])})"
    if scenario in column.not_applicable:
        return f"n/a ({_short(column.not_applicable[scenario])})"
    return "n/a"


def table(columns: list[Column], scenarios: list[str]) -> str:
    baseline = columns[0]
    header = ["scenario", *(c.label for c in columns)]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---", *["---:"] * len(columns)]) + "|"]
    for scenario in scenarios:
        row = [f"`{scenario}`", *(cell(c, scenario, baseline) for c in columns)]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def notes(columns: list[Column]) -> list[str]:
    out = []
    for column in columns:
        if column.failure is not None:
            out.append(f"- {column.label}: not measured: {' '.join(column.failure.split())}")
        for scenario, reason in column.not_applicable.items():
            out.append(f"- {column.label}, `{scenario}`: n/a: {reason}")
        for scenario, error in column.errors.items():
            out.append(f"- {column.label}, `{scenario}`: error: {error}")
        for message in column.late_failures:
            out.append(f"- {column.label}: a later round failed (earlier rounds kept): {' '.join(message.split())}")
    return out


def largest_spread(columns: list[Column]) -> str:
    """Name the figure whose rounds disagreed most: a hint of how noisy the machine was."""
    worst: tuple[float, str] | None = None
    for column in columns:
        for scenario in column.results:
            values = [r[scenario] for r in column.rounds if scenario in r]
            if len(values) > 1:
                spread = max(values) / min(values) - 1
                if worst is None or spread > worst[0]:
                    worst = (spread, f"{column.label}, `{scenario}`")
    if worst is None:
        return ""
    return (
        f"- Largest difference between two rounds of one figure: {worst[0]:.0%} ({worst[1]}); "
        "the table keeps each figure's best round."
    )


def machine_facts(columns: list[Column], quick: bool) -> list[str]:
    versions = ", ".join(f"{c.label} {c.version or 'n/a'}" for c in columns[1:])
    measured = next((c for c in columns if c.results), columns[0])
    pythons = ", ".join(sorted({c.python_version for c in columns if c.python_version})) or "n/a"
    mode = "quick" if quick else "full"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return [
        f"- Date: {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- CPU: {cpu_model()} ({os.cpu_count()} logical cores)",
        f"- Python: {platform.python_implementation()} {pythons} ({platform.system()} {platform.machine()})",
        f"- Frameworks: {versions}",
        f"- Method: {mode} run, best of {measured.repeats} repeats of ~{measured.target_seconds:g} s each, "
        + (f"best of {len(measured.rounds)} rounds" if len(measured.rounds) > 1 else "one round"),
        f"- Load average at the end (1, 5, 15 min): {load}",
    ]


def update_readme(results: str) -> bool:
    """Replace the text between the results markers of the README with this run's results."""
    if not README_FILE.exists():
        return False
    readme = README_FILE.read_text()
    start, end = readme.find(README_START), readme.find(README_END)
    if start < 0 or end < start:
        return False
    before, after = readme[: start + len(README_START)], readme[end:]
    README_FILE.write_text(f"{before}\n{results.strip()}\n{after}")
    return True


# --------------------------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="shorter measurements, fewer repeats")
    parser.add_argument(
        "--rounds",
        type=int,
        default=0,
        metavar="N",
        help="run every framework N times, alternating the order, and keep each figure's best round "
        "(default: 2, or 1 with --quick)",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="restrict to these frameworks and/or scenarios (comma-separated, repeatable); "
        "hand-written always runs. Such a run prints its table but does not write results/latest.md",
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    started = time.perf_counter()
    peers = read_peers(PEERS_FILE)
    project_python = PROJECT_PYTHON if PROJECT_PYTHON.exists() else None

    columns = [
        Column("handwritten", "hand-written", None, python=project_python or Path(sys.executable)),
        Column("dioxide", "dioxide", None, python=project_python),
        *(Column(name, name.replace("_", "-"), requirements) for name, requirements in peers),
    ]
    if project_python is None:
        columns[1].failure = f"{PROJECT_PYTHON.relative_to(REPO)} not found (run `make` first)"

    only = {name for value in args.only for name in value.split(",") if name}
    known = {c.name for c in columns} | {c.label for c in columns} | set(SCENARIOS)
    unknown = only - known
    if unknown:
        log(f"unknown --only name(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
        return 2
    only_frameworks = {c.name for c in columns if c.name in only or c.label in only}
    scenarios = [s for s in SCENARIOS if s in only] or list(SCENARIOS)
    if only_frameworks:
        columns = [c for c in columns if c.name == "handwritten" or c.name in only_frameworks]

    for column in columns:
        if column.requirements is None or column.failure is not None:
            continue
        try:
            column.python = ensure_env(
                ENVS_DIR / column.name, column.requirements, project_python or Path(sys.executable)
            )
        except Exception as exc:
            column.failure = f"install failed: {exc}"
            log(f"[env] {column.name}: {column.failure}")

    rounds = args.rounds or (1 if args.quick else 2)
    for round_number in range(1, rounds + 1):
        # Alternate the order, so no framework always runs first or last in a round.
        order = columns if round_number % 2 else list(reversed(columns))
        for column in order:
            if column.failure is not None:
                continue
            log(f"[run {round_number}/{rounds}] {column.label} ...")
            run_column(column, quick=args.quick, scenarios=scenarios)
            status = "failed: " + column.failure if column.failure else f"done ({column.seconds:.1f} s so far)"
            log(f"[run {round_number}/{rounds}] {column.label} {status}")

    baseline = columns[0]
    if baseline.failure is not None or not baseline.results:
        log(f"hand-written baseline failed: {baseline.failure or baseline.errors}; ratios are omitted")

    body = table(columns, scenarios)
    extra = notes(columns)
    spread = largest_spread(columns)
    if spread:
        extra.append(spread)
    print(body)
    if extra:
        print("\n" + "\n".join(extra))

    if not only:
        RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
        command = "python benchmarks/run.py" + (" --quick" if args.quick else "")
        text = [
            "# Benchmark results",
            "",
            f"Produced by `{command}`: ns per call (best of the repeats, harness call overhead",
            "included) and, in parentheses, the ratio to hand-written code measured in the same run.",
            "",
            *machine_facts(columns, args.quick),
            "",
            body,
            "",
        ]
        if extra:
            text += ["Notes:", "", *extra, ""]
        RESULTS_FILE.write_text("\n".join(text))
        log(f"wrote {RESULTS_FILE.relative_to(REPO)}")
        if not args.quick and update_readme("\n".join(text[2:])):
            log(f"updated the results section of {README_FILE.relative_to(REPO)}")
    log(f"total {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
