"""The HTTP API on every backend: the test profile (fakes), SQLite and PostgreSQL, with the same assertions.

Every error message the application defines is asserted here, with its status code.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime

import pytest

from examples.app.domain import MAX_AMOUNT, MAX_ID
from tests.app.support import RunningApp, balance, open_account, register


class DescribeRegistration:
    async def it_registers_a_user_with_a_normalised_email(self, bank: RunningApp) -> None:
        response = await bank.client.post("/users", json={"email": "  Ada@Example.COM ", "name": " Ada  Lovelace "})
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["email"] == "ada@example.com"
        assert body["name"] == "Ada Lovelace"
        assert isinstance(body["id"], int)
        assert datetime.fromisoformat(body["created_at"]).utcoffset() is not None  # timezone-aware

    async def it_refuses_an_email_already_registered_with_409(self, bank: RunningApp) -> None:
        await register(bank.client, "ada@example.com")
        response = await bank.client.post("/users", json={"email": "ADA@example.com", "name": "Another Ada"})
        assert response.status_code == 409
        assert response.json() == {"detail": "email 'ada@example.com' is already registered"}
        assert len((await bank.client.get("/users")).json()["users"]) == 1

    @pytest.mark.parametrize("email", ["ada at example", "x" * 70 + "@example", "ada@exa\x00mple.com", ""])
    async def it_refuses_what_is_not_an_email_with_422(self, bank: RunningApp, email: str) -> None:
        response = await bank.client.post("/users", json={"email": email, "name": "Ada"})
        assert response.status_code == 422
        assert response.json() == {
            "detail": "invalid request: body.email: String does not have the form the schema's pattern describes",
            "errors": [
                {
                    "loc": ["body", "email"],
                    "msg": "String does not have the form the schema's pattern describes",
                    "type": "string_pattern_mismatch",
                }
            ],
        }

    async def it_refuses_a_blank_name_with_422(self, bank: RunningApp) -> None:
        response = await bank.client.post("/users", json={"email": "ada@example.com", "name": " \u3000\t"})
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "name"]

    async def it_validates_the_body_shape_with_422_in_the_documented_shape(self, bank: RunningApp) -> None:
        response = await bank.client.post("/users", json={"email": "ada@example.com"})
        assert response.status_code == 422
        assert response.json() == {
            "detail": "invalid request: body.name: Field required",
            "errors": [{"loc": ["body", "name"], "msg": "Field required", "type": "missing"}],
        }

    @pytest.mark.parametrize("text", ["nul\x00byte", "lone \ud800 surrogate", "x" * 201])
    async def it_refuses_nul_unpaired_surrogates_and_long_text_with_422(self, bank: RunningApp, text: str) -> None:
        response = await bank.client.post(
            "/users",
            content=json.dumps({"email": "ada@example.com", "name": text}),
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"] == ["body", "name"]
        assert (await bank.client.get("/users")).json()["users"] == []

    async def it_answers_400_for_a_body_that_is_not_utf8(self, bank: RunningApp) -> None:
        response = await bank.client.post(
            "/users", content=b'{"email": "\xff"}', headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, response.text
        assert response.json() == {"detail": "There was an error parsing the body"}

    async def it_lets_the_unique_constraint_decide_between_concurrent_registrations(self, bank: RunningApp) -> None:
        responses = await asyncio.gather(
            *(bank.client.post("/users", json={"email": "race@example.com", "name": f"caller {i}"}) for i in range(8))
        )
        codes = sorted(response.status_code for response in responses)
        assert codes == [201] + [409] * 7, [r.text for r in responses]
        page = (await bank.client.get("/users")).json()
        assert [user["email"] for user in page["users"]] == ["race@example.com"]


class DescribeUsers:
    async def it_lists_users_by_pages_of_ids(self, bank: RunningApp) -> None:
        created = [await register(bank.client, f"user{i}@example.com", f"User {i}") for i in range(5)]
        seen: list[int] = []
        after: int | None = None
        pages = 0
        while True:
            params = {"limit": 2} if after is None else {"limit": 2, "after": after}
            page = (await bank.client.get("/users", params=params)).json()
            seen += [user["id"] for user in page["users"]]
            pages += 1
            after = page["next_after"]
            if after is None:
                break
        assert seen == [user["id"] for user in created]
        assert pages == 3

    async def it_refuses_a_page_size_out_of_range(self, bank: RunningApp) -> None:
        assert (await bank.client.get("/users", params={"limit": 0})).status_code == 422
        assert (await bank.client.get("/users", params={"limit": 101})).status_code == 422

    async def it_shows_a_user_with_their_accounts(self, bank: RunningApp) -> None:
        user = await register(bank.client, "ada@example.com", "Ada")
        first = await open_account(bank.client, user["id"], 500)
        second = await open_account(bank.client, user["id"])
        response = await bank.client.get(f"/users/{user['id']}")
        assert response.status_code == 200
        assert response.json() == {"user": user, "accounts": [first, second]}

    async def it_answers_404_for_an_unknown_user(self, bank: RunningApp) -> None:
        response = await bank.client.get("/users/999")
        assert response.status_code == 404
        assert response.json() == {"detail": "no user 999"}


class DescribeAccounts:
    async def it_opens_an_account_with_a_deposit(self, bank: RunningApp) -> None:
        user = await register(bank.client, "ada@example.com")
        account = await open_account(bank.client, user["id"], 1_250)
        assert account["owner_id"] == user["id"]
        assert account["balance"] == 1_250
        assert (await bank.client.get(f"/accounts/{account['id']}")).json() == account
        empty = await bank.client.post(f"/users/{user['id']}/accounts", json={})
        assert empty.json()["balance"] == 0

    async def it_refuses_an_account_for_an_unknown_user_with_404(self, bank: RunningApp) -> None:
        await register(bank.client, "ada@example.com")
        response = await bank.client.post("/users/999/accounts", json={"deposit": 10})
        assert response.status_code == 404
        assert response.json() == {"detail": "no user 999"}

    async def it_refuses_a_deposit_out_of_range_with_422(self, bank: RunningApp) -> None:
        user = await register(bank.client, "ada@example.com")
        for deposit, message in (
            (-5, "greater than or equal to 0"),
            (MAX_AMOUNT + 1, f"less than or equal to {MAX_AMOUNT}"),
        ):
            response = await bank.client.post(f"/users/{user['id']}/accounts", json={"deposit": deposit})
            assert response.status_code == 422
            assert response.json()["detail"] == f"invalid request: body.deposit: Input should be {message}"
        assert (await bank.client.get(f"/users/{user['id']}")).json()["accounts"] == []

    async def it_answers_404_for_an_unknown_account(self, bank: RunningApp) -> None:
        response = await bank.client.get("/accounts/999")
        assert response.status_code == 404
        assert response.json() == {"detail": "no account 999"}


async def two_accounts(bank: RunningApp, first: int, second: int) -> tuple[int, int]:
    user = await register(bank.client, "owner@example.com")
    a = await open_account(bank.client, user["id"], first)
    b = await open_account(bank.client, user["id"], second)
    return a["id"], b["id"]


class DescribeTransfers:
    async def it_moves_money_and_answers_with_both_balances(self, bank: RunningApp) -> None:
        a, b = await two_accounts(bank, 1_000, 50)
        response = await bank.client.post(
            "/transfers", json={"source_account_id": a, "target_account_id": b, "amount": 300}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["source"]["id"], body["source"]["balance"]) == (a, 700)
        assert (body["target"]["id"], body["target"]["balance"]) == (b, 350)
        assert [await balance(bank.client, a), await balance(bank.client, b)] == [700, 350]

    async def it_refuses_a_transfer_beyond_the_balance_with_409_and_changes_nothing(self, bank: RunningApp) -> None:
        a, b = await two_accounts(bank, 100, 0)
        response = await bank.client.post(
            "/transfers", json={"source_account_id": a, "target_account_id": b, "amount": 101}
        )
        assert response.status_code == 409
        assert response.json() == {"detail": f"account {a} has 100 cents, cannot transfer 101"}
        assert [await balance(bank.client, a), await balance(bank.client, b)] == [100, 0]

    async def it_answers_404_for_an_unknown_account(self, bank: RunningApp) -> None:
        a, _ = await two_accounts(bank, 100, 0)
        for source, target in ((a, 999), (999, a)):
            response = await bank.client.post(
                "/transfers", json={"source_account_id": source, "target_account_id": target, "amount": 1}
            )
            assert response.status_code == 404
            assert response.json() == {"detail": "no account 999"}
        assert await balance(bank.client, a) == 100

    async def it_refuses_a_transfer_to_the_same_account_with_422(self, bank: RunningApp) -> None:
        a, _ = await two_accounts(bank, 100, 0)
        response = await bank.client.post(
            "/transfers", json={"source_account_id": a, "target_account_id": a, "amount": 1}
        )
        assert response.status_code == 422
        assert response.json() == {"detail": "cannot transfer from an account to itself"}

    @pytest.mark.parametrize("amount", [0, -1, MAX_AMOUNT + 1])
    async def it_refuses_an_amount_out_of_range_with_422(self, bank: RunningApp, amount: int) -> None:
        a, b = await two_accounts(bank, 100, 0)
        response = await bank.client.post(
            "/transfers", json={"source_account_id": a, "target_account_id": b, "amount": amount}
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["loc"] == ["body", "amount"]
        assert [await balance(bank.client, a), await balance(bank.client, b)] == [100, 0]


class DescribeIds:
    """Ids outside the INTEGER keys are 422 everywhere, before any query (they used to be 500)."""

    @pytest.mark.parametrize("bad", [0, -1, MAX_ID + 1, 2**63, 2**64])
    async def it_refuses_ids_outside_the_key_type_with_422(self, bank: RunningApp, bad: int) -> None:
        for method, path, body in (
            ("GET", f"/users/{bad}", None),
            ("GET", f"/accounts/{bad}", None),
            ("POST", f"/users/{bad}/accounts", {"deposit": 1}),
            ("POST", "/transfers", {"source_account_id": bad, "target_account_id": 1, "amount": 1}),
            ("POST", "/transfers", {"source_account_id": 1, "target_account_id": bad, "amount": 1}),
        ):
            response = await bank.client.request(method, path, json=body)
            assert response.status_code == 422, (method, path, response.text)
        assert (await bank.client.get("/users", params={"after": MAX_ID + 1})).status_code == 422

    async def it_answers_404_for_the_largest_id(self, bank: RunningApp) -> None:
        assert (await bank.client.get(f"/users/{MAX_ID}")).status_code == 404
        assert (await bank.client.get(f"/accounts/{MAX_ID}")).status_code == 404

    async def it_conserves_money_under_concurrent_transfers(self, bank: RunningApp) -> None:
        """Every backend; tests/app/test_postgres.py runs a heavier load on PostgreSQL."""
        user = await register(bank.client, "owner@example.com")
        ids = [(await open_account(bank.client, user["id"], 1_000))["id"] for _ in range(4)]

        async def worker(seed: int) -> list[int]:
            codes = []
            for step in range(6):
                source, target = ids[(seed + step) % 4], ids[(seed + 2 * step + 1) % 4]
                if source == target:
                    target = ids[(ids.index(source) + 1) % 4]
                response = await bank.client.post(
                    "/transfers", json={"source_account_id": source, "target_account_id": target, "amount": 300}
                )
                codes.append(response.status_code)
            return codes

        codes = [code for batch in await asyncio.gather(*(worker(seed) for seed in range(6))) for code in batch]
        assert set(codes) <= {200, 409}, codes
        assert codes.count(200) > 0
        balances = [await balance(bank.client, account) for account in ids]
        assert sum(balances) == 4_000
        assert min(balances) >= 0


class DescribeHealth:
    async def it_reports_readiness_with_states_only(self, bank: RunningApp) -> None:
        for path in ("/health", "/health/ready"):
            response = await bank.client.get(path)
            assert response.status_code == 200
            body = response.json()
            assert (body["status"], body["primary"], body["schema_state"]) == ("ok", "ok", "at head")
            assert body["replicas"] == []
            if bank.backend != "test":
                assert body["migrations"] == "upgrade"
                assert body["schema_revision"] == ["0001"]
            assert set(body) == {"status", "primary", "schema_state", "schema_revision", "migrations", "replicas"}

    async def it_answers_liveness_without_the_database(self, bank: RunningApp) -> None:
        response = await bank.client.get("/health/live")
        assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_the_openapi_schema_and_docs_are_served(bank: RunningApp) -> None:
    schema = (await bank.client.get("/openapi.json")).json()
    assert set(schema["paths"]) == {
        "/users",
        "/users/{user_id}",
        "/users/{user_id}/accounts",
        "/accounts/{account_id}",
        "/transfers",
        "/health",
        "/health/live",
        "/health/ready",
    }
    transfers = schema["paths"]["/transfers"]["post"]["responses"]
    assert set(transfers) == {"200", "400", "404", "409", "422", "503"}
    assert transfers["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/InvalidOut"}
    amount = schema["components"]["schemas"]["TransferIn"]["properties"]["amount"]
    assert (amount["minimum"], amount["maximum"]) == (1, MAX_AMOUNT)
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    docs = await bank.client.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()
