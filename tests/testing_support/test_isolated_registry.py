"""``dioxide.testing.isolated_registry``: empty registries inside, exactly the previous ones after."""

from __future__ import annotations

from typing import Protocol

from dioxide import _get_registered_components, adapter, lifecycle, service
from dioxide.adapter import _adapter_registry
from dioxide.lifecycle import _lifecycle_registry
from dioxide.testing import isolated_registry


class DescribeIsolatedRegistry:
    def it_empties_the_registries_inside_and_restores_them_after(self) -> None:
        class Port(Protocol): ...

        @service
        class Before: ...

        @adapter.for_(Port)
        @lifecycle
        class BeforeAdapter:
            async def initialize(self) -> None: ...

            async def dispose(self) -> None: ...

        with isolated_registry():
            assert _get_registered_components() == set()
            assert list(_adapter_registry) == []
            assert list(_lifecycle_registry) == []

            @service
            class Inside: ...

            assert _get_registered_components() == {Inside}

        assert _get_registered_components() == {Before}
        assert list(_adapter_registry) == [BeforeAdapter]
        assert list(_lifecycle_registry) == [BeforeAdapter]

    def it_restores_them_when_the_block_raises(self) -> None:
        @service
        class Kept: ...

        try:
            with isolated_registry():
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        assert _get_registered_components() == {Kept}
