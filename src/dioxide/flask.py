"""Flask: the container starts with ``configure_dioxide(app)``, each request gets a scope, ``inject(T)`` resolves.

``configure_dioxide(app, profile=...)`` scans and starts the container (the global one by default) before it
returns, stores it in ``app.config['dioxide_container']``, and opens a scope around every request
(``g.dioxide_scope``): REQUEST-scoped components are shared within one request and disposed after it, even
when the view raises. The container stops at interpreter exit; app factories and tests stop it earlier with
``shutdown_dioxide(app)``. Scopes open through the container's own lifecycle loop, never ``asyncio.run``, so
this works in threaded servers and where an event loop is already running.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from dioxide import _integration
from dioxide._typing import ComponentType
from dioxide.container import Container
from dioxide.exceptions import LifecycleError
from dioxide.profile_enum import Profile
from dioxide.scoped import ScopedContainer

if TYPE_CHECKING:
    from collections.abc import Callable

    import flask

    Flask: type[flask.Flask] | None
    g: Any
    has_request_context: Callable[[], bool] | None
else:
    try:
        from flask import Flask, g, has_request_context
    except ImportError:  # Flask is an optional extra: `pip install dioxide[flask]`
        Flask = g = has_request_context = None

T = TypeVar("T")

CONTAINER_KEY = "dioxide_container"
_NO_FLASK = "Flask"
_OUTSIDE_REQUEST = (
    "inject() called outside of request context. It resolves from the scope of the current Flask request: "
    "call it inside a view (or a function a view calls)."
)
_NO_SCOPE = (
    "No dioxide scope found for this request. Did you call configure_dioxide(app)? "
    "It opens a scope (g.dioxide_scope) around every request of that app."
)


def configure_dioxide(
    app: flask.Flask,
    profile: Profile | str | None = None,
    container: Container | None = None,
    packages: Sequence[str] | None = None,
) -> Container:
    """Scan and start ``container`` (the global one by default) and open a scope around each of ``app``'s requests.

    Returns the container, also stored in ``app.config['dioxide_container']``. It is stopped at interpreter
    exit, or earlier by ``shutdown_dioxide(app)``.
    """
    if Flask is None:
        raise _integration.missing(_NO_FLASK, "flask")
    if CONTAINER_KEY in app.config:
        raise RuntimeError("dioxide: configure_dioxide() was already called for this app")
    target = _integration.setup(container, profile, packages)
    app.config[CONTAINER_KEY] = target

    def open_scope() -> None:
        scope = target.create_scope()
        scope.__enter__()
        g.dioxide_scope = g._dioxide_scope_ctx = scope

    def close_scope(error: BaseException | None) -> None:
        scope: ScopedContainer | None = g.pop("dioxide_scope", None)
        g.pop("_dioxide_scope_ctx", None)
        if scope is None:  # an earlier before_request hook failed before ours ran
            return
        try:
            scope.__exit__(type(error) if error is not None else None, error, None)
        except LifecycleError:
            pass  # each failed dispose() was logged; the response is already made

    app.before_request_funcs.setdefault(None, []).insert(0, open_scope)  # first: other hooks can inject()
    app.teardown_request(close_scope)
    return target


def shutdown_dioxide(app: flask.Flask) -> None:
    """Stop the container ``configure_dioxide(app)`` started (singletons disposed once); for factories and tests."""
    container: Container | None = app.config.get(CONTAINER_KEY)
    if container is not None:
        _integration.stop(container)


def inject(component_type: ComponentType[T]) -> T:
    """``component_type`` resolved in the current request's scope: ``service = inject(UserService)``."""
    if Flask is None or has_request_context is None:
        raise _integration.missing(_NO_FLASK, "flask")
    if not has_request_context():
        raise RuntimeError(_OUTSIDE_REQUEST)
    scope: ScopedContainer | None = g.get("dioxide_scope")
    if scope is None:
        raise RuntimeError(_NO_SCOPE)
    return scope.resolve(component_type)


__all__ = ["configure_dioxide", "inject", "shutdown_dioxide"]
