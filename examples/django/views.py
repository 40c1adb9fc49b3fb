"""A sync view, an async view and a DRF APIView, all taking the request's basket with ``inject``."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dioxide.django import inject
from examples.shop import Basket, OutOfStock, buy


def stock(request: HttpRequest, sku: str) -> JsonResponse:
    return JsonResponse({sku: inject(Basket).inventory.available(sku)})


async def purchase(request: HttpRequest, sku: str, quantity: int) -> JsonResponse:
    try:
        return JsonResponse(buy(inject(Basket), sku, quantity))
    except OutOfStock as error:
        return JsonResponse({"error": str(error)}, status=409)


class Stock(APIView):
    """The same as ``stock``, through Django REST framework."""

    def get(self, request: Request, sku: str) -> Response:
        return Response({sku: inject(Basket).inventory.available(sku)})
