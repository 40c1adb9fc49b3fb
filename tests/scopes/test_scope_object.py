"""A request scope is a plain object with 2.x's surface, not a mapping of its instances."""

from __future__ import annotations

import uuid
import weakref

import pytest

from dioxide import Container, Profile, Scope, ScopedContainer, ScopeError, service
from tests.scopes.conftest import request_lifecycle


class DescribeScopeObject:
    def it_is_not_a_mapping_of_its_instances(self) -> None:
        """Being a dict made ``scope.get(T)`` answer None and ``T in scope`` False for a registered component."""

        @service(scope=Scope.REQUEST)
        class Context:
            pass

        container = Container(profile=Profile.TEST)
        with container.create_scope() as scope:
            assert not isinstance(scope, dict)
            assert not hasattr(scope, "get")
            with pytest.raises(TypeError):
                _ = Context in scope  # type: ignore[operator]
            assert isinstance(scope.resolve(Context), Context)

    def it_has_no_clear_that_would_lose_a_disposal(self) -> None:
        """Regression: ``scope.clear()`` (from the dict base) dropped the scope's state, so an initialized
        REQUEST ``@lifecycle`` component was never disposed: only "init" was recorded."""
        events: list[str] = []
        Session = request_lifecycle(events)
        container = Container(profile=Profile.TEST)
        with container.create_scope() as scope:
            scope.resolve(Session)
            assert not hasattr(scope, "clear")
        assert events == ["init", "dispose"]

    def it_keeps_the_2x_surface(self) -> None:
        container = Container(profile=Profile.TEST)
        with container.create_scope() as scope:
            assert scope.parent is container
            assert str(uuid.UUID(scope.scope_id)) == scope.scope_id
            assert scope.scope_id == scope.scope_id
            assert repr(scope) == "ScopedContainer(profile=Profile.TEST, parent=Container)"
            with pytest.raises(ScopeError, match="Nested scopes not supported"):
                scope.create_scope()

    def it_can_be_built_directly_from_its_container(self) -> None:
        """2.x documents ``ScopedContainer(parent, scope_id)``."""

        @service(scope=Scope.REQUEST)
        class Context:
            pass

        @service
        class Settings:
            pass

        container = Container(profile=Profile.TEST)
        scope = ScopedContainer(container, "my-id")
        assert scope.scope_id == "my-id"
        assert scope.parent is container
        assert repr(scope) == "ScopedContainer(profile=Profile.TEST, parent=Container)"
        with scope:
            mine = scope.resolve(Context)
            assert scope.resolve(Context) is mine
            assert scope.resolve(Settings) is container.resolve(Settings)
        other = ScopedContainer(container, "other")  # as in 2.x, usable without a block too
        assert isinstance(other.resolve(Context), Context)
        assert other.resolve(Context) is not mine

    async def it_runs_the_lifecycle_of_a_directly_built_scope(self) -> None:
        events: list[str] = []
        Session = request_lifecycle(events)
        container = Container(profile=Profile.TEST)
        async with ScopedContainer(container, "request-1") as scope:
            assert events == ["init"]
            assert scope.resolve(Session) is scope.resolve(Session)
        assert events == ["init", "dispose"]

    def it_refuses_a_parent_that_is_not_a_container(self) -> None:
        with pytest.raises(TypeError, match="ScopedContainer expects the Container it belongs to, got 'nope'"):
            ScopedContainer("nope")

    async def it_refuses_to_resolve_once_exited(self) -> None:
        @service(scope=Scope.REQUEST)
        class Context:
            pass

        container = Container(profile=Profile.TEST)
        async with container.create_scope() as scope:
            scope.resolve(Context)
        for _ in range(2):
            with pytest.raises(ScopeError) as caught:
                scope.resolve(Context)
            assert "Cannot resolve Context: this scope has exited" in str(caught.value)
            assert "open a new scope" in str(caught.value)
        with container.create_scope() as sync_scope:
            pass
        with pytest.raises(ScopeError, match="this scope has exited"):
            sync_scope[Context]

    async def it_disposes_on_a_synchronous_exit_of_a_scope_opened_with_async_with(self) -> None:
        events: list[str] = []
        Session = request_lifecycle(events)
        container = Container(profile=Profile.TEST)
        scope = container.create_scope()
        await scope.__aenter__()
        assert isinstance(scope.resolve(Session), Session)
        scope.__exit__(None, None, None)
        assert events == ["init", "dispose"]

    async def it_lets_go_of_its_instances_and_request_data_once_exited(self) -> None:
        """A closed scope kept alive (in ``request.state``) held its instances, and a cycle through the request."""

        @service(scope=Scope.REQUEST)
        class Context:
            pass

        class Connection:
            pass

        container = Container(profile=Profile.TEST)
        container.declare_context(Connection)
        async_connection, sync_connection = Connection(), Connection()
        async with container.create_scope({Connection: async_connection}) as scope:
            context = weakref.ref(scope.resolve(Context))
        with container.create_scope({Connection: sync_connection}) as sync_scope:
            sync_context = weakref.ref(sync_scope.resolve(Context))
        connections = weakref.ref(async_connection), weakref.ref(sync_connection)
        del async_connection, sync_connection
        assert (context(), sync_context()) == (None, None)
        assert [connection() for connection in connections] == [None, None]
        assert (scope, sync_scope) is not None  # both scopes are still referenced
