# The two commands a new user needs: `make run` and `make test`. Both install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUNTIME_STAMP := $(VENV)/.runtime-installed
# `make run` listens where PORT (or AIP_EMULATOR_PORT, or HOST / AIP_EMULATOR_HOST) says.
PORT ?= $(or $(AIP_EMULATOR_PORT),8080)
HOST ?= $(or $(AIP_EMULATOR_HOST),127.0.0.1)

.PHONY: install run test test-fast test-image fuzz lint typecheck bench bench-capture bench-writes bench-state bench-cloud bench-namespaces bench-mixed bench-calls bench-cpu-share bench-connections bench-slow-headers hostile reliability chaos clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP) $(RUNTIME_STAMP)

# The runtime only (no test or lint toolchain); `make install` adds the dev extra.
$(RUNTIME_STAMP): pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $(RUNTIME_STAMP)

run: $(RUNTIME_STAMP)
	$(BIN)/aip-emulator serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check emulator tests bench
	$(BIN)/ruff format --check emulator tests bench

typecheck: install
	$(BIN)/mypy

# The suite starts hundreds of Python processes (xdist workers, users' projects as pytest sessions, `serve` and `exec`
# children). With PYTHONDONTWRITEBYTECODE set (the Dockerfile sets it; so do many CI images) none of them leaves a
# .pyc behind, so each compiles the emulator and re-runs pytest's assertion rewriting of every test and plugin module
# (about 4 s more per pytest process). The test targets let the first process write them (__pycache__ is ignored).
test test-fast test-image fuzz: export PYTHONDONTWRITEBYTECODE =

# Two xdist workers (each worker gets its own emulators). The one command CI runs: every test, the slow ones too.
test: lint typecheck
	$(BIN)/pytest -n 2 --dist worksteal

# The inner loop: the same suite without the tests marked `slow` (servers and commands started as processes, the
# wheel, the browser, long property runs, generated data sets captured over HTTP and served again: compare, record
# and replay, capture of generated data). `make test` runs them all.
test-fast: install
	$(BIN)/pytest -n 2 --dist worksteal -m "not slow and not image"

# The Docker image built with buildah on the checkout's tracked files and run (tests/image; not in `make test`: a
# minute or two). Without an image registry the Dockerfile's base is a local stand-in, .ci/stand-in-base.sh, built
# first where missing (root, with Debian's podman, buildah and mmdebstrap); without buildah the tests are skipped.
test-image: install
	$(BIN)/pytest -m image --durations=0 tests/image

# The long schemathesis profile and the long profiles of the query property tests (the short ones run in `make test`).
fuzz: install
	AIP_EMULATOR_FUZZ=long $(BIN)/pytest -s tests/reliability/test_schemathesis.py tests/dialects/dc/test_lucene_rules.py \
		tests/search/test_reference.py

bench: install
	$(BIN)/python -m bench.search_bench $(BENCH_ARGS)

# `aip-emulator capture` against a local 10k-asset emulator: assets/s and the request rate it holds to (issue 24).
bench-capture: install
	$(BIN)/python -m bench.capture_bench $(BENCH_ARGS)

bench-writes: install
	$(BIN)/python -m bench.write_bench $(BENCH_ARGS)

bench-state: install
	$(BIN)/python -m bench.state_bench $(BENCH_ARGS)

bench-cloud: install
	$(BIN)/python -m bench.cloud_bench $(BENCH_ARGS)

bench-namespaces: install
	$(BIN)/python -m bench.namespace_bench $(BENCH_ARGS)

# Searches under concurrent writes, write latency, the test cycle and crash recovery (issue 9).
bench-mixed: install
	$(BIN)/python -m bench.mixed_bench $(BENCH_ARGS)

# A test's cycle and health through the plugin's in-process aip_client beside the same calls over HTTP (issue 29).
bench-calls: install
	$(BIN)/python -m bench.calls_bench $(BENCH_ARGS)

# The server's CPU per search, per write and per bare FastAPI call at 10k, and the share of searches beside as many
# closed-loop writers that it bounds (issue 23).
bench-cpu-share: install
	$(BIN)/python -m bench.cpu_share $(BENCH_ARGS)

# The seed search with 16 keep-alive connections, the emulator beside a bare FastAPI app (issue 23).
bench-connections: install
	$(BIN)/python -m bench.connections_bench $(BENCH_ARGS)

# Hostile queries against a live server: each shape's CPU and the p50 of health and a search beside it (issue 20).
hostile: install
	$(BIN)/python -m bench.hostile_bench $(BENCH_ARGS)

# Thousands of connections that never finish their headers, beside ordinary traffic (issue 28).
bench-slow-headers: install
	$(BIN)/python -m bench.slow_headers $(BENCH_ARGS)

reliability: install
	$(BIN)/python -m bench.reliability $(BENCH_ARGS)

# kill -9 at random instants under a random mix of calls, restart on the same data directory, check nothing
# acknowledged was lost and index and database agree (docs/reliability.md).
chaos: install
	$(BIN)/python -m bench.chaos $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .aip-emulator .pytest_cache .mypy_cache .ruff_cache
