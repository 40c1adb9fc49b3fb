"""Django REST framework: APIView, ViewSet and @api_view use dioxide.django.inject under DioxideMiddleware."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import AsyncClient, Client
from django.urls import include, path

from dioxide import Profile
from dioxide.django import configure_dioxide, inject, shutdown_dioxide
from tests.integrations.components import Components
from tests.integrations.django_env import django_settings, serving, session_of

__all__ = ["django_settings"]  # the module-scoped fixture


@pytest.fixture
def routes(components: Components, django_settings: None) -> Iterator[Components]:
    # DRF reads Django's settings when imported
    from rest_framework.decorators import api_view
    from rest_framework.request import Request
    from rest_framework.response import Response
    from rest_framework.routers import SimpleRouter
    from rest_framework.views import APIView
    from rest_framework.viewsets import ViewSet

    def twice() -> dict[str, int]:
        session = inject(components.Session)
        assert inject(components.Session) is session
        assert session.open
        return {"session": id(session)}

    class Orders(APIView):
        def get(self, request: Request) -> Response:
            return Response(twice())

    class Items(ViewSet):
        def list(self, request: Request) -> Response:
            return Response(twice())

        def retrieve(self, request: Request, pk: str) -> Response:
            inject(components.Session)
            raise ValueError(f"item {pk} failed")

    @api_view(["GET"])
    def health(request: Request) -> Response:
        return Response(twice())

    router = SimpleRouter()
    router.register("items", Items, basename="items")
    configure_dioxide(profile=Profile.TEST)
    with serving([path("orders", Orders.as_view()), path("health", health), path("", include(router.urls))]):
        yield components
    shutdown_dioxide()


class DescribeDRFViews:
    @pytest.mark.parametrize("url", ["/orders", "/items/", "/health"], ids=["APIView", "ViewSet", "api_view"])
    def it_shares_a_request_component_within_a_request_and_renews_it_in_the_next(
        self, routes: Components, url: str
    ) -> None:
        client = Client()
        one, two = session_of(client.get(url)), session_of(client.get(url))
        assert one != two
        assert [id(s) for s in routes.closed] == [one, two]

    def it_disposes_the_request_components_when_a_viewset_action_raises(self, routes: Components) -> None:
        with pytest.raises(ValueError, match="item 7 failed"):
            Client().get("/items/7/")
        assert len(routes.closed) == 1
        assert not routes.closed[0].open

    async def it_serves_drf_views_under_asgi(self, routes: Components) -> None:
        for url in ("/orders", "/items/", "/health"):
            session_of(await AsyncClient().get(url))
        assert len(routes.closed) == 3
