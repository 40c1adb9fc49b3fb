"""Test overrides: replace one component for a while, then put everything back.

Overriding ``T`` also hides the singletons built on top of it (they would hold the old ``T``): they are
rebuilt on demand while the override is active, and the originals are restored when it ends.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Hashable
from types import TracebackType
from typing import Any

from dioxide._bindings import Binding, Kind, Origin
from dioxide._graph import BindingGraph
from dioxide.scope import Scope


def _is_factory(value: object) -> bool:
    return inspect.isfunction(value) or inspect.ismethod(value) or isinstance(value, functools.partial)


def override_binding(key: Hashable, replacement: object, original: Binding | None) -> Binding:
    scope = original.scope if original is not None else Scope.SINGLETON
    if isinstance(replacement, type):
        binding = Binding.for_class(key, replacement, scope, Origin.OVERRIDE)
        binding.lifecycle = False
        return binding
    if _is_factory(replacement):
        return Binding(key, Kind.FACTORY, replacement, scope, Origin.OVERRIDE)
    return Binding(key, Kind.INSTANCE, replacement, Scope.SINGLETON, Origin.OVERRIDE)


class Override:
    """An active override; a context manager, or call ``restore()`` yourself."""

    def __init__(self, graph: BindingGraph, instances: dict[Hashable, Any], key: Hashable, replacement: object) -> None:
        self._graph = graph
        self._instances = instances
        self.key = key
        self._binding = override_binding(key, replacement, graph.get(key))
        graph.overrides.setdefault(key, []).append(self._binding)
        graph.changed()
        self._affected = {key} | graph.dependents(key)
        self._saved = {k: instances[k] for k in self._affected if dict.__contains__(instances, k)}
        for k in self._saved:
            dict.__delitem__(instances, k)
        self.active = True

    def restore(self) -> None:
        """End the override (idempotent): the previous binding and instances come back."""
        if not self.active:
            return
        self.active = False
        stack = self._graph.overrides.get(self.key, [])
        if self._binding in stack:
            stack.remove(self._binding)
        if not stack:
            self._graph.overrides.pop(self.key, None)
        self._graph.changed()
        for k in self._affected:
            self._instances.pop(k, None)
        self._instances.update(self._saved)

    def __enter__(self) -> Override:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.restore()


__all__ = ["Override"]
