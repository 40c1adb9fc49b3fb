from __future__ import annotations

from dioxide import Profile, adapter
from scanpkg.ports import Notifier


@adapter.for_(Notifier, profile=Profile.PRODUCTION)
class SmtpNotifier:
    def notify(self, message: str) -> None:
        raise RuntimeError("no SMTP server in tests")
