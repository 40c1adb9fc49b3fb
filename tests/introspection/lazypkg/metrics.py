from __future__ import annotations

from lazypkg.ports import Plugin

from dioxide import adapter


@adapter.for_(Plugin, multi=True, priority=2)
class MetricsPlugin:
    def name(self) -> str:
        return "metrics"
