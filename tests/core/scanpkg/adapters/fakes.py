from __future__ import annotations

from dioxide import Profile, adapter
from scanpkg.ports import Clock, Notifier


@adapter.for_(Notifier, profile=Profile.TEST)
class FakeNotifier:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def notify(self, message: str) -> None:
        self.sent.append(message)


@adapter.for_(Clock, profile=[Profile.TEST, Profile("edge")])
class FakeClock:
    def now(self) -> float:
        return 42.0
