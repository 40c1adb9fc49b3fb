"""Django (and Django REST framework): a scope per request, sync or async, and ``inject(T)`` in any view.

Call ``configure_dioxide(profile=...)`` once at startup (``AppConfig.ready()`` is the usual place): it scans
and starts the container (the global one by default) before it returns. Add
``'dioxide.django.DioxideMiddleware'`` to ``MIDDLEWARE``: it opens a scope around each request, with
``with scope:`` under WSGI and ``async with scope:`` under ASGI, so ``inject(T)`` works in function and class
views, async views, and DRF's ``APIView``, ``ViewSet`` and ``@api_view``. REQUEST-scoped components are
shared within one request and disposed after it, even when the view raises. The container stops at
interpreter exit; tests stop it earlier with ``shutdown_dioxide()``. Nothing here calls ``asyncio.run``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextvars import ContextVar
from types import ModuleType
from typing import TypeVar

from dioxide import _integration
from dioxide._django_middleware import ScopeMiddleware, current_scope, resolve_in
from dioxide._typing import ComponentType
from dioxide.container import Container
from dioxide.profile_enum import Profile
from dioxide.scoped import ScopedContainer

Django: ModuleType | None
try:
    import django
except ImportError:  # Django is an optional extra: `pip install dioxide[django]`
    Django = None
else:
    Django = django

T = TypeVar("T")

_container: Container | None = None
"""The container ``configure_dioxide()`` started (dioxide 2.x module global)."""
_request_scope = threading.local()
"""``_request_scope.scope``: the current request's scope in this thread, under WSGI (dioxide 2.x)."""
_current_scope: ContextVar[ScopedContainer | None] = ContextVar("dioxide_django_scope", default=None)

_NOT_CONFIGURED = (
    "dioxide container not configured. Call dioxide.django.configure_dioxide(profile=...) at startup "
    "(for example in AppConfig.ready()) before the first request."
)
_NO_SCOPE = (
    "No dioxide scope found for this request. Did you add 'dioxide.django.DioxideMiddleware' to MIDDLEWARE? "
    "inject() only works while it handles a request."
)


def configure_dioxide(
    profile: Profile | str | None = None,
    container: Container | None = None,
    packages: Sequence[str] | None = None,
) -> Container:
    """Scan and start ``container`` (the global one by default) for ``DioxideMiddleware``; returns it.

    It is stopped at interpreter exit, or earlier by ``shutdown_dioxide()``.
    """
    global _container
    if Django is None:
        raise _integration.missing("Django", "django")
    target = _integration.setup(container, profile, packages)
    _container = target
    return target


def shutdown_dioxide() -> None:
    """Stop the configured container now (singletons disposed once) and forget it; for tests and reloads."""
    global _container
    container, _container = _container, None
    if container is not None:
        _integration.stop(container)


class DioxideMiddleware(ScopeMiddleware):
    """``'dioxide.django.DioxideMiddleware'``: one scope per request, in sync and async mode."""

    current = _current_scope
    local = _request_scope

    def container(self) -> Container:
        if _container is None:
            raise RuntimeError(_NOT_CONFIGURED)
        return _container


def inject(component_type: ComponentType[T]) -> T:
    """``component_type`` resolved in the current request's scope (views, async views, DRF views)."""
    if Django is None:
        raise _integration.missing("Django", "django")
    return resolve_in(current_scope(_current_scope, _request_scope), component_type, _NO_SCOPE)


__all__ = ["DioxideMiddleware", "configure_dioxide", "inject", "shutdown_dioxide"]
