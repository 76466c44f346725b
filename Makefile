# statementpress: `make build` builds every edition of every source; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test setup benchmark clean

# System packages first: creating the venv may itself need one (python3-venv).
build:
	scripts/system-deps.sh build
	$(MAKE) --no-print-directory $(STAMP)
	$(BIN)/statementpress build

test:
	scripts/system-deps.sh test
	$(MAKE) --no-print-directory $(STAMP)
	$(BIN)/python -m pytest

# Pandoc (for the pipeline it is compared with) is the benchmark's own dependency, not the tests'.
# BENCH_ARGS=--quick tries it out in a few minutes.
benchmark:
	scripts/system-deps.sh build
	scripts/bench-deps.sh
	$(MAKE) --no-print-directory $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

setup:
	scripts/system-deps.sh build
	$(MAKE) --no-print-directory $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "statementpress needs Python 3.11 or newer: run make with PYTHON=python3.11 (or newer)" >&2; exit 1; }
	test -x $(BIN)/pip || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf build .pytest_cache
