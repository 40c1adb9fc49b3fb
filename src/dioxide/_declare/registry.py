"""Declaration: what the decorators record, and the global registries ``scan()`` reads.

Decorators only record facts (class attributes and registry membership); nothing is registered with a
container until it scans. Every registry and metadata attribute lives here, so that the rest of the core reads
declarations from one place. The registries keep insertion order so that scans, error messages and lifecycle
order are deterministic (dioxide 2.1 used plain sets).
"""

from __future__ import annotations

import inspect
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, MutableSet
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from types import FrameType
from typing import Any, Final, TypeVar

from dioxide.profile_enum import BUILTIN_PROFILE_VALUES, Profile, profile_value
from dioxide.scope import Scope

PROFILE_ATTRIBUTE: Final = "__dioxide_profiles__"
SCOPE_ATTRIBUTE: Final = "__dioxide_scope__"
PORT_ATTRIBUTE: Final = "__dioxide_port__"
MULTI_ATTRIBUTE: Final = "__dioxide_multi__"
PRIORITY_ATTRIBUTE: Final = "__dioxide_priority__"
LIFECYCLE_ATTRIBUTE: Final = "_dioxide_lifecycle"
IMPLEMENTS_ATTRIBUTE: Final = "__dioxide_implements__"
REGISTRATIONS_ATTRIBUTE: Final = "__dioxide_registrations__"
FRAME_ATTRIBUTE: Final = "__dioxide_frame__"
PROVIDES_ATTRIBUTE: Final = "__dioxide_provides__"

_T = TypeVar("_T")

EVERY_PROFILE: Final = frozenset({"*"})
"""The profiles of a service (one shared frozenset: services are many)."""

SERVICE_USAGE: Final = (
    "    @service\n    class UserService:\n        def __init__(self, users: UserRepository) -> None: ..."
)
ADAPTER_USAGE: Final = "    @adapter.for_(EmailPort, profile=Profile.PRODUCTION)\n    class SendGridAdapter: ..."


class OrderedRegistry(MutableSet[_T]):
    """A set that remembers insertion order, with the ``set`` methods tests call on the registries."""

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[_T] = ()) -> None:
        self._items: dict[_T, None] = dict.fromkeys(items)

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def __iter__(self) -> Iterator[_T]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def add(self, value: _T) -> None:
        self._items[value] = None

    def discard(self, value: _T) -> None:
        self._items.pop(value, None)

    def clear(self) -> None:
        self._items.clear()

    def copy(self) -> set[_T]:
        return set(self._items)

    def update(self, *others: Iterable[_T]) -> None:
        for other in others:
            self._items.update(dict.fromkeys(other))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self._items)!r})"


service_registry: OrderedRegistry[type] = OrderedRegistry()
"""Classes decorated with ``@service`` (2.x: ``dioxide._registry._component_registry``)."""

adapter_registry: OrderedRegistry[type] = OrderedRegistry()
"""Classes decorated with ``@adapter.for_`` (2.x: ``dioxide.adapter._adapter_registry``)."""

lifecycle_registry: OrderedRegistry[type] = OrderedRegistry()
"""Classes decorated with ``@lifecycle`` (2.x: ``dioxide.lifecycle._lifecycle_registry``)."""

provider_registry: OrderedRegistry[Callable[..., Any]] = OrderedRegistry()
"""Functions decorated with ``@service`` or ``@adapter.for_``: provider functions."""

_REGISTRIES: Final[tuple[OrderedRegistry[Any], ...]] = (
    service_registry,
    adapter_registry,
    lifecycle_registry,
    provider_registry,
)


class Style(Enum):
    """How a provider function gives its value, and whether something runs when its scope ends."""

    VALUE = "function"  # returns it
    GENERATOR = "generator"  # yields it; the code after the yield runs when its scope ends
    ASYNC = "async function"  # returns it from a coroutine: built when the container starts or the scope opens
    ASYNC_GENERATOR = "async generator"  # both

    @property
    def is_async(self) -> bool:
        return self in (Style.ASYNC, Style.ASYNC_GENERATOR)

    @property
    def has_cleanup(self) -> bool:
        return self in (Style.GENERATOR, Style.ASYNC_GENERATOR)


