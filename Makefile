# Two commands on a fresh machine with Python >= 3.11, git and make:
#   make demo   sets up and opens the workbench on the demo project
#   make test   sets up and runs the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_DB ?= demo.db

.PHONY: setup demo demo-reset test lint bench docs translations schema clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Opens the existing demo project (your coding is kept); `make demo-reset` rebuilds it.
demo: setup
	@if [ -f $(DEMO_DB) ]; then $(BIN)/qualcode --db $(DEMO_DB) tui; \
	else $(BIN)/qualcode --db $(DEMO_DB) demo; fi

demo-reset: setup
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/qualcode --db $(DEMO_DB) demo

lint: setup
	$(BIN)/ruff check qualcode tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest -n auto -q

bench: setup
	$(BIN)/python -m benchmarks

# The interface's French: the marked strings extracted (Babel), the catalogue updated
# (new strings come untranslated, and a test fails until they are), then compiled.
LOCALE := qualcode/locale
translations: setup
	$(BIN)/pybabel -q extract -k N_ --no-location --sort-output -w 100 \
	  -o $(LOCALE)/qualcode.pot qualcode
	$(BIN)/pybabel -q update -N --ignore-obsolete -w 100 -D qualcode \
	  -i $(LOCALE)/qualcode.pot -d $(LOCALE)
	$(BIN)/pybabel -q compile -D qualcode -d $(LOCALE)

# The SQLite schema a new project is made from, generated from the migrations (a test
# fails until it is regenerated after a migration is added).
schema: setup
	$(BIN)/python -m qualcode.db.schema_script

# The guide (docs/, English and French): the workbench's pictures regenerated from the
# real app on the demo, then the site built with every warning an error.
docs: setup
	$(BIN)/python docs/make_captures.py
	$(BIN)/mkdocs build --strict --quiet

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache site
