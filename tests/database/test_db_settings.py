"""Configuration from the environment: defaults, parsing, and a clear error for every bad value."""

from __future__ import annotations

import sys
import traceback

import pytest

from dioxide.sqlalchemy import DatabaseConfigError, DatabaseSettings
from dioxide.sqlalchemy.settings import DEFAULT_URL, parse_database_url

SECRET = "s3cr3t-pw"
PG = f"postgresql+asyncpg://app:{SECRET}@127.0.0.1:5432/app"


class DescribeFromEnv:
    def it_defaults_to_a_sqlite_file_through_aiosqlite(self) -> None:
        settings = DatabaseSettings.from_env({})
        assert settings.url.render_as_string() == DEFAULT_URL
        assert settings.url.drivername == "sqlite+aiosqlite"
        assert (settings.pool_size, settings.max_overflow, settings.pool_timeout) == (5, 10, 30.0)
        assert (settings.echo, settings.run_migrations, settings.replica_urls) == (False, False, ())
        assert (settings.statement_timeout, settings.lock_timeout) == (30.0, 5.0)

    def it_refuses_to_fall_back_on_sqlite_when_a_url_is_required(self) -> None:
        with pytest.raises(DatabaseConfigError) as caught:
            DatabaseSettings.from_env({}, require_url=True)
        assert str(caught.value).startswith(
            "DATABASE_URL is not set, and this profile does not fall back on a local SQLite file: set it to the "
            "database to use (dialect+driver://"
        )
        assert caught.value.variable == "DATABASE_URL"
        assert DatabaseSettings.from_env({"DATABASE_PRIMARY_URL": PG}, require_url=True).url.database == "app"

    def it_reads_every_variable(self) -> None:
        settings = DatabaseSettings.from_env(
            {
                "DATABASE_URL": PG,
                "DB_POOL_SIZE": "12",
                "DB_MAX_OVERFLOW": "3",
                "DB_POOL_TIMEOUT": "2.5",
                "DB_POOL_RECYCLE": "600",
                "DB_CONNECT_TIMEOUT": "4",
                "DB_STATEMENT_TIMEOUT": "12.5",
                "DB_LOCK_TIMEOUT": "0.5",
                "DB_ECHO": "yes",
                "RUN_MIGRATIONS": "TRUE",
                "DATABASE_REPLICA_URL": "postgresql+asyncpg://r@127.0.0.1/r1",
                "DATABASE_REPLICA_URLS": "postgresql+asyncpg://r@127.0.0.1/r2, postgresql+asyncpg://r@127.0.0.1/r1",
            }
        )
        assert settings.url.password == SECRET
        assert (settings.pool_size, settings.max_overflow, settings.pool_timeout) == (12, 3, 2.5)
        assert (settings.pool_recycle, settings.connect_timeout) == (600, 4.0)
        assert (settings.statement_timeout, settings.lock_timeout) == (12.5, 0.5)
        assert settings.echo is True
        assert settings.run_migrations is True
        assert [u.database for u in settings.replica_urls] == ["r1", "r2"]

    def it_takes_the_primary_url_as_the_database_url(self) -> None:
        assert DatabaseSettings.from_env({"DATABASE_PRIMARY_URL": PG}).url.database == "app"
        assert DatabaseSettings.from_env({"DATABASE_PRIMARY_URL": PG, "DATABASE_URL": PG}).url.host == "127.0.0.1"

    def it_refuses_a_primary_url_that_disagrees(self) -> None:
        with pytest.raises(DatabaseConfigError, match="disagree") as caught:
            DatabaseSettings.from_env({"DATABASE_URL": PG, "DATABASE_PRIMARY_URL": PG.replace("/app", "/other")})
        assert caught.value.variable == "DATABASE_PRIMARY_URL"
        assert SECRET not in str(caught.value)

    @pytest.mark.parametrize(
        ("variable", "value", "expected"),
        [
            ("DB_POOL_SIZE", "ten", "DB_POOL_SIZE must be a whole number, got 'ten'"),
            ("DB_POOL_SIZE", "0", "DB_POOL_SIZE must be at least 1, got 0"),
            ("DB_MAX_OVERFLOW", "-1", "DB_MAX_OVERFLOW must be at least 0, got -1"),
            ("DB_POOL_TIMEOUT", "soon", "DB_POOL_TIMEOUT must be a number of seconds, got 'soon'"),
            ("DB_POOL_TIMEOUT", "0", "DB_POOL_TIMEOUT must be a positive number of seconds, got 0"),
            ("DB_CONNECT_TIMEOUT", "nan", "DB_CONNECT_TIMEOUT must be a positive number of seconds, got nan"),
            ("DB_STATEMENT_TIMEOUT", "0", "DB_STATEMENT_TIMEOUT must be a positive number of seconds, got 0"),
            ("DB_LOCK_TIMEOUT", "long", "DB_LOCK_TIMEOUT must be a number of seconds, got 'long'"),
            ("DB_POOL_RECYCLE", "1.5", "DB_POOL_RECYCLE must be a whole number, got '1.5'"),
            ("DB_ECHO", "maybe", "DB_ECHO must be true or false (1/0, yes/no, on/off), got 'maybe'"),
            ("RUN_MIGRATIONS", "sometimes", "RUN_MIGRATIONS must be true or false"),
        ],
    )
    def it_names_the_variable_and_value_of_a_bad_number_or_flag(self, variable: str, value: str, expected: str) -> None:
        with pytest.raises(DatabaseConfigError) as caught:
            DatabaseSettings.from_env({"DATABASE_URL": PG, variable: value})
        assert expected in str(caught.value)
        assert caught.value.variable == variable
        assert isinstance(caught.value, ValueError)


