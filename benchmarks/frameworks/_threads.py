"""Sixteen threads resolving one singleton at once (standard library only).

A framework module gives ``threads(A, B, C) -> get``: a container where ``A``, ``B`` and ``C`` are
singletons **not built yet**, and a zero-arg callable resolving ``A`` from it. Each repeat uses fresh
counted classes (:func:`_model.make_counted_chain`) and a fresh container:

1. The race: the 16 threads pass a barrier and call ``get()`` at the same moment. ``C()`` sleeps a
   little, releasing the GIL, so the other threads arrive while ``A`` is being built. Afterwards every
   class must have been built once and every thread must hold the same ``A``; otherwise the figure is
   still reported, with a warning naming what was built twice.
2. The timed part: a fixed amount of work, ``per_thread`` calls of ``get()`` in each of the 16 threads,
   all started by one barrier; the time runs from the barrier to the last thread's end. The figure is
   that time divided by the number of calls: ns per resolve with 16 threads contending (on CPython the
   GIL runs one at a time, so this shows what locks and contention add to the single-thread figure).
"""

import gc
import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from _model import make_counted_chain

ThreadsSetup = Callable[[type[Any], type[Any], type[Any]], Callable[[], Any]]

THREADS = 16
SLOW_CONSTRUCTOR_SECONDS = 0.005
PER_THREAD, QUICK_PER_THREAD = 10_000, 2_500
REPEATS, QUICK_REPEATS = 3, 2
WAIT_SECONDS = 120.0


def _run(get: Callable[[], Any], per_thread: int) -> tuple[float, list[Any]]:
    """Race the first calls, then time ``per_thread`` calls in each thread; return (seconds, first results).

    Each thread notes when it passed the second barrier and when it finished: the main thread may wait
    several switch intervals for the GIL, so its own clock would start late.
    """
    race, timed = threading.Barrier(THREADS + 1), threading.Barrier(THREADS + 1)
    firsts: list[Any] = [None] * THREADS
    starts, ends = [0.0] * THREADS, [0.0] * THREADS
    failures: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            race.wait(WAIT_SECONDS)
            firsts[index] = get()
            timed.wait(WAIT_SECONDS)
            starts[index] = time.perf_counter()
            for _ in itertools.repeat(None, per_thread):
                get()
            ends[index] = time.perf_counter()
        except BaseException as exc:  # reported by the main thread; the barriers release the others
            failures.append(exc)
            race.abort()
            timed.abort()

    workers = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(THREADS)]
    for thread in workers:
        thread.start()
    try:
        race.wait(WAIT_SECONDS)
        timed.wait(WAIT_SECONDS)
    except threading.BrokenBarrierError:
        pass
    for thread in workers:
        thread.join(WAIT_SECONDS)
    if failures:
        raise failures[0]
    if any(thread.is_alive() for thread in workers):
        raise RuntimeError(f"threads: a thread was still running after {WAIT_SECONDS:g} s")
    return max(ends) - min(starts), firsts


def _race_problems(builds: list[str], firsts: list[Any]) -> list[str]:
    counts = Counter(builds)
    problems = [f"{name} built {counts[name]} times" for name in "ABC" if counts[name] != 1]
    distinct = len({id(a) for a in firsts})
    if distinct != 1:
        problems.append(f"the {THREADS} threads got {distinct} different instances of A")
    return problems


def time_threads(setup: ThreadsSetup, *, quick: bool) -> tuple[float, str | None]:
    """Best ns per resolve over the repeats, and a warning if a race built a singleton twice."""
    per_thread, repeats = (QUICK_PER_THREAD, QUICK_REPEATS) if quick else (PER_THREAD, REPEATS)
    best, bad_races = float("inf"), []
    for _ in range(repeats):
        builds: list[str] = []
        get = setup(*make_counted_chain(builds, SLOW_CONSTRUCTOR_SECONDS))
        gc.collect()
        elapsed, firsts = _run(get, per_thread)
        for a in firsts:
            if type(a).__name__ != "A" or type(a.b).__name__ != "B" or type(a.b.c).__name__ != "C":
                raise AssertionError(f"threads: get() returned {a!r}, not a fully built A(B(C()))")
        problems = _race_problems(builds, firsts)
        if problems:
            bad_races.append(problems)
        best = min(best, elapsed)
    warning = f"in {len(bad_races)} of {repeats} races: {', '.join(bad_races[0])}" if bad_races else None
    return best / (THREADS * per_thread) * 1e9, warning
