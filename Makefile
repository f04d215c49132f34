# npvi-model: the two commands of the README are `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= results
PATHS  := scenarios/domestic.yaml scenarios/import_intermediates.yaml scenarios/reduced_base.yaml

.PHONY: install run robust mpi test lint benchmark benchmark-full sweep clean browser notebooks

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name python3 > /dev/null
	@touch $(STAMP)

install: $(STAMP)

## Solve the three development paths on the shipped data, then compare and report (side by
## side: both only read the results; the comparison's table is shown when both are done).
RESULTS := $(OUT)/domestic $(OUT)/import_intermediates $(OUT)/reduced_base
run: $(STAMP)
	$(BIN)/npvi run $(PATHS) --out $(OUT)
	@shown=$$(mktemp); \
	echo "$(BIN)/npvi compare $(RESULTS) --out $(OUT)/comparison"; \
	$(BIN)/npvi compare $(RESULTS) --out $(OUT)/comparison > $$shown 2>&1 & compare=$$!; \
	echo "$(BIN)/npvi report $(RESULTS) --out $(OUT)/report"; \
	$(BIN)/npvi report $(RESULTS) --out $(OUT)/report; report=$$?; \
	wait $$compare; compared=$$?; cat $$shown; rm -f $$shown; \
	test $$compared -eq 0 && test $$report -eq 0

## The robust no-regret plan over the three paths (reference resolution): $(OUT)/robust/.
robust: $(STAMP)
	$(BIN)/npvi robust $(PATHS) --out $(OUT)

## MPI for progressive hedging (npvi robust --method ph): Open MPI from Debian (needs root
## where it is missing), mpi4py from PyPI.
mpi: $(STAMP)
	@command -v mpirun > /dev/null || for attempt in 1 2 3; do \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openmpi-bin > /dev/null && break; \
	  sleep 10; done
	@command -v mpirun > /dev/null || { echo "mpi: could not install openmpi-bin"; exit 1; }
	$(BIN)/python -m pip install --quiet -e ".[dev,mpi]"

## The whole test suite, including the regression check of every shipped scenario.
test: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/python -m pytest -q --durations=15

## Open the reader notebooks in JupyterLab (installed on first use, into .venv only).
notebooks: $(STAMP)
	@$(BIN)/python -c "import jupyterlab" 2> /dev/null || $(BIN)/python -m pip install --quiet -e ".[notebooks]"
	$(BIN)/jupyter lab notebooks/

## Debian's chromium for the browser test of the report (tests/test_browser.py); needs root.
browser:
	@command -v chromium > /dev/null || (apt-get update && apt-get install -y chromium)

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

## One case per performance lever, each in its own process: sizes, stage seconds, peak memory.
benchmark: $(STAMP)
	$(BIN)/python benchmarks/run_benchmark.py

## The same plus the full-hourly cases (one year two-step and direct, all model years two-step).
benchmark-full: $(STAMP)
	$(BIN)/python benchmarks/run_benchmark.py --full

## The example uncertainty sweep (64 samples of the domestic path, one worker per core), then
## the report of the three paths with the sweep's fan charts and sensitivity ranking.
SWEEP ?= sweeps/example.yaml
sweep: $(STAMP)
	$(BIN)/npvi sweep $(SWEEP) --out $(OUT)/sweeps/example --resume
	@test -f $(OUT)/domestic/results.nc || $(BIN)/npvi run scenarios/domestic.yaml --out $(OUT)
	$(BIN)/npvi report $(OUT)/domestic --sweep $(OUT)/sweeps/example --out $(OUT)/report-sweep

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
