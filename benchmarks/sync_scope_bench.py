"""What a synchronous request scope with a REQUEST-scoped ``@lifecycle`` component costs, the path every sync
framework integration (Flask, Django under WSGI, Celery, Click) takes per request, task or command.

    .venv/bin/python benchmarks/sync_scope_bench.py [--scopes N] [--runs R]

Cases, each the best of R runs of N scopes, in microseconds per scope (enter, resolve the component, exit):

* ``with scope:``, one thread: ``initialize()`` and ``dispose()`` run on the container's lifecycle loop;
* the same from 8 threads at once (N scopes in all), wall time divided by N;
* ``async with scope:`` on the caller's own loop, for comparison (no thread hop);
* ``asyncio.run`` of the async enter and, again, of the exit: what dioxide 2.1's integrations did per request.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from dioxide import Container, Profile, Scope, lifecycle, service


@service(scope=Scope.REQUEST)
@lifecycle
class Session:
    async def initialize(self) -> None:
        pass

    async def dispose(self) -> None:
        pass


def best(runs: int, scopes: int, measure: Callable[[int], float]) -> float:
    measure(max(scopes // 10, 10))  # warm up
    return min(measure(scopes) for _ in range(runs)) / scopes * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scopes", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with Container(profile=Profile.TEST) as container:

        def sync(n: int) -> float:
            start = time.perf_counter()
            for _ in range(n):
                with container.create_scope() as scope:
                    scope.resolve(Session)
            return time.perf_counter() - start

        def threads(n: int) -> float:
            def work(count: int) -> None:
                for _ in range(count):
                    with container.create_scope() as scope:
                        scope.resolve(Session)

            start = time.perf_counter()
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(work, [n // 8] * 8))
            return time.perf_counter() - start

        def native(n: int) -> float:
            async def run() -> float:
                start = time.perf_counter()
                for _ in range(n):
                    async with container.create_scope() as scope:
                        scope.resolve(Session)
                return time.perf_counter() - start

            return asyncio.run(run())

        def per_request_loops(n: int) -> float:
            start = time.perf_counter()
            for _ in range(n):
                scope = container.create_scope()
                asyncio.run(scope.__aenter__())
                scope.resolve(Session)
                asyncio.run(scope.__aexit__(None, None, None))
            return time.perf_counter() - start

        print(f"{'case':<52} us per scope (best of {args.runs} x {args.scopes})")
        for label, measure in [
            ("with scope:, one thread (the integrations' path)", sync),
            ("with scope:, 8 threads at once", threads),
            ("async with scope: on the caller's loop", native),
            ("asyncio.run to enter and to exit (dioxide 2.1)", per_request_loops),
        ]:
            print(f"{label:<52} {best(args.runs, args.scopes, measure):8.1f}")


if __name__ == "__main__":
    main()
