# The two commands in the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint format check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): requirements.lock requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $(STAMP)

## Create .venv, install, migrate, seed demo data on first run, serve with the worker.
run: $(STAMP)
	@bash bin/run

## Create .venv if needed, install, run the whole suite.
test: $(STAMP)
	@bash bin/test

## Run every benchmark (plain scripts, not tests); results go to bench/results/.
bench: $(STAMP)
	$(BIN)/python -m bench

## Only the matching benchmark (BENCH_SIZES=1000x300 for a quick run).
.PHONY: bench-matching
bench-matching: $(STAMP)
	$(BIN)/python -m bench.matching

## Only the reminder sweeps benchmark (BENCH_SWEEP_SCALE=N seeds N and 10 x N; default 1).
.PHONY: bench-sweeps
bench-sweeps: $(STAMP)
	$(BIN)/python -m bench.sweeps

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var/staticfiles
