# One command to set up and produce the default report, one to set up and pass the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
BODY   ?= dongyang
YEAR   ?= 2017

.PHONY: report all lab test test-fast lint format golden screenshots mutate bench bench-province setup system-deps lock expectations clean

report: setup            ## set up, then produce outputs/$(BODY)/$(YEAR)/
	$(BIN)/nianbao run $(BODY) $(YEAR)

all: setup               ## set up, then produce every report
	$(BIN)/nianbao run --all

lab: setup               ## set up, then open notebooks/ in JupyterLab (each parameters cell defaults to the default report)
	$(BIN)/jupyter lab notebooks/

test: setup              ## set up, then run the whole test suite (one worker per core; see tests/conftest.py)
	$(BIN)/python -m pytest -n auto --dist loadgroup

test-fast: setup         ## the tests that run no notebook, no Great Expectations and no subprocess (about a minute)
	$(BIN)/python -m pytest -n auto -m "not e2e and not slow" -q

lint: setup              ## ruff (lint and format check) on src/ and tests/, mypy on src/ (configured in pyproject.toml)
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench
	$(BIN)/mypy

format: setup            ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix src tests scripts bench
	$(BIN)/ruff format src tests scripts bench

golden: setup            ## re-render the corpus and rewrite tests/golden/*.facts; read the diff before committing
	$(BIN)/python -m pytest tests/e2e/test_golden.py -k "test_rendered_report_states_its_golden_facts or test_table_markup_is_the_snapshot" --golden-update -q
	@git diff --stat -- tests/golden

screenshots: setup       ## check the rendered reports in chromium at 1280 and 390 px; screenshots in outputs/<body>/<year>/screenshots/
	$(BIN)/python tests/browser.py $(if $(filter command line,$(origin BODY)),outputs/$(BODY)/$(YEAR),outputs)

mutate: setup            ## mutation testing of the core modules with the fast tests (about an hour on 2 cores; not in CI)
	$(BIN)/uv pip install --quiet --python $(BIN)/python "mutmut==3.8.1"
	$(BIN)/mutmut run --max-children $$(nproc) || true
	$(BIN)/python scripts/mutation-score

bench: setup             ## set up, then measure nianbao against the naive papermill + nbconvert loop
	$(BIN)/python bench/run.py

bench-province: setup    ## set up, then the province-sized benchmark (1000 synthetic reports; BENCH_ARGS="-n 50")
	$(BIN)/python bench/province.py $(BENCH_ARGS)

setup: system-deps $(VENV)/.installed
	@$(BIN)/python -m compileall -q src >/dev/null  # bytecode for the package, also where Python is told not to write it

system-deps:
	@scripts/install-system-deps

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv>=0.5"
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

lock:                    ## re-resolve requirements.lock from pyproject.toml
	$(BIN)/uv pip compile pyproject.toml --extra test --extra bench --extra lint --extra dask --python-version 3.11 --quiet -o requirements.lock

expectations: setup      ## regenerate expectations/ from the format declarations
	$(BIN)/nianbao expectations --write

clean:
	rm -rf $(VENV) .pytest_cache
