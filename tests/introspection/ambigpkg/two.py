from __future__ import annotations

from ambigpkg.ports import Greeter

from dioxide import Profile, adapter


@adapter.for_(Greeter, profile=Profile.TEST)
class TwoGreeter:
    def greet(self, name: str) -> str:
        return "two"
