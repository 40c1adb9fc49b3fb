"""The pytest plugin (entry point ``dioxide``) and the dioxide 2.x fixtures of ``dioxide.testing``, exercised by
running small test sessions in a subprocess."""

from __future__ import annotations

import re
import textwrap

import pytest

INI = """
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
"""

APP = """
import asyncio
from pathlib import Path
from typing import Protocol

from dioxide import Container, Profile, adapter, lifecycle, service

LOG = Path(__file__).with_name("events.log")


def record(event: str) -> None:
    with LOG.open("a") as log:
        log.write(event + "\\n")


class Greeter(Protocol):
    def greet(self) -> str: ...


@adapter.for_(Greeter, profile=Profile.TEST)
class TestGreeter:
    def greet(self) -> str:
        return "test"


@adapter.for_(Greeter, profile=Profile.PRODUCTION)
class ProductionGreeter:
    def greet(self) -> str:
        return "production"


@adapter.for_(Greeter, profile="eu-west")
class EuGreeter:
    def greet(self) -> str:
        return "eu-west"


@service
@lifecycle
class Pool:
    def __init__(self) -> None:
        self.ready = False

    async def initialize(self) -> None:
        self.ready = True
        record(f"init {id(self)} loop {id(asyncio.get_running_loop())}")

    async def dispose(self) -> None:
        record(f"dispose {id(self)}")


class BrokenPort(Protocol):
    def use(self) -> None: ...


@adapter.for_(BrokenPort, profile="broken")
@lifecycle
class BrokenAdapter:
    def use(self) -> None: ...

    async def initialize(self) -> None:
        raise ConnectionRefusedError("database down")

    async def dispose(self) -> None: ...
"""


def _events(pytester: pytest.Pytester) -> list[str]:
    return (pytester.path / "events.log").read_text().splitlines()


