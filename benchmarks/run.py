"""Run the DI benchmarks side by side and print three Markdown tables (resolution, startup, memory).

    python benchmarks/run.py [--quick] [--rounds N] [--only NAME[,NAME...]] [--no-chart]

Hand-written code and dioxide run in the interpreter of the project's venv (``.venv/bin/python``);
each peer framework listed in ``benchmarks/peers.txt`` (dioxide 2.1.0 from PyPI among them) runs in its
own venv under ``benchmarks/.envs/<name>/``, created (or rebuilt when its pinned requirement changes) on
demand. Every framework module prints its results as JSON; this script turns them into figures and ratios
to hand-written code, prints the tables, and (for a run without ``--only``) writes them to
``benchmarks/results/latest.md`` with the facts of the machine, the figures to ``results/latest.json``
and the chart of the ratios to ``results/ratios.png``, and puts the tables in the "Latest results"
section of ``benchmarks/README.md``. A ``--quick`` run writes ``results/quick.*`` instead (git-ignored)
and leaves the README alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
FRAMEWORKS_DIR = BENCH_DIR / "frameworks"
ENVS_DIR = BENCH_DIR / ".envs"
PEERS_FILE = BENCH_DIR / "peers.txt"
RESULTS_DIR = BENCH_DIR / "results"
# A full run writes latest.*; a quick one quick.* (git-ignored), so the page never mixes the two.
OUTPUTS = {False: ("latest.md", "latest.json", "ratios.png"), True: ("quick.md", "quick.json", "quick.png")}
README_FILE = BENCH_DIR / "README.md"
PROJECT_PYTHON = REPO / ".venv" / "bin" / "python"

sys.path.insert(0, str(FRAMEWORKS_DIR))
from _envs import ensure_envs, log, read_peers, tail  # noqa: E402  (next to this script)
from _readme import replace_section  # noqa: E402
from _report import document  # noqa: E402
from _results import Column  # noqa: E402
from _timing import ALL_SCENARIOS, MEMORY_WORKLOADS  # noqa: E402  (standard library only, shared with the modules)

MODULE_TIMEOUT = 300
# The chart is drawn by benchmarks/chart.py in a venv of its own, so the project's venv needs no plotting library.
CHART_REQUIREMENTS = ["matplotlib==3.11.2"]
# Peers measured by another peer's module (dioxide 2.1.0 runs the module of our dioxide: same public API).
MODULES = {"dioxide_2_1": "dioxide"}
LABELS = {"dioxide_2_1": "dioxide 2.1"}


def module_path(name: str) -> Path:
    name = MODULES.get(name, name)
    return FRAMEWORKS_DIR / ("handwritten.py" if name == "handwritten" else f"{name}_bench.py")


# ------------------------------------------------------------------------------------------ running


def run_module(column: Column, scenarios: list[str], *, quick: bool) -> dict[str, Any] | str:
    """One process of a framework's module: its JSON report, or why there is none."""
    assert column.python is not None
    command = [str(column.python), str(column.module), "--scenarios", ",".join(scenarios)]
    if quick:
        command.append("--quick")
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            command, capture_output=True, text=True, cwd=REPO, env=env, timeout=MODULE_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        return f"timed out after {MODULE_TIMEOUT} s"
    finally:
        column.seconds += time.perf_counter() - start
    report: dict[str, Any] | None = None
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            try:
                report = json.loads(line)
            except json.JSONDecodeError:
                pass
            break
    if proc.returncode != 0 or report is None:
        if proc.stderr:
            log(tail(proc.stderr, 20))
        return tail(proc.stderr or proc.stdout, 1) or f"exit code {proc.returncode}"
    if proc.stderr.strip():
        log(f"[{column.name}] stderr:\n{tail(proc.stderr, 20)}")
    pinned = column.pinned_version
    if pinned is not None and report.get("version") != pinned:
        return f"its venv ran version {report.get('version')!r}, not the pinned {pinned}"
    return report


def run_round(column: Column, scenarios: list[str], *, quick: bool, memory: bool) -> None:
    """The timed scenarios in one process, then each memory figure in a fresh process of its own.

    Memory figures repeat to within a few KiB from one process to the next: ``memory=False`` skips them.
    """
    timed = [s for s in scenarios if s not in MEMORY_WORKLOADS]
    reports = []
    if timed:
        report = run_module(column, timed, quick=quick)
        if isinstance(report, str):
            column.fail(report)
            return
        reports.append(report)
    for scenario in (s for s in scenarios if memory and s in MEMORY_WORKLOADS):
        report = run_module(column, [scenario], quick=quick)
        reports.append({"errors": {scenario: report}} if isinstance(report, str) else report)
    column.add_round(reports)


