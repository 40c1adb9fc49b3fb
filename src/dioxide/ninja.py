"""Django Ninja: a scope per request, sync or async, and ``inject(T)`` in sync and async endpoints.

Call ``configure_dioxide(api, profile=...)`` once at startup: it scans and starts the container (the global
one by default) before it returns and sets ``api.dioxide_container``. Add ``'dioxide.ninja.DioxideMiddleware'``
to Django's ``MIDDLEWARE``: it opens a scope around each request (``with scope:`` under WSGI, ``async with
scope:`` under ASGI). REQUEST-scoped components are shared within one request and disposed after it, even
when the endpoint raises. The container stops at interpreter exit; tests stop it earlier with
``shutdown_dioxide()``. Nothing here calls ``asyncio.run``.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

from dioxide import _integration
from dioxide._django_middleware import ScopeMiddleware, current_scope, resolve_in
from dioxide._typing import ComponentType
from dioxide.container import Container
from dioxide.profile_enum import Profile
from dioxide.scoped import ScopedContainer

if TYPE_CHECKING:
    import ninja

    NinjaAPI: type[ninja.NinjaAPI] | None
elif importlib.util.find_spec("ninja") is None:  # Django Ninja is an optional extra: `pip install dioxide[ninja]`
    NinjaAPI = None
# else: NinjaAPI comes on first use (__getattr__): importing ninja reads Django's settings, which a project's
# settings.py (naming this module in MIDDLEWARE) has not finished configuring yet


def __getattr__(name: str) -> object:
    if name != "NinjaAPI":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from ninja import NinjaAPI

    globals()["NinjaAPI"] = NinjaAPI
    return NinjaAPI


def _installed() -> bool:
    return (globals()["NinjaAPI"] if "NinjaAPI" in globals() else __getattr__("NinjaAPI")) is not None


T = TypeVar("T")

_container: Container | None = None
"""The container ``configure_dioxide()`` started (dioxide 2.x module global)."""
_request_scope = threading.local()
"""``.scope`` and ``.scope_ctx``: the current request's scope in this thread, under WSGI (dioxide 2.x)."""
_current_scope: ContextVar[ScopedContainer | None] = ContextVar("dioxide_ninja_scope", default=None)

_NOT_CONFIGURED = (
    "dioxide container not configured. Call dioxide.ninja.configure_dioxide(api, profile=...) at startup "
    "before the first request."
)
_NO_SCOPE = (
    "No dioxide scope found for this request. Did you add 'dioxide.ninja.DioxideMiddleware' to MIDDLEWARE? "
    "inject() only works while it handles a request."
)


def configure_dioxide(
    api: Any,
    profile: Profile | str | None = None,
    container: Container | None = None,
    packages: Sequence[str] | None = None,
) -> Container:
    """Scan and start ``container`` (the global one by default) for ``DioxideMiddleware``; returns it.

    ``api`` (the ``NinjaAPI``) gets the container as ``api.dioxide_container``. The container is stopped at
    interpreter exit, or earlier by ``shutdown_dioxide()``.
    """
    global _container
    if not _installed():
        raise _integration.missing("Django Ninja", "ninja")
    target = _integration.setup(container, profile, packages)
    _container = target
    if api is not None:
        api.dioxide_container = target
    return target


def shutdown_dioxide() -> None:
    """Stop the configured container now (singletons disposed once) and forget it; for tests and reloads."""
    global _container
    container, _container = _container, None
    if container is not None:
        _integration.stop(container)


def _cleanup_scope() -> None:
    """Close this thread's request scope, if any, and forget it (the sync middleware's last step, as in 2.x)."""
    scope: ScopedContainer | None = getattr(_request_scope, "scope_ctx", None)
    _request_scope.scope = _request_scope.scope_ctx = None
    if scope is not None:
        scope.__exit__(None, None, None)


class DioxideMiddleware(ScopeMiddleware):
    """``'dioxide.ninja.DioxideMiddleware'``: one scope per request, in sync and async mode."""

    current = _current_scope
    local = _request_scope

    def container(self) -> Container:
        if _container is None:
            raise RuntimeError(_NOT_CONFIGURED)
        return _container

    def bind_thread(self, scope: ScopedContainer) -> None:
        _request_scope.scope = _request_scope.scope_ctx = scope

    def release_thread(self, scope: ScopedContainer) -> None:
        _cleanup_scope()


def inject(component_type: ComponentType[T]) -> T:
    """``component_type`` resolved in the current request's scope (sync and async endpoints)."""
    if not _installed():
        raise _integration.missing("Django Ninja", "ninja")
    return resolve_in(current_scope(_current_scope, _request_scope), component_type, _NO_SCOPE)


__all__ = ["DioxideMiddleware", "configure_dioxide", "inject", "shutdown_dioxide"]