@dataclass(frozen=True, slots=True)
class ProviderRegistration:
    """One ``@service`` or ``@adapter.for_`` applied to a function.

    ``port`` is the adapter's port, or ``None`` for a service, whose key is read from the return annotation
    when a container scans (it may name classes defined after the function).
    """

    port: type | None
    profiles: frozenset[str]
    scope: Scope
    multi: bool
    priority: int
    style: Style


@dataclass(frozen=True, slots=True)
class AdapterRegistration:
    """One ``@adapter.for_`` application; a class may implement several ports."""

    port: type
    profiles: frozenset[str]
    scope: Scope
    multi: bool
    priority: int


# -- reading declarations ------------------------------------------------------------------------------


def registrations_of(cls: type) -> tuple[AdapterRegistration, ...]:
    """The adapter registrations a class carries itself (inherited ones belong to the base class)."""
    own: tuple[AdapterRegistration, ...] = vars(cls).get(REGISTRATIONS_ATTRIBUTE, ())
    if own:
        return own
    if PORT_ATTRIBUTE in vars(cls):  # attributes set by hand, as some 2.x tests do
        return (
            AdapterRegistration(
                port=vars(cls)[PORT_ATTRIBUTE],
                profiles=frozenset(getattr(cls, PROFILE_ATTRIBUTE, frozenset({"*"}))),
                scope=getattr(cls, SCOPE_ATTRIBUTE, Scope.SINGLETON),
                multi=bool(getattr(cls, MULTI_ATTRIBUTE, False)),
                priority=int(getattr(cls, PRIORITY_ATTRIBUTE, 0)),
            ),
        )
    return ()


def service_scope(cls: type) -> Scope:
    scope: Scope = getattr(cls, SCOPE_ATTRIBUTE, Scope.SINGLETON)
    return scope


def service_profiles(cls: type) -> frozenset[str]:
    profiles: frozenset[str] = getattr(cls, PROFILE_ATTRIBUTE, frozenset("*"))
    return profiles


def implemented_port(cls: type) -> type | None:
    """The port a 2.x ``@component.implements`` recorded on a service, honoured by ``scan()``."""
    implements = vars(cls).get(IMPLEMENTS_ATTRIBUTE)
    return implements if isinstance(implements, type) else None


def is_decorated_service(cls: type) -> bool:
    return SCOPE_ATTRIBUTE in vars(cls) and PORT_ATTRIBUTE not in vars(cls)


def has_lifecycle(cls: object) -> bool:
    return getattr(cls, LIFECYCLE_ATTRIBUTE, False) is True


def defining_frame(cls: Any) -> FrameType | None:
    frame: FrameType | None = vars(cls).get(FRAME_ATTRIBUTE)
    return frame


def forget_defining_frame(cls: Any) -> None:
    """The hints are known: the defining frame (and its locals) can go."""
    if FRAME_ATTRIBUTE in vars(cls):
        delattr(cls, FRAME_ATTRIBUTE)


# -- declaring -----------------------------------------------------------------------------------------


def normalize_profiles(profile: object, *, warn: bool) -> frozenset[str]:
    """Lower-case a profile or a list of profiles into a frozenset of raw values (a ``TypeError`` for others)."""
    values: list[object] = (
        list(profile) if isinstance(profile, Iterable) and not isinstance(profile, str) else [profile]
    )
    result: set[str] = set()
    for value in values:
        if not isinstance(value, str):
            raise TypeError(
                f"profile must be a Profile or a str, or a list of them (Profile.ALL: every profile), got {value!r}"
            )
        raw = profile_value(value)
        if warn and type(value) is str and raw in BUILTIN_PROFILE_VALUES:
            constant = str(Profile(raw))
            warnings.warn(
                f"Using string profile {value!r} is deprecated. Use Profile.{constant} instead.",
                DeprecationWarning,
                stacklevel=3,
            )
        result.add(raw)
    return frozenset(result)


