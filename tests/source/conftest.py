"""The static readers' tests: packages on disk that are read, never imported.

``fixtures_scan`` (next to this file) and the ``tmpscan_*`` packages the tests write are made
importable, and any module ``find_spec`` had to import (the parents of a dotted name) is forgotten.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures_scan"


@pytest.fixture(autouse=True)
def fixture_packages_on_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.syspath_prepend(str(HERE))
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.startswith(("fixtures_scan", "tmpscan_")):
            del sys.modules[name]


def imported_under(package: str) -> list[str]:
    return sorted(name for name in sys.modules if name == package or name.startswith(package + "."))


def write_package(root: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> None:
    """Write ``files`` (relative path -> source) under ``root`` and make ``root`` importable."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    monkeypatch.syspath_prepend(str(root))
