"""A sync and an async endpoint, both taking the request's basket with ``inject``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from dioxide.ninja import inject
from examples.shop import Basket, OutOfStock, buy

api = NinjaAPI(title="Shop", urls_namespace="dioxide-shop")


@api.get("/stock/{sku}")
def stock(request: HttpRequest, sku: str) -> dict[str, int]:
    return {sku: inject(Basket).inventory.available(sku)}


@api.post("/buy/{sku}/{quantity}")
async def purchase(request: HttpRequest, sku: str, quantity: int) -> dict[str, int]:
    return buy(inject(Basket), sku, quantity)


@api.exception_handler(OutOfStock)
def out_of_stock(request: HttpRequest, error: OutOfStock) -> HttpResponse:
    return api.create_response(request, {"error": str(error)}, status=409)
