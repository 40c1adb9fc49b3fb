"""Database settings read from the environment and validated before any connection is made.

``SQLAlchemyDatabase`` reads them itself unless the container holds a ``DatabaseSettings`` instance (register
one to configure the database in code or in tests). Every problem is a ``DatabaseConfigError`` that names the
variable and shows the URL with its password masked.

| variable | meaning | default |
|---|---|---|
| ``DATABASE_URL`` | the (primary) database | ``sqlite+aiosqlite:///./dioxide.db`` |
| ``DATABASE_PRIMARY_URL`` | alias of ``DATABASE_URL`` (the two must agree when both are set) | |
| ``DATABASE_REPLICA_URL`` / ``DATABASE_REPLICA_URLS`` | read replicas (the latter comma-separated) | none |
| ``DB_POOL_SIZE`` / ``DB_MAX_OVERFLOW`` | pool size and extra connections (server databases) | 5 / 10 |
| ``DB_POOL_TIMEOUT`` | seconds to wait for a pooled connection | 30 |
| ``DB_POOL_RECYCLE`` | seconds after which a connection is replaced (unset: never) | |
| ``DB_CONNECT_TIMEOUT`` | seconds for the startup readiness check and each new connection | 10 |
| ``DB_STATEMENT_TIMEOUT`` | seconds a statement may run (PostgreSQL, MariaDB; the client gives up 1 s later) | 30 |
| ``DB_LOCK_TIMEOUT`` | seconds a statement may wait for a lock (SQLite: the busy timeout) | 5 |
| ``DB_ECHO`` | log every SQL statement (``true``/``false``) | false |
| ``RUN_MIGRATIONS`` | at startup: ``true`` upgrades to head, ``verify`` refuses to start unless at head | false |
| ``ALEMBIC_CONFIG`` | the Alembic configuration file (``alembic.ini``, or a ``pyproject.toml``) | ``alembic.ini`` |
| ``ALEMBIC_SCRIPT_LOCATION`` | the migrations folder (``path`` or ``package:folder``), overriding the file's | |
| ``MIGRATION_LOCK_TIMEOUT`` | seconds to wait for another instance's migration before giving up | 60 |
"""

from __future__ import annotations

import dioxide._needs.sqlalchemy  # noqa: F401  (first: without sqlalchemy, the ImportError names the extra)

# isort: split

import math
import os
from collections.abc import Iterable, Mapping
from typing import Final, Literal

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, make_url

from dioxide.sqlalchemy.errors import DatabaseConfigError
from dioxide.sqlalchemy.masking import is_ambiguous, mask_url

DEFAULT_URL: Final = "sqlite+aiosqlite:///./dioxide.db"

DATABASE_URL: Final = "DATABASE_URL"
DATABASE_PRIMARY_URL: Final = "DATABASE_PRIMARY_URL"
DATABASE_REPLICA_URL: Final = "DATABASE_REPLICA_URL"
DATABASE_REPLICA_URLS: Final = "DATABASE_REPLICA_URLS"
DB_POOL_SIZE: Final = "DB_POOL_SIZE"
DB_MAX_OVERFLOW: Final = "DB_MAX_OVERFLOW"
DB_POOL_TIMEOUT: Final = "DB_POOL_TIMEOUT"
DB_POOL_RECYCLE: Final = "DB_POOL_RECYCLE"
DB_CONNECT_TIMEOUT: Final = "DB_CONNECT_TIMEOUT"
DB_STATEMENT_TIMEOUT: Final = "DB_STATEMENT_TIMEOUT"
DB_LOCK_TIMEOUT: Final = "DB_LOCK_TIMEOUT"
DB_ECHO: Final = "DB_ECHO"
RUN_MIGRATIONS: Final = "RUN_MIGRATIONS"
ALEMBIC_CONFIG: Final = "ALEMBIC_CONFIG"
ALEMBIC_SCRIPT_LOCATION: Final = "ALEMBIC_SCRIPT_LOCATION"
MIGRATION_LOCK_TIMEOUT: Final = "MIGRATION_LOCK_TIMEOUT"

MigrationMode = Literal["off", "upgrade", "verify"]
"""What ``initialize()`` does with migrations: nothing, ``alembic upgrade heads``, or refuse unless at head."""

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})
_VERIFY = "verify"

