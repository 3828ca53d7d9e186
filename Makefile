# Cairn — the two commands: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))

.PHONY: help install run serve migrate seed test test-fast lint format browser-deps screenshots bench bench-fanout load worker beat clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

$(VENV)/.installed: pyproject.toml uv.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(PY) -m pip install -q "uv==$(UV_VERSION)"
	$(UV) sync --frozen --inexact
	@touch $@

install: $(VENV)/.installed  ## Create the virtualenv and install pinned dependencies

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate  ## Load the demo companies (idempotent)
	$(PY) manage.py seed_demo

run: seed  ## Install, migrate, seed the demo and serve on http://127.0.0.1:8000
	@echo "Cairn on http://$(HOST):$(PORT)/  (log in as admin@acme.example / demo)"
	DEBUG=$${DEBUG:-1} CAIRN_ENV=$${CAIRN_ENV:-development} $(PY) manage.py runserver $(HOST):$(PORT)

test: install  ## The whole test suite (PostgreSQL/Redis when DATABASE_URL/CELERY_BROKER_URL are set)
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

test-fast: install  ## Everything but the browser, real-worker and slow tests (a quick loop)
	$(PY) -m pytest -n 2 -m "not browser and not worker and not slow" $(PYTEST_ARGS)

lint: install  ## ruff check + format check + the architecture contracts (import-linter)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	PYTHONPATH=. $(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

browser-deps:  ## Install Debian's Chromium for the browser tests (needs root)
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

screenshots: install  ## Regenerate docs/screenshots/*.png from the demo data
	$(PY) -m pytest -p no:randomly tests/browser/test_screenshots.py --screenshots

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cairn_bench
bench: install  ## Seed `bench` (BENCH_EMPLOYEES, default 10000) in cairn_bench; time pages over HTTP
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_http --write docs/benchmarks.md
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_explain --report-only

bench-fanout: install  ## Reminders + digests for all of `bench` with a real worker and a local SMTP sink
	DATABASE_URL=$(BENCH_DATABASE_URL) CELERY_BROKER_URL=redis://127.0.0.1:6379/13 $(PY) manage.py bench_fanout

load: install  ## 200 owners browse and check in for 60 s over HTTP; counts errors and lost writes
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py load_test --write docs/reliability.md

worker: install  ## A Celery worker (needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A okr_project worker -l info

beat: install  ## Celery beat with the database scheduler (needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A okr_project beat -l info

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
