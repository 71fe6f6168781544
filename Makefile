# The two commands of the quick start: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PIP_FLAGS := --quiet --disable-pip-version-check

.PHONY: install browser run test lint bench bench-pg bench-scale drill clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install $(PIP_FLAGS) --upgrade pip
	$(PY) -m pip install $(PIP_FLAGS) ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(PY) manage.py seed_demo --tickets $${DEMO_TICKETS:-500}
	DEBUG=$${DEBUG:-true} PORT=$(PORT) bin/serve

# The browser test drives Debian's Chromium (never a downloaded browser): install it when
# we can (root with apt-get); otherwise that one test is skipped and says why.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's chromium for the browser test"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
	      >/dev/null) || echo "could not install chromium: the browser test will be skipped"; \
	  else echo "no /usr/bin/chromium: the browser test will be skipped"; fi; \
	fi

# Two processes or more (pytest-xdist), each with its own test database; worksteal
# evens out the few long tests (the role x URL matrix, junk input, the worker).
PYTEST_PARALLEL ?= -n auto --dist worksteal

test: install browser
	$(PY) -m pytest $(PYTEST_PARALLEL)

# Style, the layers between apps (import-linter) and types (mypy with django-stubs).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	DEBUG=true $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

# Figures only, never a failure on time. SQLite by default; bench-pg on this machine's
# PostgreSQL (BENCH_DATABASE_URL to point elsewhere); bench-scale: 1 web + 1 worker
# against 2 + 2 on PostgreSQL and Redis (sweep and outbox throughput, requests/s).
bench: install
	$(PY) tests/load/bench.py

bench-pg: install
	BENCH_DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/escalation_bench} $(PY) tests/load/bench.py

bench-scale: install
	$(PY) tests/load/scale_out.py

# The outbox crash drill: 10,000 pending messages, kill -9 of the worker, restart; PostgreSQL
# and Redis on this machine (DRILL_DATABASE_URL, DRILL_REDIS_URL to point elsewhere).
drill: install
	$(PY) tests/load/crash_drill.py

clean:
	rm -rf $(VENV) var build *.egg-info
