"""Registering components by hand: dioxide 2.x's ``register_*`` methods, part of ``Container``.

A registration before a scan takes precedence over the decorated class (the scan's duplicate is skipped);
registering a key twice is an error. The factories are called synchronously with no arguments: an async
function or a generator function cannot be one, and is refused with a pointer to provider functions.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterator
from typing import TYPE_CHECKING, Any, Final, TypeVar, overload

from dioxide._declare.registry import Style, has_lifecycle, provider_style
from dioxide._plan.bindings import Binding, Kind, Origin, is_port, key_name
from dioxide._typing import ComponentType
from dioxide.scope import Scope

if TYPE_CHECKING:
    from typing_extensions import deprecated
else:

    def deprecated(message: str) -> Callable[[Any], Any]:
        return lambda function: function


T = TypeVar("T")

MYPY: Final = False
"""True for mypy only (it treats a name ``MYPY`` as always true); see the factory methods below."""

_NOT_SYNC = (
    "factories are called synchronously, with no arguments: an async function or a generator cannot be one. "
    "Decorate it instead (@service, or @adapter.for_(Port)): provider functions may be async (awaited when the "
    "container starts) or generators (the code after the yield runs when the container stops)"
)


class ManualRegistration:
    """The ``register_*`` methods of ``Container``."""

    _bindings: dict[Hashable, Binding]
    _instances: dict[Any, Any]
    _changed: Callable[[], None]

    def _register(self, binding: Binding) -> None:
        if binding.key in self._bindings:
            raise KeyError(f"Duplicate provider registration: {key_name(binding.key)}")
        self._bindings[binding.key] = binding
        self._changed()

    def register_instance(self, component_type: ComponentType[T], instance: T) -> None:
        """Register an existing object; ``reset()`` keeps it."""
        check_instance(component_type, instance)
        lifecycle = has_lifecycle(type(instance))
        self._register(
            Binding(component_type, Kind.INSTANCE, instance, Scope.SINGLETON, Origin.MANUAL, lifecycle=lifecycle)
        )
        self._instances[component_type] = instance

    def register_class(self, component_type: ComponentType[T], implementation: type[T]) -> None:
        """Register a class called with no arguments on every resolve."""
        self._register(Binding(component_type, Kind.FACTORY, implementation, Scope.FACTORY, Origin.MANUAL))

    # mypy infers T from the registered type alone, so an async or generator factory is refused like any
    # factory of the wrong type; pyright widens T to fit both arguments, so for it the overloads below flag
    # those two forms as deprecated (an error in its strict mode). At run time they raise a TypeError.
    if MYPY:

        def register_singleton_factory(self, component_type: ComponentType[T], factory: Callable[[], T]) -> None:
            """Register a zero-argument factory called once; its result is cached."""
            self._register_factory(component_type, factory, Scope.SINGLETON)

        def register_transient_factory(self, component_type: ComponentType[T], factory: Callable[[], T]) -> None:
            """Register a zero-argument factory called on every resolve."""
            self._register_factory(component_type, factory, Scope.FACTORY)

    else:

        @overload
        @deprecated(f"register_singleton_factory: {_NOT_SYNC}")
        def register_singleton_factory(  # pyright: ignore[reportRedeclaration]
            self, component_type: ComponentType[T], factory: Callable[[], Awaitable[Any]]
        ) -> None: ...

        @overload
        @deprecated(f"register_singleton_factory: {_NOT_SYNC}")
        def register_singleton_factory(
            self, component_type: ComponentType[T], factory: Callable[[], Iterator[Any] | AsyncIterator[Any]]
        ) -> None: ...

        @overload
        def register_singleton_factory(self, component_type: ComponentType[T], factory: Callable[[], T]) -> None: ...

        def register_singleton_factory(self, component_type: Any, factory: Callable[[], Any]) -> None:
            """Register a zero-argument factory called once; its result is cached."""
            self._register_factory(component_type, factory, Scope.SINGLETON)

        @overload
        @deprecated(f"register_transient_factory: {_NOT_SYNC}")
        def register_transient_factory(  # pyright: ignore[reportRedeclaration]
            self, component_type: ComponentType[T], factory: Callable[[], Awaitable[Any]]
        ) -> None: ...

        @overload
        @deprecated(f"register_transient_factory: {_NOT_SYNC}")
        def register_transient_factory(
            self, component_type: ComponentType[T], factory: Callable[[], Iterator[Any] | AsyncIterator[Any]]
        ) -> None: ...

        @overload
        def register_transient_factory(self, component_type: ComponentType[T], factory: Callable[[], T]) -> None: ...

        def register_transient_factory(self, component_type: Any, factory: Callable[[], Any]) -> None:
            """Register a zero-argument factory called on every resolve."""
            self._register_factory(component_type, factory, Scope.FACTORY)

    def _register_factory(self, component_type: Any, factory: Callable[[], Any], scope: Scope) -> None:
        if provider_style(inspect.unwrap(factory)) is not Style.VALUE:
            kind = "singleton" if scope is Scope.SINGLETON else "transient"
            raise TypeError(
                f"register_{kind}_factory({key_name(component_type)}, {getattr(factory, '__qualname__', factory)}): "
                f"{_NOT_SYNC}"
            )
        self._register(Binding(component_type, Kind.FACTORY, factory, scope, Origin.MANUAL))

    register_singleton = register_singleton_factory
    register_factory = register_transient_factory


def check_instance(component_type: Any, instance: object) -> None:
    """An instance registered (or substituted) for a type must be one: for a port, have its methods."""
    if not isinstance(component_type, type):
        return
    if is_port(component_type):
        required = [
            name
            for name in dir(component_type)
            if not name.startswith("_") and callable(getattr(component_type, name, None))
        ]
        if all(callable(getattr(instance, name, None)) for name in required):
            return
    elif isinstance(instance, component_type):
        return
    raise TypeError(f"instance must be of type '{component_type.__name__}', got '{type(instance).__name__}'")


__all__ = ["ManualRegistration", "check_instance"]
