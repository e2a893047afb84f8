# Everyday commands. `make run` sets everything up and starts the system with demo data;
# `make test` runs the whole test suite. Both create the virtual environment on first use.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
# Touched after a successful install; reinstalls only when pyproject.toml is newer.
STAMP := $(VENV)/.installed

# Every target here is a development command: DEBUG is on unless the caller sets it (the settings
# default to off, so that a deployment that forgets it fails closed).
export DEBUG ?= 1

HOST ?= 127.0.0.1
PORT ?= 8000
# Extra arguments for pytest, e.g. `make test ARGS="-x -k scope"`.
ARGS ?=
TEST_PG_URL ?= postgres://postgres@127.0.0.1:5432/cpmis
# What `make typecheck` runs mypy (with django-stubs) on: services, selectors, scope, the import pipeline
# and the helpers they build on. Options live in pyproject.toml ([tool.mypy]).
MYPY_TARGETS := \
	scope/core.py accounts/services.py accounts/selectors.py scope/downloads.py scope/uploads.py \
	scope/archive.py accounts/tokens.py audit/access.py \
	locations/resolve.py locations/succession.py locations/loaders.py locations/reform.py \
	cases/services.py cases/selectors.py cases/incident_services.py cases/incidents.py cases/documents.py \
	cases/consent.py cases/consent_services.py cases/identifiers.py cases/import_kinds/child_consents.py \
	cases/transfer_services.py cases/referral_services.py \
	cases/assignment.py cases/queue.py cases/admin/assignment.py reports/home.py \
	notifications/services.py notifications/selectors.py notifications/events.py notifications/tasks.py \
	cases/notification_sources.py \
	documents/content.py documents/dates.py documents/render.py documents/docx_writer.py documents/pdf_writer.py \
	programs/services.py programs/selectors.py \
	outreach/services.py outreach/selectors.py \
	reports/selectors.py reports/summary.py reports/area.py reports/abuse.py reports/documents.py reports/charts.py \
	imports/pipeline.py imports/services.py imports/bulk.py imports/reading.py imports/cells.py \
	imports/files.py imports/selectors.py \
	imports/registry.py imports/kind.py imports/demo.py imports/resources.py \
	cases/import_kinds/__init__.py cases/import_kinds/children.py cases/import_kinds/cases.py \
	cases/import_kinds/commune_stats.py cases/import_kinds/incidents.py \
	programs/import_kinds/__init__.py programs/import_kinds/protection_models.py programs/import_kinds/attendance.py \
	outreach/import_kinds.py
# The benchmark rebuilds its database: never point it at real data.
BENCH_DATABASE_URL ?= sqlite:///artifacts/bench.sqlite3

.PHONY: help run install test test-pg lint layers typecheck check messages bench

help:
	@echo "make run       set up (first time) and start the system with demo data on http://$(HOST):$(PORT)/"
	@echo "make test      run the test suite (SQLite; set DATABASE_URL for another database; ARGS=... for pytest)"
	@echo "make test-pg   run the test suite on PostgreSQL ($(TEST_PG_URL))"
	@echo "make install   create $(VENV) and install the project with its development tools"
	@echo "make lint      ruff check and ruff format --check"
	@echo "make layers    check that imports point down the layers (docs/architecture.md)"
	@echo "make typecheck mypy with django-stubs on services, selectors and scope"
	@echo "make check     Django system checks and a check for missing migrations"
	@echo "make messages  update and compile the translation catalogues"
	@echo "make bench     time loading the administrative units (BENCH_DATABASE_URL=$(BENCH_DATABASE_URL))"

$(PY):
	@python=$$(bin/find-python) && echo "Creating $(VENV) with $$python" && "$$python" -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# Notification e-mails are printed by the web server and the worker, not sent.
run: export EMAIL_BACKEND ?= django.core.mail.backends.console.EmailBackend
run: install
	@mkdir -p run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --url http://$(HOST):$(PORT)/
	@echo "E-mail: $$EMAIL_BACKEND (notification e-mails go to the console and run/worker.log)."
	$(PY) manage.py send_notifications --schedule
	@# The task worker lives as long as the web server: the trap stops it on any exit.
	@stop_worker() { \
	    if [[ -f run/worker.pid ]]; then \
	        kill "$$(cat run/worker.pid)" 2>/dev/null; \
	        wait "$$(cat run/worker.pid)" 2>/dev/null; \
	        rm -f run/worker.pid; \
	        echo "Task worker stopped."; \
	    fi; \
	}; \
	trap stop_worker EXIT; \
	trap 'exit 130' INT TERM HUP; \
	$(PY) manage.py db_worker --no-reload >>run/worker.log 2>&1 & \
	echo $$! >run/worker.pid; \
	echo "Task worker started (pid $$(cat run/worker.pid), log run/worker.log)."; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(ARGS)

test-pg:
	DATABASE_URL=$(TEST_PG_URL) $(MAKE) --no-print-directory test

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The import-linter contracts in pyproject.toml: an import that points up a layer fails.
layers: install
	PYTHONPATH=. $(VENV)/bin/lint-imports

typecheck: install
	$(VENV)/bin/mypy $(MYPY_TARGETS)

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# Each app keeps its own catalogue in <app>/locale; run makemessages inside the app so its
# strings land there, then compile every catalogue of the project (not those in the venv).
messages: install
	@set -e; shopt -s nullglob; for locale in */locale; do \
	    app=$${locale%/locale}; \
	    echo "== $$app"; \
	    (cd "$$app" && "$(abspath $(VENV))/bin/django-admin" makemessages -l vi -l en); \
	done
	@if compgen -G "*/locale/*/LC_MESSAGES/*.po" >/dev/null; then \
	    $(PY) manage.py compilemessages --ignore "$(VENV)" --ignore node_modules; \
	else \
	    echo "No catalogues to compile: create <app>/locale/ to give an app its own."; \
	fi

bench: install
	$(PY) bench/bench_load_units.py --database-url "$(BENCH_DATABASE_URL)"
