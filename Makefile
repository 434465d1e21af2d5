# InnoPoints — every target does its own set-up on a fresh machine.
#   make run   : venv + dependencies + migrations + demo city, then serve http://127.0.0.1:8000
#   make test  : venv + dependencies, then lint, types, the suite on SQLite and on PostgreSQL
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
export INNOPOINTS_DATA_DIR ?= var

.PHONY: setup run demo test test-sqlite test-postgres test-browser lint typecheck bench lock clean

$(STAMP): pyproject.toml requirements.lock package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python -m pip install -q --disable-pip-version-check uv
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	touch $@

setup: $(STAMP)

demo: setup
	$(BIN)/innopoints init
	$(BIN)/innopoints synth --if-empty
	$(BIN)/innopoints demo

run: demo
	$(BIN)/innopoints serve

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

test-sqlite: setup
	bash scripts/ensure-chromium.sh
	INNOPOINTS_TEST_DATABASE=sqlite $(BIN)/pytest -n 2 --dist loadfile

test-postgres: setup
	bash scripts/ensure-postgres.sh
	INNOPOINTS_TEST_DATABASE=postgresql INNOPOINTS_TEST_PG_URL=$(PG_URL) $(BIN)/pytest -n 2 --dist loadfile -m db

test: lint typecheck test-sqlite test-postgres

# the browser journeys alone (they also run inside test-sqlite)
test-browser: setup
	bash scripts/ensure-chromium.sh
	$(BIN)/pytest -m browser tests/browser

bench: setup
	$(BIN)/python benchmarks/run_all.py

lock:
	$(BIN)/uv pip compile -q pyproject.toml --extra dev -o requirements.lock

clean:
	rm -rf $(VENV) var node_modules .pytest_cache .mypy_cache .ruff_cache
