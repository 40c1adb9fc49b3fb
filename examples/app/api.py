"""The HTTP API: FastAPI routes over the services, the read model and the health check.

``create_app()`` wires the container with ``configure_dioxide``: at startup it scans this package for the
profile (``PROFILE``, default ``development``) and starts it (the database connects and migrates), at
shutdown it disposes everything; each request gets a scope, and ``Inject(T)`` resolves ``T`` in it. Domain
errors become HTTP statuses: ``NotFoundError`` 404, ``ConflictError`` 409, ``InvalidRequestError`` 422, and a
transfer that keeps conflicting with concurrent ones after its retries 503.
"""

import os
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request, Response, status
from fastapi.responses import JSONResponse

from dioxide import Container, Profile
from dioxide.fastapi import Inject, configure_dioxide
from dioxide.sqlalchemy import TransactionConflictError
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
    AccountIn,
    AccountOut,
    ErrorOut,
    HealthOut,
    TransferIn,
    TransferOut,
    UserIn,
    UserOut,
    UserPageOut,
    UserProfileOut,
)
from examples.app.services import AccountService, RegistrationService, TransferService

APP_PACKAGE = __name__.rpartition(".")[0]
BUSY_MESSAGE = "the transfer kept conflicting with concurrent transfers; try again"

_STATUS_OF = ((NotFoundError, 404), (ConflictError, 409), (InvalidRequestError, 422))


def _errors(*codes: int) -> dict[int | str, dict[str, object]]:
    return {code: {"model": ErrorOut} for code in codes}


router = APIRouter()

Registration = Annotated[RegistrationService, Inject(RegistrationService)]
Accounts = Annotated[AccountService, Inject(AccountService)]
Transfers = Annotated[TransferService, Inject(TransferService)]
Queries = Annotated[BankQueries, Inject(BankQueries)]


@router.post("/users", status_code=status.HTTP_201_CREATED, tags=["users"], responses=_errors(409, 422))
async def register_user(body: UserIn, registration: Registration) -> UserOut:
    """Register a user; the email is unique (409 when taken, also for concurrent requests)."""
    user = await registration.register(body.email, body.name)
    return UserOut.model_validate(user)


@router.get("/users", tags=["users"])
async def list_users(
    queries: Queries,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    after: Annotated[int | None, Query(description="the `next_after` of the previous page")] = None,
) -> UserPageOut:
    """Users by id, one page at a time (keyset pagination), read on a replica when there is one."""
    return UserPageOut.model_validate(await queries.list_users(limit=limit, after=after))


@router.get("/users/{user_id}", tags=["users"], responses=_errors(404))
async def get_user(user_id: int, queries: Queries) -> UserProfileOut:
    """A user and their accounts."""
    profile = await queries.get_user(user_id)
    if profile is None:
        raise UserNotFoundError(user_id)
    return UserProfileOut.model_validate(profile)


@router.post(
    "/users/{user_id}/accounts", status_code=status.HTTP_201_CREATED, tags=["accounts"], responses=_errors(404, 422)
)
async def open_account(user_id: int, body: AccountIn, accounts: Accounts) -> AccountOut:
    """Open an account for the user, with an opening deposit in cents."""
    return AccountOut.model_validate(await accounts.open(user_id, body.deposit))


@router.get("/accounts/{account_id}", tags=["accounts"], responses=_errors(404))
async def get_account(account_id: int, queries: Queries) -> AccountOut:
    """An account and its balance (cents)."""
    account = await queries.get_account(account_id)
    if account is None:
        raise AccountNotFoundError(account_id)
    return AccountOut.model_validate(account)


@router.post("/transfers", tags=["accounts"], responses=_errors(404, 409, 422, 503))
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


@router.get("/health", tags=["operations"], responses={503: {"model": HealthOut}})
async def health(check: Annotated[HealthCheck, Inject(HealthCheck)], response: Response) -> HealthOut:
    """200 while the primary database answers (``degraded`` when a replica is out of rotation), else 503."""
    result = await check.check()
    if result.status == "unavailable":
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return HealthOut.model_validate(result)


async def _bank_error(request: Request, error: Exception) -> Response:
    code = next((code for kind, code in _STATUS_OF if isinstance(error, kind)), 400)
    return JSONResponse({"detail": str(error)}, status_code=code)


async def _busy(request: Request, error: Exception) -> Response:
    return JSONResponse({"detail": BUSY_MESSAGE}, status_code=503, headers={"Retry-After": "1"})


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
    app.add_exception_handler(BankError, _bank_error)
    app.add_exception_handler(TransactionConflictError, _busy)
    return app
