"""Shop tasks: each runs in a scope of its own, which the task function gets as its first argument.

The worker stops the container (the inventory's ``dispose()``) at warm shutdown. The broker and result
backend default to the local Redis; ``CELERY_BROKER_URL`` and ``CELERY_RESULT_BACKEND`` override them.
"""

from __future__ import annotations

import os

from celery import Celery

from dioxide import Container, ScopedContainer
from dioxide.celery import configure_dioxide, scoped_task
from examples.shop import PACKAGE, Basket, buy

app = Celery(
    "shop",
    broker=os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
    backend=os.environ.get("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/0"),
)
container = configure_dioxide(
    app, profile=os.environ.get("PROFILE", "development"), container=Container(), packages=[PACKAGE]
)


@scoped_task(app, name="shop.buy")
def buy_items(scope: ScopedContainer, sku: str, quantity: int) -> dict[str, int]:
    return buy(scope.resolve(Basket), sku, quantity)


@scoped_task(app, name="shop.stock")
async def stock(scope: ScopedContainer, sku: str) -> int:
    """An ``async def`` task: it runs on the container's lifecycle loop, where the inventory was started."""
    return scope.resolve(Basket).inventory.available(sku)