# The asynchronous driver to suggest when a URL names a synchronous one (or none).
_ASYNC_DRIVERS: Final = {
    "postgresql": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
    "mysql": "mysql+aiomysql",
    "mariadb": "mariadb+aiomysql",
    "oracle": "oracle+oracledb_async",
    "mssql": "mssql+aioodbc",
}
_INSTALL_HINTS: Final = {
    "asyncpg": "pip install 'dioxide[postgres]'",
    "aiosqlite": "pip install 'dioxide[sqlalchemy]'",
}
_URL_SHAPE = "dialect+driver://user:password@host:port/database, e.g. postgresql+asyncpg://app@127.0.0.1:5432/app"


class DatabaseSettings:
    """Validated connection settings: URLs (kept as SQLAlchemy ``URL`` objects, which mask on ``str``), pool.

    Construct directly (``DatabaseSettings(url="sqlite+aiosqlite:///app.db")``) or from the environment with
    ``DatabaseSettings.from_env()``. Invalid values raise ``DatabaseConfigError`` at construction.
    """

    __slots__ = (
        "alembic_config",
        "alembic_script_location",
        "connect_timeout",
        "echo",
        "lock_timeout",
        "max_overflow",
        "migration_lock_timeout",
        "migration_mode",
        "pool_recycle",
        "pool_size",
        "pool_timeout",
        "replica_urls",
        "statement_timeout",
        "url",
    )

    def __init__(
        self,
        url: str | URL = DEFAULT_URL,
        *,
        replica_urls: Iterable[str | URL] = (),
        pool_size: int = 5,
        max_overflow: int = 10,
        pool_timeout: float = 30.0,
        pool_recycle: int | None = None,
        connect_timeout: float = 10.0,
        statement_timeout: float = 30.0,
        lock_timeout: float = 5.0,
        echo: bool = False,
        run_migrations: bool | Literal["verify"] = False,
        alembic_config: str | os.PathLike[str] | None = None,
        alembic_script_location: str | None = None,
        migration_lock_timeout: float = 60.0,
    ) -> None:
        self.url: URL = parse_database_url(url, variable=DATABASE_URL)
        self.replica_urls: tuple[URL, ...] = tuple(
            parse_database_url(replica, variable=DATABASE_REPLICA_URLS) for replica in replica_urls
        )
        self.pool_size = _check_int(pool_size, DB_POOL_SIZE, minimum=1)
        self.max_overflow = _check_int(max_overflow, DB_MAX_OVERFLOW, minimum=0)
        self.pool_timeout = check_seconds(pool_timeout, DB_POOL_TIMEOUT)
        self.pool_recycle = None if pool_recycle is None else _check_int(pool_recycle, DB_POOL_RECYCLE, minimum=1)
        self.connect_timeout = check_seconds(connect_timeout, DB_CONNECT_TIMEOUT)
        self.statement_timeout = check_seconds(statement_timeout, DB_STATEMENT_TIMEOUT)
        self.lock_timeout = check_seconds(lock_timeout, DB_LOCK_TIMEOUT)
        self.echo = bool(echo)
        self.migration_mode: MigrationMode = _migration_mode(run_migrations)
        self.alembic_config: str | None = None if alembic_config is None else os.fspath(alembic_config)
        self.alembic_script_location = alembic_script_location or None
        self.migration_lock_timeout = check_seconds(migration_lock_timeout, MIGRATION_LOCK_TIMEOUT)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, require_url: bool = False) -> DatabaseSettings:
        """Settings from environment variables (``os.environ`` unless a mapping is given); see the module doc.

        ``require_url=True`` (what a production adapter passes) refuses to fall back on the local SQLite file
        when ``DATABASE_URL`` is unset: a deployment that forgot it must not start on an empty local database.
        """
        env = os.environ if environ is None else environ
        url = _read_url(env, require_url)
        replicas = [env[DATABASE_REPLICA_URL].strip()] if env.get(DATABASE_REPLICA_URL, "").strip() else []
        replicas += [item.strip() for item in env.get(DATABASE_REPLICA_URLS, "").split(",") if item.strip()]
        recycle = env.get(DB_POOL_RECYCLE, "").strip()
        return cls(
            url,
            replica_urls=dict.fromkeys(replicas),
            pool_size=_parse_int(env, DB_POOL_SIZE, 5),
            max_overflow=_parse_int(env, DB_MAX_OVERFLOW, 10),
            pool_timeout=parse_seconds(env, DB_POOL_TIMEOUT, 30.0),
            pool_recycle=_parse_int(env, DB_POOL_RECYCLE, 0) if recycle else None,
            connect_timeout=parse_seconds(env, DB_CONNECT_TIMEOUT, 10.0),
            statement_timeout=parse_seconds(env, DB_STATEMENT_TIMEOUT, 30.0),
            lock_timeout=parse_seconds(env, DB_LOCK_TIMEOUT, 5.0),
            echo=_parse_bool(env, DB_ECHO),
            run_migrations=_parse_migrations(env),
            alembic_config=env.get(ALEMBIC_CONFIG, "").strip() or None,
            alembic_script_location=env.get(ALEMBIC_SCRIPT_LOCATION, "").strip() or None,
            migration_lock_timeout=parse_seconds(env, MIGRATION_LOCK_TIMEOUT, 60.0),
        )

    @property
    def run_migrations(self) -> bool:
        """Whether ``initialize()`` upgrades the schema (``RUN_MIGRATIONS=true``; ``verify`` only checks it)."""
        return self.migration_mode == "upgrade"

    @property
    def masked_url(self) -> str:
        return mask_url(self.url)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    def __repr__(self) -> str:
        replicas = ", ".join(repr(mask_url(replica)) for replica in self.replica_urls)
        return (
            f"DatabaseSettings(url={self.masked_url!r}, replica_urls=[{replicas}], pool_size={self.pool_size}, "
            f"max_overflow={self.max_overflow}, pool_timeout={self.pool_timeout}, "
            f"pool_recycle={self.pool_recycle}, connect_timeout={self.connect_timeout}, "
            f"statement_timeout={self.statement_timeout}, lock_timeout={self.lock_timeout}, echo={self.echo}, "
            f"migrations={self.migration_mode!r})"
        )

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DatabaseSettings):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]  # mutable settings are not dictionary keys


