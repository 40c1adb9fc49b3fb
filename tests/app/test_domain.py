"""The domain's rules, as services enforce them for any caller (the HTTP schema refuses the same inputs earlier)."""

from __future__ import annotations

import re

import pytest

from examples.app.domain import (
    EMAIL_PATTERN,
    MAX_AMOUNT,
    NAME_PATTERN,
    BlankNameError,
    InvalidAmountError,
    InvalidEmailError,
    check_deposit,
    check_transfer_amount,
    normalize_email,
    normalize_name,
)


def test_emails_are_trimmed_and_lowercased_or_refused_with_a_shortened_echo() -> None:
    assert normalize_email("  Ada@Example.COM\u3000") == "ada@example.com"
    with pytest.raises(InvalidEmailError) as caught:
        normalize_email("ada at example")
    assert str(caught.value) == "not an email address: 'ada at example'"
    with pytest.raises(InvalidEmailError) as caught:
        normalize_email("x" * 70 + "@example")
    assert str(caught.value) == f"not an email address: {'x' * 60 + '...'!r}"


def test_names_are_collapsed_or_refused_when_blank() -> None:
    assert normalize_name(" Ada \t Lovelace ") == "Ada Lovelace"
    with pytest.raises(BlankNameError, match=r"^name must not be blank$"):
        normalize_name(" \u3000\x1c")


def test_amounts_are_bounded() -> None:
    assert check_deposit(0) == 0
    assert check_transfer_amount(MAX_AMOUNT) == MAX_AMOUNT
    with pytest.raises(InvalidAmountError, match=f"^deposit must be between 0 and {MAX_AMOUNT} cents, got -5$"):
        check_deposit(-5)
    with pytest.raises(InvalidAmountError, match=f"^amount must be between 1 and {MAX_AMOUNT} cents, got 0$"):
        check_transfer_amount(0)


@pytest.mark.parametrize("character", [chr(c) for c in range(0x110000) if chr(c).isspace()])
def test_the_patterns_see_whitespace_as_python_does(character: str) -> None:
    """The schema's patterns and the domain's normalisation agree on every whitespace character."""
    assert not re.match(NAME_PATTERN, character * 3)
    assert re.match(EMAIL_PATTERN, f"{character}a@b.c{character}")
    assert not re.match(EMAIL_PATTERN, f"a{character}@b.c")
