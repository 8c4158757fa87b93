# OfferReady: `make run` serves the app, `make test` runs the whole suite.
VENV    ?= .venv
PYTHON  ?= python3
HOST    ?= 127.0.0.1
PORT    ?= 5000
BIN     := $(VENV)/bin
FLASK   := $(BIN)/flask --app webapp

export LLM_PROVIDER ?= offline

.PHONY: run test install install-dev chromium migrate bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

migrate: install
	$(FLASK) db upgrade

run: migrate
	$(FLASK) run --host $(HOST) --port $(PORT)

chromium:
	@scripts/ensure-chromium.sh

test: install-dev chromium
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install-dev
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache
