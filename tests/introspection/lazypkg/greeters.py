from __future__ import annotations

from lazypkg.ports import Greeter

from dioxide import Profile, adapter


@adapter.for_(Greeter, profile=Profile.TEST)
class FakeGreeter:
    def greet(self, name: str) -> str:
        return f"hello {name}"


@adapter.for_(Greeter, profile=Profile.PRODUCTION)
class LoudGreeter:
    def greet(self, name: str) -> str:
        return f"HELLO {name.upper()}"
