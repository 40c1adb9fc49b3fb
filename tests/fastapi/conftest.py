"""Every FastAPI test starts with empty decorator registries and a fresh global container.

Tests define their decorated classes inside the test (or a fixture), so nothing leaks between tests.
"""

from __future__ import annotations

import warnings

from tests.isolation import isolated_dioxide  # noqa: F401 (autouse: fresh registries per test)

with warnings.catch_warnings():
    # starlette >= 1.x prefers `httpx2` for its TestClient and warns once, at import, when it finds `httpx`.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    import fastapi.testclient  # noqa: F401
