"""The timing harness shared by every framework module (standard library only).

Every column of the benchmark table is measured by this same code: a scenario's setup builds a zero-arg
callable, the harness calls it in a tight loop, and reports the best of several repeats as ns per call.
The loop and the call to the zero-arg callable cost the same in every column, so they are included in
every figure, hand-written code included.

A framework module calls :func:`main` with its setup functions and prints one JSON object on stdout:

    {"framework": "...", "version": "...", "results": {scenario: ns_per_call}, "errors": {scenario: "..."}}

A scenario that a framework cannot express raises :class:`NotApplicable` from its setup; a scenario
that fails (at setup, at its sanity check or while timed) is reported in ``errors`` and the others still
run.
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
from collections.abc import Awaitable, Callable
from typing import Any

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

TARGET_SECONDS = 0.2
REPEATS = 7
QUICK_TARGET_SECONDS = 0.1
QUICK_REPEATS = 5


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


def run_scenarios(
    setups: dict[str, Setup], *, only: set[str] | None, target: float, repeats: int
) -> tuple[dict[str, float], dict[str, str], dict[str, str]]:
    results: dict[str, float] = {}
    errors: dict[str, str] = {}
    not_applicable: dict[str, str] = {}
    for scenario in SCENARIOS:
        if only and scenario not in only:
            continue
        setup = setups.get(scenario)
        if setup is None:
            not_applicable[scenario] = "not implemented"
            continue
        is_async = scenario.endswith("_async")
        try:
            fn = setup()
            if is_async:
                _check_async(scenario, fn)
            else:
                _check_sync(scenario, fn)
            results[scenario] = measure(fn, is_async=is_async, target=target, repeats=repeats)
        except NotApplicable as exc:
            not_applicable[scenario] = str(exc)
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            errors[scenario] = _short_error(exc)
        finally:
            fn = None
            gc.collect()
    return results, errors, not_applicable


def main(framework: str, dist: str | None, setups: dict[str, Setup]) -> None:
    parser = argparse.ArgumentParser(description=f"Benchmark scenarios for {framework}.")
    parser.add_argument("--quick", action="store_true", help="shorter runs and fewer repeats")
    parser.add_argument("--scenarios", default="", help="comma-separated scenario names (default: all)")
    args = parser.parse_args()
    only = {s for s in args.scenarios.split(",") if s} or None
    target, repeats = (QUICK_TARGET_SECONDS, QUICK_REPEATS) if args.quick else (TARGET_SECONDS, REPEATS)
    results, errors, not_applicable = run_scenarios(setups, only=only, target=target, repeats=repeats)
    report = {
        "framework": framework,
        "version": _version(dist),
        "python": platform.python_version(),
        "target_seconds": target,
        "repeats": repeats,
        "results": results,
        "errors": errors,
        "not_applicable": not_applicable,
    }
    # One line of JSON, last on stdout: the runner reads that line.
    sys.stdout.write("\n" + json.dumps(report) + "\n")
    sys.stdout.flush()
