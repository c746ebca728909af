# The README's two commands: `make run` and `make test`. Both set up from scratch.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# Only this machine by default; ADDRESS=0.0.0.0 serves a team (switch authentication on).
ADDRESS ?= 127.0.0.1
SCALE ?= 1

.PHONY: run test setup setup-dev browser lint bench bench-browser bench-import

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev browser

# Browser tests drive Debian's Chromium; nothing can download a browser here.
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

run: setup
	$(PY) -m streamlit run app.py --server.address $(ADDRESS) --server.port $(PORT) \
		--server.headless true

lint: $(VENV)/.installed-dev
	$(PY) -m ruff check .

# Every test: the whole suite on DuckDB files, then the engine's suite and the two-process
# tests on a local PostgreSQL (`make postgres` installs and starts it; needs root).
test: setup-dev lint
	$(PY) -m pytest -q
	$(MAKE) test-postgres

PG_URL ?= postgresql://backorder:backorder@127.0.0.1:5432/backorder
test-postgres: setup-postgres postgres
	BACKORDER_TEST_STORE=$(PG_URL) $(PG_PY) -m pytest -q -p no:cacheprovider \
		tests/test_engine_*.py tests/test_shared_store.py tests/browser/test_shared_store.py

# Benchmarks (not timed tests): SCALE="0.1 1 3" runs several scale factors; see bench/README.md.
bench: $(VENV)/.installed
	$(PY) -m pip install --quiet -r bench/requirements.txt
	$(PY) bench/run_bench.py --scale $(SCALE)

# Every screen in Chromium on an SF 1 database (made by `make bench` first); not in CI.
bench-browser: $(VENV)/.installed-dev browser
	$(PY) bench/browser_check.py

# A clean 1 M-line import through the Import screen in Chromium (issue 8); not in CI.
LINES ?= 1000000
bench-import: $(VENV)/.installed-dev browser
	$(PY) bench/import_browser.py --lines $(LINES)

# Optional shared PostgreSQL store, reached through DuckDB's postgres extension.
# Its own venv: the extension's wheel needs duckdb 1.5.5 (requirements-postgres.txt).
PG_VENV ?= .venv-postgres
PG_PY := $(PG_VENV)/bin/python

.PHONY: setup-postgres postgres test-postgres run-postgres

$(PG_VENV)/.installed-postgres: requirements.txt requirements-dev.txt requirements-postgres.txt
	test -x $(PG_PY) || python3 -m venv $(PG_VENV)
	@# Kept out of git and of `ruff check .` without touching .gitignore.
	echo '*' > $(PG_VENV)/.gitignore
	$(PG_PY) -m pip install --quiet --upgrade pip
	$(PG_PY) -m pip install --quiet -r requirements-dev.txt
	$(PG_PY) -m pip install --quiet -r requirements-postgres.txt
	touch $@

setup-postgres: $(PG_VENV)/.installed-postgres

# A local PostgreSQL (Debian's package) with role and database `backorder`;
# prints the URL. PG_FAST=1 trades durability for speed (test boxes; on in CI).
postgres:
	.ci/postgres-up

# The engine on PostgreSQL beside a DuckDB file at TPC-H scale, in one run, as ratios
# (bench/README.md); a fresh database on the server of PG_URL, dropped after.
# PG_BENCH_SCALE=1 for SF 1; needs a running server (`make postgres` for a local one).
PG_BENCH_SCALE ?= 0.1
PG_BENCH_REPS ?= 3
.PHONY: bench-postgres

$(PG_VENV)/.installed-bench: $(PG_VENV)/.installed-postgres bench/requirements.txt
	$(PG_PY) -m pip install --quiet -r bench/requirements.txt
	touch $@

bench-postgres: setup-postgres $(PG_VENV)/.installed-bench
	$(PG_PY) bench/postgres_bench.py --scale $(PG_BENCH_SCALE) --reps $(PG_BENCH_REPS) \
		$(if $(PG_URL),--url $(PG_URL))

# The dashboard on a shared PostgreSQL warehouse: BACKORDER_DB=postgresql://… (README).
run-postgres: setup-postgres
	BACKORDER_DB=$${BACKORDER_DB:-$(PG_URL)} $(PG_PY) -m streamlit run app.py \
		--server.address $(ADDRESS) --server.port $(PORT) --server.headless true
