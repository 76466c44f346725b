# statementpress: `make build` builds every edition of every source; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test setup benchmark clean

build: $(STAMP)
	scripts/system-deps.sh build
	$(BIN)/statementpress build

test: $(STAMP)
	scripts/system-deps.sh test
	$(BIN)/python -m pytest

benchmark: $(STAMP)
	scripts/system-deps.sh build
	$(BIN)/python benchmarks/run.py

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf build .pytest_cache
