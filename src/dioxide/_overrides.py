"""Test overrides: replace one component for a while, then put everything back.

Overriding ``T`` also hides the singletons built on top of it (they would hold the old ``T``): they are
rebuilt on demand while the override is active, and the originals are restored when it ends.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Hashable
from types import TracebackType
from typing import Any

from dioxide._bindings import Binding, Kind, Origin, key_name
from dioxide._graph import BindingGraph
from dioxide._registry import FRAME_ATTRIBUTE, remember_defining_frame
from dioxide.exceptions import DioxideError
from dioxide.scope import Scope


def _is_factory(value: object) -> bool:
    return inspect.isfunction(value) or inspect.ismethod(value) or isinstance(value, functools.partial)


def override_binding(key: Hashable, replacement: object, original: Binding | None) -> Binding:
    scope = original.scope if original is not None else Scope.SINGLETON
    if isinstance(replacement, type):
        if FRAME_ATTRIBUTE not in vars(replacement):
            remember_defining_frame(replacement)  # an undecorated local class may name its neighbours
        binding = Binding.for_class(key, replacement, scope, Origin.OVERRIDE)
        binding.lifecycle = False
        return binding
    if _is_factory(replacement):
        return Binding(key, Kind.FACTORY, replacement, scope, Origin.OVERRIDE)
    return Binding(key, Kind.INSTANCE, replacement, Scope.SINGLETON, Origin.OVERRIDE)


class Override:
    """An active override; a context manager, or call ``restore()`` yourself.

    Overrides may end in any order: ending one that others were stacked on hands what it saved to the next
    one, so that when all have ended the original instances are back.
    """

    def __init__(
        self,
        graph: BindingGraph,
        instances: dict[Any, Any],
        key: Hashable,
        replacement: object,
        started: Callable[[object], bool],
    ) -> None:
        self._graph = graph
        self._instances = instances
        self.key = key
        self._binding = override_binding(key, replacement, graph.get(key))
        affected = {key} | graph.dependents(key)
        _refuse_started_dependents(graph, instances, key, affected - {key}, started)
        graph.overrides.setdefault(key, []).append(self._binding)
        graph.changed()
        self._affected = {key} | graph.dependents(key) | affected
        self._saved = {k: instances[k] for k in self._affected if dict.__contains__(instances, k)}
        for k in self._saved:
            dict.__delitem__(instances, k)
        self._started = started
        self._active = graph.active_overrides
        self._active.append(self)

    @property
    def active(self) -> bool:
        return self in self._active

    def restore(self) -> None:
        """End the override (idempotent): the previous binding and instances come back."""
        if not self.active:
            return
        position = self._active.index(self)
        self._active.remove(self)
        stack = self._graph.overrides.get(self.key, [])
        if self._binding in stack:
            stack.remove(self._binding)
        if not stack:
            self._graph.overrides.pop(self.key, None)
        self._graph.changed()
        for k in self._affected:
            if not dict.__contains__(self._instances, k):
                continue
            if self._started(dict.__getitem__(self._instances, k)):
                self._saved.pop(k, None)  # initialized meanwhile: rebuilding it would skip initialize()
            else:
                dict.__delitem__(self._instances, k)
        if position < len(self._active):  # others were applied after this one: they restore our originals
            successor = self._active[position]
            successor._saved.update(self._saved)
            successor._affected |= self._affected
        else:
            self._instances.update(self._saved)

    def forget_saved(self) -> None:
        """After ``container.reset()``: nothing built before it may come back when the override ends."""
        self._saved.clear()

    def __enter__(self) -> Override:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.restore()


def _refuse_started_dependents(
    graph: BindingGraph,
    instances: dict[Any, Any],
    key: Hashable,
    dependents: set[Hashable],
    started: Callable[[object], bool],
) -> None:
    """Rebuilding an initialized @lifecycle singleton would hand out an instance nobody initialized."""
    names = sorted(
        key_name(k) for k in dependents if dict.__contains__(instances, k) and started(dict.__getitem__(instances, k))
    )
    if names:
        raise DioxideError(
            f"Cannot override {key_name(key)} while {', '.join(names)} (started @lifecycle) depend(s) on it: "
            "they would be rebuilt without initialize()\n"
            "  Override before the container starts, or override the started component itself"
        )


__all__ = ["Override"]
