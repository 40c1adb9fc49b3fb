"""Annotations evaluated at definition time (no ``from __future__ import annotations``), and quoted ones."""

import typing
from typing import Optional, Protocol

import pytest

from dioxide import Container, ServiceNotFoundError, adapter, service


class Port(Protocol):
    def run(self) -> str: ...


def scanned() -> Container:
    c = Container()
    c.scan()
    return c


class DescribeRuntimeAnnotations:
    def it_injects_real_class_annotations(self) -> None:
        @service
        class Dep:
            pass

        @service
        class Svc:
            def __init__(self, dep: Dep, maybe: Optional[Dep], other: typing.Union[Dep, None] = None) -> None:  # noqa: UP007,UP045
                self.dep, self.maybe, self.other = dep, maybe, other

        c = scanned()
        svc = c.resolve(Svc)
        assert svc.dep is svc.maybe is svc.other is c.resolve(Dep)

    def it_resolves_quoted_forward_references_to_later_local_classes(self) -> None:
        @service
        class First:
            def __init__(self, later: "Later", maybe: "Later | None", plugins: "list[Port]") -> None:
                self.later, self.maybe, self.plugins = later, maybe, plugins

        @service
        class Later:
            pass

        @adapter.for_(Port, multi=True)
        class Plugin:
            def run(self) -> str:
                return "p"

        c = scanned()
        first = c.resolve(First)
        assert first.later is first.maybe is c.resolve(Later)
        assert [type(p) for p in first.plugins] == [Plugin]

    def it_resolves_a_quoted_module_level_name(self) -> None:
        @adapter.for_(Port)
        class Impl:
            def run(self) -> str:
                return "impl"

        @service
        class Svc:
            def __init__(self, port: "Port") -> None:
                self.port = port

        assert isinstance(scanned().resolve(Svc).port, Impl)

    def it_names_an_unreadable_quoted_annotation(self) -> None:
        @service
        class Broken:
            def __init__(self, thing: "Missing") -> None:  # type: ignore[name-defined]  # noqa: F821
                self.thing = thing

        with pytest.raises(ServiceNotFoundError) as caught:
            scanned().resolve(Broken)
        text = str(caught.value)
        assert text.startswith("Service Not Found: Cannot resolve Broken")
        assert "Missing" in text
        assert "thing" in text
