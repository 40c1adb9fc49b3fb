# The README's two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
DOCS_PORT ?= 8001

.PHONY: run test suite lint typecheck unit services bench fmt clean docs docs-serve package-check

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

test: lint typecheck suite

# The whole suite, the database tests required (a missing server is an error, not a skip). On another Python:
# `make suite PYTHON=python3.12 VENV=.venv-3.12`, as .ci/run does for 3.12 and 3.13.
suite: $(STAMP) services
	DIOXIDE_REQUIRE_POSTGRES=1 $(PY) -m pytest -q

# The package as users get it: sdist and wheel built, the wheel installed in fresh venvs, the quickstart run there.
package-check: $(STAMP)
	$(PY) scripts/check_package.py

# Every benchmark, its results in benchmarks/results/ and benchmarks/README.md, and the chart (benchmarks/README.md
# says how long it takes; the peers' venvs are built on the first run, in benchmarks/.envs/).
bench: $(STAMP) services
	$(PY) benchmarks/run.py
	$(PY) benchmarks/fastapi_bench.py
	$(PY) benchmarks/providers_bench.py
	$(PY) benchmarks/bench_repository.py --runs 10 > benchmarks/results/repository.md.tmp
	mv benchmarks/results/repository.md.tmp benchmarks/results/repository.md
	$(PY) benchmarks/_readme.py repository benchmarks/results/repository.md

# The documentation site (mkdocs.yml): built into site/ in strict mode, where any warning (a broken link or
# anchor, a page missing from the nav, a docstring the reference cannot render) fails the build.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --site-dir site

# The same site on http://127.0.0.1:$(DOCS_PORT)/en/latest/ (the path of mkdocs.yml's site_url), rebuilt on
# every change.
docs-serve: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs serve --dev-addr 127.0.0.1:$(DOCS_PORT)

fmt: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) build dist site .mypy_cache .ruff_cache
