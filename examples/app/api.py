"""The HTTP API: FastAPI routes over the services, the read model and the health checks.

``create_app()`` wires the container with ``configure_dioxide``: at startup it scans this package for the
profile (``PROFILE``, default ``development``) and starts it (the database connects and migrates), at
shutdown it disposes everything; each request gets a scope, and ``Inject(T)`` resolves ``T`` in it.

Every answer is in the OpenAPI schema: domain errors become ``NotFoundError`` 404, ``ConflictError`` 409 and
``InvalidRequestError`` 422; a request of the wrong shape is 422 too, in the same body (``InvalidOut``); a body
that cannot be read is 400. When the database is busy or down (``DatabaseUnavailableError``, statement and lock
timeouts included) the answer is 503 with ``Retry-After`` (``dioxide.sqlalchemy.fastapi``), and so is a transfer
that keeps conflicting with concurrent ones after its retries. An unexpected error is 500 with ``Connection:
close``, so that no client is left holding a keep-alive connection the server is about to close.
"""

import os
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from dioxide import Container, Profile
from dioxide.fastapi import Inject, configure_dioxide
from dioxide.sqlalchemy import TransactionConflictError
from dioxide.sqlalchemy.fastapi import add_database_error_handlers
from examples.app.domain import (
    AccountNotFoundError,
    BankError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    UserNotFoundError,
)
from examples.app.ports import BankQueries, HealthCheck
from examples.app.schemas import (
    AccountId,
    AccountIn,
    AccountOut,
    After,
    ErrorOut,
    HealthOut,
    InvalidOut,
    Limit,
    LiveOut,
    TransferIn,
    TransferOut,
    UserId,
    UserIn,
    UserOut,
    UserPageOut,
    UserProfileOut,
)
from examples.app.services import AccountService, RegistrationService, TransferService

APP_PACKAGE = __name__.rpartition(".")[0]
BUSY_MESSAGE = "the transfer kept conflicting with concurrent transfers; try again"

