"""Messages that point at the likely mistake: resolving an adapter class, a multi-binding port, a service
that implements a port, and several missing pieces in one resolution."""

from __future__ import annotations

from typing import Protocol

import pytest

from dioxide import AdapterNotFoundError, Container, Profile, ServiceNotFoundError, adapter, service


def lines(error: BaseException) -> list[str]:
    return str(error).splitlines()


class DescribeResolvingTheWrongThing:
    def it_tells_to_resolve_the_port_of_an_adapter_class(self) -> None:
        class EmailPort(Protocol):
            def send(self) -> None: ...

        @adapter.for_(EmailPort, profile=Profile.TEST)
        class FakeEmail:
            def send(self) -> None: ...

        with pytest.raises(ServiceNotFoundError) as caught:
            Container(profile=Profile.TEST).resolve(FakeEmail)
        assert lines(caught.value)[:2] == [
            "Service Not Found: Cannot resolve FakeEmail in profile 'test'",
            "  FakeEmail is an adapter: resolve its port (EmailPort) instead",
        ]

    def it_tells_to_resolve_the_list_of_a_multi_binding_port(self) -> None:
        class Plugin(Protocol):
            def run(self) -> None: ...

        @adapter.for_(Plugin, multi=True, priority=2)
        class Audit:
            def run(self) -> None: ...

        @adapter.for_(Plugin, multi=True, priority=1)
        class Metrics:
            def run(self) -> None: ...

        with pytest.raises(AdapterNotFoundError) as caught:
            Container(profile=Profile.TEST).resolve(Plugin)
        assert lines(caught.value)[:3] == [
            "Adapter Not Found: No adapter for Plugin in profile 'test'",
            "  Registered: Audit (*), Metrics (*)",
            "  Plugin has multi-binding adapters (Metrics, Audit): resolve list[Plugin]",
        ]

    def it_points_at_a_service_that_implements_the_missing_port(self) -> None:
        class EmailPort(Protocol):
            def send(self) -> None: ...

        @service
        class EmailService:
            def send(self) -> None: ...

        with pytest.raises(AdapterNotFoundError) as caught:
            Container(profile=Profile.TEST).resolve(EmailPort)
        assert lines(caught.value)[:3] == [
            "Adapter Not Found: No adapter for EmailPort in profile 'test'",
            "  Registered: none",
            "  Hint: EmailService is registered as @service but implements EmailPort: "
            "use @adapter.for_(EmailPort) instead",
        ]


class DescribeSeveralProblemsInOneResolution:
    def it_raises_the_first_as_its_own_type_and_lists_the_others(self) -> None:
        class Reader(Protocol): ...

        class Writer(Protocol): ...

        @service
        class Sync:
            def __init__(self, reader: Reader, writer: Writer) -> None: ...

        with pytest.raises(ServiceNotFoundError) as caught:
            Container(profile=Profile.TEST).resolve(Sync)
        assert lines(caught.value)[:9] == [
            "Service Not Found: Cannot resolve Sync -> Sync -> reader: Reader",
            "  Sync found for Sync (*)",
            "  Reader missing: No adapter for Reader in profile 'test'",
            "  Registered: none",
            "  Also: Cannot resolve Sync -> Sync -> writer: Writer",
            "    Sync found for Sync (*)",
            "    Writer missing: No adapter for Writer in profile 'test'",
            "    Registered: none",
            "",
        ]
