"""Render database URLs and driver messages without the password.

Every log line, repr and error message of this package goes through ``mask_url`` or ``scrub``: the seed
printed ``postgresql://user:secret@host/db`` at startup, which ends up in log aggregators.
"""

from __future__ import annotations

import dioxide._needs.sqlalchemy  # noqa: F401  (first: without sqlalchemy, the ImportError names the extra)

# isort: split

import re
from collections.abc import Iterable

from sqlalchemy.engine import URL, make_url

MASK = "***"
# Any query parameter whose name says secret: password, sslpassword, passwd, pwd, passphrase, secret, token...
_QUERY_SECRET = re.compile(r"(?i)((?:^|[?&;])[^=&;?]*(?:password|passwd|pwd|passphrase|secret|token)[^=&;]*=)[^&;]*")


def mask_url(url: str | URL) -> str:
    """The URL as text with its password replaced by ``***``; also for strings that do not parse as URLs.

    A password with an unencoded ``@`` makes SQLAlchemy read its tail as the host (``user:p@ss@host`` has host
    ``ss@host``); such a URL is masked up to its last ``@``, as libpq would split it.
    """
    if isinstance(url, URL):
        if is_ambiguous(url):
            text = _mask_unparsed(url.render_as_string(hide_password=False))
        else:
            text = url.render_as_string(hide_password=True)
    else:
        try:
            parsed = make_url(url)
        except Exception:
            text = _mask_unparsed(url)
        else:
            ambiguous = is_ambiguous(parsed, url)
            text = _mask_unparsed(url) if ambiguous else parsed.render_as_string(hide_password=True)
    return _QUERY_SECRET.sub(rf"\g<1>{MASK}", text)


def is_ambiguous(url: URL, text: str | None = None) -> bool:
    """Whether an unencoded ``@`` in the credentials spilled into the host or the database name.

    Given the ``text`` that ``url`` was parsed from, also whether it has more than one ``@`` before its query
    (which SQLAlchemy may have parsed without complaint, but not as the author meant).
    """
    if "@" in (url.host or "") or "@" in (url.database or ""):
        return True
    return text is not None and _userinfo(text).count("@") > 1


def _userinfo(text: str) -> str:
    """What lies between ``://`` and the query: where an ``@`` other than the credentials' own is suspect."""
    start = text.find("://")
    return text[start + 3 :].split("?", 1)[0] if start >= 0 else ""


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


__all__ = ["MASK", "is_ambiguous", "mask_url", "scrub", "url_password"]