_STATUS_OF = ((NotFoundError, 404), (ConflictError, 409), (InvalidRequestError, 422))


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The documented error answers: ``codes``, plus 422 (every route validates) and 503 (the database)."""
    answers: dict[int | str, dict[str, Any]] = {code: {"model": ErrorOut} for code in codes}
    answers[422] = {"model": InvalidOut, "description": "Invalid request"}
    answers[503] = {"model": ErrorOut, "description": "The database is busy or down; see Retry-After"}
    return answers


def _with_body(*codes: int) -> dict[int | str, dict[str, Any]]:
    answers = _errors(*codes)
    answers[400] = {"model": ErrorOut, "description": "The body cannot be read"}
    return answers


router = APIRouter()

Registration = Annotated[RegistrationService, Inject(RegistrationService)]
Accounts = Annotated[AccountService, Inject(AccountService)]
Transfers = Annotated[TransferService, Inject(TransferService)]
Queries = Annotated[BankQueries, Inject(BankQueries)]
Checks = Annotated[HealthCheck, Inject(HealthCheck)]


@router.post("/users", status_code=status.HTTP_201_CREATED, tags=["users"], responses=_with_body(409))
async def register_user(body: UserIn, registration: Registration) -> UserOut:
    """Register a user; the email is unique (409 when taken, also for concurrent requests)."""
    user = await registration.register(body.email, body.name)
    return UserOut.model_validate(user)


@router.get("/users", tags=["users"], responses=_errors())
async def list_users(queries: Queries, limit: Limit = 50, after: After = None) -> UserPageOut:
    """Users by id, one page at a time (keyset pagination), read on a replica when there is one."""
    return UserPageOut.model_validate(await queries.list_users(limit=limit, after=after))


@router.get("/users/{user_id}", tags=["users"], responses=_errors(404))
async def get_user(user_id: UserId, queries: Queries) -> UserProfileOut:
    """A user and their accounts."""
    profile = await queries.get_user(user_id)
    if profile is None:
        raise UserNotFoundError(user_id)
    return UserProfileOut.model_validate(profile)


@router.post(
    "/users/{user_id}/accounts", status_code=status.HTTP_201_CREATED, tags=["accounts"], responses=_with_body(404)
)
async def open_account(user_id: UserId, body: AccountIn, accounts: Accounts) -> AccountOut:
    """Open an account for the user, with an opening deposit in cents."""
    return AccountOut.model_validate(await accounts.open(user_id, body.deposit))


@router.get("/accounts/{account_id}", tags=["accounts"], responses=_errors(404))
async def get_account(account_id: AccountId, queries: Queries) -> AccountOut:
    """An account and its balance (cents)."""
    account = await queries.get_account(account_id)
    if account is None:
        raise AccountNotFoundError(account_id)
    return AccountOut.model_validate(account)


@router.post("/transfers", tags=["accounts"], responses=_with_body(404, 409))
async def transfer(body: TransferIn, transfers: Transfers, queries: Queries) -> TransferOut:
    """Move money between two accounts, all or nothing; returns both balances after the transfer.

    The balances are read through the read port right after the write: this request sees its own write even
    when reads otherwise go to a lagging replica.
    """
    await transfers.transfer(body.source_account_id, body.target_account_id, body.amount)
    accounts = {a.id: a for a in await queries.get_accounts([body.source_account_id, body.target_account_id])}
    return TransferOut(
        source=AccountOut.model_validate(accounts[body.source_account_id]),
        target=AccountOut.model_validate(accounts[body.target_account_id]),
    )


@router.get("/health/live", tags=["operations"])
async def live() -> LiveOut:
    """200 while the process serves requests; touches no database (a liveness probe)."""
    return LiveOut(status="ok")


_READY_ANSWERS: dict[int | str, dict[str, Any]] = {503: {"model": HealthOut, "description": "Not ready"}}


@router.get("/health/ready", tags=["operations"], responses=_READY_ANSWERS)
async def ready(check: Checks, response: Response) -> HealthOut:
    """200 when the instance can serve (``degraded``: busy, or a replica out), 503 when the primary is down or
    the schema is not at head (a readiness probe)."""
    result = await check.check()
    if result.status == "unavailable":
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return HealthOut.model_validate(result)


@router.get("/health", tags=["operations"], responses=_READY_ANSWERS)
async def health(check: Checks, response: Response) -> HealthOut:
    """The same as ``/health/ready``."""
    return await ready(check, response)


async def _bank_error(request: Request, error: Exception) -> Response:
    code = next((code for kind, code in _STATUS_OF if isinstance(error, kind)), 400)
    return JSONResponse({"detail": str(error)}, status_code=code)


async def _busy(request: Request, error: Exception) -> Response:
    return JSONResponse({"detail": BUSY_MESSAGE}, status_code=503, headers={"Retry-After": "1"})


async def _invalid(request: Request, error: Exception) -> Response:
    """422 in the documented shape: a sentence, then each field (never the rejected input, which may be binary)."""
    if not isinstance(error, RequestValidationError):
        raise error
    errors = [
        {"loc": list(item.get("loc", ())), "msg": _message(item), "type": str(item.get("type", ""))}
        for item in error.errors()
    ]
    summary = "; ".join(f"{'.'.join(map(str, item['loc']))}: {item['msg']}" for item in errors)
    return JSONResponse({"detail": f"invalid request: {summary}", "errors": errors}, status_code=422)


def _message(item: dict[str, Any]) -> str:
    if item.get("type") == "string_pattern_mismatch":  # pydantic quotes the whole pattern: say it plainly
        return "String does not have the form the schema's pattern describes"
    return str(item.get("msg", ""))


def create_app(*, profile: Profile | str | None = None, container: Container | None = None) -> FastAPI:
    """The application for ``profile`` (default: the ``PROFILE`` environment variable, else development).

    ``container`` defaults to dioxide's global container; tests pass a fresh one per application.
    """
    chosen = Profile(profile if profile is not None else os.environ.get("PROFILE", "development"))
    app = FastAPI(
        title="dioxide bank",
        summary="The reference application of dioxide: users, accounts and transfers.",
        version="1.0.0",
    )
    configure_dioxide(app, profile=chosen, container=container, packages=[APP_PACKAGE])
    app.include_router(router)
    add_database_error_handlers(app)
    app.add_exception_handler(BankError, _bank_error)
    app.add_exception_handler(TransactionConflictError, _busy)
    app.add_exception_handler(RequestValidationError, _invalid)
    return app
