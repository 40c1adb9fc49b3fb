"""dioxide's provider functions against its classes: the same scenarios, each built both ways, in one run.

    .venv/bin/python benchmarks/providers_bench.py            # writes the "providers" section of README.md
    .venv/bin/python benchmarks/providers_bench.py --quick    # shorter runs; prints only

A scenario's classes are registered with ``@service`` on the class, or built by ``@service`` functions that
return them. Each has its hand-written equivalent: the main benchmark's (``A(B(C()))``) for classes, and the
same calls through the functions (``make_a(make_b(make_c()))``) for functions, so that each ratio compares
dioxide with what the same code costs by hand. Every figure is the best of the repeats, ns per call; the
variants of one scenario are interleaved, so they share the machine's state.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE / "frameworks")]

import _timing as timing  # noqa: E402  (benchmarks/frameworks: the main benchmark's timer)
import handwritten  # noqa: E402  (benchmarks/frameworks, the main benchmark's baselines)
from _model import make_chain  # noqa: E402
from _readme import README, replace_section, run_facts  # noqa: E402

import dioxide  # noqa: E402
from dioxide import Container, Scope, service  # noqa: E402

Bench = Callable[[], object]


def _classes(scope: Scope | None) -> tuple[Container, Any]:
    dioxide._clear_registry()
    a_cls, b_cls, c_cls = make_chain()
    for cls in (c_cls, b_cls, a_cls):
        service(cls) if scope is None else service(scope=scope)(cls)
    return Container(profile="production"), a_cls


def _provider_functions() -> tuple[Any, Any, Any, Any]:
    """``make_a``, ``make_b``, ``make_c`` building a fresh chain, and the class ``make_a`` returns."""
    a_cls, b_cls, c_cls = make_chain()

    def make_c() -> Any:
        return c_cls()

    def make_b(c: Any) -> Any:
        return b_cls(c)

    def make_a(b: Any) -> Any:
        return a_cls(b)

    make_c.__annotations__ = {"return": c_cls}
    make_b.__annotations__ = {"c": c_cls, "return": b_cls}
    make_a.__annotations__ = {"b": b_cls, "return": a_cls}
    return make_a, make_b, make_c, a_cls


def _functions(scope: Scope | None) -> tuple[Container, Any]:
    dioxide._clear_registry()
    make_a, make_b, make_c, a_cls = _provider_functions()
    for function in (make_c, make_b, make_a):
        service(function) if scope is None else service(scope=scope)(function)
    return Container(profile="production"), a_cls


def singleton(build: Callable[[Scope | None], tuple[Container, Any]]) -> Bench:
    container, a_cls = build(None)
    container.resolve(a_cls)
    return lambda: container.resolve(a_cls)


def factory_chain(build: Callable[[Scope | None], tuple[Container, Any]]) -> Bench:
    container, a_cls = build(Scope.FACTORY)
    first, second = container.resolve(a_cls), container.resolve(a_cls)
    assert first is not second
    assert first.b.c is not second.b.c
    return lambda: container.resolve(a_cls)


def request_scope(build: Callable[[Scope | None], tuple[Container, Any]]) -> Bench:
    container, a_cls = build(Scope.REQUEST)

    def scoped() -> Any:
        with container.create_scope() as scope:
            return scope.resolve(a_cls)

    return scoped


def by_hand(name: str) -> Bench:
    """The hand-written equivalent through the provider functions."""
    make_a, make_b, make_c, _ = _provider_functions()
    if name == "singleton":  # read from a holder, as the main benchmark's hand-written singleton is
        holder = SimpleNamespace(service=make_a(make_b(make_c())))
        return lambda: holder.service
    if name == "factory_chain":
        return lambda: make_a(make_b(make_c()))

    def scoped() -> Any:
        cache: dict[Any, Any] = {}
        c = cache["c"] = make_c()
        b = cache["b"] = make_b(c)
        a = cache["a"] = make_a(b)
        return a

    return scoped


SCENARIOS = {"singleton": singleton, "factory_chain": factory_chain, "request_scope": request_scope}


def measure(seconds: float, repeats: int) -> str:
    rows = [
        "| scenario | hand-written, classes | dioxide, classes | hand-written, functions | dioxide, functions |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, scenario in SCENARIOS.items():
        variants: dict[str, Bench] = {
            "hand": getattr(handwritten, name)(),
            "class": scenario(_classes),
            "hand functions": by_hand(name),
            "function": scenario(_functions),
        }
        best = dict.fromkeys(variants, float("inf"))
        for _ in range(repeats):  # interleaved: each round times every variant once
            for label, bench in variants.items():
                best[label] = min(best[label], timing.measure(bench, is_async=False, target=seconds, repeats=1))
        base = {"hand": "hand", "class": "hand", "hand functions": "hand functions", "function": "hand functions"}
        cells = [f"{best[label]:,.0f} ns ({best[label] / best[base[label]]:.2f}x)" for label in variants]
        rows.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs, printed only")
    args = parser.parse_args()
    table = measure(*((0.05, 3) if args.quick else (0.2, 7)))
    print(table)
    if not args.quick:
        replace_section(README, "providers", f"{run_facts()}\n{table}")


if __name__ == "__main__":
    main()
