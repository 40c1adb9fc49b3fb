"""A ``shop`` command group: each command gets a scope (and so a basket) of its own.

The container starts here and stops when the command line has run (the outermost context closes).
"""

from __future__ import annotations

import os

import click

from dioxide import ScopedContainer
from dioxide.click import configure_dioxide, with_scope
from examples.shop import PACKAGE, Basket, OutOfStock, buy

container = configure_dioxide(profile=os.environ.get("PROFILE", "development"), packages=[PACKAGE])


@click.group()
def shop() -> None:
    """A tiny shop."""


@shop.command()
@click.argument("sku")
@with_scope(container)
def stock(scope: ScopedContainer, sku: str) -> None:
    """How many SKU are left."""
    click.echo(f"{sku}: {scope.resolve(Basket).inventory.available(sku)}")


@shop.command(name="buy")
@click.argument("sku")
@click.argument("quantity", type=int)
@with_scope(container)
def buy_command(scope: ScopedContainer, sku: str, quantity: int) -> None:
    """Buy QUANTITY of SKU."""
    try:
        left = buy(scope.resolve(Basket), sku, quantity)
    except OutOfStock as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"bought {quantity} {sku}, {left[sku]} left")


if __name__ == "__main__":
    shop()
