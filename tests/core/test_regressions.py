"""Defects found in src/dioxide while writing the core suite: each test failed before its fix and guards it now.

One test per defect (a few check two sides of the same defect). Each test's docstring says what was wrong.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol

import pytest

import dioxide
from dioxide import (
    AdapterNotFoundError,
    CaptiveDependencyError,
    Container,
    Profile,
    Scope,
    ServiceNotFoundError,
    adapter,
    lifecycle,
    service,
)


class Reader(Protocol):
    def read(self) -> str: ...


class Writer(Protocol):
    def write(self, value: str) -> None: ...


class Plugin(Protocol):
    def run(self) -> None: ...


def dioxide_note(error: BaseException) -> str:
    notes = [n for n in getattr(error, "__notes__", []) if n.startswith("dioxide: raised while resolving ")]
    assert len(notes) == 1, getattr(error, "__notes__", [])
    return notes[0]


class DescribeInjectionRules:
    def it_never_injects_a_required_any_parameter(self) -> None:
        """``typing.Any`` is a class on Python 3.11+, so it is taken for an injectable type."""

        @service
        class Loose:
            def __init__(self, anything: Any) -> None:
                self.anything = anything

        c = Container()
        c.scan()
        with pytest.raises(ServiceNotFoundError, match=r"Loose requires anything: Any, which dioxide never injects"):
            c.resolve(Loose)

    def it_never_passes_none_for_a_required_positional_only_primitive(self) -> None:
        """A skipped positional-only parameter without default was passed ``None`` instead of being left out."""

        @service
        class Dep:
            pass

        @service
        class Strict:
            def __init__(self, name: str, dep: Dep, /) -> None:
                self.name, self.dep = name, dep

        c = Container()
        c.scan()
        with pytest.raises(ServiceNotFoundError, match=r"Strict requires name: str, which dioxide never injects"):
            c.resolve(Strict)


class DescribeScanValidation:
    def it_keeps_the_active_profile_when_a_scan_is_rejected(self) -> None:
        """``scan()`` sets the profile before checking ``allowed_packages`` and importing the package."""
        c = Container(allowed_packages=["myapp"], profile=Profile.PRODUCTION)
        with pytest.raises(ValueError, match="not in allowed_packages"):
            c.scan(package="os", profile=Profile.TEST)
        assert c.active_profile == Profile.PRODUCTION

        d = Container(profile=Profile.PRODUCTION)
        with pytest.raises(ImportError, match="not found"):
            d.scan(package="dioxide_no_such_package", profile=Profile.TEST)
        assert d.active_profile == Profile.PRODUCTION

    def it_rejects_at_scan_a_singleton_adapter_of_several_ports_holding_a_request_component(self) -> None:
        """The scan-time captive check skips the hidden shared binding of a class bound to several ports."""

        @service(scope=Scope.REQUEST)
        class RequestContext:
            pass

        @adapter.for_(Reader)
        @adapter.for_(Writer)
        class Store:
            def __init__(self, ctx: RequestContext) -> None:
                self.ctx = ctx

            def read(self) -> str:
                return ""

            def write(self, value: str) -> None: ...

        with pytest.raises(CaptiveDependencyError, match=r"RequestContext \(REQUEST\)"):
            Container().scan()

    def it_counts_nothing_new_when_rescanning_multi_bindings(self) -> None:
        """A rescan re-registers every multi-binding member and counts them as new adapters again."""

        @adapter.for_(Plugin, multi=True)
        class One:
            def run(self) -> None: ...

        @adapter.for_(Plugin, multi=True)
        class Two:
            def run(self) -> None: ...

        c = Container()
        first = c.scan(stats=True)
        second = c.scan(stats=True)
        assert first is not None
        assert second is not None
        assert first.adapters_registered == 2
        assert second.adapters_registered == 0


class DescribeCaptiveMessages:
    def it_names_the_singleton_when_a_shared_adapter_holds_a_request_component_through_a_factory(self) -> None:
        """The chain drops the hidden shared binding, so the message blames a FACTORY for depending on REQUEST."""

        @service(scope=Scope.REQUEST)
        class RequestContext:
            pass

        @service(scope=Scope.FACTORY)
        class Session:
            def __init__(self, ctx: RequestContext) -> None:
                self.ctx = ctx

        @adapter.for_(Reader)
        @adapter.for_(Writer)
        class Store:
            def __init__(self, session: Session) -> None:
                self.session = session

            def read(self) -> str:
                return ""

            def write(self, value: str) -> None: ...

        c = Container()
        c.scan()
        with pytest.raises(CaptiveDependencyError) as caught:
            c.resolve(Reader)
        text = str(caught.value)
        assert "(SINGLETON)" in text
        assert "Store" in text or "Reader" in text
        assert "FACTORY cannot depend on REQUEST" not in text
        assert caught.value.context["parent_scope"] == "singleton"

    def it_names_the_request_member_of_an_injected_list(self) -> None:
        """A singleton holding ``list[Port]`` with a REQUEST member is told it 'cannot depend on FACTORY'."""

        @adapter.for_(Plugin, multi=True, scope=Scope.REQUEST)
        class PerRequest:
            def run(self) -> None: ...

        @service
        class Host:
            def __init__(self, plugins: list[Plugin]) -> None:
                self.plugins = plugins

        with pytest.raises(CaptiveDependencyError) as caught:
            c = Container()
            c.scan()
            c.resolve(Host)
        text = str(caught.value)
        assert "PerRequest" in text
        assert "REQUEST" in text
        assert "cannot depend on FACTORY" not in text


class DescribeErrorTypes:
    def it_raises_service_not_found_for_a_service_with_two_missing_dependencies(self) -> None:
        """Two problems give a ContainerValidationError, which ``except ServiceNotFoundError`` does not catch."""

        @service
        class Notifications:
            def __init__(self, reader: Reader, writer: Writer) -> None:
                self.reader, self.writer = reader, writer

        c = Container(profile=Profile.TEST)
        with pytest.raises(ServiceNotFoundError) as caught:
            c.resolve(Notifications)
        text = str(caught.value)
        assert text.startswith("Service Not Found: Cannot resolve Notifications")
        assert "reader: Reader" in text
        assert "writer: Writer" in text


class DescribeResolutionNotes:
    def it_notes_the_class_that_raised_when_siblings_share_an_inherited_init(self) -> None:
        """The note is traced by code object; two classes sharing one ``__init__`` get the first one's name."""

        class Base:
            def __init__(self) -> None:
                if type(self).__name__ == "Second":
                    raise RuntimeError("second fails")

        @service(scope=Scope.FACTORY)
        class First(Base):
            pass

        @service(scope=Scope.FACTORY)
        class Second(Base):
            pass

        @service
        class Both:
            def __init__(self, first: First, second: Second) -> None:
                self.first, self.second = first, second

        c = Container()
        c.scan()
        with pytest.raises(RuntimeError, match="second fails") as caught:
            c.resolve(Both)
        assert "Both -> Second" in dioxide_note(caught.value)

    @pytest.mark.parametrize("method", ["register_class", "register_factory"])
    def it_notes_the_manual_key_when_a_registered_class_raises(self, method: str) -> None:
        """A class registered as a transient factory has no ``__code__``, so the chain stops at its dependent."""

        class Gateway:
            pass

        class BrokenGateway(Gateway):
            def __init__(self) -> None:
                raise ConnectionError("gateway down")

        @service
        class Checkout:
            def __init__(self, gateway: Gateway) -> None:
                self.gateway = gateway

        c = Container()
        getattr(c, method)(Gateway, BrokenGateway)
        c.scan()
        with pytest.raises(ConnectionError) as caught:
            c.resolve(Checkout)
        assert "Checkout -> Gateway" in dioxide_note(caught.value)


