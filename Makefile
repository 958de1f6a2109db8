# kaigo_xl — make demo (sample facility end to end), make test (whole test suite). Each does its own set-up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test test-fast lint bench workbooks serve system-deps pyodide clean

$(STAMP): pyproject.toml
	@bash scripts/ensure-python.sh "$(PYTHON)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[all]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

# Pyodide (npm) and the wheels xlwings Lite installs (PyPI), for the offline test of the Lite bundle (slow).
pyodide: $(STAMP)
	@PYTHON=$(BIN)/python bash scripts/pyodide-setup.sh --optional

demo: $(STAMP)
	@bash scripts/system-deps.sh --optional
	$(BIN)/kaigo-xl demo --out out/demo

# The README's test command: lint (ruff, mypy, import contracts), then every test on both cores.
test: $(STAMP) system-deps pyodide lint
	$(BIN)/python -m pytest -n 2

# The edit loop: no LibreOffice, nothing marked slow (under a minute on 2 cores).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m "not slow and not libreoffice" -q

lint: $(STAMP)
	$(BIN)/ruff check kaigo_xl tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

workbooks: $(STAMP)
	$(BIN)/kaigo-xl build-workbooks workbooks

serve: $(STAMP)
	$(BIN)/kaigo-xl serve

clean:
	rm -rf $(VENV) out build *.egg-info .cache
