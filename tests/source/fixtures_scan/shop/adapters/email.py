"""Decorator aliases, ``from .. import ports`` and a profile computed at run time."""

import os

import dioxide
from dioxide import adapter as a

from .. import ports  # noqa: TID252 (relative import under test)

MAIL_PROFILE = os.environ.get("MAIL_PROFILE", "test")


@a.for_(ports.Mailer, profile="TEST")
class FakeMailer:
    def send(self, to: str) -> None:
        pass


@dioxide.adapter.for_(ports.Mailer, profile=MAIL_PROFILE)
class SmtpMailer:
    def send(self, to: str) -> None:
        pass
