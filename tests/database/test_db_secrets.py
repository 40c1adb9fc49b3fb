"""No password in logs, reprs, error messages or tracebacks, whatever goes wrong."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import traceback
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from dioxide.sqlalchemy import DatabaseConfigError, DatabaseSettings, DatabaseUnavailableError, SQLAlchemyDatabase
from dioxide.sqlalchemy.masking import mask_url

SECRET = "pa55-w0rd-xyz"


def _everything(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))


class DescribeMaskUrl:
    @pytest.mark.parametrize(
        "url",
        [
            f"postgresql+asyncpg://app:{SECRET}@127.0.0.1:5432/app",
            f"postgresql+asyncpg://app:{SECRET}@127.0.0.1:bad/app",
            f"postgresql+asyncpg://app@127.0.0.1/app?password={SECRET}",
            f"weird://user:{SECRET}@host:port:port/x",
        ],
    )
    def it_hides_the_password_even_in_malformed_urls(self, url: str) -> None:
        assert SECRET not in mask_url(url)
        assert "***" in mask_url(url)

    def it_leaves_urls_without_password_alone(self) -> None:
        assert mask_url("sqlite+aiosqlite:///app.db") == "sqlite+aiosqlite:///app.db"

    @pytest.mark.parametrize(
        "password", ["pa@ss-tail-xyz", "pa:ss-tail-xyz", "pa/ss-tail-xyz", "p@ss/tail:xyz@deep", "p?ss@tail-xyz"]
    )
    def it_never_shows_a_password_with_unencoded_at_colon_or_slash(self, password: str) -> None:
        url = f"postgresql+asyncpg://app:{password}@db.internal:5432/bank"
        shown = mask_url(url)
        assert shown.startswith("postgresql+asyncpg://app:***@"), shown
        for part in ("ss", "tail", "xyz", "deep"):
            assert part not in shown, shown
        if "@" in password:  # an '@' makes the host ambiguous: refused, and not shown in the refusal
            with pytest.raises(DatabaseConfigError, match="percent-encode it as %40") as caught:
                DatabaseSettings(url)
            for part in ("tail", "xyz", "deep"):
                assert part not in _everything(caught.value)
            return
        settings = DatabaseSettings(url)  # ':' and '/' parse unambiguously, and stay hidden
        assert settings.url.password == password
        assert settings.url.host == "db.internal"
        for text in (settings.masked_url, repr(settings)):
            assert "tail" not in text

    def it_refuses_an_ambiguous_at_with_an_error_that_says_to_percent_encode(self) -> None:
        with pytest.raises(DatabaseConfigError) as caught:
            DatabaseSettings("postgresql+asyncpg://app:p@ss@db.internal/bank")
        assert str(caught.value) == (
            "DATABASE_URL has an '@' in its user name or password, which makes the host ambiguous "
            "('postgresql+asyncpg://app:***@db.internal/bank'): percent-encode it as %40 (and ':' as %3A, '/' as %2F)"
        )
        assert DatabaseSettings("postgresql+asyncpg://app:p%40ss@db.internal/bank").url.password == "p@ss"

    @pytest.mark.parametrize("name", ["password", "sslpassword", "PWD", "passwd", "ssl_key_passphrase", "auth_token"])
    def it_masks_every_password_like_query_parameter(self, name: str) -> None:
        shown = mask_url(f"postgresql+asyncpg://app@h/db?ssl=require&{name}={SECRET}&application_name=bank")
        assert SECRET not in shown
        assert f"{name}=***" in shown
        assert "application_name=bank" in shown
        assert "ssl=require" in shown


async def test_logs_of_a_full_lifecycle_show_no_password(
    postgres_url: URL, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    url = postgres_url.set(password=SECRET)  # trust authentication ignores the password
    caplog.set_level(logging.DEBUG)
    db = SQLAlchemyDatabase(DatabaseSettings(url, echo=True))
    await db.initialize()
    async with db.transaction() as session:
        await session.execute(__import__("sqlalchemy").text("SELECT 1"))
    text = repr(db) + str(db.settings) + repr(db.engine)
    await db.dispose()
    captured = capsys.readouterr()
    assert "database ready: postgresql+asyncpg://postgres:***@127.0.0.1:5432/" in caplog.text
    assert "database connections closed" in caplog.text
    for output in (caplog.text, captured.out, captured.err, text):
        assert SECRET not in output


async def test_an_unreachable_server_is_named_without_the_password() -> None:
    db = SQLAlchemyDatabase(
        DatabaseSettings(f"postgresql+asyncpg://app:{SECRET}@127.0.0.1:1/orders", connect_timeout=3)
    )
    with pytest.raises(DatabaseUnavailableError) as caught:
        await db.initialize()
    message = str(caught.value)
    assert "cannot reach the postgresql database 'orders' on 127.0.0.1:1 as user 'app'" in message
    assert "check DATABASE_URL" in message
    assert SECRET not in _everything(caught.value)
    assert SECRET not in repr(db)


async def test_a_missing_database_is_named(postgres_url: URL) -> None:
    url = postgres_url.set(database="dioxide_no_such_db_x", password=SECRET)
    db = SQLAlchemyDatabase(DatabaseSettings(url))
    with pytest.raises(DatabaseUnavailableError, match=re.escape("'dioxide_no_such_db_x' on 127.0.0.1:5432")) as caught:
        await db.initialize()
    assert "does not exist" in str(caught.value)
    assert SECRET not in _everything(caught.value)


async def test_an_unopenable_sqlite_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "missing-dir" / "app.db"
    db = SQLAlchemyDatabase(DatabaseSettings(f"sqlite+aiosqlite:///{path}"))
    with pytest.raises(DatabaseUnavailableError) as caught:
        await db.initialize()
    assert str(caught.value) == (
        f"cannot open the SQLite database '{path}': its folder '{path.parent}' does not exist; "
        "create it or fix DATABASE_URL"
    )
    await _aiosqlite_workers_finished()


async def _aiosqlite_workers_finished() -> None:
    """aiosqlite stops the worker of a failed connection without awaiting it: let it finish in this loop."""
    for _ in range(200):
        if not any("_connection_worker_thread" in t.name for t in threading.enumerate()):
            return
        await asyncio.sleep(0.01)
