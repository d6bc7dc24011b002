# Two commands do all the set-up: `make lab` starts the course, `make test` runs every test.
# Each creates or refreshes .venv by itself.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb notebooks/teacher/*.ipynb))

.PHONY: lab test venv venv-test system-deps notebooks check bench clean

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
test: venv-test system-deps
	$(PY) -m pytest tests $(NOTEBOOKS) --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

## Debian packages the tests need: Chromium (browser test) and PostgreSQL (classroom tests).
## Installed when we are root; otherwise stop and say exactly what to install. Never skipped.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing from Debian for the tests:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "The tests need these Debian packages. Install them with:"; \
		echo "    sudo apt-get install -y$$missing"; \
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
