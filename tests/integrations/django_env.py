"""Django configured for one test module and unconfigured again after it, so that nothing leaks.

``settings.configure(...)`` happens once per module (``django_settings`` fixture); each test then serves its
own URLs and middleware with ``override_settings`` (``serving``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

MIDDLEWARE = "dioxide.django.DioxideMiddleware"
BASE_SETTINGS: dict[str, Any] = {
    "DEBUG": False,
    "SECRET_KEY": "dioxide-tests",
    "ALLOWED_HOSTS": ["testserver"],
    "INSTALLED_APPS": [],
    "DATABASES": {},
    "MIDDLEWARE": [],
    "ROOT_URLCONF": "tests.integrations.django_env",
    "USE_TZ": True,
    "REST_FRAMEWORK": {
        "UNAUTHENTICATED_USER": None,
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": [],
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    },
    "LOGGING_CONFIG": None,
}

urlpatterns: list[Any] = []  # the placeholder ROOT_URLCONF


@pytest.fixture(scope="module")
def django_settings() -> Iterator[None]:
    import django
    from django.conf import settings
    from django.utils.functional import empty

    if settings.configured:  # configured by someone else: leave it to them
        yield
        return
    settings.configure(**BASE_SETTINGS)
    django.setup()
    try:
        yield
    finally:
        settings._wrapped = empty


class URLs:
    """A ROOT_URLCONF object (Django accepts any object with ``urlpatterns``)."""

    def __init__(self, patterns: list[Any]) -> None:
        self.urlpatterns = patterns


def session_of(response: Any) -> int:
    """The ``"session"`` a view answered with (the id of its request's Session), once it answered 200."""
    assert response.status_code == 200, response.content
    return int(response.json()["session"])


@contextlib.contextmanager
def serving(patterns: list[Any], middleware: str = MIDDLEWARE) -> Iterator[None]:
    from django.test import override_settings

    with override_settings(
        ROOT_URLCONF=URLs(patterns),
        MIDDLEWARE=[middleware],
        ALLOWED_HOSTS=BASE_SETTINGS["ALLOWED_HOSTS"],
        REST_FRAMEWORK=BASE_SETTINGS["REST_FRAMEWORK"],  # also when someone else configured Django
    ):
        yield