def parse_database_url(url: str | URL, *, variable: str = DATABASE_URL) -> URL:
    """Parse and check a URL: syntax, a known dialect, an asynchronous driver that is installed.

    Raises ``DatabaseConfigError`` naming ``variable``; the URL in the message has its password masked.
    """
    if isinstance(url, URL):
        parsed = url
    else:
        text = url.strip()
        if not text:
            raise DatabaseConfigError(f"{variable} is empty; expected {_URL_SHAPE}", variable=variable)
        try:
            parsed = make_url(text)
        except (sa_exc.ArgumentError, ValueError) as error:
            raise DatabaseConfigError(
                f"{variable} is not a valid database URL: {mask_url(text)!r} ({_reason(error)}); expected {_URL_SHAPE}",
                variable=variable,
            ) from None
    shown = mask_url(url)
    if is_ambiguous(parsed, url if isinstance(url, str) else None):
        raise DatabaseConfigError(
            f"{variable} has an '@' in its user name or password, which makes the host ambiguous ({shown!r}): "
            "percent-encode it as %40 (and ':' as %3A, '/' as %2F)",
            variable=variable,
        )
    backend = parsed.get_backend_name()
    if backend == "postgres":
        raise DatabaseConfigError(
            f"{variable} uses the scheme 'postgres', which SQLAlchemy does not know: write "
            f"'postgresql+asyncpg://...' instead (got {shown!r})",
            variable=variable,
        )
    try:
        dialect = parsed.get_dialect()
    except (sa_exc.NoSuchModuleError, sa_exc.ArgumentError):
        raise DatabaseConfigError(
            f"{variable} names an unknown database dialect or driver {parsed.drivername!r} (in {shown!r}); "
            f"asynchronous drivers look like {', '.join(sorted(_ASYNC_DRIVERS.values()))}",
            variable=variable,
        ) from None
    if not getattr(dialect, "is_async", False):
        suggestion = _ASYNC_DRIVERS.get(backend)
        hint = f"use {suggestion!r}" if suggestion else "use an asynchronous driver"
        raise DatabaseConfigError(
            f"{variable} names the synchronous driver {parsed.drivername!r} ({shown!r}); dioxide.sqlalchemy "
            f"runs on asyncio: {hint}",
            variable=variable,
        )
    try:
        dialect.import_dbapi()
    except ImportError as error:
        module = getattr(error, "name", None) or parsed.get_driver_name()
        install = _INSTALL_HINTS.get(module, f"pip install {module}")
        raise DatabaseConfigError(
            f"{variable} needs the driver package {module!r}, which is not installed ({install})",
            variable=variable,
        ) from None
    return parsed


