# Two commands do all the set-up: `make lab` starts the course, `make test` runs every test.
# Each creates or refreshes .venv by itself.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb notebooks/teacher/*.ipynb))

.PHONY: lab test venv venv-test browser-deps postgres-deps notebooks check bench clean

$(VENV)/.lab: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.test: pyproject.toml $(VENV)/.lab
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

venv: $(VENV)/.lab
venv-test: $(VENV)/.test

## Start the course in JupyterLab, on the first lesson.
lab: venv
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb

## Run the whole test suite: unit tests, nbval over every notebook, the browser test.
test: venv-test browser-deps postgres-deps
	$(PY) -m pytest tests $(NOTEBOOKS) --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

## Chromium for the browser test: installed from Debian when we are root, else say what to do.
browser-deps:
	@if [ -x /usr/bin/chromium ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Chromium from Debian for the browser test..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser test needs Chromium at /usr/bin/chromium. Install it with:"; \
		echo "    sudo apt-get install -y chromium"; \
		exit 1; \
	fi

## PostgreSQL for the classroom tests (they start a throwaway cluster on loopback).
postgres-deps:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing PostgreSQL from Debian for the classroom tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else \
		echo "The classroom tests need PostgreSQL. Install it with:"; \
		echo "    sudo apt-get install -y postgresql"; \
		exit 1; \
	fi

## Re-execute every notebook top to bottom on a fresh kernel and store its outputs.
notebooks: venv-test
	$(PY) tools/execute_notebooks.py $(NOTEBOOKS)

check: venv
	$(VENV)/bin/cramp-lessons check

bench: venv-test
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache
