# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BROWSER_STAMP := $(VENV)/.browser

.PHONY: setup demo test lint bench chaos clean

setup: $(STAMP) $(BROWSER_STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(BROWSER_STAMP): $(STAMP) scripts/ensure-browser
	scripts/ensure-browser $(BIN)/playwright
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

chaos: setup
	$(BIN)/python bench/chaos.py

clean:
	rm -rf $(VENV) .pytest_cache
