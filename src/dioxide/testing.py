"""Testing helpers: a fresh, started container per test, and the dioxide 2.x fixtures.

``fresh_container`` works without pytest. The pytest plugin (``dioxide.pytest_plugin``, registered through
an entry point, so installing dioxide is enough) adds a ``container`` fixture.
"""

from __future__ import annotations

from dioxide._declare.registry import isolated_registry
from dioxide._fresh import fresh_container
from dioxide._run.container import Container

try:
    import pytest
except ImportError:  # pytest is optional: fresh_container works without it
    pass
else:

    @pytest.fixture
    def dioxide_container() -> Container:
        """A bare, unscanned ``Container()`` (dioxide 2.x fixture); scan and start it as the test needs."""
        return Container()

    fresh_container_fixture = dioxide_container

    @pytest.fixture(scope="session")
    def dioxide_container_session() -> Container:
        """One bare ``Container()`` for the whole session (dioxide 2.x fixture)."""
        return Container()


__all__ = ["fresh_container", "isolated_registry"]
