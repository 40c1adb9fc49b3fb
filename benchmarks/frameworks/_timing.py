"""The timing harness shared by every framework module (standard library only).

Every column of the benchmark table is measured by this same code: a scenario's setup builds a zero-arg
callable, the harness calls it in a tight loop, and reports the best of several repeats as ns per call.
The loop and the call to the zero-arg callable cost the same in every column, so they are included in
every figure, hand-written code included.

A framework module defines its setup functions (and the ``startup`` and ``threads`` functions of the
workloads in ``_startup.py`` and ``_threads.py``) and calls ``main("label", "dist", globals())``, which
prints one JSON object on stdout:

    {"framework": "...", "version": "...", "results": {scenario: figure}, "errors": {scenario: "..."},
     "not_applicable": {scenario: "why"}, "warnings": {scenario: "..."}}

Figures are ns (per call, per resolve, or per startup) except ``memory_*``, in bytes. A scenario that a
framework cannot express raises :class:`NotApplicable` from its setup; a scenario that fails (at setup,
at its sanity check or while timed) is reported in ``errors`` and the others still run.
"""

import argparse
import asyncio
import gc
import importlib.metadata
import itertools
import json
import platform
import sys
import time
import traceback
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from _startup import STARTUP_SIZES, Reset, Startup, memory, time_startup
from _threads import ThreadsSetup, time_threads

SyncBench = Callable[[], object]
AsyncBench = Callable[[], Awaitable[object]]
Setup = Callable[[], Any]

# Rows of the table, in order. Scenarios whose name ends in "_async" return an `async def` callable.
SCENARIOS: tuple[str, ...] = (
    "singleton",
    "factory_chain",
    "factory_chain_1000",
    "request_scope",
    "request_scope_async",
)
# Workloads with their own method (see _startup.py and _threads.py), after the scenarios above.
STARTUP_WORKLOADS = tuple(f"startup_{size}" for size in STARTUP_SIZES)
THREADS_WORKLOADS = ("threads_16",)
# Each memory figure needs a process that did nothing else: the runner asks for them one at a time.
MEMORY_WORKLOADS = ("memory_1000", "memory_1000_traced")
ALL_SCENARIOS = SCENARIOS + THREADS_WORKLOADS + STARTUP_WORKLOADS + MEMORY_WORKLOADS

TARGET_SECONDS = 0.1
REPEATS = 5
QUICK_TARGET_SECONDS = 0.05
QUICK_REPEATS = 3


class NotApplicable(Exception):
    """Raised by a setup when the framework has no honest way to express the scenario."""


# --------------------------------------------------------------------------------------------- timing


def _time_sync(fn: SyncBench, n: int) -> float:
    loop = itertools.repeat(None, n)
    gc.collect()
    start = time.perf_counter()
    for _ in loop:
        fn()
    return time.perf_counter() - start


async def _async_loop(fn: AsyncBench, n: int) -> float:
    loop = itertools.repeat(None, n)
    start = time.perf_counter()
    for _ in loop:
        await fn()
    return time.perf_counter() - start


def _time_async(fn: AsyncBench, n: int) -> float:
    # One event loop per measurement, never per iteration; its start-up is outside the timed region.
    gc.collect()
    return asyncio.run(_async_loop(fn, n))


def measure(fn: Callable[[], Any], *, is_async: bool, target: float, repeats: int) -> float:
    """Return the best ns per call of ``fn`` over ``repeats`` runs of about ``target`` seconds each."""
    timer: Callable[[Any, int], float] = _time_async if is_async else _time_sync
    # Calibrate (and warm up): grow n tenfold until a run takes a tenth of the target, then scale it.
    n = 1
    while True:
        elapsed = timer(fn, n)
        if elapsed >= target / 10 or n >= 10**8:
            break
        n *= 10
    n = max(1, round(n * target / max(elapsed, 1e-9)))
    best = min(timer(fn, n) for _ in range(repeats))
    return best / n * 1e9


# --------------------------------------------------------------------------------- sanity checks


def _chain_ok(a: Any) -> bool:
    """A is built from a B, itself built from a C (the classes of _model.make_chain)."""
    b = getattr(a, "b", None)
    c = getattr(b, "c", None)
    return type(a).__name__ == "A" and type(b).__name__ == "B" and type(c).__name__ == "C"


def _check(scenario: str, first: Any, second: Any) -> None:
    """Refuse to time a scenario whose callable does not do what the scenario says."""
    if not (_chain_ok(first) and _chain_ok(second)):
        raise AssertionError(f"{scenario}: the callable did not return a fully built A(B(C()))")
    if scenario == "singleton":
        if first is not second:
            raise AssertionError("singleton: two calls returned different instances")
    elif first is second or first.b is second.b or first.b.c is second.b.c:
        # Factories build anew every time; each request scope builds its own chain.
        raise AssertionError(f"{scenario}: two calls shared an instance of A, B or C")


