# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BROWSER_STAMP := $(VENV)/.browser
REDIS_STAMP := $(VENV)/.redis

.PHONY: setup demo test lint bench bench-workers chaos clean

setup: $(STAMP) $(BROWSER_STAMP) $(REDIS_STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(BROWSER_STAMP): $(STAMP) scripts/ensure-browser
	scripts/ensure-browser $(BIN)/playwright
	touch $@

$(REDIS_STAMP): $(STAMP) scripts/ensure-redis
	scripts/ensure-redis
	touch $@

demo: setup
	$(BIN)/rpa demo

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: setup
	$(BIN)/python bench/throughput.py

bench-workers: setup
	$(BIN)/python bench/workers.py

chaos: setup
	$(BIN)/python bench/chaos.py

clean:
	rm -rf $(VENV) .pytest_cache
