"""``fresh_container``: a new, started container per test (no pytest needed)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from dioxide._run.container import Container
from dioxide.profile_enum import Profile


@asynccontextmanager
async def fresh_container(profile: Profile | str | None = None, package: str | None = None) -> AsyncIterator[Container]:
    """A new container scanned for ``profile`` (and ``package``), started, and stopped on exit.

    Use one per test so that singletons (fakes with state) never leak between tests::

        async with fresh_container(profile=Profile.TEST) as container:
            users = container.resolve(UserRepository)
    """
    container = Container()
    container.scan(package=package, profile=profile)
    async with container:
        yield container


__all__ = ["fresh_container"]