def provider_style(function: Callable[..., Any]) -> Style:
    if inspect.isasyncgenfunction(function):
        return Style.ASYNC_GENERATOR
    if inspect.iscoroutinefunction(function):
        return Style.ASYNC
    if inspect.isgeneratorfunction(function):
        return Style.GENERATOR
    return Style.VALUE


def provider_registrations(function: object) -> tuple[ProviderRegistration, ...]:
    registrations: tuple[ProviderRegistration, ...] = getattr(function, PROVIDES_ATTRIBUTE, ())
    return registrations


def is_provider_function(obj: object) -> bool:
    """A plain (possibly async or generator) function, as opposed to a class or another callable."""
    return inspect.isfunction(obj)


def declare_provider(function: Callable[..., Any], registration: ProviderRegistration, decorator: str) -> None:
    """Record a provider function; refuse what could never work, saying why."""
    name = getattr(function, "__qualname__", repr(function))
    style = registration.style
    if registration.scope is Scope.FACTORY and style is not Style.VALUE:
        when = "awaited" if style.is_async else "cleaned up"
        raise TypeError(
            f"{decorator} on {name}: {'an' if style.value[0] in 'aeiou' else 'a'} {style.value} cannot be "
            f"FACTORY-scoped: a FACTORY component is built on every resolve(), which is synchronous and has no "
            f"end at which it could be {when}. Use Scope.SINGLETON (built once, when the container starts) or "
            "Scope.REQUEST (once per scope)"
        )
    returns = getattr(function, "__annotations__", {}).get("return", inspect.Signature.empty)
    if registration.port is None and returns in (inspect.Signature.empty, None, type(None), "None"):
        raise TypeError(
            f"@service on the function {name}: a provider function provides what its return annotation names, "
            f"and it {'has none' if returns is inspect.Signature.empty else 'returns None'}. Annotate the type it "
            f"provides, e.g. `def {getattr(function, '__name__', 'make')}(...) -> Client:`, or decorate a class"
        )
    known = provider_registrations(function)
    if registration not in known:  # decorating twice in the same way declares once, as for a class
        setattr(function, PROVIDES_ATTRIBUTE, (*known, registration))
    remember_defining_frame(function, depth=4)
    provider_registry.add(function)


def declare_service(cls: Any, scope: Scope) -> None:
    if is_provider_function(cls):
        if not isinstance(scope, Scope):
            raise TypeError(f"@service(scope=...) expects a Scope, got {scope!r}")
        registration = ProviderRegistration(None, frozenset({"*"}), scope, False, 0, provider_style(cls))
        declare_provider(cls, registration, "@service")
        return
    if not isinstance(cls, type):
        raise TypeError(f"@service must be applied to a class or a function, got {cls!r}. Usage:\n{SERVICE_USAGE}")
    if PORT_ATTRIBUTE in vars(cls):
        raise TypeError(
            f"{cls.__name__} is decorated with both @service and @adapter.for_(): pick one. "
            "Use @service for core logic and @adapter.for_(Port, profile=...) for implementations of a port."
        )
    if not isinstance(scope, Scope):
        raise TypeError(f"@service(scope=...) expects a Scope, got {scope!r}")
    setattr(cls, SCOPE_ATTRIBUTE, scope)
    setattr(cls, PROFILE_ATTRIBUTE, EVERY_PROFILE)
    remember_defining_frame(cls, depth=3)
    service_registry.add(cls)


