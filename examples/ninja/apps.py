"""The API's AppConfig: ``ready()`` configures dioxide once, with the ``NinjaAPI`` it serves."""

from __future__ import annotations

import os

from django.apps import AppConfig

from dioxide.ninja import configure_dioxide
from examples.shop import PACKAGE


class ShopApiConfig(AppConfig):
    name = "examples.ninja"
    label = "dioxide_shop_api"

    def ready(self) -> None:
        from examples.ninja.api import api  # Ninja reads the settings: import it once they are ready

        configure_dioxide(api, profile=os.environ.get("PROFILE", "development"), packages=[PACKAGE])
