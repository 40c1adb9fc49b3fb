"""Settings of the Ninja example: the API's app (whose ``ready()`` configures dioxide) and the middleware."""

from __future__ import annotations

SECRET_KEY = "example-only"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = ["examples.ninja.apps.ShopApiConfig"]
MIDDLEWARE = ["dioxide.ninja.DioxideMiddleware"]
ROOT_URLCONF = "examples.ninja.urls"
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
