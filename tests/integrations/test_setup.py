"""What every configure_dioxide() shares (dioxide._integration): scanning for one profile, and the stop at exit."""

from __future__ import annotations

import sys

import pytest

from dioxide import Container, Profile
from dioxide.django import configure_dioxide, shutdown_dioxide
from tests.integrations.components import Components
from tests.integrations.scripts import run_program


class DescribeScanning:
    def it_refuses_a_container_scanned_for_another_profile(self, components: Components) -> None:
        container = Container(profile=Profile.PRODUCTION)
        with pytest.raises(RuntimeError) as caught:
            configure_dioxide(profile=Profile.TEST, container=container)
        assert str(caught.value) == (
            "dioxide: configure_dioxide() was given profile=Profile.TEST, but its container was already scanned "
            "for Profile.PRODUCTION; pass one profile (or pass the container without a profile)"
        )
        assert not container.started

    def it_keeps_a_container_scanned_beforehand(self, components: Components) -> None:
        container = Container()
        container.register_instance(int, 42)  # the config-injection pattern: registered before the scan
        container.scan(profile=Profile.TEST)
        assert configure_dioxide(container=container) is container
        try:
            assert container.resolve(int) == 42
            assert container.active_profile == Profile.TEST
        finally:
            shutdown_dioxide()

    def it_scans_only_the_packages_it_is_given(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delitem(sys.modules, "tests.integrations.scan_package", raising=False)  # registers on import
        container = Container()
        configure_dioxide(profile=Profile.TEST, container=container, packages="tests.integrations.scan_package")
        try:
            assert [key.__name__ for key in container.list_registered()] == ["OnlyHere"]
        finally:
            shutdown_dioxide()


class DescribeStopAtExit:
    @pytest.mark.parametrize("strict", [False, True], ids=["default", "raise_dispose_errors"])
    def it_logs_a_dispose_failure_at_exit_and_still_exits_cleanly(self, strict: bool) -> None:
        done = run_program(
            f"""
            from dioxide import Container, Profile, lifecycle, service
            from dioxide.django import configure_dioxide

            @service
            @lifecycle
            class Broken:
                async def initialize(self) -> None:
                    pass

                async def dispose(self) -> None:
                    raise OSError("cannot close")

            configure_dioxide(profile=Profile.TEST, container=Container(raise_dispose_errors={strict}))
            """
        )
        assert done.returncode == 0
        assert done.stdout.splitlines() == ["pool initialize", "pool dispose"]  # the others were still disposed
        assert "Error disposing component Broken: OSError('cannot close')" in done.stderr  # logged as it happens
        assert "Traceback" in done.stderr
        # a strict container raises the group at the end: stopping at exit logs it rather than failing the exit
        assert ("dioxide: stopping the container at exit failed" in done.stderr) is strict
