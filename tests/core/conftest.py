"""Every core test starts with empty decorator registries and a fresh global container.

Tests define their decorated classes inside the test function (as dioxide 2.x's own suite does), so that
nothing leaks from one test to the next.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.isolation import isolated_dioxide  # noqa: F401 (autouse: fresh registries per test)

CORE_DIR = Path(__file__).parent
SCAN_PACKAGE = "scanpkg"


def _forget_modules(prefix: str) -> None:
    for name in [n for n in sys.modules if n == prefix or n.startswith(prefix + ".")]:
        del sys.modules[name]


@pytest.fixture
def scanpkg(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The name of the on-disk test package ``tests/core/scanpkg``, importable and not yet imported.

    Its modules are forgotten before and after the test, so that each scan imports them afresh and their
    decorators register the classes again (the registries were cleared).
    """
    monkeypatch.syspath_prepend(str(CORE_DIR))
    _forget_modules(SCAN_PACKAGE)
    yield SCAN_PACKAGE
    _forget_modules(SCAN_PACKAGE)
