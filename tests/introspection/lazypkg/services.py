from __future__ import annotations

from lazypkg.ports import Greeter

from dioxide import service


@service
class GreetingService:
    def __init__(self, greeter: Greeter) -> None:
        self.greeter = greeter

    def welcome(self, name: str) -> str:
        return self.greeter.greet(name)
