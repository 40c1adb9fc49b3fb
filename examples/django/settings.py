"""Settings of the Django example: the shop app (whose ``ready()`` configures dioxide) and its middleware."""

from __future__ import annotations

SECRET_KEY = "example-only"
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = ["examples.django.apps.ShopConfig"]
MIDDLEWARE = ["dioxide.django.DioxideMiddleware"]
ROOT_URLCONF = "examples.django.urls"
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
REST_FRAMEWORK = {
    "UNAUTHENTICATED_USER": None,  # no django.contrib.auth in this example
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
