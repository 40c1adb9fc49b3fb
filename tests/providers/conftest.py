"""Every test starts with empty decorator registries and a fresh global container.

Tests define their decorated classes inside the test function, so that nothing leaks from one test to the
next.
"""

from __future__ import annotations

from tests.isolation import isolated_dioxide  # noqa: F401 (autouse: fresh registries per test)
