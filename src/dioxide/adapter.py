"""``@adapter.for_(Port, profile=...)``: an implementation of a port, active in some profiles."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, TypeVar, overload

from dioxide._declare.registry import (
    ADAPTER_USAGE,
    AdapterRegistration,
    declare_adapter,
    normalize_profiles,
)
from dioxide._declare.registry import adapter_registry as _adapter_registry  # noqa: F401  (2.x tests import it)
from dioxide.profile_enum import Profile
from dioxide.scope import Scope

_C = TypeVar("_C", bound=type)
_P = ParamSpec("_P")
_R = TypeVar("_R")


class AdapterDecorator:
    """The ``adapter`` object: use ``@adapter.for_(Port, ...)``; calling ``@adapter`` directly is an error."""

    def for_(
        self,
        port: type[Any],
        *,
        profile: str | Iterable[str] = Profile.ALL,
        scope: Scope = Scope.SINGLETON,
        multi: bool = False,
        priority: int = 0,
    ) -> _ForPort:
        """Declare the decorated class (or provider function) an implementation of ``port`` in ``profile``.

        ``multi=True`` contributes to a ``list[Port]`` collection, ordered by ascending ``priority``.
        """
        if not isinstance(port, type):
            raise TypeError(
                f"@adapter.for_(): the port argument must be a class (a Protocol or an ABC), got {port!r} "
                f"(a {type(port).__name__}). Usage:\n{ADAPTER_USAGE}"
            )
        if not isinstance(scope, Scope):
            raise TypeError(f"@adapter.for_(scope=...) expects a Scope, got {scope!r}")
        registration = AdapterRegistration(
            port, normalize_profiles(profile, warn=True), scope, bool(multi), int(priority)
        )
        return _ForPort(registration)

    def __call__(self, *args: object, **kwargs: object) -> Any:
        target = args[0] if len(args) == 1 and not kwargs else None
        name = getattr(target, "__name__", None) if isinstance(target, type) or callable(target) else None
        if name is None:
            usage = ADAPTER_USAGE
        else:
            keyword = "class" if isinstance(target, type) else "def"
            suffix = ": ..." if keyword == "class" else "(...) -> YourImplementation: ..."
            usage = f"    @adapter.for_(YourPort, profile=Profile.PRODUCTION)\n    {keyword} {name}{suffix}"
        raise TypeError(
            "@adapter cannot be used directly: name the port it implements, @adapter.for_(YourPort, profile=...). "
            f"Usage:\n{usage}"
        )


class _ForPort:
    """What ``adapter.for_(...)`` returns: it decorates a class, or a provider function."""

    __slots__ = ("_registration",)

    def __init__(self, registration: AdapterRegistration) -> None:
        self._registration = registration

    @overload
    def __call__(self, cls: _C, /) -> _C: ...

    @overload
    def __call__(self, function: Callable[_P, _R], /) -> Callable[_P, _R]: ...

    def __call__(self, cls: object, /) -> object:
        declare_adapter(cls, self._registration)
        return cls


adapter = AdapterDecorator()
"""Declares adapters: ``@adapter.for_(Port, profile=..., scope=..., multi=..., priority=...)``."""

__all__ = ["AdapterDecorator", "adapter"]
