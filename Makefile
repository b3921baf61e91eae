# Two entry points for a fresh machine: `make run` serves the dashboard, `make test` runs every test.
# Both create the virtual environment (.venv) on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# `make run ADDRESS=0.0.0.0` serves the local network (a classroom); the default serves this machine only.
ADDRESS ?= 127.0.0.1
PORT    ?= 8501

.PHONY: run test lint format bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	@$(PY) -m agdui.serve_info $(ADDRESS) $(PORT)
	$(PY) -m streamlit run app.py --server.headless=true --server.address=$(ADDRESS) \
		--server.port=$(PORT) --server.enableXsrfProtection=true --browser.gatherUsageStats=false

# lint and format check first (fast, and a red lint should not wait for the browser tests)
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

test: lint
	XDG_CONFIG_HOME=$(CURDIR)/.tmp/xdg/config XDG_CACHE_HOME=$(CURDIR)/.tmp/xdg/cache \
		$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) benchmarks/bench_core.py
	$(PY) benchmarks/bench_observed.py

clean:
	rm -rf $(VENV) .tmp .pytest_cache
