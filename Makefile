# The two entry points a newcomer needs: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
SAMPLE_LAKE := demo_out/lake
# The tests write bytecode even where the environment says not to (PYTHONDONTWRITEBYTECODE):
# each CLI process the tests start would otherwise compile journeylab from source (~0.5 s of
# CPU each, hundreds of them), and each worker would rewrite every test module's asserts.
NO_BYTECODE_OFF := PYTHONDONTWRITEBYTECODE=

.PHONY: demo test test-slow lint typecheck unit lab screenshots bench api clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[notebooks]'
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev,spark]'
	touch $@

## make demo: venv + install, build the sample lake if missing, run every analysis on it and
## write demo_out/report.html (it prints the path).
demo: $(STAMP_RUN)
	$(BIN)/python -m journeylab.demo --sample sample_data --out demo_out

## make test: venv with dev extras, lint, type check, the fast tier of the tests (three
## workers; everything not marked slow, the browser tests included).
test: $(STAMP_DEV) lint typecheck unit

## make test-slow: the tests marked slow (larger differential runs).
test-slow: $(STAMP_DEV)
	$(NO_BYTECODE_OFF) $(BIN)/pytest -q -m slow -n 3 --dist loadgroup --durations=12 $(PYTEST_ARGS)

lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP_DEV)
	$(BIN)/mypy

unit: $(STAMP_DEV)
	$(NO_BYTECODE_OFF) $(BIN)/pytest -q -n 3 --dist loadgroup --durations=12 $(PYTEST_ARGS)

## make lab: JupyterLab on notebooks/ with this project's kernel (the venv's Python).
# the kernels allocate as the journeylab command does (docs/performance.md, "Ingest")
lab: $(STAMP_RUN)
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (journeylab)"
	ARROW_DEFAULT_MEMORY_POOL=$${ARROW_DEFAULT_MEMORY_POOL:-system} \
	NUMPY_MADVISE_HUGEPAGE=$${NUMPY_MADVISE_HUGEPAGE:-0} $(BIN)/jupyter lab notebooks/

## make screenshots: refresh docs/img/ (the report and a notebook chart, drawn by the
## browser code the tests use; headless Chromium from /usr/bin/chromium, network blocked).
screenshots: $(STAMP_DEV)
	$(BIN)/python -m journeylab.demo --sample sample_data --out demo_out --quiet
	$(BIN)/python tests/screenshots.py --report demo_out/report.html --out docs/img

## make api: the API reference, generated from the docstrings, in build/api/journeylab.html.
api: $(STAMP_DEV)
	$(BIN)/python docs/build_api.py build/api

bench: $(STAMP_DEV)
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/pip install -q -e '.[bench]'
	nice -n 10 $(BIN)/python benchmarks/funnel.py
	nice -n 10 $(BIN)/python benchmarks/backtest.py

clean:
	rm -rf $(VENV) demo_out .pytest_cache .mypy_cache .ruff_cache
