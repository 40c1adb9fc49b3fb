"""What a ``scan(stats=True)`` did."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ScanStats:
    """Counts of newly registered components and imported modules, and the scan's duration."""

    services_registered: int
    adapters_registered: int
    modules_imported: int
    duration_ms: float


__all__ = ["ScanStats"]
