"""Ports (no decorated classes here: tests import this module to name the types)."""

from __future__ import annotations

from typing import Protocol


class Greeter(Protocol):
    def greet(self, name: str) -> str: ...


class Clock(Protocol):
    def now(self) -> int: ...


class Plugin(Protocol):
    def name(self) -> str: ...


class Mailer(Protocol):
    def send(self, to: str) -> None: ...
