"""The dioxide pytest plugin: a ``container`` fixture, fresh and started for every test.

The profile comes from the nearest ``@pytest.mark.dioxide(profile=..., package=...)`` marker, else from the
``dioxide_profile`` / ``dioxide_package`` ini options, else ``test``. Async tests get a container started in
their own event loop (through pytest-asyncio); sync tests get one started on a private loop. A ``container``
fixture defined by the project itself takes precedence over this one.
"""

from __future__ import annotations

import dioxide._needs.pytest  # noqa: F401  (first: without pytest, the ImportError names the extra)

# isort: split

import inspect
from collections.abc import AsyncIterator, Iterator

import pytest

from dioxide._extras import missing
from dioxide._run.container import Container

_MARKER = "dioxide"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("dioxide_profile", "profile of the `container` fixture (default: test)", default="test")
    parser.addini("dioxide_package", "package the `container` fixture scans (default: every decorated class)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{_MARKER}(profile=None, package=None): choose the profile and package of the `container` fixture"
    )


def _new_container(request: pytest.FixtureRequest) -> Container:
    marker = request.node.get_closest_marker(_MARKER)
    options = dict(marker.kwargs) if marker is not None else {}
    if marker is not None and marker.args:
        options.setdefault("profile", marker.args[0])
    profile = options.get("profile") or request.config.getini("dioxide_profile") or "test"
    package = options.get("package") or request.config.getini("dioxide_package") or None
    container = Container()
    container.scan(package=package, profile=profile)
    return container


def _is_async_test(request: pytest.FixtureRequest) -> bool:
    function = getattr(request.node, "function", None)
    return function is not None and inspect.iscoroutinefunction(function)


@pytest.fixture
def container(request: pytest.FixtureRequest) -> Iterator[Container]:
    """A fresh container for this test's profile, started before the test and stopped after it."""
    if _is_async_test(request):
        if not request.config.pluginmanager.has_plugin("asyncio"):  # else: "fixture '...' not found"
            raise missing("pytest-asyncio (async tests with the `container` fixture run on it)", "testing")
        yield request.getfixturevalue("_dioxide_started_container")
        return
    with _new_container(request) as started:
        yield started


try:
    import pytest_asyncio
except ImportError:  # without pytest-asyncio, async tests cannot run anyway
    pass
else:

    @pytest_asyncio.fixture
    async def _dioxide_started_container(request: pytest.FixtureRequest) -> AsyncIterator[Container]:
        async with _new_container(request) as started:
            yield started
