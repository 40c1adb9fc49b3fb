"""dioxide.testing.fresh_container: a scanned, started container per test, stopped afterwards."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Protocol

import pytest

import dioxide
import dioxide.testing
from dioxide import Container, Profile, adapter, lifecycle, service
from dioxide.testing import fresh_container


class EmailPort(Protocol):
    def send(self, to: str) -> None: ...


class DescribeFreshContainer:
    def it_is_exported_at_the_top_level(self) -> None:
        assert dioxide.fresh_container is fresh_container
        assert "fresh_container" in dioxide.testing.__all__

    async def it_yields_a_scanned_started_container_and_stops_it_after(self) -> None:
        events: list[str] = []

        @adapter.for_(EmailPort, profile=Profile.TEST)
        @lifecycle
        class FakeEmail:
            def __init__(self) -> None:
                self.sent: list[str] = []

            async def initialize(self) -> None:
                events.append("init")

            async def dispose(self) -> None:
                events.append("dispose")

            def send(self, to: str) -> None:
                self.sent.append(to)

        async with fresh_container(profile=Profile.TEST) as container:
            assert isinstance(container, Container)
            assert container.active_profile == Profile.TEST
            assert events == ["init"]
            container.resolve(EmailPort).send("ada@example.com")
            assert container.resolve(EmailPort).sent == ["ada@example.com"]
        assert events == ["init", "dispose"]

    async def it_gives_each_use_its_own_singletons(self) -> None:
        @adapter.for_(EmailPort, profile=Profile.TEST)
        class FakeEmail:
            def __init__(self) -> None:
                self.sent: list[str] = []

            def send(self, to: str) -> None:
                self.sent.append(to)

        async with fresh_container(profile=Profile.TEST) as first:
            first.resolve(EmailPort).send("ada@example.com")
        async with fresh_container(profile=Profile.TEST) as second:
            assert second is not first
            assert second.resolve(EmailPort).sent == []

    async def it_stops_the_container_when_the_body_raises(self) -> None:
        events: list[str] = []

        @service
        @lifecycle
        class Pool:
            async def initialize(self) -> None:
                events.append("init")

            async def dispose(self) -> None:
                events.append("dispose")

        with pytest.raises(AssertionError, match="test failed"):
            async with fresh_container(profile=Profile.TEST):
                raise AssertionError("test failed")
        assert events == ["init", "dispose"]

    async def it_scans_only_the_given_package(self) -> None:
        @service
        class Local:
            pass

        elsewhere = service(type("Elsewhere", (), {"__module__": "some_other_package.module"}))

        async with fresh_container(profile=Profile.TEST, package=__name__) as container:
            assert container.is_registered(Local)
            assert not container.is_registered(elsewhere)

    async def it_takes_every_decorated_class_without_a_profile(self) -> None:
        @adapter.for_(EmailPort, profile=Profile.PRODUCTION)
        class SmtpEmail:
            def send(self, to: str) -> None: ...

        async with fresh_container() as container:
            assert container.active_profile is None
            assert isinstance(container.resolve(EmailPort), SmtpEmail)

    async def it_refuses_to_start_an_invalid_graph(self) -> None:
        @service
        class Mailer:
            def __init__(self, email: EmailPort) -> None:
                self.email = email

        with pytest.raises(dioxide.ServiceNotFoundError, match="No adapter for EmailPort in profile 'test'"):
            async with fresh_container(profile=Profile.TEST):
                pass

    def it_works_without_pytest_installed(self) -> None:
        script = textwrap.dedent(
            """
            import asyncio
            import sys

            sys.modules["pytest"] = None  # importing pytest now raises ImportError

            import dioxide.testing
            from dioxide import Profile, lifecycle, service

            events = []


            @service
            @lifecycle
            class Pool:
                async def initialize(self):
                    events.append("init")

                async def dispose(self):
                    events.append("dispose")


            async def main():
                async with dioxide.testing.fresh_container(profile=Profile.TEST) as container:
                    assert container.resolve(Pool)
                print(events, hasattr(dioxide.testing, "dioxide_container"))


            asyncio.run(main())
            """
        )
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "['init', 'dispose'] False"
