"""The example applications (examples/flask, django, ninja, celery, click, typer), each driven through its
framework's own test client or runner: a purchase in one request, task or command leaves the stock changed for the
next; a basket (REQUEST-scoped) is closed after each; the inventory (singleton) is disposed at shutdown."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from celery.contrib.testing.worker import start_worker
from click.testing import CliRunner
from django.test import AsyncClient, Client, override_settings
from typer.testing import CliRunner as TyperRunner

import dioxide
import dioxide.django
import dioxide.ninja
import examples.celery.tasks
import examples.click.cli
import examples.typer.cli
from dioxide import Container, Profile
from dioxide.flask import shutdown_dioxide
from examples.flask.app import create_app
from examples.shop import Basket, Inventory
from tests.integrations.django_env import django_settings

__all__ = ["django_settings"]  # the module-scoped fixture


@pytest.fixture(autouse=True)
def isolated_dioxide() -> Iterator[None]:
    """Replaces the directory's fixture of that name: the examples' classes, registered at import, must stay.

    Each example leaves the global container stopped (checked here, before the reset that forgets it was started).
    """
    dioxide.reset_global_container()
    yield
    try:
        assert not dioxide.container.started
    finally:
        dioxide.reset_global_container()


@pytest.fixture
def baskets(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Basket]]:
    """Every basket opened during the test (they must all be closed at its end)."""
    opened: list[Basket] = []
    initialize = Basket.initialize

    async def recording(self: Basket) -> None:
        opened.append(self)
        await initialize(self)

    monkeypatch.setattr(Basket, "initialize", recording)
    yield opened
    assert all(basket.closed for basket in opened)


def _inventory(container: Container) -> Any:
    return container.resolve(Inventory)


def test_flask(baskets: list[Basket]) -> None:
    app = create_app(Profile.TEST)
    client = app.test_client()
    inventory = _inventory(app.config["dioxide_container"])
    assert client.post("/buy/apple/4").json == {"apple": 6}
    assert client.get("/stock/apple").json == {"apple": 6}
    assert client.post("/buy/pear/5").status_code == 409
    assert client.get("/stock/pear").json == {"pear": 3}
    assert len(baskets) == 4
    shutdown_dioxide(app)
    assert inventory.stock == {}


def _asgi(method: str, url: str) -> Any:
    """A request through Django's ASGI handler (the middleware runs async), from this sync test."""
    return async_to_sync(getattr(AsyncClient(), method))(url)


def _django_example(name: str) -> Any:
    example = __import__(f"examples.{name}.settings", fromlist=["*"])
    return override_settings(
        INSTALLED_APPS=example.INSTALLED_APPS,  # populating the apps runs ready(): configure_dioxide()
        MIDDLEWARE=example.MIDDLEWARE,
        ROOT_URLCONF=example.ROOT_URLCONF,
        ALLOWED_HOSTS=example.ALLOWED_HOSTS,
        REST_FRAMEWORK=getattr(example, "REST_FRAMEWORK", {}),
    )


def test_django_and_drf(django_settings: None, baskets: list[Basket]) -> None:
    with _django_example("django"):
        try:
            inventory = _inventory(dioxide.django._container)  # type: ignore[arg-type]
            assert _asgi("get", "/buy/apple/4").json() == {"apple": 6}  # async view, ASGI
            assert Client().get("/buy/apple/1").json() == {"apple": 5}  # async view, WSGI
            assert Client().get("/stock/apple").json() == {"apple": 5}
            assert Client().get("/api/stock/apple").json() == {"apple": 5}  # DRF APIView
            assert _asgi("get", "/api/stock/pear").json() == {"pear": 3}  # DRF APIView, ASGI
            assert Client().get("/buy/pear/5").status_code == 409
        finally:
            dioxide.django.shutdown_dioxide()
    assert len(baskets) == 6
    assert inventory.stock == {}


def test_ninja(django_settings: None, baskets: list[Basket]) -> None:
    with _django_example("ninja"):
        try:
            inventory = _inventory(dioxide.ninja._container)  # type: ignore[arg-type]
            assert _asgi("post", "/api/buy/apple/4").json() == {"apple": 6}
            assert Client().post("/api/buy/apple/1").json() == {"apple": 5}
            assert Client().get("/api/stock/apple").json() == {"apple": 5}
            assert Client().post("/api/buy/pear/5").status_code == 409
        finally:
            dioxide.ninja.shutdown_dioxide()
    assert len(baskets) == 4
    assert inventory.stock == {}


def test_celery(baskets: list[Basket]) -> None:
    app, container = examples.celery.tasks.app, examples.celery.tasks.container
    # Celery's in-process test worker, on its in-memory broker, polling often
    app.conf.update(
        broker_url="memory://", result_backend="cache+memory://", broker_transport_options={"polling_interval": 0.01}
    )
    inventory = _inventory(container)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        assert examples.celery.tasks.buy_items.delay("apple", 4).get(timeout=10, interval=0.01) == {"apple": 6}
        assert examples.celery.tasks.stock.delay("apple").get(timeout=10, interval=0.01) == 6
        worker.stop()  # a warm shutdown (the test worker's own exit is a cold one, which sends no signal)
    assert len(baskets) == 2
    assert inventory.stock == {}  # disposed at the worker's warm shutdown
    assert not container.started


def test_click(baskets: list[Basket]) -> None:
    runner = CliRunner()
    result = runner.invoke(examples.click.cli.shop, ["buy", "apple", "4"])
    assert result.output == "bought 4 apple, 6 left\n"
    assert not examples.click.cli.container.started  # stopped when the command line ended
    assert runner.invoke(examples.click.cli.shop, ["stock", "apple"]).output == "apple: 10\n"  # started afresh
    failed = runner.invoke(examples.click.cli.shop, ["buy", "pear", "5"])
    assert failed.exit_code == 1
    assert "only 3 pear left" in failed.output
    assert len(baskets) == 3


def test_typer(baskets: list[Basket]) -> None:
    runner = TyperRunner()
    result = runner.invoke(examples.typer.cli.app, ["buy", "apple", "4"])
    assert result.output == "bought 4 apple, 6 left\n"
    assert runner.invoke(examples.typer.cli.app, ["stock", "pear"]).output == "pear: 3\n"
    failed = runner.invoke(examples.typer.cli.app, ["buy", "pear", "5"])
    assert failed.exit_code == 1
    assert len(baskets) == 3
    assert not examples.typer.cli.container.started
