"""Celery: a fresh scope per task, passed as the task function's first argument.

``configure_dioxide(app, profile=...)`` scans and starts the container (the global one by default) before it
returns, sets ``app.dioxide_container``, and stops the container at the worker's warm shutdown
(``worker_shutdown``), or at interpreter exit in a process that runs no worker. ``@scoped_task(app, **options)``
registers ``func(scope, *args, **kwargs)`` as ``app.task(**options)`` taking ``*args, **kwargs``: every run
opens a scope, and REQUEST-scoped components are disposed after it, even when the task raises.

Sync tasks open the scope with ``with scope:``; ``async def`` tasks run on the container's lifecycle loop
(where its singletons were initialized) and open it with ``async with``. Neither calls ``asyncio.run``, so
both work in any pool, and where an event loop is already running in the worker's thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from dioxide import _integration
from dioxide.container import Container
from dioxide.profile_enum import Profile

if TYPE_CHECKING:
    Celery: Any
else:
    try:
        from celery import Celery
    except ImportError:  # Celery is an optional extra: `pip install dioxide[celery]`
        Celery = None

_NOT_CONFIGURED = (
    "dioxide container not configured for this Celery app. Call dioxide.celery.configure_dioxide(app, "
    "profile=...) where the app is created, before its tasks run."
)


def configure_dioxide(
    app: Any,
    profile: Profile | str | None = None,
    container: Container | None = None,
    packages: Sequence[str] | None = None,
) -> Container:
    """Scan and start ``container`` (the global one by default), set ``app.dioxide_container``; returns it."""
    if Celery is None:
        raise _integration.missing("Celery", "celery")
    from celery.app.task import Context
    from celery.signals import worker_shutdown

    target = _integration.setup(container, profile, packages, context=(Context,))
    app.dioxide_container = target

    def stop_with_worker(sender: Any = None, **_: Any) -> None:
        if getattr(sender, "app", app) is app:
            _integration.stop(target)

    worker_shutdown.connect(stop_with_worker, weak=False)
    return target


def shutdown_dioxide(app: Any) -> None:
    """Stop the app's container now (singletons disposed once): for producers and tests with eager tasks."""
    container: Container | None = getattr(app, "dioxide_container", None)
    if container is not None:
        _integration.stop(container)


def scoped_task(app: Any, **task_options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``@scoped_task(app, name=..., ...)``: ``app.task(**task_options)`` whose function gets a scope first."""
    if Celery is None:
        raise _integration.missing("Celery", "celery")
    from celery import current_task
    from celery.app.task import Context

    def container() -> Container:
        configured: Container | None = getattr(app, "dioxide_container", None)
        if configured is None:
            raise RuntimeError(_NOT_CONFIGURED)
        return configured

    def task_request() -> dict[Any, Any] | None:
        """The running task's request (``celery.app.task.Context``: its id, arguments, retries), as request data."""
        request = getattr(current_task, "request", None)
        return {Context: request} if isinstance(request, Context) else None

    def decorator(func: Callable[..., Any]) -> Any:
        return app.task(**task_options)(_integration.in_scope(container, func, task_request))

    return decorator


__all__ = ["configure_dioxide", "scoped_task", "shutdown_dioxide"]
