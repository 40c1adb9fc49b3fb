"""dioxide.ninja: DioxideMiddleware opens a scope per request for sync and async Ninja endpoints (WSGI and ASGI),
with 2.x's module globals (_container, _request_scope, _cleanup_scope) and without asyncio.run."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import AsyncClient, Client
from django.urls import path

import dioxide
import dioxide.ninja
from dioxide import Container, Profile, Scope, service
from dioxide.ninja import configure_dioxide, inject, shutdown_dioxide
from tests.integrations.components import Components
from tests.integrations.django_env import django_settings, serving, session_of

__all__ = ["django_settings"]  # the module-scoped fixture

MIDDLEWARE = "dioxide.ninja.DioxideMiddleware"


def _api() -> Any:
    from ninja import NinjaAPI  # reads Django's settings when imported

    return NinjaAPI(urls_namespace=f"api-{uuid.uuid4().hex}")


@pytest.fixture
def api(components: Components, django_settings: None) -> Iterator[Any]:
    api = _api()

    @api.get("/sync")
    def sync_endpoint(request: HttpRequest) -> dict[str, int]:
        session = inject(components.Session)
        assert inject(components.Session) is session
        threaded = getattr(dioxide.ninja._request_scope, "scope", None)  # set under WSGI only
        assert threaded is None or threaded.resolve(components.Session) is session
        return {"session": id(session)}

    @api.get("/async")
    async def async_endpoint(request: HttpRequest) -> dict[str, int]:
        session = inject(components.Session)
        await asyncio.sleep(0)
        assert inject(components.Session) is session
        return {"session": id(session)}

    @api.get("/fails")
    def failing(request: HttpRequest) -> dict[str, int]:
        inject(components.Session)
        raise ValueError("endpoint failed")

    configure_dioxide(api, profile=Profile.TEST)
    with serving([path("api/", api.urls)], middleware=MIDDLEWARE):
        yield api
    shutdown_dioxide()


class DescribeRequests:
    @pytest.mark.parametrize("url", ["/api/sync", "/api/async"])
    def it_shares_a_request_component_within_a_request_and_renews_it_in_the_next(
        self, api: Any, components: Components, url: str
    ) -> None:
        client = Client()
        one, two = session_of(client.get(url)), session_of(client.get(url))
        assert one != two
        assert [id(s) for s in components.closed] == [one, two]
        assert dioxide.ninja._request_scope.scope is None  # cleaned up by _cleanup_scope()

    @pytest.mark.parametrize("url", ["/api/sync", "/api/async"])
    async def it_serves_sync_and_async_endpoints_under_asgi(self, api: Any, components: Components, url: str) -> None:
        one, two = session_of(await AsyncClient().get(url)), session_of(await AsyncClient().get(url))
        assert one != two
        assert [id(s) for s in components.closed] == [one, two]

    def it_disposes_the_request_components_when_the_endpoint_raises(self, api: Any, components: Components) -> None:
        with pytest.raises(ValueError, match="endpoint failed"):
            Client().get("/api/fails")
        assert len(components.closed) == 1
        assert not components.closed[0].open

    def it_gives_each_of_8_concurrent_requests_its_own_scope(self, components: Components, api: Any) -> None:
        together = threading.Barrier(8, timeout=10)
        concurrent_api = _api()

        @concurrent_api.get("/concurrent")
        def concurrent(request: HttpRequest) -> dict[str, int]:
            session = inject(components.Session)
            together.wait()
            assert inject(components.Session) is session
            return {"session": id(session)}

        with serving([path("c/", concurrent_api.urls)], middleware=MIDDLEWARE), ThreadPoolExecutor(8) as pool:
            sessions = list(pool.map(lambda _: session_of(Client().get("/c/concurrent")), range(8), timeout=30))
        assert len(set(sessions)) == 8
        assert len(components.closed) == 8

    async def it_works_in_a_thread_whose_event_loop_is_running(self, api: Any, components: Components) -> None:
        session_of(Client().get("/api/sync"))
        assert len(components.closed) == 1


class DescribeConfiguration:
    def it_starts_the_global_container_into_the_module_global_and_the_api(
        self, api: Any, components: Components
    ) -> None:
        assert dioxide.ninja._container is dioxide.container
        assert api.dioxide_container is dioxide.container
        assert components.pool_events == ["initialize"]

    def it_disposes_the_singletons_once_at_shutdown(self, api: Any, components: Components) -> None:
        shutdown_dioxide()
        shutdown_dioxide()
        assert components.pool_events == ["initialize", "dispose"]

    def it_closes_the_threads_scope_with_cleanup_scope(self, components: Components) -> None:
        scope = Container(profile=Profile.TEST).create_scope()
        scope.__enter__()
        dioxide.ninja._request_scope.scope = dioxide.ninja._request_scope.scope_ctx = scope
        session = inject(components.Session)
        dioxide.ninja._cleanup_scope()
        assert components.closed == [session]
        assert dioxide.ninja._request_scope.scope is None
        dioxide.ninja._cleanup_scope()  # nothing left: does nothing


class DescribeMisuse:
    def it_explains_a_request_before_configure_dioxide(self, components: Components, django_settings: None) -> None:
        api = _api()
        api.get("/x")(lambda request: {})
        with serving([path("api/", api.urls)], middleware=MIDDLEWARE), pytest.raises(RuntimeError) as caught:
            Client().get("/api/x")
        assert str(caught.value).startswith("dioxide container not configured. Call dioxide.ninja.configure_dioxide(")

    def it_explains_inject_outside_a_request(self) -> None:
        with pytest.raises(RuntimeError) as caught:
            inject(object)
        assert str(caught.value).startswith(
            "No dioxide scope found for this request. Did you add 'dioxide.ninja.DioxideMiddleware' to MIDDLEWARE?"
        )


class DescribeRequestData:
    async def it_gives_a_request_component_the_django_request(self, django_settings: None) -> None:
        @service(scope=Scope.REQUEST)
        class Tenant:
            def __init__(self, request: HttpRequest) -> None:
                self.name = request.headers.get("X-Tenant", "public")

        api = _api()

        @api.get("/tenant")
        async def tenant(request: HttpRequest) -> dict[str, str]:
            return {"tenant": inject(Tenant).name}

        configure_dioxide(api, container=Container(profile=Profile.TEST))
        try:
            with serving([path("t/", api.urls)], middleware=MIDDLEWARE):
                answer = (await AsyncClient().get("/t/tenant", headers={"X-Tenant": "acme"})).json()
            assert answer == {"tenant": "acme"}
        finally:
            shutdown_dioxide()
