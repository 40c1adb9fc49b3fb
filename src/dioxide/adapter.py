"""``@adapter.for_(Port, profile=...)``: an implementation of a port, active in some profiles."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

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
    ) -> Callable[[_C], _C]:
        """Declare the decorated class an implementation of ``port`` for the given profile(s).

        ``multi=True`` contributes to a ``list[Port]`` collection, ordered by ascending ``priority``.
        """
        if not isinstance(port, type):
            raise TypeError(
                f"@adapter.for_() expects a port class (a Protocol or ABC), got {port!r}. Usage:\n{ADAPTER_USAGE}"
            )
        if not isinstance(scope, Scope):
            raise TypeError(f"@adapter.for_(scope=...) expects a Scope, got {scope!r}")
        registration = AdapterRegistration(
            port, normalize_profiles(profile, warn=True), scope, bool(multi), int(priority)
        )

        def decorate(cls: _C) -> _C:
            declare_adapter(cls, registration)
            return cls

        return decorate

    def __call__(self, *args: object, **kwargs: object) -> Any:
        raise TypeError(f"Use @adapter.for_(Port, profile=...) rather than @adapter. Usage:\n{ADAPTER_USAGE}")


adapter = AdapterDecorator()

__all__ = ["AdapterDecorator", "adapter"]
