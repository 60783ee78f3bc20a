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

.PHONY: help setup book test lint normalize execute exercises grade bench fast-cifar results clean

help:
	@echo "make book       set up and build the HTML book into _build/html"
	@echo "make test       set up and run every test (lint, library, notebooks, exercises, book)"
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

book: setup
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	@echo "The book is in _build/html/index.html"

test: setup
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
	rm -rf _build .pytest_cache