def declare_adapter(cls: Any, registration: AdapterRegistration) -> None:
    if is_provider_function(cls):
        r = registration
        provider = ProviderRegistration(r.port, r.profiles, r.scope, r.multi, r.priority, provider_style(cls))
        declare_provider(cls, provider, "@adapter.for_()")
        return
    if not isinstance(cls, type):
        raise TypeError(
            f"@adapter.for_() must be applied to a class or a function, got {cls!r}. Usage:\n{ADAPTER_USAGE}"
        )
    if cls in service_registry and PORT_ATTRIBUTE not in vars(cls):
        raise TypeError(
            f"{cls.__name__} is decorated with both @service and @adapter.for_(): pick one. "
            "Use @adapter.for_(Port, profile=...) for implementations of a port and @service for core logic."
        )
    port, profiles = registration.port, registration.profiles
    previous = tuple(r for r in registrations_of(cls) if r.port is not port or r.profiles != profiles)
    setattr(cls, REGISTRATIONS_ATTRIBUTE, (*previous, registration))
    setattr(cls, PORT_ATTRIBUTE, port)
    setattr(cls, PROFILE_ATTRIBUTE, profiles)
    setattr(cls, SCOPE_ATTRIBUTE, registration.scope)
    setattr(cls, MULTI_ATTRIBUTE, registration.multi)
    setattr(cls, PRIORITY_ATTRIBUTE, registration.priority)
    remember_defining_frame(cls, depth=3)
    adapter_registry.add(cls)


def declare_lifecycle(cls: type) -> None:
    if not isinstance(cls, type):
        raise TypeError(f"@lifecycle must be applied to a class, got {cls!r}")
    name = cls.__name__
    for method in ("initialize", "dispose"):
        function = getattr(cls, method, None)
        if function is None or not callable(function):
            raise TypeError(f"{name} must implement {method}() method")
        if not inspect.iscoroutinefunction(function):
            raise TypeError(f"{name}.{method}() must be async")
    setattr(cls, LIFECYCLE_ATTRIBUTE, True)
    lifecycle_registry.add(cls)


def remember_defining_frame(cls: Any, depth: int = 2) -> None:
    """Keep the frame of the function that defined a local class, for its string annotations.

    Classes defined inside a function body may annotate with names local to that function (often defined
    after them). Keeping that one frame lets the container evaluate the hints at scan time without walking
    the call stack; module-level classes need nothing. ``depth`` is how many frames above this function the
    decorator's caller is.
    """
    qualname = cls.__qualname__
    if "<locals>" not in qualname:
        return
    owner = qualname.rsplit(".<locals>.", 1)[0]
    frame: FrameType | None = sys._getframe(depth)
    for _ in range(16):
        if frame is None:
            return
        if frame.f_code.co_qualname == owner:
            setattr(cls, FRAME_ATTRIBUTE, frame)
            return
        frame = frame.f_back


# -- resetting -----------------------------------------------------------------------------------------


def clear_registries() -> None:
    """Forget every decorated class: services, adapters and lifecycle components.

    Containers that already scanned keep working: they hold their own bindings.
    """
    for registry in _REGISTRIES:
        registry.clear()


@contextmanager
def isolated_registry() -> Iterator[None]:
    """Run a block with empty decorator registries, then put back exactly what was registered before.

    Tests that decorate classes inside test functions use it (instead of a bare ``_clear_registry()``) so
    that the application's module-level registrations survive them.
    """
    saved = [list(registry) for registry in _REGISTRIES]
    clear_registries()
    try:
        yield
    finally:
        for registry, classes in zip(_REGISTRIES, saved, strict=True):
            registry.clear()
            registry.update(classes)


def registered_services() -> set[type]:
    """A copy of the ``@service`` registry."""
    return service_registry.copy()


__all__ = [
    "AdapterRegistration",
    "OrderedRegistry",
    "ProviderRegistration",
    "Style",
    "adapter_registry",
    "clear_registries",
    "declare_adapter",
    "declare_lifecycle",
    "declare_service",
    "isolated_registry",
    "lifecycle_registry",
    "normalize_profiles",
    "provider_registrations",
    "provider_registry",
    "registered_services",
    "registrations_of",
    "service_registry",
]
