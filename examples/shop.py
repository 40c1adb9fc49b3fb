"""The shop that every framework example (examples/flask, django, ninja, celery, click, typer) serves.

``Inventory`` is a singleton with a lifecycle (stock loaded at start, cleared at shutdown). ``Basket`` is
REQUEST-scoped with a lifecycle: opened when a request, task or command starts, and at its end either
committed (``checkout()`` was called) or thrown away, even when the handler raised.
"""

from __future__ import annotations

from typing import Protocol

from dioxide import Profile, Scope, adapter, lifecycle, service

PACKAGE = __name__
"""What the example applications scan (``packages=[PACKAGE]``)."""


class Inventory(Protocol):
    """Port: how many of each item are left."""

    def available(self, sku: str) -> int: ...

    def take(self, sku: str, quantity: int) -> None: ...


@adapter.for_(Inventory, profile=Profile.ALL)
@lifecycle
class MemoryInventory:
    """Adapter: the stock in a dict, filled at startup."""

    def __init__(self) -> None:
        self.stock: dict[str, int] = {}

    async def initialize(self) -> None:
        self.stock = {"apple": 10, "pear": 3}

    async def dispose(self) -> None:
        self.stock.clear()

    def available(self, sku: str) -> int:
        return self.stock.get(sku, 0)

    def take(self, sku: str, quantity: int) -> None:
        self.stock[sku] = self.available(sku) - quantity


class OutOfStock(Exception):
    pass


@service(scope=Scope.REQUEST)
@lifecycle
class Basket:
    """One request's purchases: nothing leaves the inventory unless ``checkout()`` runs."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self.lines: dict[str, int] = {}
        self.closed = False

    async def initialize(self) -> None:
        self.lines = {}

    async def dispose(self) -> None:
        self.lines.clear()  # an unfinished basket is dropped
        self.closed = True

    def add(self, sku: str, quantity: int) -> None:
        if self.inventory.available(sku) < self.lines.get(sku, 0) + quantity:
            raise OutOfStock(f"only {self.inventory.available(sku)} {sku} left")
        self.lines[sku] = self.lines.get(sku, 0) + quantity

    def checkout(self) -> dict[str, int]:
        """Take the basket's items from the inventory; returns what is left of each."""
        for sku, quantity in self.lines.items():
            self.inventory.take(sku, quantity)
        left = {sku: self.inventory.available(sku) for sku in self.lines}
        self.lines = {}
        return left


def buy(basket: Basket, sku: str, quantity: int) -> dict[str, int]:
    """What every example's "buy" endpoint, task or command does."""
    basket.add(sku, quantity)
    return basket.checkout()
