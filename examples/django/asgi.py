"""``uvicorn examples.django.asgi:application``: the same app, served async (the middleware runs async)."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django.settings")
application = get_asgi_application()
