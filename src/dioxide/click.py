"""Click and Typer: a scope per command, passed as its first argument; the container stops with the command.

``container = configure_dioxide(profile=...)`` makes a new container (unless one is given), scans and starts
it before it returns. ``@with_scope(container)`` makes ``func(scope, ...)`` a command callback taking the
remaining parameters (Click options, or Typer's parameters read from the signature): each call opens a scope,
and REQUEST-scoped components are disposed after it, even when the command raises. Groups and nested groups
may use it too; each callback gets its own scope. The container is stopped (singletons disposed once) when
the outermost command's context closes (concurrent invocations share it until the last one ends); an
invocation after that (a second ``CliRunner.invoke``) starts it again with fresh singletons. ``async def``
callbacks run on the container's lifecycle loop. Nothing here calls ``asyncio.run``.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from dioxide import _integration
from dioxide.container import Container
from dioxide.profile_enum import Profile

click: ModuleType | None
try:
    import click
except ImportError:  # Click is an optional extra: `pip install dioxide[click]` (or dioxide[typer])
    try:
        import typer._click as click  # Typer 0.2x vendors its own Click and no longer installs Click
    except ImportError:
        click = None

_META_KEY = "dioxide.click.stops"


def configure_dioxide(
    profile: Profile | str | None = None,
    container: Container | None = None,
    packages: Sequence[str] | None = None,
) -> Container:
    """A started container (a new ``Container()`` unless one is given), scanned for ``profile``.

    Called inside a command, it stops when that command's context closes; otherwise, when the outermost
    context of the first command using ``@with_scope`` closes (or at interpreter exit if none ran: --help,
    a usage error).
    """
    if click is None:
        raise _integration.missing("Click", "click")
    target = _integration.setup(container if container is not None else Container(), profile, packages)
    context = _current_context()
    if context is not None:
        _stop_with(context, target)
    return target


def with_scope(container: Container) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``@with_scope(container)``: the callback gets a fresh scope as its first argument."""
    if click is None:
        raise _integration.missing("Click", "click")

    def started() -> Container:
        context = _current_context()
        if context is not None:
            _stop_with(context, container)
        elif not container.started:
            _start_again(container)
        return container

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        return _integration.in_scope(started, func)

    return decorator


def _current_context() -> Any:
    """The running command's context, from Click or from the Click that Typer 0.2x vendors (``typer._click``)."""
    for name in ("click.globals", "typer._click.globals"):
        module = sys.modules.get(name)
        context = module.get_current_context(silent=True) if module is not None else None
        if context is not None:
            return context
    return None


_lock = threading.Lock()
_users: dict[int, int] = {}
"""Per container (by id), how many outermost contexts still run with it: the last one to close stops it."""


def _stop_with(context: Any, container: Container) -> None:
    """Stop ``container`` when the outermost context closes (once, however many callbacks use it)."""
    root = context.find_root()
    known: list[Container] = root.meta.setdefault(_META_KEY, [])
    if any(entry is container for entry in known):
        return
    known.append(container)
    with _lock:
        if not container.started:
            _start_again(container)
        _users[id(container)] = _users.get(id(container), 0) + 1
    root.call_on_close(lambda: _release(container))


def _release(container: Container) -> None:
    with _lock:
        left = _users.pop(id(container)) - 1
        if left:
            _users[id(container)] = left
        else:
            _integration.stop(container)


def _start_again(container: Container) -> None:
    """Stopped by an earlier invocation in this process (a second ``CliRunner.invoke``): start afresh."""
    container.reset()
    _integration.start(container)
    _integration.stop_at_exit(container)


__all__ = ["configure_dioxide", "with_scope"]