class DescribeContainerFixture:
    def it_gives_every_test_a_fresh_started_container(self, pytester: pytest.Pytester) -> None:
        pytester.makeini(INI)
        pytester.makepyfile(app=APP)
        pytester.makepyfile(
            test_plugin=textwrap.dedent(
                """
                import asyncio

                import pytest

                from app import Greeter, Pool, record
                from dioxide import Container, Profile


                def test_sync(container):
                    assert isinstance(container, Container)
                    assert container.active_profile == Profile.TEST
                    assert container.resolve(Greeter).greet() == "test"
                    pool = container.resolve(Pool)
                    assert pool.ready
                    record(f"sync body {id(pool)}")


                async def test_async(container):
                    pool = container.resolve(Pool)
                    assert pool.ready
                    assert container.resolve(Greeter).greet() == "test"
                    record(f"async body {id(pool)} loop {id(asyncio.get_running_loop())}")


                @pytest.mark.dioxide(profile=Profile.PRODUCTION)
                def test_marker(container):
                    assert container.active_profile == Profile.PRODUCTION
                    assert container.resolve(Greeter).greet() == "production"


                @pytest.mark.dioxide("eu-west")
                async def test_positional_marker(container):
                    assert container.resolve(Greeter).greet() == "eu-west"


                @pytest.mark.dioxide(profile="production")
                class TestMarkedClass:
                    def test_sync_in_class(self, container):
                        assert container.resolve(Greeter).greet() == "production"

                    @pytest.mark.dioxide(profile="test")
                    async def test_closest_marker_wins(self, container):
                        assert container.resolve(Greeter).greet() == "test"


                @pytest.mark.dioxide(profile="broken")
                def test_failing_initialize(container):
                    raise AssertionError("the body never runs")
                """
            )
        )
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--strict-markers", "-v")
        result.assert_outcomes(passed=6, errors=1)
        result.stdout.fnmatch_lines(
            [
                "*test_plugin.py::test_sync PASSED*",
                "*test_plugin.py::test_async PASSED*",
                "*test_plugin.py::test_failing_initialize ERROR*",
                "*ConnectionRefusedError: database down*",
            ]
        )
        assert "the body never runs" not in result.stdout.str()

        events = _events(pytester)
        sync_init, sync_body, sync_dispose = events[0:3]
        sync_pool = sync_body.split()[2]
        assert sync_init.startswith(f"init {sync_pool} loop ")
        assert sync_dispose == f"dispose {sync_pool}"

        async_init, async_body, async_dispose = events[3:6]
        _, _, async_pool, _, async_loop = async_body.split()
        assert async_pool != sync_pool, "each test gets its own container"
        assert async_init == f"init {async_pool} loop {async_loop}", "started in the test's own event loop"
        assert async_dispose == f"dispose {async_pool}"

        initialized = [e for e in events if e.startswith("init")]
        disposed = [e for e in events if e.startswith("dispose")]
        assert len(initialized) == len(disposed) == 6

    def it_gives_way_to_a_container_fixture_of_the_project(self, pytester: pytest.Pytester) -> None:
        pytester.makeini(INI)
        pytester.makepyfile(app=APP)
        pytester.makeconftest(
            """
            import pytest

            from dioxide import Container, Profile


            @pytest.fixture
            def container():
                custom = Container(profile=Profile.PRODUCTION)
                custom.marked_by_project = True
                return custom
            """
        )
        pytester.makepyfile(
            test_own=textwrap.dedent(
                """
                from app import Greeter, Pool


                def test_sync(container):
                    assert container.marked_by_project
                    assert container.resolve(Greeter).greet() == "production"
                    assert not container.resolve(Pool).ready, "the project's fixture does not start it"


                async def test_async(container):
                    assert container.marked_by_project
                """
            )
        )
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
        result.assert_outcomes(passed=2)
        assert not (pytester.path / "events.log").exists()

    def it_names_the_testing_extra_when_async_tests_have_no_pytest_asyncio(self, pytester: pytest.Pytester) -> None:
        pytester.makepyfile(app=APP)
        pytester.makepyfile(
            test_no_asyncio=textwrap.dedent(
                """
                async def test_async(container):
                    pass


                def test_sync(container):
                    assert container.active_profile == "test"
                """
            )
        )
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:asyncio")
        result.assert_outcomes(passed=1, errors=1)
        message = (
            "ImportError: pytest-asyncio (async tests with the `container` fixture run on it) is not installed. "
            "Install it with: pip install dioxide[testing]"
        )
        result.stdout.re_match_lines([rf"E +{re.escape(message)}$"])
        result.stdout.no_fnmatch_line("*fixture '_dioxide_started_container' not found*")

    def it_reads_the_profile_and_package_from_the_ini_file(self, pytester: pytest.Pytester) -> None:
        pytester.makeini(INI + "dioxide_profile = production\ndioxide_package = app\n")
        pytester.makepyfile(app=APP)
        pytester.makepyfile(
            test_ini=textwrap.dedent(
                """
                import pytest

                from app import Greeter
                from dioxide import Profile, service


                @service
                class OutsideThePackage:
                    pass


                def test_profile_from_ini(container):
                    assert container.active_profile == Profile.PRODUCTION
                    assert container.resolve(Greeter).greet() == "production"
                    assert not container.is_registered(OutsideThePackage)


                @pytest.mark.dioxide(profile="test")
                async def test_marker_beats_ini(container):
                    assert container.resolve(Greeter).greet() == "test"


                @pytest.mark.dioxide(package="test_ini")
                def test_marker_package(container):
                    assert container.is_registered(OutsideThePackage)
                    assert not container.is_registered(Greeter)
                """
            )
        )
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
        result.assert_outcomes(passed=3)


class DescribeCompatibleFixtures:
    def it_provides_the_dioxide_2_fixtures(self, pytester: pytest.Pytester) -> None:
        pytester.makeini(INI)
        pytester.makepyfile(
            test_compat=textwrap.dedent(
                """
                from dioxide import Container, service

                pytest_plugins = ["dioxide.testing"]
                SEEN = []


                @service
                class Clock:
                    pass


                def test_dioxide_container_is_bare(dioxide_container):
                    assert type(dioxide_container) is Container
                    assert dioxide_container.active_profile is None
                    assert len(dioxide_container) == 0
                    dioxide_container.scan()
                    assert dioxide_container.is_registered(Clock)


                def test_fresh_container_fixture_is_bare_too(fresh_container_fixture):
                    assert type(fresh_container_fixture) is Container
                    assert len(fresh_container_fixture) == 0


                def test_function_fixtures_differ(dioxide_container, fresh_container_fixture):
                    assert dioxide_container is not fresh_container_fixture


                def test_session_one(dioxide_container_session):
                    SEEN.append(dioxide_container_session)


                def test_session_two(dioxide_container_session):
                    assert type(dioxide_container_session) is Container
                    assert SEEN == [dioxide_container_session]
                """
            )
        )
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
        result.assert_outcomes(passed=5)
