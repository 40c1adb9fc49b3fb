"""Every test starts with empty decorator registries and a fresh global container.

Tests define their decorated classes inside the test function, so that nothing leaks from one test to the
next. The on-disk packages next to this file (``lazypkg``, ``strictpkg``, ``ambigpkg``) are made importable
by the ``packages`` fixture, which forgets their modules before and after each test.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.isolation import isolated_dioxide  # noqa: F401 (autouse: fresh registries per test)

HERE = Path(__file__).parent
PACKAGES = ("lazypkg", "strictpkg", "ambigpkg")


def imported(prefix: str) -> list[str]:
    """The modules of package ``prefix`` currently imported, sorted."""
    return sorted(name for name in sys.modules if name == prefix or name.startswith(prefix + "."))


def _forget_packages() -> None:
    for package in PACKAGES:
        for name in imported(package):
            del sys.modules[name]


@pytest.fixture
def packages(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The test packages are importable and not imported yet (their decorators will run again)."""
    monkeypatch.syspath_prepend(str(HERE))
    _forget_packages()
    yield
    _forget_packages()
