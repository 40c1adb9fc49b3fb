"""A sub-package whose ``__init__`` declares an adapter."""

from dioxide import Profile, adapter

from ..ports import Clock  # noqa: TID252 (relative import under test)


@adapter.for_(Clock, profile=Profile.ALL)
class SystemClock:
    def now(self) -> float:
        return 0.0
