# Two commands do all the set-up: `make lab` starts the course, `make test` runs every test.
# Each creates or refreshes .venv by itself.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb notebooks/teacher/*.ipynb))

.PHONY: lab test lint lock venv venv-test system-deps notebooks guide check bench site clean

# Installs come from the locks (exact versions and hashes), never from the ranges in pyproject.toml:
# a fresh clone in six months installs exactly what CI tested. The package itself goes in without deps.
$(VENV)/.lab: requirements/lab.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements/lab.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.test: requirements/test.lock $(VENV)/.lab
	$(PY) -m pip install --quiet --require-hashes -r requirements/test.lock
	touch $@

venv: $(VENV)/.lab
venv-test: $(VENV)/.test

## Start the course in JupyterLab, on the first lesson.
lab: venv
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb

## Run the whole test suite: unit tests, nbval over every notebook, the browser test.
test: venv-test system-deps lint
	$(PY) -m pytest tests $(NOTEBOOKS) --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider --durations=15

## The whole course as a static website in $(SITE): plain files for any static host; nothing in it
## loads from the internet. Try it: python -m http.server -d $(SITE)
SITE ?= build/site
site: venv-test
	$(PY) -m cramp_lessons.web.build $(SITE)

LINTED := cramp_lessons tests benchmarks tools conftest.py
lint: venv-test
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

## Refresh the locks from the ranges in pyproject.toml (and requirements/build.in), then reinstall.
## The lab lock is resolved inside the test lock, so both pin the same versions.
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 \
	pyproject.toml requirements/build.in
lock: venv
	$(PY) -m pip install --quiet "uv==0.13.8"
	$(UV_COMPILE) --upgrade --extra test -o requirements/test.lock
	$(UV_COMPILE) -c requirements/test.lock -o requirements/lab.lock
	rm -f $(VENV)/.lab $(VENV)/.test

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

## Lessons are written as text (issue 13 §5): jupytext.toml pairs each notebooks/**/X.ipynb with X.md,
## MyST Markdown holding the same cells without outputs, so a review diff shows only what changed.
## The loop: edit X.md (or the notebook in JupyterLab, which saves both files when jupytext is
## installed), run `make notebooks`, commit both files; tests/test_notebook_sources.py fails while a
## pair differs. `make notebooks` syncs each pair (jupytext --sync: cells from the newer file of the
## two, outputs kept from the .ipynb), then re-executes every notebook top to bottom on a fresh kernel
## and stores its outputs. A new lesson: write its .md (copy the header of one), and this creates the .ipynb.
LESSON_SOURCES = $(shell grep -lx '    format_name: myst' notebooks/*.md notebooks/teacher/*.md 2>/dev/null)
notebooks: venv-test
	$(VENV)/bin/jupytext --quiet --sync $(NOTEBOOKS) $(filter-out $(NOTEBOOKS:.ipynb=.md),$(LESSON_SOURCES))
	$(PY) tools/execute_notebooks.py $(sort $(NOTEBOOKS) $(LESSON_SOURCES:.md=.ipynb))

## Rewrite the teacher guide's answer lists from the question banks.
guide: venv-test
	$(PY) tools/sync_guide_answers.py

check: venv
	$(VENV)/bin/cramp-lessons check --strict

bench: venv-test
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache
