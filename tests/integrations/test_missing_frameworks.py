"""Each integration module keeps 2.x's attribute for its framework (None when it is not installed), and its
entry points then raise an ImportError that names the extra to install."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest

from dioxide import Container

CASES: list[tuple[str, str, str, list[Callable[[Any], object]]]] = [
    ("flask", "Flask", "Flask", [lambda m: m.configure_dioxide(object()), lambda m: m.inject(object)]),
    ("django", "Django", "Django", [lambda m: m.configure_dioxide(), lambda m: m.inject(object)]),
    ("ninja", "NinjaAPI", "Django Ninja", [lambda m: m.configure_dioxide(None), lambda m: m.inject(object)]),
    ("celery", "Celery", "Celery", [lambda m: m.configure_dioxide(object()), lambda m: m.scoped_task(object())]),
    ("click", "click", "Click", [lambda m: m.configure_dioxide(), lambda m: m.with_scope(Container())]),
]


@pytest.mark.parametrize(("extra", "attribute", "framework", "calls"), CASES, ids=[case[0] for case in CASES])
def test_the_entry_points_name_the_extra(
    extra: str, attribute: str, framework: str, calls: list[Callable[[Any], object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    module = importlib.import_module(f"dioxide.{extra}")
    monkeypatch.setattr(module, attribute, None, raising=False)
    for call in calls:
        with pytest.raises(ImportError) as caught:
            call(module)
        assert str(caught.value) == f"{framework} is not installed. Install it with: pip install dioxide[{extra}]"


@pytest.mark.parametrize(("extra", "attribute"), [(case[0], case[1]) for case in CASES])
def test_the_framework_attribute_is_there_when_installed(extra: str, attribute: str) -> None:
    assert getattr(importlib.import_module(f"dioxide.{extra}"), attribute) is not None
