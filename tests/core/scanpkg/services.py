from __future__ import annotations

from dioxide import service
from scanpkg.ports import Notifier


@service
class Greeter:
    def __init__(self, notifier: Notifier) -> None:
        self.notifier = notifier

    def greet(self, name: str) -> str:
        self.notifier.notify(f"hello {name}")
        return name
