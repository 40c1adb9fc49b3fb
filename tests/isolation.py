"""One autouse fixture for the test directories whose tests decorate classes inside test functions.

A directory opts in by importing it in its conftest (``from tests.isolation import isolated_dioxide``).
Each test then starts with empty decorator registries and a fresh global container, and whatever was
registered before (the reference application's module-level classes) is put back afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import dioxide
from dioxide.testing import isolated_registry


@pytest.fixture(autouse=True)
def isolated_dioxide() -> Iterator[None]:
    with isolated_registry():
        dioxide.reset_global_container()
        yield
    dioxide.reset_global_container()
