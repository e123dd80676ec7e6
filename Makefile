# The README's two set-up commands: `make demo` and `make test`. Both create
# .venv on first use and install the project (and its pinned dependencies) into it.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
export TORCH_EXTENSIONS_DIR := $(CURDIR)/build/torch_extensions

.PHONY: demo test lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/effiskel demo

# pytest exits 5 when it collects no tests, which fails this target.
test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check effiskel data_pipeline jobs tests benchmarks tools cluster

clean:
	rm -rf build $(VENV)
