"""Every test starts with empty decorator registries and a fresh global container.

Tests define their decorated classes inside the test function, so that nothing leaks from one test to the
next.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import dioxide


@pytest.fixture(autouse=True)
def _isolated_registries() -> Iterator[None]:
    dioxide._clear_registry()
    dioxide.reset_global_container()
    yield
    dioxide._clear_registry()
    dioxide.reset_global_container()