def check_cached_in_scope(first: object, second: object) -> None:
    """For a setup to call: two resolutions of A inside one request scope must give one instance."""
    if first is not second:
        raise AssertionError("request scope: A resolved twice in one scope gave two instances")


def _check_sync(scenario: str, fn: SyncBench) -> None:
    _check(scenario, fn(), fn())


def _check_async(scenario: str, fn: AsyncBench) -> None:
    async def twice() -> tuple[object, object]:
        return await fn(), await fn()

    first, second = asyncio.run(twice())
    _check(scenario, first, second)


# ------------------------------------------------------------------------------------------ driver


def _version(dist: str | None) -> str:
    if dist is None:
        return f"Python {platform.python_version()}"
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _short_error(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text.splitlines()[0] if text else type(exc).__name__


@dataclass
class Workloads:
    """What a framework module gives for the workloads that are not a zero-arg callable."""

    startup: Startup | None = None
    threads: ThreadsSetup | None = None
    reset: Reset | None = None  # called (untimed) before each startup, to empty a global registry


@dataclass
class Report:
    results: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    not_applicable: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)


def _measure_scenario(scenario: str, setup: Setup, *, target: float, repeats: int) -> float:
    is_async = scenario.endswith("_async")
    fn = setup()
    if is_async:
        _check_async(scenario, fn)
    else:
        _check_sync(scenario, fn)
    return measure(fn, is_async=is_async, target=target, repeats=repeats)


def _measure_workload(scenario: str, workloads: Workloads, report: Report, *, quick: bool) -> float:
    if scenario in THREADS_WORKLOADS:
        if workloads.threads is None:
            raise NotApplicable("not implemented")
        value, warning = time_threads(workloads.threads, quick=quick)
        if warning:
            report.warnings[scenario] = warning
        return value
    if workloads.startup is None:
        raise NotApplicable("not implemented")
    if scenario in MEMORY_WORKLOADS:
        return memory(workloads.startup, workloads.reset, traced=scenario.endswith("_traced"))
    size = int(scenario.rsplit("_", 1)[1])
    return time_startup(workloads.startup, workloads.reset, size, quick=quick)


def run_scenarios(setups: dict[str, Setup], workloads: Workloads, *, only: set[str] | None, quick: bool) -> Report:
    target, repeats = (QUICK_TARGET_SECONDS, QUICK_REPEATS) if quick else (TARGET_SECONDS, REPEATS)
    report = Report()
    # Memory first: it must see a process that has done nothing else yet.
    order = sorted(ALL_SCENARIOS, key=lambda s: s not in MEMORY_WORKLOADS)
    for scenario in order:
        if only and scenario not in only:
            continue
        try:
            if scenario in SCENARIOS:
                setup = setups.get(scenario)
                if setup is None:
                    raise NotApplicable("not implemented")
                report.results[scenario] = _measure_scenario(scenario, setup, target=target, repeats=repeats)
            else:
                report.results[scenario] = _measure_workload(scenario, workloads, report, quick=quick)
        except NotApplicable as exc:
            report.not_applicable[scenario] = str(exc)
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            report.errors[scenario] = _short_error(exc)
        finally:
            gc.collect()
    return report


def main(framework: str, dist: str | None, namespace: Mapping[str, Any]) -> None:
    """Measure what the calling module defines and print the JSON report.

    ``namespace`` is the module's ``globals()``: a setup function named after each scenario of
    ``SCENARIOS`` (it returns the zero-arg callable, or raises :class:`NotApplicable`), and ``startup``,
    ``threads`` and, for a framework with a global registry, ``reset`` (see ``Workloads``).
    """
    setups = {scenario: namespace[scenario] for scenario in SCENARIOS if scenario in namespace}
    workloads = Workloads(namespace.get("startup"), namespace.get("threads"), namespace.get("reset"))
    parser = argparse.ArgumentParser(description=f"Benchmark scenarios for {framework}.")
    parser.add_argument("--quick", action="store_true", help="shorter runs and fewer repeats")
    parser.add_argument(
        "--scenarios",
        default="",
        help="comma-separated scenario names (default: all but the memory ones, which want a fresh process each)",
    )
    args = parser.parse_args()
    only = {s for s in args.scenarios.split(",") if s} or set(ALL_SCENARIOS) - set(MEMORY_WORKLOADS)
    report = run_scenarios(setups, workloads, only=only, quick=args.quick)
    target, repeats = (QUICK_TARGET_SECONDS, QUICK_REPEATS) if args.quick else (TARGET_SECONDS, REPEATS)
    document = {
        "framework": framework,
        "version": _version(dist),
        "python": platform.python_version(),
        "target_seconds": target,
        "repeats": repeats,
        "results": report.results,
        "errors": report.errors,
        "not_applicable": report.not_applicable,
        "warnings": report.warnings,
    }
    # One line of JSON, last on stdout: the runner reads that line.
    sys.stdout.write("\n" + json.dumps(document) + "\n")
    sys.stdout.flush()
