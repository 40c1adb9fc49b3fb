"""Test overrides: replace one component for a while, then put everything back.

Overriding ``T`` also hides the singletons built on top of it (they would hold the old ``T``): they are rebuilt
on demand while the override is active, and the originals are restored when it ends. The container keeps the
stack of active overrides and builds its plan with them on top; this module holds what one override saved.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Hashable
from types import TracebackType
from typing import Any

from dioxide._declare.registry import defining_frame, remember_defining_frame
from dioxide._plan.bindings import Binding, Kind, Origin, key_name
from dioxide._plan.plan import Plan
from dioxide.exceptions import DioxideError
from dioxide.scope import Scope


def _is_factory(value: object) -> bool:
    return inspect.isfunction(value) or inspect.ismethod(value) or isinstance(value, functools.partial)


def override_binding(key: Hashable, replacement: object, original: Binding | None) -> Binding:
    """An instance as is; a class built with injection, and a function called, in the original's scope."""
    scope = original.scope if original is not None else Scope.SINGLETON
    if isinstance(replacement, type):
        if defining_frame(replacement) is None:
            remember_defining_frame(replacement)  # an undecorated local class may name its neighbours
        binding = Binding.for_class(key, replacement, scope, Origin.OVERRIDE)
        binding.lifecycle = False
        return binding
    if _is_factory(replacement):
        return Binding(key, Kind.FACTORY, replacement, scope, Origin.OVERRIDE)
    return Binding(key, Kind.INSTANCE, replacement, Scope.SINGLETON, Origin.OVERRIDE)


def refuse_started_dependents(
    plan: Plan, instances: dict[Any, Any], key: Hashable, started: Callable[[object], bool]
) -> set[Hashable]:
    """The keys an override of ``key`` affects; refused if one is a started ``@lifecycle`` singleton.

    Rebuilding an initialized component would hand out an instance nobody initialized.
    """
    dependents = plan.dependents(key)
    names = sorted(key_name(k) for k in dependents if k in instances and started(instances[k]))
    if names:
        raise DioxideError(
            f"Cannot override {key_name(key)} while {', '.join(names)} (started @lifecycle) depend(s) on it: "
            "they would be rebuilt without initialize()\n"
            "  Override before the container starts, or override the started component itself"
        )
    return {key} | dependents


class Override:
    """An active override; a context manager, or call ``restore()`` yourself.

    Overrides may end in any order: ending one that others were stacked on hands what it saved to the next
    one, so that when all have ended the original instances are back.
    """

    def __init__(self, key: Hashable, binding: Binding, end: Callable[[Override], bool]) -> None:
        self.key = key
        self.binding = binding
        self._end = end
        self._affected: set[Hashable] = set()
        self._saved: dict[Any, Any] = {}
        self._ended = False

    @property
    def active(self) -> bool:
        return not self._ended

    def restore(self) -> None:
        """End the override (idempotent): the previous binding and instances come back."""
        if not self._ended:
            self._ended = self._end(self)

    def hide(self, affected: set[Hashable], instances: dict[Any, Any]) -> None:
        """Take the instances the override makes stale out of the store, keeping them to put back."""
        self._affected = affected
        self._saved = {k: instances[k] for k in affected if k in instances}
        for k in self._saved:
            del instances[k]

    def release(self, instances: dict[Any, Any], started: Callable[[object], bool], successor: Override | None) -> None:
        """Drop what was built during the override and give back what it hid (or hand it to ``successor``)."""
        for k in self._affected:
            if k not in instances:
                continue
            if started(instances[k]):
                self._saved.pop(k, None)  # initialized meanwhile: rebuilding it would skip initialize()
            else:
                del instances[k]
        if successor is not None:  # applied after this one: it restores our originals when it ends
            successor._saved.update(self._saved)
            successor._affected |= self._affected
        else:
            instances.update(self._saved)

    def forget_saved(self) -> None:
        """After ``container.reset()``: nothing built before it may come back when the override ends."""
        self._saved.clear()

    def __enter__(self) -> Override:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.restore()


__all__ = ["Override", "override_binding", "refuse_started_dependents"]
