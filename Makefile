# Partnerscan: `make run` serves the app with demo data, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast lint format messages audit bench bench-postgres load load-starvation load-live clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# The web server and the background worker (reports, exports, mail, the schedule) in
# one command; Ctrl+C stops both. `make run PORT=8123` serves on another port.
PORT ?= 8000
# The links the demo prints and the e-mails carry point at this server's port,
# unless SITE_URL says otherwise.
run: export SITE_URL := $(or $(SITE_URL),http://127.0.0.1:$(PORT))
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@$(BIN)/python manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python -m pytest

# The quick loop while you work: everything except the tests marked slow (servers,
# other processes, PDF renders, anything over ~1 s), browser and load, spread over
# the machine's cores (FAST_WORKERS=0 runs them in this one process). `make test`
# and CI still run everything. worksteal: a worker held up (a throttle test waiting
# for a fresh rate-limit window) hands its queue to the others. --nomigrations: each
# worker builds its test database from the models (~1 s less per worker); the schema
# is the same (every constraint and index is declared on the models, `make lint`
# checks the migrations match them, and the only data migrations, Django's and
# django-tasks', find nothing to change in an empty database), and `make test` still
# builds it through the migrations.
# Measured with FAST_WORKERS=2 on the 2-core development machine while other test
# runs shared it (load 3.5-6), before and after back to back: 26-64 s (median 48)
# before, 20-44 s (median 23) after; CPU 42-48 s -> 32-36 s. Idle, before: 27 s.
# Idle, after the session's features landed (1,522 tests): 37 s (42 s wall).
FAST_WORKERS ?= auto
test-fast: install
	$(BIN)/python -m pytest -m "not slow and not browser and not load" \
		-n $(FAST_WORKERS) --dist worksteal --nomigrations

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Known vulnerabilities in every installed package (runtime, development tools and
# their dependencies), from the PyPI advisory database: needs https access to pypi.org
# (docs/deployment.md, "Dependency audit"). --strict: a package that cannot be checked
# fails the audit instead of passing it silently.
audit: install
	$(BIN)/pip-audit --strict --progress-spinner off

# Re-extract UI strings after changing templates or code, translate the new entries
# in locale/nl/LC_MESSAGES/django.po, then compile (the .mo files are committed).
# English is the source language: it needs no catalogue.
messages: install
	$(BIN)/python manage.py makemessages -l nl --no-obsolete --ignore=.venv --ignore=bench --ignore=tests
	$(BIN)/python manage.py compilemessages --ignore=.venv

bench: install
	$(BIN)/python -m bench

# The results and report benches on PostgreSQL (server on 127.0.0.1:5432); the
# database partnerscan_bench is dropped and created afresh (bench/README.md).
bench-postgres: install
	BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/partnerscan_bench \
		$(BIN)/python -m bench bench_results bench_report

# Load test (bench/load/): gunicorn + the worker + locust on 127.0.0.1, 50
# participants for 60 s, on SQLite and on PostgreSQL (server on 127.0.0.1:5432;
# database partnerscan_load); then the starvation run (issue 13) and the live
# session with 200 phones (issue 14, `load-live`).
load: install
	$(BIN)/python -m bench.load.run --db sqlite
	$(BIN)/python -m bench.load.run --db postgres
	$(MAKE) load-starvation
	$(MAKE) load-live

# Participants' autosave p95 without and with 5 consultants downloading reports, in
# one run on PostgreSQL; fails while the ratio is over 1.2 (bench/README.md).
load-starvation: install
	$(BIN)/python -m bench.load.run --starvation --db postgres

# A live session on PostgreSQL: 200 phones (one address) polling every 2 s and
# answering, the projector and the facilitator; fails on a missed target
# (bench/README.md, "Live session"). PHONES=300 for another room size.
PHONES ?= 200
load-live: install
	$(BIN)/python -m bench.load.run --live --db postgres --phones $(PHONES) --seconds 75

clean:
	rm -rf $(VENV) staticfiles test_db*.sqlite3*
