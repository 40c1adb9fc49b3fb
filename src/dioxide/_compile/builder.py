"""A small builder of generated Python functions that read like hand-written code.

Every object the code uses gets a readable global name (``UserService``, ``EmailPort``), locals are named
after what they hold (``user_service``), and each function gets a unique file name and a ``__loader__`` in its
globals that gives its source back: ``linecache`` asks it only when a traceback is formatted, so a traceback
through generated code shows its lines while nothing is kept for the functions that never appear in one
(``source_of`` reads the same source, for ``explain()``).
"""

from __future__ import annotations

import itertools
import keyword
import re
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
_MODULE: Final = "dioxide.generated"


class _Source:
    """The ``__loader__`` of one generated function: ``linecache`` calls ``get_source`` for tracebacks."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def get_source(self, name: str) -> str:
        return self.text


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

    def __init__(self, helpers: dict[str, Any] | None = None) -> None:
        self.helpers = helpers or {}  # names every function may use; each gets only those it does
        self.namespace: dict[str, Any] = {}
        self._by_id: dict[int, str] = {}
        self._taken: set[str] = set(_RESERVED) | set(self.helpers)
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

    def source(self, function: str, parameters: str, *, asynchronous: bool = False) -> str:
        """The function's source, as ``build`` would compile it."""
        name = self._fresh(identifier(function))
        header = "async def" if asynchronous else "def"
        return f"{header} {name}({parameters}):\n" + "\n".join(self.lines) + "\n"

    def build(self, function: str, parameters: str, label: str, *, asynchronous: bool = False) -> Callable[..., Any]:
        """Compile the function, registering its source so that tracebacks and ``source_of`` can show it."""
        source = self.source(function, parameters, asynchronous=asynchronous)
        name = source.split("(", 1)[0].split()[-1]
        used = set(re.findall(r"\b\w+\b", source))
        self.namespace.update((helper, value) for helper, value in self.helpers.items() if helper in used)
        self.namespace.update(__name__=_MODULE, __loader__=_Source(source))
        # No angle brackets: linecache then looks for a loader in the globals instead of giving up.
        exec(compile(source, f"dioxide: {label} #{next(_counter)}", "exec"), self.namespace)
        built: Callable[..., Any] = self.namespace[name]
        return built


def source_of(function: object) -> str | None:
    """The source of a function made by ``CodeBuilder.build``, or ``None`` for any other object."""
    loader = getattr(function, "__globals__", {}).get("__loader__")
    return loader.text if isinstance(loader, _Source) else None


__all__ = ["CodeBuilder", "identifier", "snake_case", "source_of"]
