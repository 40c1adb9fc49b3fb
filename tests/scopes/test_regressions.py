"""Scope defects found while writing this suite; each test failed before its fix in src/ and guards it now."""

from __future__ import annotations

import pytest

from dioxide import Container, Profile, Scope, lifecycle, service


class DescribeConstructorFailureAtScopeEntry:
    async def it_disposes_the_request_components_already_initialized(self) -> None:
        """Opening a scope builds and initializes each REQUEST @lifecycle component in turn; when a
        constructor fails, the ones already initialized must be disposed, as for an initialize() failure."""
        events: list[str] = []

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Connection:
            async def initialize(self) -> None:
                events.append("init Connection")

            async def dispose(self) -> None:
                events.append("dispose Connection")

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Transaction:
            def __init__(self, connection: Connection) -> None:
                raise PermissionError("read-only replica")

            async def initialize(self) -> None:
                events.append("init Transaction")

            async def dispose(self) -> None:
                events.append("dispose Transaction")

        with pytest.raises(PermissionError, match="read-only replica"):
            async with Container(profile=Profile.TEST).create_scope():
                pass
        assert events == ["init Connection", "dispose Connection"]

    def it_disposes_them_from_a_sync_with_too(self) -> None:
        events: list[str] = []

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Connection:
            async def initialize(self) -> None:
                events.append("init Connection")

            async def dispose(self) -> None:
                events.append("dispose Connection")

        @service(scope=Scope.REQUEST)
        @lifecycle
        class Transaction:
            def __init__(self, connection: Connection) -> None:
                raise PermissionError("read-only replica")

            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                pass

        with pytest.raises(PermissionError, match="read-only replica"), Container(profile=Profile.TEST).create_scope():
            pass
        assert events == ["init Connection", "dispose Connection"]
