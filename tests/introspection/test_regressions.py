"""Introspection and lazy-scan defects found while writing this suite; each test guards the fix in src/."""

from __future__ import annotations

import importlib
import warnings
from typing import Protocol

import pytest

from dioxide import AmbiguousAdapterError, Container, Profile, SideEffectWarning, adapter, service

from .conftest import imported


@pytest.mark.usefixtures("packages")
class DescribeLazyScanMatchesEagerScan:
    def it_refuses_two_adapters_for_one_port_as_the_eager_scan_does(self) -> None:
        """ambigpkg has two TEST adapters for Greeter, in two modules: an eager scan raises
        AmbiguousAdapterError; a lazy scan must not silently pick one of them at resolution."""
        lazy = Container()
        lazy.scan(package="ambigpkg", profile=Profile.TEST, lazy=True)
        ports = importlib.import_module("ambigpkg.ports")
        with pytest.raises(AmbiguousAdapterError, match="multiple adapters found \\(OneGreeter, TwoGreeter\\)"):
            lazy.resolve(ports.Greeter)

        with pytest.raises(AmbiguousAdapterError, match="multiple adapters found \\(OneGreeter, TwoGreeter\\)"):
            Container().scan(package="ambigpkg", profile=Profile.TEST)

    def it_collects_every_multi_binding_member_whatever_was_resolved_before(self) -> None:
        """lazypkg's Plugin members live in two modules (clocks.py also holds the Clock adapter). Resolving
        Clock first imports clocks.py only; list[Plugin] must still hold both members, as after an eager scan."""
        lazy = Container()
        lazy.scan(package="lazypkg", profile=Profile.TEST, lazy=True)
        ports = importlib.import_module("lazypkg.ports")
        lazy.resolve(ports.Clock)
        assert "lazypkg.metrics" not in imported("lazypkg")
        assert [p.name() for p in lazy.resolve(list[ports.Plugin])] == ["audit", "metrics"]


class DescribeExplainMultiBinding:
    def it_does_not_call_the_list_of_a_multi_binding_nonetype(self) -> None:
        class Plugin(Protocol):
            def run(self) -> None: ...

        @adapter.for_(Plugin, multi=True)
        class AuditPlugin:
            def run(self) -> None: ...

        @service
        class Host:
            def __init__(self, plugins: list[Plugin]) -> None:
                self.plugins = plugins

        text = Container(profile=Profile.TEST).explain(Host)
        plugins_line = next(line for line in text.splitlines() if "plugins: list[Plugin]" in line)
        assert "NoneType" not in plugins_line, text


@pytest.mark.usefixtures("packages")
class DescribeStrictScanWarnings:
    def it_attributes_each_warning_to_the_code_that_called_scan(self) -> None:
        """warnings.warn(stacklevel=4) is right for the package's own module only: warnings about submodules
        point into dioxide/container.py, so ``filterwarnings`` by module and the reported location are wrong."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            Container().scan(package="strictpkg", profile=Profile.TEST, strict=True)
        side_effects = [w for w in caught if issubclass(w.category, SideEffectWarning)]
        assert len(side_effects) == 2
        assert [w.filename for w in side_effects] == [__file__, __file__]