def build_envs(columns: list[Column], chart: bool, creator: Path) -> Path | None:
    """Build (or reuse) every peer's venv, and the chart's; return the chart's python."""
    jobs = {c.name: (ENVS_DIR / c.name, c.requirements) for c in columns if c.requirements and c.failure is None}
    if chart:
        jobs["chart"] = (ENVS_DIR / "chart", CHART_REQUIREMENTS)
    pythons = ensure_envs(jobs, creator)
    for column in columns:
        result = pythons.get(column.name)
        if isinstance(result, Path):
            column.python = result
        elif result is not None:
            column.failure = result
    chart_python = pythons.get("chart")
    return chart_python if isinstance(chart_python, Path) else None


def draw_chart(python: Path | None, figures: Path, chart: Path) -> None:
    if python is None:
        log("no chart: its venv could not be built")
        return
    command = [str(python), str(BENCH_DIR / "chart.py"), str(figures), str(chart)]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=MODULE_TIMEOUT, check=False)
    if proc.returncode != 0:
        log(f"chart failed:\n{tail(proc.stderr or proc.stdout, 20)}")
    else:
        log(f"wrote {chart.relative_to(REPO)}")


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
        "hand-written always runs. Such a run prints its tables but writes no file",
    )
    parser.add_argument("--no-chart", action="store_true", help="do not draw the chart")
    return parser.parse_args()


def make_columns(project_python: Path | None) -> list[Column]:
    columns = [
        Column("handwritten", "hand-written", module_path("handwritten"), None, python=project_python),
        Column("dioxide", "dioxide", module_path("dioxide"), None, python=project_python),
        *(
            Column(name, LABELS.get(name, name.replace("_", "-")), module_path(name), requirements)
            for name, requirements in read_peers(PEERS_FILE)
        ),
    ]
    if project_python is None:
        columns[1].failure = f"{PROJECT_PYTHON.relative_to(REPO)} not found (run `make` first)"
        columns[0].python = Path(sys.executable)
    return columns


def main() -> int:
    args = parse_args()
    started = time.perf_counter()
    project_python = PROJECT_PYTHON if PROJECT_PYTHON.exists() else None
    columns = make_columns(project_python)

    only = {name for value in args.only for name in value.split(",") if name}
    known = {c.name for c in columns} | {c.label for c in columns} | set(ALL_SCENARIOS)
    unknown = only - known
    if unknown:
        log(f"unknown --only name(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
        return 2
    only_frameworks = {c.name for c in columns if c.name in only or c.label in only}
    scenarios = [s for s in ALL_SCENARIOS if s in only] or list(ALL_SCENARIOS)
    if only_frameworks:
        columns = [c for c in columns if c.name == "handwritten" or c.name in only_frameworks]

    chart = not only and not args.no_chart
    chart_python = build_envs(columns, chart, project_python or Path(sys.executable))

    rounds = args.rounds or (1 if args.quick else 2)
    baseline, peers = columns[0], columns[1:]
    for round_number in range(1, rounds + 1):
        # Alternate the order, so no framework always runs first or last in a round. Every ratio divides by
        # the hand-written figures: they are measured at both ends of each round, so that one burst of load
        # on the machine cannot spoil them all.
        order = [baseline, *(peers if round_number % 2 else reversed(peers)), baseline]
        for position, column in enumerate(order):
            if column.failure is not None:
                continue
            log(f"[run {round_number}/{rounds}] {column.label} ...")
            memory = round_number == 1 and (column is not baseline or position == 0)
            run_round(column, scenarios, quick=args.quick, memory=memory)
            status = "failed: " + column.failure if column.failure else f"done ({column.seconds:.1f} s so far)"
            log(f"[run {round_number}/{rounds}] {column.label} {status}")

    if baseline.failure is not None or not baseline.results:
        log(f"hand-written baseline failed: {baseline.failure or baseline.errors}; ratios are omitted")

    command = "python benchmarks/run.py" + (" --quick" if args.quick else "")
    text = document(columns, quick=args.quick, rounds=rounds, command=command)
    print(text)
    if not only:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        markdown, figures, picture = (RESULTS_DIR / name for name in OUTPUTS[args.quick])
        markdown.write_text(f"# Benchmark results\n\n{text}")
        date = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
        data = {"quick": args.quick, "date": date, "columns": [c.as_json() for c in columns]}
        figures.write_text(json.dumps(data, indent=1) + "\n")
        log(f"wrote {markdown.relative_to(REPO)} and {figures.relative_to(REPO)}")
        if chart:
            draw_chart(chart_python, figures, picture)
        if not args.quick and replace_section(README_FILE, "results", text):
            log(f"updated the results section of {README_FILE.relative_to(REPO)}")
    log(f"total {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
