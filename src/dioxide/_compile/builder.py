"""A small builder of generated Python functions that read like hand-written code.

Every object the code uses gets a readable global name (``UserService``, ``EmailPort``), locals are named
after what they hold (``user_service``), and the source is registered with ``linecache`` under a unique file
name, so a traceback through generated code shows its lines, and ``source_of`` gives it back for display.
"""

from __future__ import annotations

import itertools
import keyword
import linecache
import re
import weakref
from collections.abc import Callable
from typing import Any, Final

_RESERVED: Final = frozenset(
    {
        "Exception",
        "error",
        "instances",
        "note",
        "resolve",
        "resolve_in",
        "scope",
        "value",
        "enter",
        "enter_in",
        "enter_async",
        "enter_async_in",
    }
)
_counter = itertools.count(1)
_sources: weakref.WeakKeyDictionary[Callable[..., Any], str] = weakref.WeakKeyDictionary()


def identifier(text: str) -> str:
    """``text`` made into a valid Python identifier (``list[Plugin]`` -> ``list_Plugin``)."""
    name = re.sub(r"\W+", "_", text).strip("_") or "value"
    if name[0].isdigit():
        name = f"_{name}"
    return f"{name}_" if keyword.iskeyword(name) else name


def snake_case(text: str) -> str:
    """``UserService`` -> ``user_service``, for the locals holding a component."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", identifier(text)).lower()


class CodeBuilder:
    """One generated function: its lines, and the objects its global names refer to."""

    def __init__(self, namespace: dict[str, Any] | None = None) -> None:
        self.namespace: dict[str, Any] = dict(namespace or {})
        self._by_id: dict[int, str] = {}
        self._taken: set[str] = set(_RESERVED) | set(self.namespace)
        self.lines: list[str] = []

    def _fresh(self, base: str) -> str:
        name = base
        for number in itertools.count(2):
            if name not in self._taken:
                break
            name = f"{base}_{number}"
        self._taken.add(name)
        return name

    def name(self, obj: object, hint: str) -> str:
        """The global name the code uses for ``obj`` (the same name each time for the same object)."""
        existing = self._by_id.get(id(obj))
        if existing is None:
            existing = self._by_id[id(obj)] = self._fresh(identifier(hint))
            self.namespace[existing] = obj
        return existing

    def local(self, hint: str) -> str:
        return self._fresh(snake_case(hint))

    def add(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def build(self, function: str, parameters: str, label: str, *, asynchronous: bool = False) -> Callable[..., Any]:
        """Compile the function, registering its source so that tracebacks and ``source_of`` can show it."""
        name = self._fresh(identifier(function))
        header = "async def" if asynchronous else "def"
        source = f"{header} {name}({parameters}):\n" + "\n".join(self.lines) + "\n"
        filename = f"<dioxide: {label} #{next(_counter)}>"
        exec(compile(source, filename, "exec"), self.namespace)
        built: Callable[..., Any] = self.namespace[name]
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        weakref.finalize(built, linecache.cache.pop, filename, None)
        _sources[built] = source
        return built


def source_of(function: object) -> str | None:
    """The source of a function made by ``CodeBuilder.build``, or ``None`` for any other object."""
    try:
        source: str | None = _sources.get(function)  # type: ignore[call-overload]
    except TypeError:  # not weak-referenceable: not ours
        return None
    return source


__all__ = ["CodeBuilder", "identifier", "snake_case", "source_of"]
