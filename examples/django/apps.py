"""The shop's AppConfig: ``ready()`` is where a Django project configures dioxide, once, at startup."""

from __future__ import annotations

import os

from django.apps import AppConfig

from dioxide.django import configure_dioxide
from examples.shop import PACKAGE


class ShopConfig(AppConfig):
    name = "examples.django"
    label = "dioxide_shop"

    def ready(self) -> None:
        configure_dioxide(profile=os.environ.get("PROFILE", "development"), packages=[PACKAGE])