class DescribeMessagesNameUserTypes:
    def it_names_a_shared_adapter_by_its_class(self) -> None:
        """An adapter bound to several ports shows up as the internal key ``Store(shared)``."""

        class Database:
            pass

        @adapter.for_(Reader, profile=Profile.TEST)
        @adapter.for_(Writer, profile=Profile.TEST)
        class Store:
            def __init__(self, db: Database) -> None:
                self.db = db

            def read(self) -> str:
                return ""

            def write(self, value: str) -> None: ...

        c = Container(profile=Profile.TEST)
        with pytest.raises(AdapterNotFoundError) as caught:
            c.resolve(Reader)
        assert "  Store found for Reader (test)" in str(caught.value).split("\n")
        assert "(shared)" not in str(caught.value)

    def it_notes_a_shared_adapter_failure_without_internal_keys(self) -> None:
        @adapter.for_(Reader)
        @adapter.for_(Writer)
        class Store:
            def __init__(self) -> None:
                raise OSError("disk full")

            def read(self) -> str:
                return ""

            def write(self, value: str) -> None: ...

        @service
        class Report:
            def __init__(self, writer: Writer) -> None:
                self.writer = writer

        c = Container()
        c.scan()
        with pytest.raises(OSError) as caught:
            c.resolve(Report)
        note = dioxide_note(caught.value)
        assert "Report -> Writer" in note
        assert "(shared)" not in note

    def it_names_a_list_parameter_by_its_short_type_name(self) -> None:
        """``list[Port]`` annotations are printed with their repr: module path and ``<locals>`` included."""

        class Database:
            pass

        @adapter.for_(Plugin, multi=True)
        class NeedsDb:
            def __init__(self, db: Database) -> None:
                self.db = db

            def run(self) -> None: ...

        @service
        class Host:
            def __init__(self, plugins: list[Plugin]) -> None:
                self.plugins = plugins

        c = Container()
        c.scan()
        with pytest.raises(ServiceNotFoundError) as caught:
            c.resolve(Host)
        first_line = str(caught.value).split("\n")[0]
        assert "plugins: list[Plugin]" in first_line
        assert "<locals>" not in first_line

    def it_names_the_member_when_resolving_a_list_fails(self) -> None:
        """Resolving ``list[Port]`` whose member misses a dependency says ``NoneType found for list[Plugin]``."""

        class Database:
            pass

        @adapter.for_(Plugin, multi=True)
        class NeedsDb:
            def __init__(self, db: Database) -> None:
                self.db = db

            def run(self) -> None: ...

        c = Container()
        c.scan()
        with pytest.raises(AdapterNotFoundError) as caught:
            c.resolve(list[Plugin])
        assert "NoneType" not in str(caught.value)
        assert "NeedsDb" in str(caught.value)


