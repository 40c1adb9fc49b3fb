"""What a type checker sees: ports resolve without `type-abstract` errors, with their own type, and
`@lifecycle` on a class lacking `initialize`/`dispose` is flagged (mypy --strict, as users run it)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from mypy import api

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def mypy(tmp_path: Path, source: str) -> str:
    module = tmp_path / "sample.py"
    module.write_text(textwrap.dedent(source))
    stdout, stderr, _ = api.run(["--strict", "--no-incremental", "--cache-dir", str(tmp_path / ".cache"), str(module)])
    return stdout + stderr


class DescribeResolveTyping:
    def it_accepts_protocol_and_abc_ports_and_infers_their_type(self, tmp_path: Path) -> None:
        output = mypy(
            tmp_path,
            """
            from abc import ABC, abstractmethod
            from typing import Protocol

            from dioxide import Container


            class Port(Protocol):
                def f(self) -> int: ...


            class AbstractPort(ABC):
                @abstractmethod
                def g(self) -> int: ...


            container = Container()
            reveal_type(container.resolve(Port))
            reveal_type(container[AbstractPort])
            reveal_type(container.resolve(list[Port]))
            with container.create_scope() as scope:
                reveal_type(scope.resolve(Port))
            """,
        )
        assert "error" not in output, output
        assert 'Revealed type is "sample.Port"' in output
        assert 'Revealed type is "sample.AbstractPort"' in output
        assert 'Revealed type is "list[sample.Port]"' in output

    def it_flags_a_lifecycle_class_without_dispose(self, tmp_path: Path) -> None:
        output = mypy(
            tmp_path,
            """
            from dioxide import lifecycle


            @lifecycle
            class Incomplete:
                async def initialize(self) -> None: ...
            """,
        )
        assert 'Value of type variable "_L" of "lifecycle" cannot be "type[Incomplete]"' in output, output
