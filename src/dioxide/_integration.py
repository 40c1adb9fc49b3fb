"""What every framework integration does the same way: scan and start at setup, stop at shutdown, run in a scope.

The integrations never run an event loop of their own (no ``asyncio.run``): the container starts and stops
with ``with container:`` and request scopes open with ``with scope:``, both on the container's long-lived
lifecycle loop, which works from any thread, loop running or not.
"""

from __future__ import annotations

import atexit
import functools
import inspect
import logging
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dioxide._extras import missing
from dioxide.container import Container
from dioxide.container import container as _global_container
from dioxide.profile_enum import Profile

logger = logging.getLogger("dioxide")


def scan(container: Container, profile: Profile | str | None, packages: Sequence[str] | str | None) -> None:
    """Scan ``packages`` (each), or everything if the container was not scanned yet, for ``profile``.

    A container already scanned for another profile is refused rather than mixed with a second one.
    """
    wanted = Profile(profile) if profile is not None else None
    active = container.active_profile
    if wanted is not None and active is not None and active != wanted:
        raise RuntimeError(
            f"dioxide: configure_dioxide() was given profile={wanted!r}, but its container was already scanned "
            f"for {active!r}; pass one profile (or pass the container without a profile)"
        )
    names = (packages,) if isinstance(packages, str) else tuple(packages or ())
    for package in names:
        container.scan(package=package, profile=wanted)
    if not names and active is None:
        container.scan(profile=wanted)


def setup(
    container: Container | None,
    profile: Profile | str | None,
    packages: Sequence[str] | str | None,
    context: Sequence[type] = (),
) -> Container:
    """What every ``configure_dioxide()`` does: scan and start ``container`` (or the global one), stop it at exit.

    ``context`` are the framework's request (or task) types each scope is given, declared before the start so
    that validation knows where REQUEST components taking one get it from.
    """
    target = container if container is not None else _global_container
    scan(target, profile, packages)
    target.declare_context(*context)
    start(target)
    stop_at_exit(target)
    return target


def start(container: Container) -> None:
    """Start synchronously (``with container:``, without the ``with``); a started container stays as it is."""
    container.__enter__()


def stop(container: Container) -> None:
    """Dispose the singletons now (once: a stopped container does nothing) and forget the at-exit stop."""
    with _lock:
        _at_exit[:] = [pending for pending in _at_exit if pending is not container]
    container.__exit__(None, None, None)


def stop_at_exit(container: Container) -> None:
    """Stop ``container`` at interpreter exit, in this process only (not in children forked from it)."""
    global _registered_in
    with _lock:
        if not any(pending is container for pending in _at_exit):
            _at_exit.append(container)
        if _registered_in != os.getpid():
            _registered_in = os.getpid()
            atexit.register(_stop_all, _registered_in)


_lock = threading.Lock()
_at_exit: list[Container] = []
_registered_in: int | None = None


def _stop_all(pid: int) -> None:
    """A forked child inherits the list and this handler, not the right to dispose its parent's resources."""
    if os.getpid() != pid:
        return
    while _at_exit:
        container = _at_exit.pop()
        try:
            container.__exit__(None, None, None)
        except Exception:
            logger.exception("dioxide: stopping the container at exit failed")


def in_scope(
    container: Callable[[], Container],
    func: Callable[..., Any],
    context: Callable[[], Mapping[Any, Any] | None] = lambda: None,
) -> Callable[..., Any]:
    """``func(scope, *args, **kwargs)`` as ``wrapper(*args, **kwargs)``, one fresh scope per call.

    ``context()``, read in the calling thread, gives the scope its request data (the task, the command's
    context). An ``async def`` runs on the container's lifecycle loop, where its singletons were initialized,
    so the wrapper is a plain function that works whether or not a loop is running in the calling thread. The
    wrapper's signature is ``func``'s without its first parameter, for frameworks that read it (Typer).
    """
    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            target, data = container(), context()

            async def run() -> Any:
                async with target.create_scope(data) as scope:
                    return await func(scope, *args, **kwargs)

            return target.run(run)

    else:

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with container().create_scope(context()) as scope:
                return func(scope, *args, **kwargs)

    signature = inspect.signature(func)
    wrapper.__signature__ = signature.replace(parameters=list(signature.parameters.values())[1:])  # type: ignore[attr-defined]
    return wrapper


__all__ = ["in_scope", "missing", "scan", "setup", "start", "stop", "stop_at_exit"]
