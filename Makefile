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
# Install a Debian package when its command is missing (CI runs as root); otherwise say so, loudly.
# $(1) command, $(2) package, $(3) what happens without it.
define need
	@command -v $(1) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's $(2) ..."; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; } \
	      || echo "WARNING: could not install $(2): $(3)"; \
	  else echo "WARNING: $(1) is missing and cannot be installed here (needs root and apt-get): $(3)"; \
	  fi; }
endef

.PHONY: help setup book book-assets browser test lint normalize execute exercises grade bench \
	fast-cifar results clean

help:
	@echo "make book       set up and build the HTML book into _build/html"
	@echo "make test       set up and run every test (lint, library, notebooks, exercises, book,"
	@echo "                the book in headless Chromium; screenshots in test-artifacts/browser/)"
	@echo "make book-assets  fetch the book's offline MathJax and widget JavaScript from npm"
	@echo "make browser    install Debian's chromium for the browser tests when missing (as root)"
	@echo "make execute NB=chapters/03_convolution.ipynb   re-execute notebooks in place, normalized"
	@echo "make exercises  regenerate student exercise notebooks from exercises/source"
	@echo "make normalize  strip volatile notebook metadata; rewrite the setup cell from _config.yml"
	@echo "make grade NB=exercises/03_convolution.ipynb    grade a learner's notebook"
	@echo "make bench      speed benchmarks: course_lib's training path vs a DataLoader loop"
	@echo "make fast-cifar the fast CIFAR-10 recipe over 3 seeds (meant for a GPU)"
	@echo "make results    re-measure the reference-results table of the book (appendix)"

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10+ needed (3.11 recommended)"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip 2>&1 | $(QUIET_PIP)
	$(BIN)/python -c 'import torch' 2>/dev/null || $(BIN)/python -m pip install -q "$(TORCH)" 2>&1 | $(QUIET_PIP)
	$(BIN)/python -m pip install -q -e ".[book,test,lab]" 2>&1 | $(QUIET_PIP)
	touch $@

setup: $(STAMP)

$(ASSETS): course_lib/authoring/book_assets.py | $(STAMP)
	$(call need,npm,npm,the book's JavaScript cannot be fetched)
	$(BIN)/python -m course_lib.authoring.book_assets
	touch $@

book-assets: $(ASSETS)

browser:
	$(call need,chromium,chromium,the browser tests will be SKIPPED)

book: setup book-assets
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	@echo "The book is in _build/html/index.html"

test: setup book-assets browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .

normalize: setup
	$(BIN)/python -m course_lib.authoring.notebooks normalize

execute: setup
	$(BIN)/python -m course_lib.authoring.notebooks execute $(NB)

exercises: setup
	$(BIN)/python -m course_lib.authoring.exercises

grade: setup
	$(BIN)/course-grade $(NB)

bench: setup
	$(BIN)/python -m benchmarks.bench_step
	$(BIN)/python -m benchmarks.bench_epoch

fast-cifar: setup
	$(BIN)/python -m benchmarks.fast_cifar

results: setup
	$(BIN)/python -m benchmarks.reference_results

clean:
	rm -rf _build .pytest_cache test-artifacts _vendor
