# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-slow test-all check bench bench-stochastic bench-milp bench-ab clean

BASE_STAMP := $(VENV)/.installed-base

# `make run` installs the package alone (what a user needs to solve); `make test` adds the test tools
$(BASE_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $(BASE_STAMP)

$(STAMP): $(BASE_STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

run: $(BASE_STAMP)
	$(BIN)/plantsplit solve

# the code gates (ruff's lint and formatter, pyproject [tool.ruff]; mypy, [tool.mypy]); `make test` runs them first
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# on $(WORKERS) processes (pytest-xdist); the tests marked slow run in test-slow (CI runs both: .ci/run)
WORKERS ?= 2
test: check
	$(BIN)/python -m pytest -n $(WORKERS) -m "not slow"

test-slow: $(STAMP)
	$(BIN)/python -m pytest -n $(WORKERS) -m slow

test-all: test test-slow

# the documentation site (mkdocs.yml, pages in docs/): the docs extra, then a strict build into site/
.PHONY: docs
DOCS_STAMP := $(VENV)/.docs-installed
$(DOCS_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[docs]"
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/sweep_bench.py
	$(BIN)/python bench/sweep_blocks_bench.py
	$(BIN)/python bench/stochastic_bench.py
	$(BIN)/python bench/stochastic_scale.py --no-extensive --no-highs
	$(BIN)/python bench/hubs_bench.py --shapes small,medium

# the stochastic decomposition against --method extensive and HiGHS alone on the extensive form (long)
bench-stochastic: $(STAMP)
	$(BIN)/python bench/stochastic_scale.py --time-limit 600

bench-milp: $(STAMP)
	$(BIN)/python bench/orlib.py --time-limit 300

# the same solve under BASE's code and the working tree's, alternated, outputs compared byte for byte
BASE ?= HEAD
bench-ab: $(STAMP)
	$(BIN)/python bench/ab.py --base $(BASE)

# the sdist and the wheel (python -m build), in dist/; the sdist carries the tests (MANIFEST.in)
.PHONY: dist
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist

clean:
	rm -rf $(VENV) outputs build dist *.egg-info site
