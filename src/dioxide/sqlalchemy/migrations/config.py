"""Finding and checking the Alembic configuration: ``alembic.ini`` (or ``pyproject.toml``), scripts, version table.

Everything here runs before any connection, so that a wrong ``ALEMBIC_CONFIG`` or ``ALEMBIC_SCRIPT_LOCATION``
stops startup with a ``DatabaseConfigError`` naming the variable to fix. Alembic is imported only when called.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Final

from dioxide.sqlalchemy.errors import DatabaseConfigError
from dioxide.sqlalchemy.settings import ALEMBIC_CONFIG, ALEMBIC_SCRIPT_LOCATION, RUN_MIGRATIONS

if TYPE_CHECKING:
    from alembic.config import Config

DEFAULT_CONFIG_FILE: Final = "alembic.ini"
DEFAULT_VERSION_TABLE: Final = "alembic_version"


def require_alembic() -> None:
    """Fail with the install hint, naming ``RUN_MIGRATIONS``, rather than an ``ImportError`` deep in a call."""
    try:
        import alembic  # noqa: F401
    except ImportError:
        raise DatabaseConfigError(
            f"{RUN_MIGRATIONS} needs Alembic, which is not installed (pip install 'dioxide[migrations]')",
            variable=RUN_MIGRATIONS,
        ) from None


def load_config(config: str | os.PathLike[str] | Config | None, script_location: str | None) -> Config:
    """The Alembic ``Config`` to run, its scripts checked now so that a wrong variable stops startup."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    if isinstance(config, Config):
        loaded = config
        source = config.config_file_name or "the given Config"
    else:
        path = Path(DEFAULT_CONFIG_FILE if config is None else config)
        source = str(path)
        if path.is_file():
            if path.suffix == ".toml":
                try:
                    loaded = Config(toml_file=path)
                except TypeError:
                    raise DatabaseConfigError(
                        f"{ALEMBIC_CONFIG} names the TOML file {source!r}: that needs Alembic 1.16 or later",
                        variable=ALEMBIC_CONFIG,
                    ) from None
            else:
                loaded = Config(path)
        elif config is not None or script_location is None:
            where = "" if path.is_absolute() else f" (relative to the working directory {os.getcwd()})"
            what = f"{ALEMBIC_CONFIG}={source!r} names" if config is not None else f"the default {source!r} is"
            raise DatabaseConfigError(
                f"migrations are enabled ({RUN_MIGRATIONS}) but {what} no file{where}: set {ALEMBIC_CONFIG} to "
                f"your alembic.ini, or {ALEMBIC_SCRIPT_LOCATION} to the migrations folder",
                variable=ALEMBIC_CONFIG,
            )
        else:
            loaded = Config()
            source = ALEMBIC_SCRIPT_LOCATION
    if script_location:
        loaded.set_main_option("script_location", script_location.replace("%", "%%"))
    try:
        ScriptDirectory.from_config(loaded)
    except CommandError as error:
        variable = ALEMBIC_SCRIPT_LOCATION if script_location else ALEMBIC_CONFIG
        raise DatabaseConfigError(
            f"the Alembic migrations of {source!r} cannot be used: {error}. Relative folders are relative to the "
            f"working directory ({os.getcwd()}); in alembic.ini write script_location = %(here)s/migrations",
            variable=variable,
        ) from None
    return loaded


def _option(config: Config, name: str) -> str | None:
    getter = getattr(config, "get_alembic_option", None)  # Alembic >= 1.16 (reads pyproject.toml too)
    value = getter(name) if getter is not None else config.get_main_option(name)
    return str(value) if value else None


def script_location_of(config: Config) -> str:
    """The migrations folder as configured, for messages (``"?"`` when none is set)."""
    return _option(config, "script_location") or "?"


def version_table_of(config: Config) -> tuple[str, str | None]:
    """``(version_table, schema)``: the runner and ``env.py`` must agree on it, and the lock id derives from it."""
    return _option(config, "version_table") or DEFAULT_VERSION_TABLE, _option(config, "version_table_schema")
