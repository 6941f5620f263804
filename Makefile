# Dramaturg: `make run` serves the demo, `make test` runs every test. Both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export UV_PYTHON := python3
# uv is installed with pip into the machine's Python and called through it.
UV := python3 -m uv
DJANGO := $(UV) run --frozen dramaturg
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install browser run serve test lint format messages demo clean bench-submissions

help:
	@echo "make run    install, migrate, load the demo and serve on http://$(HOST):$(PORT)"
	@echo "make test   install (with Debian's chromium) and run the whole test suite"
	@echo "make lint   ruff and mypy;  make messages  refresh the translation catalogues"
	@echo "make bench-submissions  student submissions per second on PostgreSQL (docs/benchmarks.md)"
	@echo "make bench-scale  every page on a generated network of 1,000 schools (docs/benchmarks.md)"

# WeasyPrint (PDF exports) needs Pango; with libharfbuzz-subset0 it subsets fonts in C, which
# halves the time of a PDF.
install:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen --quiet
	@command -v msgfmt >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq gettext; }
	@{ /sbin/ldconfig -p | grep -q libharfbuzz-subset && /sbin/ldconfig -p | grep -q libpangoft2; } \
	  2>/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; }
	$(UV) run --frozen dramaturg compilemessages --ignore=.venv -v 0

browser:
	@{ command -v chromium && command -v pdftoppm; } >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium and poppler-utils for the browser and PDF tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils; }

# The task worker (docs/background-tasks.md) runs beside gunicorn and stops with it: on Ctrl-C,
# on a kill, or when gunicorn exits. It starts from the virtual environment itself, so $! is
# the worker and not a wrapper (uv, a pyenv shim) that would leave it behind.
run: install
	$(DJANGO) migrate --no-input -v 0
	$(DJANGO) collectstatic --no-input -v 0
	$(DJANGO) demo
	@.venv/bin/dramaturg db_worker --no-reload & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT; trap 'exit 143' TERM; \
	$(UV) run --frozen gunicorn dramaturg.config.wsgi --bind $(HOST):$(PORT) \
	  --workers 2 --threads 4 --forwarded-allow-ips=127.0.0.1

test: install browser
	$(UV) run --frozen pytest $(PYTEST_ARGS)

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy src
	$(UV) run --frozen lint-imports

format: install
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

messages: install
	cd src/dramaturg && $(UV) run --frozen dramaturg makemessages -l nl -l en --no-obsolete \
	  --add-location file --ignore=static
	$(UV) run --frozen dramaturg compilemessages --ignore=.venv -v 0

demo: install
	$(DJANGO) migrate --no-input -v 0
	$(DJANGO) demo

# Needs PostgreSQL (BENCH_ARGS="--database-url postgres://…/x_bench"); drops and re-creates that database.
bench-submissions: install
	$(UV) run --frozen python bench/submissions.py $(BENCH_ARGS)

clean:
	rm -rf .venv var .pytest_cache .ruff_cache .mypy_cache

# The analysis engine over a synthetic network against R's multilevel and pingouin
# (docs/benchmarks.md). Installs R's multilevel from Debian when missing. pingouin runs from a
# venv of its own in var/: it brings matplotlib, scikit-learn, statsmodels and pandas along.
PINGOUIN_VENV := var/bench/pingouin
.PHONY: bench-analysis
bench-analysis: install
	@{ command -v Rscript >/dev/null 2>&1 && Rscript -e 'library(multilevel)' >/dev/null 2>&1; } || { \
	  echo "Installing Debian's R and r-cran-multilevel for the reference figures"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends r-base-core r-cran-multilevel; }
	@test -x $(PINGOUIN_VENV)/bin/python || { \
	  $(UV) venv --quiet $(PINGOUIN_VENV) && \
	  $(UV) pip install --quiet --python $(PINGOUIN_VENV)/bin/python pingouin==0.7.0; }
	$(UV) run --frozen python bench/analysis.py --pingouin-python $(PINGOUIN_VENV)/bin/python $(BENCH_ARGS)

# `dramaturg analyze` end to end on a 400,000-row CSV against Rscript with multilevel and psych
# (docs/benchmarks.md). Installs Debian's R, r-cran-multilevel and r-cran-psych when missing.
.PHONY: bench-analyze
bench-analyze: install
	@{ command -v Rscript >/dev/null 2>&1 && \
	  Rscript -e 'library(multilevel); library(psych)' >/dev/null 2>&1; } || { \
	  echo "Installing Debian's R, r-cran-multilevel and r-cran-psych for the reference figures"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends r-base-core r-cran-multilevel r-cran-psych; }
	$(UV) run --frozen python bench/analyze_command.py $(BENCH_ARGS)

# The school dashboard over five school years of rounds (docs/benchmarks.md): SQLite by default;
# BENCH_ARGS="--database-url postgres://…/dashboard_bench" drops and re-creates that database.
.PHONY: bench-dashboard
bench-dashboard: install
	$(UV) run --frozen python bench/dashboard.py $(BENCH_ARGS)

# Every page kind on a generated national network through gunicorn, cold and warm
# (docs/benchmarks.md). Drops and re-creates dramaturg_scale (BENCH_ARGS="--database-url …");
# BENCH_ARGS="--schools 100 --keep", then "--reuse", to time again without generating again.
.PHONY: bench-scale
bench-scale: install
	$(UV) run --frozen python bench/scale.py $(BENCH_ARGS)
