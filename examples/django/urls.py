"""The example's URLs: the sync view, the async view and the DRF view."""

from __future__ import annotations

from django.urls import path

from examples.django import views

urlpatterns = [
    path("stock/<str:sku>", views.stock),
    path("buy/<str:sku>/<int:quantity>", views.purchase),
    path("api/stock/<str:sku>", views.Stock.as_view()),
]
