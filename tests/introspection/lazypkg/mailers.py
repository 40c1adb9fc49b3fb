from __future__ import annotations

from lazypkg.ports import Mailer

from dioxide import Profile, adapter


@adapter.for_(Mailer, profile=Profile.PRODUCTION)
class SmtpMailer:
    def send(self, to: str) -> None: ...
