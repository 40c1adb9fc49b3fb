from __future__ import annotations

from typing import Protocol


class Greeter(Protocol):
    def greet(self, name: str) -> str: ...
