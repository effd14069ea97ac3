# PT Tracker: `make install` (a development checkout), `make run` (a running app with demo data)
# and `make test` (every test).
SHELL := /bin/bash

# The first Python 3.12+ found: PYTHON=... overrides; pyenv's shims honour .python-version.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 /usr/bin/python3; do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then command -v $$p; break; fi; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ASSETS := node_modules/.package-lock.json
# The stylesheet and script of every page, built from assets/: Bootstrap from its Sass and ES module
# sources with PT Tracker's own base styles and scripts (docs/decisions.md, "Small pages").
BUILD := static/build
BUILT := $(BUILD)/site.css $(BUILD)/site.js
# `make run PORT=8080 HOST=0.0.0.0`: where the development server listens. Links in development
# emails follow (DJANGO_SITE_URL, unless the environment sets it).
HOST ?= 127.0.0.1
PORT ?= 8000
URL_HOST := $(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST))

.PHONY: install deps assets run test test-fast test-browser lint format worker sweep bench loadtest faulttest clustertest capacity check-python clean messages compilemessages

check-python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: PT Tracker needs Python 3.12 or newer and none was found."; \
	  echo "       Install Python 3.13 (e.g. 'pyenv install 3.13') or run: make PYTHON=/path/to/python3.13 ..."; \
	  exit 1; fi

$(STAMP): pyproject.toml | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(ASSETS)

# Sass compiles the whole stylesheet, then PurgeCSS drops the Bootstrap rules that no template,
# Python module or script can use (assets/purgecss.config.cjs): rebuilt when any of them changes.
SASS_OUT := node_modules/.cache/pt-tracker/site.css
PURGE_CONTENT := $(shell find templates */templates assets/js static/js -name '*.html' -o -name '*.js' 2>/dev/null) \
  $(shell find accounts audit care core dashboard exercises fhir_export ops outcomes pt_tracker redflags reminders symptoms -name '*.py' -not -path '*/migrations/*' 2>/dev/null)

$(BUILD)/site.css: $(ASSETS) $(wildcard assets/scss/*.scss) assets/purgecss.config.cjs $(PURGE_CONTENT) | $(STAMP)
	@mkdir -p $(BUILD) $(dir $(SASS_OUT))
	node_modules/.bin/sass --no-source-map --style=compressed --load-path=node_modules \
	  --quiet-deps --silence-deprecation=import assets/scss/site.scss $(SASS_OUT)
	node_modules/.bin/purgecss --config assets/purgecss.config.cjs --css $(SASS_OUT) --output $(BUILD)

$(BUILD)/site.js: $(ASSETS) $(wildcard assets/js/*.js) static/js/offline-store.js
	@mkdir -p $(BUILD)
	node_modules/.bin/esbuild assets/js/site.js --bundle --minify --format=iife \
	  --target=es2020 --log-level=warning --outfile=$@

assets: $(BUILT)

# What the tests and linters need: packages, assets, and the git-ignored development settings
# file .env (written when missing, completed when a key is new; devtools/dotenv_file.py).
deps: $(STAMP) $(ASSETS) $(BUILT)
	@$(PY) -m devtools.dotenv_file

# A development checkout: deps and a migrated database, so every README command runs.
install: deps
	$(PY) manage.py migrate --noinput --verbosity 0

run: export DJANGO_SITE_URL ?= http://$(URL_HOST):$(PORT)

run: install
	$(PY) manage.py seed_demo
	@echo "Development emails (invitations, reminders, alerts) are printed on this console:"
	@echo "  the task worker and the reminder scheduler (send_due_reminders, every minute) run beside the server."
	@echo "  '$(PY) manage.py send_due_reminders --dry-run' lists the reminders of the next 24 hours."
	@echo "Demo logins are listed in README.md; '$(PY) manage.py demo_code EMAIL' gives a clinician's two-step code."
	@echo "Open $(DJANGO_SITE_URL)/"
	@$(PY) manage.py db_worker & worker=$$!; \
	$(PY) manage.py send_due_reminders --every 60 & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT; \
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: install
	$(PY) manage.py db_worker

sweep: install
	$(PY) manage.py run_daily_sweep

# Production settings (DEBUG off, manifest static files) on a throwaway SQLite file of its own.
BENCH_ENV := env DJANGO_DEBUG=false DJANGO_SECRET_KEY=bench-only-throwaway-key-not-used-anywhere-else \
	DJANGO_ALLOWED_HOSTS=testserver DJANGO_SQLITE_PATH=$(CURDIR)/bench/bench.sqlite3

bench: deps
	@mkdir -p bench
	$(BENCH_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(BENCH_ENV) $(PY) manage.py bench

# Load and fault runs against PostgreSQL on 127.0.0.1:5432 (docs/reliability.md); each makes
# its own database. faulttest restarts the PostgreSQL server (root and pg_ctlcluster only).
loadtest: deps
	$(PY) -m devtools.load.run load

faulttest: deps
	$(PY) -m devtools.load.run fault

# The cluster run (docs/scaling.md): nginx, 3 app nodes, 2 workers, 2 cron nodes, kill -9 of a
# node and a worker, against PostgreSQL on 127.0.0.1:5432 in a database of its own. Installs
# Debian's nginx when it is missing (run unprivileged, with its own files in a temporary folder).
# CLUSTERTEST_SECONDS=20 make clustertest for a short run.
clustertest: install
	@if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then \
	  echo "Installing Debian's nginx for the load balancer"; \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; fi; \
	fi
	$(PY) -m devtools.load.run cluster

# The figures of docs/scaling.md's capacity plan: sweep time per 1,000 patients, entry saves per
# second on PostgreSQL, requests per second and CPU per request of one app node.
capacity: install
	$(PY) -m devtools.load.run capacity

# Tests run on every core (pytest-xdist); PYTEST_ARGS passes extra options.
test: deps
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

test-fast: deps
	$(PY) -m pytest -n auto -m "not browser and not slow" $(PYTEST_ARGS)

# mypy checks the app packages ([tool.mypy] in pyproject.toml); django-stubs imports the
# settings, which need development settings (DEBUG on) without a secret key.
lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DJANGO_DEBUG=true $(VENV)/bin/mypy

format: deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Translations (needs GNU gettext): `messages` collects the marked strings into
# locale/es/LC_MESSAGES/django.po; translate the new entries, then `compilemessages` writes the
# django.mo that is committed, so a fresh clone runs without gettext.
MESSAGES_IGNORE := -i node_modules -i staticfiles -i tests -i bench -i 'pt_tracker.egg-info' -i .venv

messages: deps
	DJANGO_DEBUG=true $(PY) manage.py makemessages -l es $(MESSAGES_IGNORE)

compilemessages: deps
	DJANGO_DEBUG=true $(PY) manage.py compilemessages -l es $(MESSAGES_IGNORE)

clean:
	rm -rf $(VENV) node_modules staticfiles $(BUILD)
