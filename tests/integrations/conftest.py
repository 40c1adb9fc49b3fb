"""Every test starts with empty decorator registries and a fresh global container; `components` declares a
singleton and a REQUEST-scoped `@lifecycle` component that record what happens to them."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from tests.integrations.components import components  # noqa: F401 (fixture)
from tests.isolation import isolated_dioxide  # noqa: F401 (autouse: fresh registries per test)


@pytest.fixture(autouse=True)
def logging_left_as_found() -> Iterator[None]:
    """Celery's in-process worker sets the root logger's level (to ERROR) and leaves it: put it back."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    root.setLevel(level)
    root.handlers[:] = handlers
