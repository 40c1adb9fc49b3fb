"""Telling a mistyped profile at construction: ``Container(profile="prodution")`` would otherwise match nothing.

The known profiles are the built-in ones and every profile a decorator declared so far; nothing here changes
what the container does.
"""

from __future__ import annotations

import difflib
import logging

from dioxide._declare.registry import (
    adapter_registry,
    provider_registrations,
    provider_registry,
    registrations_of,
    service_profiles,
    service_registry,
)
from dioxide.profile_enum import BUILTIN_PROFILE_VALUES

logger = logging.getLogger("dioxide")


def known_profiles() -> set[str]:
    """The built-in profiles and every profile a decorated class or provider function declares."""
    known = set(BUILTIN_PROFILE_VALUES)
    for cls in adapter_registry:
        for registration in registrations_of(cls):
            known |= registration.profiles
    for function in provider_registry:
        for provided in provider_registrations(function):
            known |= provided.profiles
    for cls in service_registry:
        known |= service_profiles(cls)
    return known


def warn_if_unknown(profile: str) -> None:
    """Log a warning naming the known profiles (and the closest one) when no decorator mentions ``profile``."""
    known = known_profiles()
    if profile in known:
        return
    choices = sorted(known - {"*"})
    closest = difflib.get_close_matches(profile, choices, n=1)
    logger.warning(
        "Profile '%s' is not declared by any decorator seen so far, so only profile-agnostic components "
        "(@service, Profile.ALL adapters) are active. Known profiles: %s.%s",
        profile,
        ", ".join(choices),
        f" Did you mean '{closest[0]}'?" if closest else "",
    )


__all__ = ["known_profiles", "warn_if_unknown"]
