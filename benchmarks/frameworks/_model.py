"""The classes every scenario resolves (standard library only).

A takes a B in its constructor and B takes a C: plain classes with typed ``__init__``. Each scenario
asks for a fresh set, so that no framework's registry or cache leaks from one scenario into the next.
The hints are real class objects (this module does not use ``from __future__ import annotations``),
so frameworks that read them with ``typing.get_type_hints`` find classes defined inside a function.
"""

import time
import types
from dataclasses import dataclass
from typing import Any


def make_chain() -> tuple[type[Any], type[Any], type[Any]]:
    """Return fresh classes ``(A, B, C)`` with ``A(b: B)`` and ``B(c: C)``."""

    class C:
        def __init__(self) -> None:
            self.ready = True

    class B:
        def __init__(self, c: C) -> None:
            self.c = c

    class A:
        def __init__(self, b: B) -> None:
            self.b = b

    return A, B, C


def _extra_init(self) -> None:  # type: ignore[no-untyped-def]  # no hint on self: some frameworks read them all
    self.ready = True


def make_extra_classes(count: int = 1000) -> list[type[Any]]:
    """Return ``count`` unrelated classes made with ``type()``, to fill a container's registry."""
    return [type(f"Extra{i:04d}", (), {"__init__": _extra_init, "__module__": __name__}) for i in range(count)]


def make_counted_chain(builds: list[str], slow_seconds: float) -> tuple[type[Any], type[Any], type[Any]]:
    """Like :func:`make_chain`, but each constructor appends its class name to ``builds``.

    ``C()`` sleeps ``slow_seconds`` (releasing the GIL, as a constructor opening a connection would), so
    that threads resolving ``A`` at the same moment find it not built yet: a container without a lock
    around singleton creation then builds it more than once, and ``builds`` shows it.
    """

    class C:
        def __init__(self) -> None:
            builds.append("C")
            time.sleep(slow_seconds)
            self.ready = True

    class B:
        def __init__(self, c: C) -> None:
            builds.append("B")
            self.c = c

    class A:
        def __init__(self, b: B) -> None:
            builds.append("A")
            self.b = b

    return A, B, C


# ------------------------------------------------------------------------------- startup and memory


def _make_init(params: list[tuple[str, type[Any]]]) -> Any:
    """An ``__init__`` whose signature names each dependency, with its class as the hint.

    Compiled once per arity; each class gets its own function object, so its own ``__annotations__``.
    """
    names = [name for name, _ in params]
    code = _INIT_CODE.get(len(names))
    if code is None:
        source = f"def __init__(self, {', '.join(names)}):\n    self.deps = ({''.join(n + ', ' for n in names)})\n"
        namespace: dict[str, Any] = {}
        exec(compile(source, f"<{__name__} __init__/{len(names)}>", "exec"), namespace)
        code = _INIT_CODE[len(names)] = namespace["__init__"].__code__
    init = types.FunctionType(code, globals(), "__init__")
    init.__annotations__ = {**dict(params), "return": None}
    return init


_INIT_CODE: dict[int, types.CodeType] = {}
ARITY_NAMES = ("left", "right")


@dataclass
class Graph:
    """``n`` fresh classes wired as a binary tree: class ``i`` takes classes ``2i+1`` and ``2i+2`` (when < n).

    A tree keeps the depth at log2(n) (10 for 1,000 classes), as in an application where a handler needs a
    service that needs a repository that needs a session. ``classes[0]`` is the root; ``params[i]`` lists
    ``(parameter name, class)`` of class ``i``, for frameworks that are wired by hand.
    """

    classes: list[type[Any]]
    params: list[list[tuple[str, type[Any]]]]

    @property
    def root(self) -> type[Any]:
        return self.classes[0]

    def leaves_first(self) -> list[int]:
        """Indexes in an order where every class comes after its dependencies."""
        return list(range(len(self.classes) - 1, -1, -1))

    def check(self, root: Any) -> None:
        """Refuse a startup that did not build every class exactly once under the root."""
        seen: set[int] = set()
        stack = [(root, 0)]
        while stack:
            instance, index = stack.pop()
            if type(instance) is not self.classes[index]:
                raise AssertionError(f"startup: expected a {self.classes[index].__name__}, got {instance!r}")
            if id(instance) in seen:
                raise AssertionError(f"startup: {type(instance).__name__} built once but used twice")
            seen.add(id(instance))
            deps = instance.deps
            if len(deps) != len(self.params[index]):
                raise AssertionError(f"startup: {type(instance).__name__} got {len(deps)} dependencies")
            stack += [(dep, 2 * index + 1 + k) for k, dep in enumerate(deps)]
        if len(seen) != len(self.classes):
            raise AssertionError(f"startup: built {len(seen)} instances, expected {len(self.classes)}")


def make_graph(n: int) -> Graph:
    """Return ``n`` fresh classes (made with ``type()``, hints as real class objects) wired as a tree."""
    names = [f"Component{i:04d}" for i in range(n)]
    classes: list[type[Any]] = [None] * n  # type: ignore[list-item]
    params: list[list[tuple[str, type[Any]]]] = [[] for _ in range(n)]
    for i in range(n - 1, -1, -1):  # dependencies first, so their classes exist for the hints
        params[i] = [(ARITY_NAMES[k], classes[j]) for k, j in enumerate((2 * i + 1, 2 * i + 2)) if j < n]
        classes[i] = type(names[i], (), {"__init__": _make_init(params[i]), "__module__": __name__})
    return Graph(classes, params)
