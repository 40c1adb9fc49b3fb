"""The main port."""

from typing import Protocol


class Repository(Protocol):
    def load(self) -> str: ...
