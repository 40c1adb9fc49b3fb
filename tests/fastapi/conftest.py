"""Every FastAPI test starts with empty decorator registries and a fresh global container.

Tests define their decorated classes inside the test (or a fixture), so nothing leaks between tests.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

import dioxide

with warnings.catch_warnings():
    # starlette >= 1.x prefers `httpx2` for its TestClient and warns once, at import, when it finds `httpx`.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    import fastapi.testclient  # noqa: F401


@pytest.fixture(autouse=True)
def _isolated_registries() -> Iterator[None]:
    dioxide._clear_registry()
    dioxide.reset_global_container()
    yield
    dioxide._clear_registry()
    dioxide.reset_global_container()
