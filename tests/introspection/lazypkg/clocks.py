from __future__ import annotations

from lazypkg.ports import Clock, Plugin

from dioxide import Profile, adapter


@adapter.for_(Clock, profile=Profile.TEST)
class FakeClock:
    def now(self) -> int:
        return 0


@adapter.for_(Plugin, multi=True, priority=1)
class AuditPlugin:
    def name(self) -> str:
        return "audit"
