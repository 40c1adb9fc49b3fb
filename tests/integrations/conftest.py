"""Every test starts with empty decorator registries and a fresh global container; `components` declares a
singleton and a REQUEST-scoped `@lifecycle` component that record what happens to them."""

from __future__ import annotations

from tests.integrations.components import components  # noqa: F401 (fixture)
from tests.isolation import isolated_dioxide  # noqa: F401 (autouse: fresh registries per test)
