# Rathaus: two commands set everything up on a fresh machine.
#   make run   install, migrate, load demo data, start web (http://127.0.0.1:8000) and worker
#   make test  everything CI checks: lint, types, migrations, tests on SQLite and PostgreSQL
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.run-installed
DEV_STAMP := $(VENV)/.dev-installed
NPM_STAMP := node_modules/.installed
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
PG_URL_BASE ?= postgres://postgres@127.0.0.1:5432

.PHONY: run test bench lint typecheck check-migrations test-sqlite test-postgres system-packages chromium postgres-up messages clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(RUN_STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages the project needs: gettext compiles the translations; Pango and fonts let
# WeasyPrint render PDF receipts; libmagic recognises uploaded files by their content.
SYSTEM_LIBS := /usr/lib/x86_64-linux-gnu/libpango-1.0.so.0 /usr/lib/x86_64-linux-gnu/libpangoft2-1.0.so.0 /usr/lib/x86_64-linux-gnu/libmagic.so.1 /usr/lib/x86_64-linux-gnu/libharfbuzz-subset.so.0 /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
system-packages:
	@command -v msgfmt >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; }
	@ls $(SYSTEM_LIBS) >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libmagic1 fonts-dejavu-core; }

chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | system-packages
	msgfmt --check -o $@ $<

messages: $(MO_FILES)

run: system-packages $(RUN_STAMP) $(NPM_STAMP) messages
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo_data --with-demo-accounts
	scripts/run-dev.sh

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(DEV_STAMP)
	$(VENV)/bin/mypy .

check-migrations: $(DEV_STAMP)
	DJANGO_ENV=test $(PY) manage.py makemigrations --check --dry-run

test-sqlite: $(DEV_STAMP) $(NPM_STAMP) messages chromium
	$(VENV)/bin/pytest

postgres-up:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -1) main start && sleep 2; }
	@pg_isready -h 127.0.0.1 -p 5432

# pytest-django creates test_<name> from this throwaway name and drops it afterwards.
test-postgres: $(DEV_STAMP) $(NPM_STAMP) messages chromium postgres-up
	DATABASE_URL=$(PG_URL_BASE)/rathaus_ci_$$$$ $(VENV)/bin/pytest

test: lint typecheck check-migrations test-sqlite test-postgres

bench: $(DEV_STAMP) $(NPM_STAMP) messages postgres-up
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(PY) scripts/bench.py

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 db.sqlite3-* $(MO_FILES)