class DescribeSharedInstances:
    def it_shares_one_instance_between_a_single_port_and_a_multi_port_of_one_class(self) -> None:
        """A singleton class active for port A (single) and port B (multi) is built twice: once per binding kind."""

        @adapter.for_(Reader)
        @adapter.for_(Plugin, multi=True)
        class AuditLog:
            def read(self) -> str:
                return ""

            def run(self) -> None: ...

        c = Container()
        c.scan()
        assert c.resolve(Reader) is c.resolve(list[Plugin])[0]


class DescribeCompatibilitySurface:
    def it_names_the_class_in_lifecycle_validation_errors(self) -> None:
        """The messages use ``__qualname__``: ``Describe...<locals>.NoInit must implement ...``."""

        class NoInit:
            async def dispose(self) -> None: ...

        with pytest.raises(TypeError) as caught:
            lifecycle(NoInit)  # type: ignore[type-var]
        assert str(caught.value) == "NoInit must implement initialize() method"

    def it_exports_the_scan_plan_names_at_top_level(self) -> None:
        """§1.1 lists ``ScanPlan``, ``ServiceInfo`` and ``AdapterInfo`` in ``dioxide.__all__``."""
        from dioxide.scan_plan import AdapterInfo, ScanPlan, ServiceInfo

        assert {"ScanPlan", "ServiceInfo", "AdapterInfo"} <= set(dioxide.__all__)
        assert (dioxide.ScanPlan, dioxide.ServiceInfo, dioxide.AdapterInfo) == (ScanPlan, ServiceInfo, AdapterInfo)  # type: ignore[attr-defined]

    def it_keeps_the_internal_primitive_types_of_the_container_module(self) -> None:
        """§1.2 lists the internal ``dioxide.container._PRIMITIVE_TYPES`` frozenset."""
        module = importlib.import_module("dioxide.container")
        primitives = getattr(module, "_PRIMITIVE_TYPES", None)
        assert isinstance(primitives, frozenset)
        assert primitives >= {str, int, float, bool, bytes, list, dict, set, tuple, frozenset}
