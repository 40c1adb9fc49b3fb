"""Another port named ``Repository``."""

from typing import Protocol


class Repository(Protocol):
    def orders(self) -> list[str]: ...
