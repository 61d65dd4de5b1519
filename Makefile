# The two entry points a newcomer needs: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
SAMPLE_LAKE := demo_out/lake

.PHONY: demo test lint typecheck unit bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[notebooks]'
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev,spark]'
	touch $@

## make demo: venv + install, build the sample lake if missing, run the walkthrough.
demo: $(STAMP_RUN)
	$(BIN)/python -m journeylab.demo --sample sample_data --out demo_out

## make test: venv with dev extras, lint, type check, the whole test suite.
test: $(STAMP_DEV) lint typecheck unit

lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP_DEV)
	$(BIN)/mypy

unit: $(STAMP_DEV)
	$(BIN)/pytest -q $(PYTEST_ARGS)

bench: $(STAMP_DEV)
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/pip install -q -e '.[bench]'
	nice -n 10 $(BIN)/python benchmarks/funnel.py
	nice -n 10 $(BIN)/python benchmarks/backtest.py

clean:
	rm -rf $(VENV) demo_out .pytest_cache .mypy_cache .ruff_cache
