"""The request-scope middleware shared by ``dioxide.django`` and ``dioxide.ninja``, sync and async.

Django gives a middleware that declares ``sync_capable`` and ``async_capable`` (what
``django.utils.decorators.sync_and_async_middleware`` sets) the ``get_response`` of the handler's mode:

- sync (WSGI, or sync middleware around it): ``with scope:`` on the container's lifecycle loop; the scope
  goes in a context variable and in the module's thread-local, as in dioxide 2.x;
- async (ASGI): ``async with scope:`` on the request's own loop; the scope goes in the context variable only,
  which follows the request into async views and into sync views that Django runs in a thread.

Each integration module subclasses it with its own container and variables, so that code patching one
module's ``_container`` (as 2.x tests do) sees that module's middleware fail or succeed.
"""

from __future__ import annotations

import abc
import contextlib
import threading
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, ClassVar, TypeVar

from dioxide._typing import ComponentType
from dioxide.container import Container
from dioxide.exceptions import LifecycleError
from dioxide.scoped import ScopedContainer

T = TypeVar("T")

GetResponse = Callable[[Any], Any]


class ScopeMiddleware(abc.ABC):
    """One scope per request; subclasses say where the container and the current scope live.

    A failing ``dispose()`` does not turn the response into an error: it is logged (as every dispose failure
    is) and the response goes out.
    """

    sync_capable = True
    async_capable = True

    current: ClassVar[ContextVar[ScopedContainer | None]]
    local: ClassVar[threading.local]

    def __init__(self, get_response: GetResponse) -> None:
        from asgiref.sync import iscoroutinefunction, markcoroutinefunction
        from django.http import HttpRequest  # imported once Django is set up: the middleware is made then

        self.get_response = get_response
        self.request_type = HttpRequest  # the request data each scope is given
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    @abc.abstractmethod
    def container(self) -> Container:
        """The configured container, or the module's "not configured" ``RuntimeError``."""

    def __call__(self, request: Any) -> Any:
        if self.is_async:
            return self._serve_async(request)
        scope = self.container().create_scope({self.request_type: request})
        scope.__enter__()
        token = self.current.set(scope)
        self.bind_thread(scope)
        try:
            return self.get_response(request)
        finally:
            self.current.reset(token)
            with contextlib.suppress(LifecycleError):
                self.release_thread(scope)

    async def _serve_async(self, request: Any) -> Any:
        scope = self.container().create_scope({self.request_type: request})
        await scope.__aenter__()
        token = self.current.set(scope)
        try:
            response: Awaitable[Any] = self.get_response(request)
            return await response
        finally:
            self.current.reset(token)
            with contextlib.suppress(LifecycleError):
                await scope.__aexit__(None, None, None)

    def bind_thread(self, scope: ScopedContainer) -> None:
        self.local.scope = scope

    def release_thread(self, scope: ScopedContainer) -> None:
        """Forget the thread's scope and close it (dispose its REQUEST components)."""
        self.local.scope = None
        scope.__exit__(None, None, None)


def current_scope(current: ContextVar[ScopedContainer | None], local: threading.local) -> ScopedContainer | None:
    """The request's scope: the context variable (sync and async), else the thread-local (set by hand in 2.x tests)."""
    scope = current.get()
    return scope if scope is not None else getattr(local, "scope", None)


def resolve_in(scope: ScopedContainer | None, component_type: ComponentType[T], missing_scope: str) -> T:
    if scope is None:
        raise RuntimeError(missing_scope)
    return scope.resolve(component_type)


__all__ = ["ScopeMiddleware", "current_scope", "resolve_in"]
