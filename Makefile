# Two front doors (see README): `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app support_hub
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test test-postgres reliability lint install install-dev browser-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: install, migrate the SQLite database, load demo data, serve http://127.0.0.1:5000
run: install
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) run --host $(HOST) --port $(PORT)

## test: install the test tools and run the whole suite (SQLite; PostgreSQL if TEST_DATABASE_URL is set)
test: install-dev browser-deps
	$(BIN)/pytest

# axe-core for the browser tests (they skip, saying why, where npm or Chromium is missing).
browser-deps: tests/browser/node_modules/.package-lock.json
tests/browser/node_modules/.package-lock.json: tests/browser/package-lock.json
	-command -v npm >/dev/null && cd tests/browser && npm ci --no-audit --no-fund --silent

test-postgres: install-dev browser-deps
	TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test $(BIN)/pytest

## reliability: input fuzzing (hypothesis profile `reliability`), the fault suite at full scale
## on PostgreSQL, then (with LOAD_DATABASE_URL) the load benchmark (reliability/README.md);
## figures land in build/reliability/. TEST_DATABASE_URL defaults to the database `reliability` on
## 127.0.0.1:5432, created if missing (its schema is rebuilt every run).
RELIABILITY_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/reliability
reliability: install-dev
	@if [ -z "$(TEST_DATABASE_URL)" ]; then \
	  psql -h 127.0.0.1 -U postgres -d postgres -tAc \
	    "SELECT 1 FROM pg_database WHERE datname = 'reliability'" | grep -q 1 \
	  || createdb -h 127.0.0.1 -U postgres reliability; fi
	TEST_DATABASE_URL="$(or $(TEST_DATABASE_URL),$(RELIABILITY_DATABASE_URL))" \
	  HYPOTHESIS_PROFILE=reliability \
	  $(BIN)/pytest -p no:randomly tests/sms/test_webhook_fuzz.py tests/portal/test_import_fuzz.py
	TEST_DATABASE_URL="$(or $(TEST_DATABASE_URL),$(RELIABILITY_DATABASE_URL))" \
	  $(BIN)/pytest reliability --scale full
	$(BIN)/python -m reliability.summary
	@if [ -n "$(LOAD_DATABASE_URL)" ]; then \
	  $(BIN)/python bench/load.py --database-url "$(LOAD_DATABASE_URL)" --seconds 10; \
	else echo "load benchmark skipped: set LOAD_DATABASE_URL to a 1M-listing database (bench/README.md)"; fi

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
