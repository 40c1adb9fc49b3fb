# The README's two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test lint typecheck unit services bench fmt clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The reference application (examples/app) on 127.0.0.1:$(PORT): SQLite in var/app.db unless DATABASE_URL says
# otherwise, migrated at startup unless RUN_MIGRATIONS says otherwise, profile from PROFILE (development).
run: $(STAMP)
	RUN_MIGRATIONS=$${RUN_MIGRATIONS:-true} exec $(PY) -m uvicorn --factory examples.app.main:build_app --host 127.0.0.1 --port $(PORT)

services:
	scripts/ensure-services

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(STAMP)
	$(PY) -m mypy

unit: $(STAMP)
	$(PY) -m pytest -q

test: $(STAMP) services lint typecheck
	DIOXIDE_REQUIRE_POSTGRES=1 $(PY) -m pytest -q

# Every benchmark, its results in benchmarks/results/ and benchmarks/README.md, and the chart (benchmarks/README.md
# says how long it takes; the peers' venvs are built on the first run, in benchmarks/.envs/).
bench: $(STAMP) services
	$(PY) benchmarks/run.py
	$(PY) benchmarks/fastapi_bench.py
	$(PY) benchmarks/providers_bench.py
	$(PY) benchmarks/bench_repository.py --runs 10 > benchmarks/results/repository.md.tmp
	mv benchmarks/results/repository.md.tmp benchmarks/results/repository.md
	$(PY) benchmarks/_readme.py repository benchmarks/results/repository.md

fmt: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache
