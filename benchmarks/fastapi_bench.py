"""What a DI framework's FastAPI integration adds to a request, in µs, over the same endpoint wired by hand.

    python benchmarks/fastapi_bench.py [--quick] [--rounds N] [--only NAME[,NAME...]]

One run measures, side by side: dioxide's ``Inject(T)`` (one FastAPI ``Depends`` per parameter) and its
``@inject`` with ``Injected[T]`` (one hidden parameter for all), in the project's venv; and each peer
listed in ``benchmarks/fastapi/peers.txt`` through its own FastAPI integration, in its own venv under
``benchmarks/.envs/fastapi-<name>/`` (built on demand, with the project venv's own fastapi, starlette and
pydantic versions pinned, so every column runs the same FastAPI).

Each column is one subprocess running ``benchmarks/fastapi/<name>_app.py``, which measures the hand-written
baselines and the framework's variants in the same process with the same harness
(``benchmarks/fastapi/_harness.py``: in-process ASGI calls, no network, best of N interleaved runs); a
framework's figures are compared with the baselines of its own process. Scenarios: an endpoint receiving
one singleton, three singletons, and a request-scoped ``A(B(C()))`` chain. ``--rounds N`` runs every column
N times (default 2, or 1 with ``--quick``), alternating the order, and keeps each figure's best round.
A run without ``--quick`` or ``--only`` writes its tables to ``benchmarks/results/fastapi.md`` and to the
FastAPI section of ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from _envs import cpu_model, ensure_envs, load_average, log, read_peers, run_date, tail  # next to this script
from _readme import replace_section

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
APPS_DIR = BENCH_DIR / "fastapi"
ENVS_DIR = BENCH_DIR / ".envs"
PEERS_FILE = APPS_DIR / "peers.txt"
PROJECT_PYTHON = REPO / ".venv" / "bin" / "python"
RESULTS_FILE = BENCH_DIR / "results" / "fastapi.md"
README_FILE = BENCH_DIR / "README.md"
PINNED = ("fastapi", "starlette", "pydantic")  # taken from the project's venv, for every peer venv
MODULE_TIMEOUT = 600

# (key suffix, row label, baseline key)
SCENARIOS = [
    ("singleton", "one singleton", "hand/singleton"),
    ("three", "three singletons", "hand/singleton"),
    ("request_chain", "request-scoped `A(B(C()))`", "hand/chain"),
]
# Variants outside the main table: key -> (label, baseline key)
EXTRAS = {
    "hand/depends": ("no DI framework: a hand-written `async def` dependency returning `A(B(C()))`", "hand/chain"),
    "dioxide/middleware": ("dioxide: `DioxideMiddleware` only (a scope per request), no `Depends`", "hand/chain"),
    "wireup/singleton_plain_route": ("wireup: one singleton, routes without `WireupRoute`", "hand/singleton"),
}
LABELS = {"dishka": "dishka `@inject`", "wireup": "wireup `WireupRoute`", "that_depends": "that-depends `Depends`"}


@dataclass
class Module:
    """One subprocess: a framework's module, the python that runs it, and what it reported."""

    name: str
    requirements: list[str] | None  # a peer's pinned requirements; None for dioxide (the project's venv)
    python: Path | None = None
    version: str = ""
    fastapi: str = ""
    python_version: str = ""
    repeats: int = 0
    target_seconds: float = 0.0
    rounds: list[dict[str, float]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    not_applicable: dict[str, str] = field(default_factory=dict)
    failure: str | None = None

    @property
    def script(self) -> Path:
        return APPS_DIR / f"{self.name}_app.py"

    def best(self, key: str) -> float | None:
        values = [r[key] for r in self.rounds if key in r]
        return min(values) if values else None


@dataclass
class Column:
    label: str
    module: Module
    prefix: str


# ------------------------------------------------------------------------------------ environments


def project_facts() -> dict[str, str]:
    """The project venv's Python version and pinned packages' versions (every peer venv gets the same)."""
    code = (
        "import importlib.metadata as m, json, sys; "
        f"print(json.dumps({{'python': sys.version.split()[0], **{{n: m.version(n) for n in {PINNED!r}}}}}))"
    )
    out = subprocess.run([str(PROJECT_PYTHON), "-c", code], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


# ------------------------------------------------------------------------------------------ running


def run_module(module: Module, quick: bool) -> None:
    assert module.python is not None
    command = [str(module.python), str(module.script), *(["--quick"] if quick else [])]
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    try:
        proc = subprocess.run(
            command, capture_output=True, text=True, cwd=REPO, env=env, timeout=MODULE_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        module.failure = module.failure or f"timed out after {MODULE_TIMEOUT} s"
        return
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        if not module.rounds:
            module.failure = tail(proc.stderr or proc.stdout, 1) or f"exit code {proc.returncode}"
        log(tail(proc.stderr, 20))
        return
    if proc.stderr.strip():
        log(f"[{module.name}] stderr:\n{tail(proc.stderr, 10)}")
    report = json.loads(lines[-1])
    module.version, module.fastapi = report["version"], report["fastapi"]
    module.python_version, module.repeats = report["python"], report["repeats"]
    module.target_seconds = report["target_seconds"]
    module.rounds.append(report["results"])
    module.errors.update(report["errors"])
    module.not_applicable.update(report["not_applicable"])


# ------------------------------------------------------------------------------------------- report


def cell(module: Module, key: str, baseline: str) -> str:
    if module.failure is not None:
        return "n/a (see notes)"
    value, base = module.best(key), module.best(baseline)
    if value is None or base is None:
        if key in module.not_applicable:
            return "n/a (see notes)"
        return "error (see notes)" if key in module.errors else "n/a"
    return f"{value - base:+.1f} ({value:.1f})"


def tables(columns: list[Column], modules: list[Module]) -> str:
    header = "| scenario | " + " | ".join(c.label for c in columns) + " |"
    rule = "|---|" + "---:|" * len(columns)
    rows = [header, rule]
    for suffix, label, baseline in SCENARIOS:
        cells = [cell(c.module, f"{c.prefix}/{suffix}", baseline) for c in columns]
        rows.append(f"| {label} | " + " | ".join(cells) + " |")

    def hand(column: Column) -> str:
        single, chain = column.module.best("hand/singleton"), column.module.best("hand/chain")
        return "n/a" if single is None or chain is None else f"{single:.1f} / {chain:.1f}"

    rows.append("| *hand-written endpoint, µs: singleton / `A(B(C()))`* | " + " | ".join(map(hand, columns)) + " |")

    extra = ["| other variant | process | added µs (µs / request) |", "|---|---|---:|"]
    for key, (label, baseline) in EXTRAS.items():
        for module in modules:
            if module.best(key) is not None or key in module.errors:
                extra.append(f"| {label} | {module.name.replace('_', '-')} | {cell(module, key, baseline)} |")
    return "\n".join(rows) + "\n\n" + "\n".join(extra)


def notes(modules: list[Module]) -> list[str]:
    out = []
    for module in modules:
        if module.failure is not None:
            out.append(f"- {module.name}: not measured: {' '.join(module.failure.split())}")
        for key, reason in module.not_applicable.items():
            out.append(f"- {module.name}, `{key}`: n/a: {reason}")
        for key, error in module.errors.items():
            if module.best(key) is None:
                out.append(f"- {module.name}, `{key}`: error: {' '.join(error.split())}")
    spreads = [
        (max(values) / min(values) - 1, f"{module.name} `{key}`")
        for module in modules
        for key in {k for r in module.rounds for k in r}
        if len(values := [r[key] for r in module.rounds if key in r]) > 1
    ]
    if spreads:
        spread, where = max(spreads)
        out.append(
            f"- Largest difference between two rounds of one figure: {spread:.0%} ({where}); "
            "each figure keeps its best round."
        )
    return out


def facts(modules: list[Module], facts_: dict[str, str], rounds: int) -> list[str]:
    measured = next((m for m in modules if m.rounds), modules[0])
    versions = ", ".join(f"{m.name.replace('_', '-')} {m.version or 'n/a'}" for m in modules)
    fastapis = ", ".join(sorted({m.fastapi for m in modules if m.fastapi})) or "n/a"
    return [
        f"- Date: {run_date()}",
        f"- CPU: {cpu_model()} ({os.cpu_count()} logical cores); CPython {facts_['python']}",
        f"- FastAPI {fastapis} in every process (starlette {facts_['starlette']}, pydantic {facts_['pydantic']})",
        f"- Frameworks: {versions}",
        f"- Method: best of {measured.repeats} interleaved runs of ~{measured.target_seconds:g} s per variant, "
        f"best of {rounds} round{'s' if rounds > 1 else ''}",
        f"- Load average at the end (1, 5, 15 min): {load_average()}",
    ]


# --------------------------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="shorter runs, fewer repeats, one round")
    parser.add_argument("--rounds", type=int, default=0, metavar="N", help="rounds (default: 2, or 1 with --quick)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME", help="dioxide and/or peer names")
    args = parser.parse_args()
    started = time.perf_counter()
    facts_ = project_facts()

    modules = [Module("dioxide", None, python=PROJECT_PYTHON)]
    modules += [Module(name, requirements) for name, requirements in read_peers(PEERS_FILE)]
    only = {name for value in args.only for name in value.split(",") if name}
    if only - {m.name for m in modules}:
        log(f"unknown --only name(s): {', '.join(sorted(only - {m.name for m in modules}))}")
        return 2
    if only:
        modules = [m for m in modules if m.name in only]
    pinned = [f"{package}=={facts_[package]}" for package in PINNED]
    jobs = {m.name: (ENVS_DIR / f"fastapi-{m.name}", [*m.requirements, *pinned]) for m in modules if m.requirements}
    for name, built in ensure_envs(jobs, PROJECT_PYTHON).items():
        module = next(m for m in modules if m.name == name)
        if isinstance(built, Path):
            module.python = built
        else:
            module.failure = built

    rounds = args.rounds or (1 if args.quick else 2)
    for number in range(1, rounds + 1):
        for module in modules if number % 2 else list(reversed(modules)):
            if module.failure is None:
                log(f"[round {number}/{rounds}] {module.name} ...")
                run_module(module, args.quick)

    columns = []
    for module in modules:
        if module.name == "dioxide":
            columns += [Column("dioxide `Inject`", module, "Inject"), Column("dioxide `@inject`", module, "@inject")]
        else:
            columns.append(Column(LABELS.get(module.name, module.name.replace("_", "-")), module, module.name))
    text = [
        "Added µs per request over the hand-written endpoint of the same process (µs per request in parentheses).",
        "",
        *facts(modules, facts_, rounds),
        "",
        tables(columns, modules),
    ]
    extra = notes(modules)
    if extra:
        text += ["", *extra]
    print("\n".join(text))
    if not only and not args.quick:
        RESULTS_FILE.write_text("# FastAPI benchmark results\n\n" + "\n".join(text) + "\n")
        log(f"wrote {RESULTS_FILE.relative_to(REPO)}")
        if replace_section(README_FILE, "fastapi", "\n".join(text)):
            log(f"updated the FastAPI section of {README_FILE.relative_to(REPO)}")
    log(f"total {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
