"""The example's URLs: the API under ``/api/``."""

from __future__ import annotations

from django.urls import path

from examples.ninja.api import api

urlpatterns = [path("api/", api.urls)]