class DescribeUrlValidation:
    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            (f"postgresql+asyncpg://app:{SECRET}@127.0.0.1:notaport/app", "is not a valid database URL"),
            (f"not a url {SECRET}", "is not a valid database URL"),
            ("", "DATABASE_URL is set but empty"),
            ("  ", "DATABASE_URL is set but empty"),
            (f"nosuchdb+nodriver://app:{SECRET}@127.0.0.1/app", "unknown database dialect or driver"),
            (f"postgresql+nodriver://app:{SECRET}@127.0.0.1/app", "'postgresql+nodriver'"),
            (f"postgres://app:{SECRET}@127.0.0.1/app", "write 'postgresql+asyncpg://...' instead"),
            (f"postgresql://app:{SECRET}@127.0.0.1/app", "synchronous driver 'postgresql'"),
            (f"sqlite:///{SECRET}.db", "use 'sqlite+aiosqlite'"),
            (f"mysql+aiomysql://app:{SECRET}@127.0.0.1/app", "'aiomysql', which is not installed"),
        ],
    )
    def it_explains_what_is_wrong_without_the_password(self, url: str, expected: str) -> None:
        with pytest.raises(DatabaseConfigError) as caught:
            DatabaseSettings.from_env({"DATABASE_URL": url})
        message = str(caught.value)
        assert expected in message
        if "sqlite" not in url:  # a SQLite "URL" has no password: its path is shown
            assert SECRET not in "".join(traceback.format_exception(caught.value))
        assert caught.value.variable == "DATABASE_URL"

    @pytest.mark.parametrize(
        ("url", "driver", "extra"),
        [("postgresql+asyncpg://app@127.0.0.1/app", "asyncpg", "postgres"), (DEFAULT_URL, "aiosqlite", "sqlalchemy")],
    )
    def it_names_the_extra_of_a_missing_driver(
        self, url: str, driver: str, extra: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(sys.modules, driver, None)  # as if it were not installed
        with pytest.raises(DatabaseConfigError) as caught:
            parse_database_url(url)
        assert str(caught.value).endswith(
            f"needs the driver package '{driver}', which is not installed (pip install 'dioxide[{extra}]')"
        )

    def it_names_the_extra_of_a_missing_alembic(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from dioxide.sqlalchemy.migrations.config import require_alembic

        monkeypatch.setitem(sys.modules, "alembic", None)
        with pytest.raises(DatabaseConfigError) as caught:
            require_alembic()
        assert str(caught.value) == (
            "RUN_MIGRATIONS needs Alembic, which is not installed (pip install 'dioxide[migrations]')"
        )

    def it_shows_the_masked_url_in_errors(self) -> None:
        with pytest.raises(DatabaseConfigError) as caught:
            parse_database_url(f"postgresql://app:{SECRET}@127.0.0.1/app")
        assert "postgresql://app:***@127.0.0.1/app" in str(caught.value)

    def it_accepts_both_async_drivers_we_ship(self) -> None:
        assert parse_database_url(PG).get_driver_name() == "asyncpg"
        assert parse_database_url("sqlite+aiosqlite:///:memory:").get_driver_name() == "aiosqlite"

    def it_checks_urls_given_in_code_too(self) -> None:
        with pytest.raises(DatabaseConfigError, match="DB_POOL_SIZE must be at least 1"):
            DatabaseSettings(PG, pool_size=0)
        with pytest.raises(DatabaseConfigError, match="DATABASE_REPLICA_URLS"):
            DatabaseSettings(PG, replica_urls=["postgresql://r@h/db"])
        with pytest.raises(DatabaseConfigError, match="DB_POOL_SIZE must be a whole number"):
            DatabaseSettings(PG, pool_size="5")  # type: ignore[arg-type]


class DescribeRepresentation:
    def it_masks_passwords_in_repr_and_str(self) -> None:
        settings = DatabaseSettings(PG, replica_urls=[PG.replace("/app", "/replica")])
        for text in (repr(settings), str(settings), str(settings.url), repr(settings.url)):
            assert SECRET not in text
        assert "postgresql+asyncpg://app:***@127.0.0.1:5432/app" in repr(settings)
        assert "replica" in repr(settings)

    def it_compares_by_value(self) -> None:
        assert DatabaseSettings(PG) == DatabaseSettings(PG)
        assert DatabaseSettings(PG) != DatabaseSettings(PG, pool_size=6)
