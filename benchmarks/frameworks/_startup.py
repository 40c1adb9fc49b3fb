"""Startup and memory: declare, build and first resolve of n fresh components (standard library only).

A framework module gives one function, ``startup(graph) -> (kept, root)``: it declares (decorates or
registers) every class of the graph, scans or builds its container, resolves the root (which builds
every component, all singletons) and returns what must stay alive (the container) with the root.

- Startup time: the best of several repeats, each on **fresh classes** in the same process (so no
  framework cache keyed by class can help a later repeat), after one untimed warm-up on other classes
  (so one-time imports and caches of the framework are not counted). Making the classes is not timed.
  Repeats stop at a maximum count, or once they have taken a time budget (but never fewer than 3), so
  that a framework taking a second per startup does not take a minute.
- Memory: what the process holds after a startup of 1,000 components, with the container and the root
  still alive, over what it held just before (classes already made, framework already warmed up),
  after ``gc.collect()``. Two ways, each in a process that did nothing else: the growth of the resident
  set (RSS, from ``/proc/self/statm``), which sees every allocation, including those of native code that
  bypasses Python's allocator (dioxide 2.1's Rust core); and ``tracemalloc``'s count of the bytes still
  allocated through Python's allocator, which is exact but blind to those.
"""

import gc
import os
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from _model import Graph, make_graph

Startup = Callable[[Graph], tuple[object, Any]]
Reset = Callable[[], None]

STARTUP_SIZES = (10, 100, 1000)
MAX_REPEATS = {10: 50, 100: 20, 1000: 7}
MIN_REPEATS = 3
BUDGET_SECONDS, QUICK_BUDGET_SECONDS = 0.6, 0.2
MEMORY_SIZE = 1000
WARM_UP_SIZE = 10


def _startup_once(startup: Startup, graph: Graph, reset: Reset | None) -> float:
    if reset is not None:
        reset()
    gc.collect()
    start = time.perf_counter()
    kept, root = startup(graph)
    elapsed = time.perf_counter() - start
    graph.check(root)
    del kept, root
    return elapsed


def time_startup(startup: Startup, reset: Reset | None, size: int, *, quick: bool) -> float:
    """Best ns of a startup of ``size`` fresh components over the repeats."""
    _startup_once(startup, make_graph(WARM_UP_SIZE), reset)
    budget = QUICK_BUDGET_SECONDS if quick else BUDGET_SECONDS
    began, times = time.perf_counter(), list[float]()
    while len(times) < MAX_REPEATS[size] and (len(times) < MIN_REPEATS or time.perf_counter() - began < budget):
        times.append(_startup_once(startup, make_graph(size), reset))
    return min(times) * 1e9


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def memory(startup: Startup, reset: Reset | None, *, traced: bool) -> float:
    """Bytes held after a startup of 1,000 components (RSS growth, or bytes traced by ``tracemalloc``)."""
    if not traced and not os.path.exists("/proc/self/statm"):
        raise RuntimeError("RSS is read from /proc/self/statm, which this system lacks")
    _startup_once(startup, make_graph(WARM_UP_SIZE), reset)
    if reset is not None:
        reset()
    graph = make_graph(MEMORY_SIZE)
    gc.collect()
    if traced:
        tracemalloc.start()
        before = 0
    else:
        before = _rss_bytes()
    kept, root = startup(graph)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0] if traced else _rss_bytes()
    tracemalloc.stop()
    graph.check(root)
    del kept, root
    return float(after - before)