def _read_url(env: Mapping[str, str], required: bool = False) -> str:
    for name in (DATABASE_URL, DATABASE_PRIMARY_URL):
        if name in env and not env[name].strip():  # set but blank: a broken deployment, not "use the default"
            raise DatabaseConfigError(f"{name} is set but empty; expected {_URL_SHAPE}", variable=name)
    url = env.get(DATABASE_URL, "").strip()
    primary = env.get(DATABASE_PRIMARY_URL, "").strip()
    if url and primary and url != primary:
        raise DatabaseConfigError(
            f"{DATABASE_URL} ({mask_url(url)!r}) and {DATABASE_PRIMARY_URL} ({mask_url(primary)!r}) disagree: "
            "set one of them, or both to the same URL",
            variable=DATABASE_PRIMARY_URL,
        )
    if required and not (url or primary):
        raise DatabaseConfigError(
            f"{DATABASE_URL} is not set, and this profile does not fall back on a local SQLite file: set it to the "
            f"database to use ({_URL_SHAPE})",
            variable=DATABASE_URL,
        )
    return url or primary or DEFAULT_URL


def _parse_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise DatabaseConfigError(f"{name} must be a whole number, got {raw!r}", variable=name) from None


def parse_seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A duration variable, with the same message wherever one is read (settings, replica policy, ``env.py``)."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise DatabaseConfigError(f"{name} must be a number of seconds, got {raw!r}", variable=name) from None


def _parse_bool(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise DatabaseConfigError(f"{name} must be true or false (1/0, yes/no, on/off), got {env[name]!r}", variable=name)


def _parse_migrations(env: Mapping[str, str]) -> bool | Literal["verify"]:
    raw = env.get(RUN_MIGRATIONS, "").strip().lower()
    if raw == _VERIFY:
        return "verify"
    if raw in _TRUE or raw in _FALSE:
        return raw in _TRUE
    raise DatabaseConfigError(
        f"{RUN_MIGRATIONS} must be true or false (1/0, yes/no, on/off) or verify, got {env[RUN_MIGRATIONS]!r}",
        variable=RUN_MIGRATIONS,
    )


def _migration_mode(value: bool | str) -> MigrationMode:
    if value is True or value is False:
        return "upgrade" if value else "off"
    if value == _VERIFY:
        return "verify"
    raise DatabaseConfigError(
        f"{RUN_MIGRATIONS} must be True, False or 'verify', got {value!r}", variable=RUN_MIGRATIONS
    )


def _check_int(value: int, name: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DatabaseConfigError(f"{name} must be a whole number, got {value!r}", variable=name)
    if value < minimum:
        raise DatabaseConfigError(f"{name} must be at least {minimum}, got {value}", variable=name)
    return value


def check_seconds(value: float, name: str) -> float:
    """A positive, finite duration given in code, rejected with the variable's name so the fix is obvious."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DatabaseConfigError(f"{name} must be a number of seconds, got {value!r}", variable=name)
    if not math.isfinite(value) or value <= 0:
        raise DatabaseConfigError(f"{name} must be a positive number of seconds, got {value}", variable=name)
    return float(value)


def _reason(error: Exception) -> str:
    """A parse error's reason, without echoing the URL (SQLAlchemy's message quotes it whole)."""
    if isinstance(error, ValueError) and not isinstance(error, sa_exc.ArgumentError):
        return "bad port number" if "int()" in str(error) else "malformed"
    return "could not be parsed"


__all__ = ["DEFAULT_URL", "DatabaseSettings", "MigrationMode", "parse_database_url"]
