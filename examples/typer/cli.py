"""The same shop with Typer: the scope parameter is hidden from Typer, which reads the rest of the signature."""

from __future__ import annotations

import os

import typer

from dioxide import ScopedContainer
from dioxide.click import configure_dioxide, with_scope
from examples.shop import PACKAGE, Basket, OutOfStock, buy

container = configure_dioxide(profile=os.environ.get("PROFILE", "development"), packages=[PACKAGE])
app = typer.Typer(help="A tiny shop.")


@app.command()
@with_scope(container)
def stock(scope: ScopedContainer, sku: str) -> None:
    """How many SKU are left."""
    typer.echo(f"{sku}: {scope.resolve(Basket).inventory.available(sku)}")


@app.command(name="buy")
@with_scope(container)
def buy_command(scope: ScopedContainer, sku: str, quantity: int) -> None:
    """Buy QUANTITY of SKU."""
    try:
        left = buy(scope.resolve(Basket), sku, quantity)
    except OutOfStock as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from error
    typer.echo(f"bought {quantity} {sku}, {left[sku]} left")


if __name__ == "__main__":
    app()
