"""Profiles select which adapters are active: one container, one profile."""

from __future__ import annotations

from typing import ClassVar, Final

_BUILTIN_NAMES: Final[dict[str, str]] = {
    "production": "PRODUCTION",
    "test": "TEST",
    "development": "DEVELOPMENT",
    "staging": "STAGING",
    "ci": "CI",
    "*": "ALL",
}


class Profile(str):
    """A profile name: a lower-cased string, so custom profiles are as easy as built-in ones.

    It is a plain ``str`` subclass (not an ``Enum``) so that ``Profile('eu-west')`` works and compares
    equal to ``'eu-west'``.
    """

    __slots__ = ()

    PRODUCTION: ClassVar[Profile]
    TEST: ClassVar[Profile]
    DEVELOPMENT: ClassVar[Profile]
    STAGING: ClassVar[Profile]
    CI: ClassVar[Profile]
    ALL: ClassVar[Profile]

    def __new__(cls, value: str) -> Profile:
        if not isinstance(value, str):
            raise TypeError(f"Profile value must be a str, got {type(value).__name__}")
        return super().__new__(cls, value.lower())

    def __str__(self) -> str:
        return _BUILTIN_NAMES.get(str.__str__(self), str.__str__(self))

    def __format__(self, format_spec: str) -> str:
        return format(str(self), format_spec)

    def __repr__(self) -> str:
        name = _BUILTIN_NAMES.get(str.__str__(self))
        return f"Profile.{name}" if name else f"Profile({str.__str__(self)!r})"

    @property
    def is_builtin(self) -> bool:
        return str.__str__(self) in _BUILTIN_NAMES


Profile.PRODUCTION = Profile("production")
Profile.TEST = Profile("test")
Profile.DEVELOPMENT = Profile("development")
Profile.STAGING = Profile("staging")
Profile.CI = Profile("ci")
Profile.ALL = Profile("*")

BUILTIN_PROFILE_VALUES: Final[frozenset[str]] = frozenset(_BUILTIN_NAMES)


def profile_value(profile: str) -> str:
    """The raw lower-cased value of a profile, bypassing Profile.__str__ (which gives the constant name)."""
    return str.__str__(profile).lower()


__all__ = ["Profile"]
