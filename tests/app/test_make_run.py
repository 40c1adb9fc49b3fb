"""``make run`` starts the bank: the very Makefile target, on a free port of 127.0.0.1 and a fresh SQLite file.

``-o .venv/.installed`` tells make not to reinstall (the test runs inside that installation); everything
else is the target's own command line. The server is stopped (its process group: make and uvicorn) at the
end, whatever happens.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.app.support import ROOT

STARTUP_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def test_make_run_serves_the_bank_on_sqlite(tmp_path: Path) -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    port = free_port()
    database = tmp_path / "var" / "app.db"
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "DB_"))}
    environ.pop("PROFILE", None)
    environ.pop("RUN_MIGRATIONS", None)  # the target's default (true) must migrate the fresh file
    environ.update(PORT=str(port), DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [make, "--no-print-directory", "-o", ".venv/.installed", "run"],
            cwd=ROOT,
            env=environ,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=5, trust_env=False) as client:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while True:
                assert server.poll() is None, f"make run exited with {server.returncode}:\n{log.read_text()}"
                try:
                    health = client.get("/health")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, (
                        f"no answer on {base} in {STARTUP_TIMEOUT:g} s:\n{log.read_text()}"
                    )
                    time.sleep(0.1)
            assert health.status_code == 200
            body = health.json()
            assert (body["status"], body["schema_state"], body["migrations"]) == ("ok", "at head", "upgrade")
            assert str(database) not in health.text  # no file path in an unauthenticated answer
            assert client.get("/health/live").json() == {"status": "ok"}
            created = client.post("/users", json={"email": "smoke@example.com", "name": "Smoke"})
            assert created.status_code == 201, created.text
            assert client.get("/users").json()["users"] == [created.json()]
            assert client.get("/docs").status_code == 200
    finally:
        stop(server)
    assert database.is_file()
    output = log.read_text()
    assert f"Uvicorn running on {base}" in output
    assert "migrations: upgraded from none (an empty database) to '0001'" in output
    assert "database connections closed" in output  # a clean shutdown disposed the engine
