# Two commands do all set-up on a fresh machine:
#   make chat   set up, ingest the example corpus and open the chat UI
#   make test   set up and run the tests (what .ci/run calls)
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The CPU build of torch lies in /opt/wheels on these machines; elsewhere pip uses PyPI.
FIND_LINKS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
# llama-cpp-python compiles llama.cpp on install, for the machine's own CPU. With the CPU's AMX
# tile instructions, 0.3.36 crashed (segmentation fault) on every prompt longer than one token on
# a Xeon here; without them it runs, and prompts go 1.5x as fast as in the portable build
# (CMAKE_ARGS=-DGGML_NATIVE=OFF: AVX2 only), which is the fallback for a compiler that does
# not know these flags (gcc < 11). Override for a GPU build, e.g. CMAKE_ARGS="-DGGML_CUDA=on".
NO_AMX := -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
export CMAKE_ARGS ?= -DGGML_NATIVE=ON -DCMAKE_C_FLAGS="$(NO_AMX)" -DCMAKE_CXX_FLAGS="$(NO_AMX)"

.PHONY: setup chat test test-fast eval lint bench browser clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet $(FIND_LINKS) -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

chat: setup
	$(BIN)/rag ingest examples/corpus
	$(BIN)/rag ui

# Debian's Chromium for the browser test (the test skips with a reason only when it cannot run).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
	  || echo "note: could not install chromium; the browser test will report it"; }

test: setup browser
	$(BIN)/pytest -q

test-fast: setup
	$(BIN)/pytest -q -m "not slow and not llm and not browser"

# The eval gate: fails when a score drops below evals/thresholds.toml.
eval: setup
	$(BIN)/rag eval --dataset news --answerer extractive --gate
	$(BIN)/rag eval --dataset news --answerer local --gate

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: setup
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf .rag reports .pytest_cache .mypy_cache .ruff_cache
