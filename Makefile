# One command sets everything up and runs the main job; one sets everything up and runs the tests.
# The virtual environment is rebuilt only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BROWSER := $(VENV)/.browser
DOCS := $(VENV)/.docs
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# pytest-xdist: a worker per core (at most 8), each on its share of the cores; the slow tests are
# collected first (tests/conftest.py) and handed out one at a time, so the long trainings run side by
# side (BENCHMARKS.md, "The test suite").
PARALLEL := -n auto --maxprocesses=8 --maxschedchunk=1

.PHONY: demo test seeded docs dist clean

demo: $(STAMP)
	$(BIN)/symgroup demo

test: $(STAMP) $(BROWSER)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SYMGROUP_REQUIRE_BROWSER=1 $(BIN)/python -m pytest $(PARALLEL)

# The tests of what seeded training learns alone (CI runs them again under ATEN_CPU_CAPABILITY=default).
seeded: $(STAMP)
	$(BIN)/python -m pytest $(PARALLEL) -m seeded -q

# The documentation site, into docs/_build/html: the tutorials executed, warnings are errors.
docs: $(DOCS)
	rm -rf docs/_build docs/generated docs/sg_execution_times.rst
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html

$(DOCS): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $(DOCS)

# The wheel and the sdist, into dist/ (.ci/wheel installs the wheel alone and runs it).
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0  # the CPU build; a bare "torch" pulls a CUDA one
	$(BIN)/python -m pip install --quiet -e ".[dev,ray]"
	touch $(STAMP)

# Debian's chromium and chromedriver, for the test of the HTML report in a real headless browser.
$(BROWSER): $(STAMP)
	command -v chromium >/dev/null && command -v chromedriver >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium chromium-driver; }
	touch $(BROWSER)

clean:
	rm -rf $(VENV) build dist docs/_build docs/generated *.egg-info
