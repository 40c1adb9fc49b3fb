"""dioxide.django: DioxideMiddleware opens a scope per request in sync (WSGI) and async (ASGI) mode, inject(T) works
in sync and async views, the container is started by configure_dioxide() and stopped by shutdown_dioxide() or at
exit, and nothing runs asyncio.run."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.http import HttpRequest, JsonResponse
from django.test import AsyncClient, Client
from django.urls import path
from django.views import View

import dioxide
import dioxide.django
from dioxide import Container, Profile, Scope, lifecycle, service
from dioxide.django import configure_dioxide, inject, shutdown_dioxide
from tests.integrations.components import Components
from tests.integrations.django_env import django_settings, serving, session_of
from tests.integrations.scripts import lines, run_program

__all__ = ["django_settings"]  # the module-scoped fixture


def _session_view(components: Components) -> Any:
    def view(request: HttpRequest) -> JsonResponse:
        session = inject(components.Session)
        assert inject(components.Session) is session
        assert session.open
        return JsonResponse({"session": id(session), "pool": id(session.pool)})

    return view


@pytest.fixture
def routes(components: Components, django_settings: None) -> Iterator[Components]:
    async def async_view(request: HttpRequest) -> JsonResponse:
        session = inject(components.Session)
        await asyncio.sleep(0)
        assert inject(components.Session) is session
        assert session.open
        return JsonResponse({"session": id(session), "pool": id(session.pool)})

    def failing(request: HttpRequest) -> JsonResponse:
        inject(components.Session)
        raise ValueError("view failed")

    class ClassView(View):
        def get(self, request: HttpRequest) -> JsonResponse:
            return JsonResponse({"session": id(inject(components.Session))})

    patterns = [
        path("sync", _session_view(components)),
        path("async", async_view),
        path("fails", failing),
        path("class", ClassView.as_view()),
    ]
    configure_dioxide(profile=Profile.TEST)
    with serving(patterns):
        yield components
    shutdown_dioxide()


class DescribeSyncRequests:
    def it_shares_a_request_component_within_a_request_and_renews_it_in_the_next(self, routes: Components) -> None:
        client = Client()
        one, two = session_of(client.get("/sync")), session_of(client.get("/class"))
        assert one != two
        assert [id(s) for s in routes.closed] == [one, two]
        assert not any(session.open for session in routes.closed)
        assert routes.closed[0].pool is routes.closed[1].pool

    def it_disposes_the_request_components_when_the_view_raises(self, routes: Components) -> None:
        with pytest.raises(ValueError, match="view failed"):
            Client().get("/fails")
        assert Client(raise_request_exception=False).get("/fails").status_code == 500
        assert len(routes.closed) == 2
        assert routes.closed == routes.opened

    def it_gives_each_of_8_concurrent_requests_its_own_scope(self, routes: Components) -> None:
        together = threading.Barrier(8, timeout=10)

        def view(request: HttpRequest) -> JsonResponse:
            session = inject(routes.Session)
            together.wait()
            assert inject(routes.Session) is session
            assert dioxide.django._request_scope.scope.resolve(routes.Session) is session  # the 2.x thread-local
            return JsonResponse({"session": id(session)})

        with serving([path("concurrent", view)]), ThreadPoolExecutor(8) as pool:
            sessions = list(pool.map(lambda _: session_of(Client().get("/concurrent")), range(8), timeout=30))
        assert len(set(sessions)) == 8
        assert len(routes.closed) == 8

    async def it_works_in_a_thread_whose_event_loop_is_running(self, routes: Components) -> None:
        session_of(Client().get("/sync"))
        assert len(routes.closed) == 1
        assert routes.closed[0].loop is not asyncio.get_running_loop()  # initialized on the container's loop

    def it_serves_async_views_under_wsgi(self, routes: Components) -> None:
        session_of(Client().get("/async"))
        assert len(routes.closed) == 1


class DescribeAsyncRequests:
    async def it_opens_the_scope_on_the_requests_own_loop_for_async_views(self, routes: Components) -> None:
        client = AsyncClient()
        one, two = session_of(await client.get("/async")), session_of(await client.get("/async"))
        assert one != two
        assert [id(s) for s in routes.closed] == [one, two]
        assert routes.closed[0].loop is asyncio.get_running_loop()

    async def it_serves_sync_views_under_asgi(self, routes: Components) -> None:
        session_of(await AsyncClient().get("/sync"))
        session_of(await AsyncClient().get("/class"))
        assert len(routes.closed) == 2

    async def it_disposes_the_request_components_when_an_async_view_raises(self, routes: Components) -> None:
        async def failing(request: HttpRequest) -> JsonResponse:
            inject(routes.Session)
            raise ValueError("async view failed")

        with serving([path("fails", failing)]):
            with pytest.raises(ValueError, match="async view failed"):
                await AsyncClient().get("/fails")
        assert len(routes.closed) == 1

    async def it_gives_each_of_8_concurrent_async_requests_its_own_scope(self, routes: Components) -> None:
        together = asyncio.Barrier(8)

        async def view(request: HttpRequest) -> JsonResponse:
            session = inject(routes.Session)
            await asyncio.wait_for(together.wait(), 10)  # all 8 requests are inside their views at once
            assert inject(routes.Session) is session
            return JsonResponse({"session": id(session)})

        with serving([path("concurrent", view)]):
            responses = await asyncio.gather(*(AsyncClient().get("/concurrent") for _ in range(8)))
        assert len({session_of(response) for response in responses}) == 8
        assert len(routes.closed) == 8


class DescribeConfiguration:
    def it_starts_the_global_container_into_the_2x_module_global(self, routes: Components) -> None:
        assert dioxide.django._container is dioxide.container
        assert routes.pool_events == ["initialize"]

    def it_disposes_the_singletons_once_at_shutdown(self, routes: Components) -> None:
        shutdown_dioxide()
        shutdown_dioxide()
        assert routes.pool_events == ["initialize", "dispose"]
        assert dioxide.django._container is None

    def it_uses_the_container_it_is_given(self, components: Components, django_settings: None) -> None:
        container = Container()
        assert configure_dioxide(profile="test", container=container) is container
        try:
            assert dioxide.django._container is container
            assert container.started
        finally:
            shutdown_dioxide()
        assert not container.started

    def it_reads_a_scope_set_by_hand_on_the_thread_local_as_2x_tests_do(self, components: Components) -> None:
        with Container(profile=Profile.TEST).create_scope() as scope:
            dioxide.django._request_scope.scope = scope
            try:
                assert inject(components.Session) is scope.resolve(components.Session)
            finally:
                dioxide.django._request_scope.scope = None

    def it_sends_the_response_when_a_dispose_fails_and_logs_the_failure(
        self, routes: Components, caplog: pytest.LogCaptureFixture
    ) -> None:
        @service(scope=Scope.REQUEST)
        @lifecycle
        class Leaky:
            async def initialize(self) -> None:
                pass

            async def dispose(self) -> None:
                raise OSError("cannot close")

        def view(request: HttpRequest) -> JsonResponse:
            inject(Leaky)
            return JsonResponse({})

        dioxide.container.scan(profile=Profile.TEST)  # Leaky was declared after the start
        with serving([path("leaky", view)]), caplog.at_level(logging.ERROR, "dioxide"):
            assert Client().get("/leaky").status_code == 200
        assert "cannot close" in caplog.text

    def it_stops_the_container_at_exit(self) -> None:
        done = run_program(
            """
            from django.conf import settings
            settings.configure()
            from dioxide import Profile
            from dioxide.django import configure_dioxide

            configure_dioxide(profile=Profile.TEST)
            print("configured", flush=True)
            """
        )
        assert lines(done) == ["pool initialize", "configured", "pool dispose"]


class DescribeMisuse:
    def it_explains_a_request_before_configure_dioxide(self, components: Components, django_settings: None) -> None:
        with serving([path("sync", _session_view(components))]), pytest.raises(RuntimeError) as caught:
            Client().get("/sync")
        assert str(caught.value).startswith("dioxide container not configured. Call dioxide.django.configure_dioxide(")

    async def it_explains_an_async_request_before_configure_dioxide(
        self, components: Components, django_settings: None
    ) -> None:
        with serving([path("sync", _session_view(components))]), pytest.raises(RuntimeError) as caught:
            await AsyncClient().get("/sync")
        assert str(caught.value).startswith("dioxide container not configured.")

    def it_explains_inject_without_the_middleware(self, routes: Components) -> None:
        with serving([path("sync", _session_view(routes))], middleware="django.middleware.common.CommonMiddleware"):
            with pytest.raises(RuntimeError) as caught:
                Client().get("/sync")
        assert str(caught.value).startswith(
            "No dioxide scope found for this request. Did you add 'dioxide.django.DioxideMiddleware' to MIDDLEWARE?"
        )


class DescribeRequestData:
    def it_gives_a_request_component_the_django_request(self, django_settings: None) -> None:
        @service(scope=Scope.REQUEST)
        class Tenant:
            def __init__(self, request: HttpRequest) -> None:
                self.name = request.headers.get("X-Tenant", "public")

        def view(request: HttpRequest) -> JsonResponse:
            tenant = inject(Tenant)
            return JsonResponse({"tenant": tenant.name, "same": tenant.name == request.headers.get("X-Tenant")})

        configure_dioxide(container=Container(profile=Profile.TEST))
        try:
            with serving([path("tenant", view)]):
                answer = Client().get("/tenant", headers={"X-Tenant": "acme"}).json()
            assert answer == {"tenant": "acme", "same": True}
        finally:
            shutdown_dioxide()

    async def it_gives_it_to_async_views_too(self, django_settings: None) -> None:
        @service(scope=Scope.REQUEST)
        class Tenant:
            def __init__(self, request: HttpRequest) -> None:
                self.name = request.headers.get("X-Tenant", "public")

        async def view(request: HttpRequest) -> JsonResponse:
            return JsonResponse({"tenant": inject(Tenant).name})

        configure_dioxide(container=Container(profile=Profile.TEST))
        try:
            with serving([path("tenant", view)]):
                answer = (await AsyncClient().get("/tenant", headers={"X-Tenant": "initech"})).json()
            assert answer == {"tenant": "initech"}
        finally:
            shutdown_dioxide()
