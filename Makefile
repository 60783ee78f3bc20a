# Task runner for the course. The README's two commands are `make book` and `make test`;
# both set everything up first (a virtual environment in .venv) and work on a fresh clone.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
# torch is installed first, on its own, so the project's `torch>=2.2` range is already met and pip
# never pulls a different (CUDA, several GB) build. Override for another machine: make TORCH=torch
TORCH ?= torch==2.13.0
STAMP := $(VENV)/.installed
# Tests and CI read datasets from the offline mirror beside the clone when there is one.
export COURSE_DATA_DIR ?= $(abspath $(wildcard ../shared/data))
# This machine's pip config names package-index folders that may not exist: drop those warnings.
QUIET_PIP := { grep -v "^WARNING: Location 'file:" || true; }

# The book's offline JavaScript (MathJax, RequireJS, the ipywidgets HTML manager), fetched from the
# npm registry by the pinned list in book_assets.py; the manifest records what is in place.
ASSETS := _vendor/_static/offline/manifest.json
# A Debian package for a missing command: installed with apt-get only when running as root and
# APT is not "no" (make APT=no ... never installs); either way make says what and why, first.
# need: $(1) command, $(2) package, $(3) what it is for, $(4) what happens without it.
# provide: the same, with $(1) a shell test for what is needed and $(5) its name.
APT ?= auto
define provide
	@$(1) >/dev/null 2>&1 || { \
	  echo "$(5) is missing: $(3)."; \
	  if [ "$(APT)" != no ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's $(2) with apt-get (running as root; make APT=no skips this) ..."; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; } \
	      || echo "WARNING: could not install $(2): $(4)"; \
	  else echo "WARNING: not installing $(2) (needs root and apt-get, and APT not set to no): $(4)"; \
	  fi; }
endef
define need
$(call provide,command -v $(1),$(2),$(3),$(4),$(1))
endef

.PHONY: help setup book book-assets browser sandbox translations test lint lab normalize execute exercises grade bench \
	fast-cifar results publish-check clean

help:
	@echo "make book       set up and build the HTML book: English in _build/html, Korean in"
	@echo "                _build/html/ko (every page links to its counterpart)"
	@echo "make translations  refresh the Korean catalogs (locale/ko) after prose changes and"
	@echo "                report per page what is new, fuzzy or untranslated"
	@echo "make test       set up and run every test (lint, library, notebooks, exercises, book,"
	@echo "                the book in headless Chromium; screenshots in test-artifacts/browser/)"
	@echo "make book-assets  fetch the book's offline MathJax and widget JavaScript from npm"
	@echo "make browser    install Debian's chromium and a Korean font for the browser tests when"
	@echo "                missing (as root)"
	@echo "make lab        set up and start JupyterLab (adds --allow-root only when run as root)"
	@echo "make publish-check [URL=git-url]  the Colab path in a Colab-like venv (ipywidgets 7):"
	@echo "                install from URL (default: a clone of this checkout's HEAD), run every"
	@echo "                chapter on the smoke profile, fail if a preinstalled package changed"
	@echo "make execute NB=chapters/03_convolution.ipynb   re-execute notebooks in place, normalized"
	@echo "make exercises  regenerate student exercise notebooks from exercises/source"
	@echo "make normalize  strip volatile notebook metadata; rewrite the setup cell from _config.yml"
	@echo "make grade NB=exercises/03_convolution.ipynb    grade a learner's notebook"
	@echo "make bench      speed benchmarks: course_lib's training path vs a DataLoader loop"
	@echo "make fast-cifar the fast CIFAR-10 recipe over 3 seeds (meant for a GPU)"
	@echo "make results    re-measure the reference-results table of the book (appendix)"

# The course's own virtual environment: the course (editable) with the extras the commands here
# use: authoring (tools/), book (jupyter-book), test (pytest, nbval, ruff, playwright), lab.
EXTRAS := authoring,book,test,lab
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10+ needed (3.11 recommended)"'
	@echo "Setting up $(VENV): a virtual environment with $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip 2>&1 | $(QUIET_PIP)
	@$(BIN)/python -c 'import torch' 2>/dev/null || echo "Installing $(TORCH) first, so pip keeps this build (make TORCH=... picks another)"
	$(BIN)/python -c 'import torch' 2>/dev/null || $(BIN)/python -m pip install -q "$(TORCH)" 2>&1 | $(QUIET_PIP)
	@echo "Installing the course (editable) with the extras [$(EXTRAS)]: what the chapters import, plus"
	@echo "  the authoring tools, jupyter-book, pytest/nbval/ruff/playwright and JupyterLab"
	$(BIN)/python -m pip install -q -e ".[$(EXTRAS)]" 2>&1 | $(QUIET_PIP)
	touch $@

setup: $(STAMP)

$(ASSETS): tools/book_assets.py | $(STAMP)
	$(call need,npm,npm,the book's offline JavaScript (MathJax and the widget manager) is fetched with it from the npm registry,make book stops here)
	$(BIN)/python -m tools.book_assets
	touch $@

book-assets: $(ASSETS)

browser:
	$(call need,chromium,chromium,the browser tests drive it (headless),the browser tests will be SKIPPED)
	$(call provide,fc-list :lang=ko 2>/dev/null | grep -q .,fonts-noto-cjk,the Korean pages' screenshots need it to show Hangul,Korean text in the screenshots shows as empty boxes,a Korean (CJK) font)

# Both languages: the English book, then the Korean one in _build/html/ko (tools/korean_book.py).
book: setup book-assets
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	@echo "The book is in _build/html/index.html"
	$(BIN)/python -m tools.korean_book --warningiserror

# After prose changes: re-extract the messages, merge them into locale/ko (sphinx-intl), report.
# (The extraction reads the book config, whose extensions check the offline scripts are there.)
translations: setup book-assets
	$(BIN)/python -m tools.translations refresh

sandbox:
	$(call need,bwrap,bubblewrap,the grader runs a learner's kernel inside it (its files hidden; no signals to the grader),grading falls back to a separate user or to limits only and one grader test is SKIPPED)

test: setup book-assets browser sandbox
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .

# JupyterLab refuses to start as root (containers) unless told; only then is --allow-root added.
lab: setup
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root)

normalize: setup
	$(BIN)/python -m tools.notebooks normalize

execute: setup
	$(BIN)/python -m tools.notebooks execute $(NB)

exercises: setup
	$(BIN)/python -m tools.exercises

grade: setup
	$(BIN)/course-grade $(NB)

bench: setup
	$(BIN)/python -m benchmarks.bench_step
	$(BIN)/python -m benchmarks.bench_epoch

fast-cifar: setup
	$(BIN)/python -m benchmarks.fast_cifar

results: setup
	$(BIN)/python -m benchmarks.reference_results

# The Colab path before the repository is public: URL defaults to this checkout (its HEAD).
publish-check: setup
	$(BIN)/python -u -m tools.publish_check $(if $(URL),--url "$(URL)")

clean:
	rm -rf _build .pytest_cache test-artifacts _vendor
