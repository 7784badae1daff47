# Two commands on a fresh machine: `make run` serves the demo, `make test` checks everything.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test quick lint typecheck js unit browser-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(RUNTIME)

run: $(RUNTIME)
	$(BIN)/survey demo seed --responses 6000
	@echo "Demo accounts: admin, board, board2 (the peer advisory board), evaluator. Lost a password? $(BIN)/survey user password NAME"
	@$(BIN)/survey kiosk enroll --site "Eastside Drop-in Centre" --label "Demo tablet"
	@echo "Kiosk: open http://127.0.0.1:8000/kiosk/enroll on the tablet (or this browser) and type the code."
	exec $(BIN)/survey run --host 127.0.0.1 --port 8000

# Debian's Chromium for the browser tests (Playwright drives it; a browser download does not work here).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			echo "Installing Debian's chromium for the browser tests"; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
		else \
			echo "The browser tests need /usr/bin/chromium: run 'sudo apt-get install chromium'" >&2; exit 1; \
		fi; \
	fi

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(DEV)
	$(BIN)/mypy

# The kiosk's JavaScript modules (skip logic against the same cases as the Python side, the outbox,
# answer checks, navigation) with Node's test runner: every tests/**/*.test.cjs.
js:
	node --test $(shell find tests -name '*.test.cjs' | sort)

# axe-core from the npm registry, for the accessibility checks in the browser tests.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Two workers: on this 2-core machine one test process leaves a core idle while it waits on PostgreSQL,
# Chromium and the servers it starts (17.5 min in one process, 12 min in two).
unit: $(DEV) browser-deps node_modules/.installed
	$(BIN)/pytest -n 2

test: lint typecheck js unit

# The edit loop: lint, types, the JavaScript and every test that neither opens a browser nor is `slow`
# (starts a process, or needs a seeded demo's protected set). `make test` runs everything.
quick: lint typecheck js $(DEV)
	$(BIN)/pytest -n 2 -m "not slow and not browser" -q

# Benchmarks are not part of `make test`: they print timings and ratios, and assert nothing about time.
bench: $(DEV)
	$(BIN)/pytest tests/benchmarks -s -p no:cacheprovider -o addopts=""

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
