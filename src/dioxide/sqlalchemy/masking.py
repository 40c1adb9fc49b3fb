"""Render database URLs and driver messages without the password.

Every log line, repr and error message of this package goes through ``mask_url`` or ``scrub``: the seed
printed ``postgresql://user:secret@host/db`` at startup, which ends up in log aggregators.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy.engine import URL, make_url

MASK = "***"
_QUERY_SECRET = re.compile(r"(?i)((?:^|[?&;])(?:password|passwd|pwd)=)[^&;]*")


def mask_url(url: str | URL) -> str:
    """The URL as text with its password replaced by ``***``; also for strings that do not parse as URLs."""
    if isinstance(url, URL):
        text = url.render_as_string(hide_password=True)
    else:
        try:
            text = make_url(url).render_as_string(hide_password=True)
        except Exception:
            text = _mask_unparsed(url)
    return _QUERY_SECRET.sub(rf"\g<1>{MASK}", text)


def _mask_unparsed(text: str) -> str:
    """Malformed URLs: hide what lies between ``user:`` and the last ``@``; text without ``://`` entirely."""
    scheme_end = text.find("://")
    if scheme_end < 0:
        return MASK
    start = scheme_end + 3
    at = text.rfind("@", start)
    if at < 0:
        return text
    colon = text.find(":", start, at)
    if colon < 0:
        return f"{text[:start]}{MASK}{text[at:]}"
    return f"{text[: colon + 1]}{MASK}{text[at:]}"


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every occurrence of each non-empty secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text


def url_password(url: str | URL) -> str | None:
    """The password of a URL, to scrub it from driver messages; ``None`` when there is none or it won't parse."""
    try:
        parsed = url if isinstance(url, URL) else make_url(url)
    except Exception:
        return None
    password = parsed.password
    return None if password is None else str(password)


__all__ = ["MASK", "mask_url", "scrub", "url_password"]
