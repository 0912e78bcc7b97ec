# Two commands a new user needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SAMPLE := samples/plan.yaml
OUT    := out

.PHONY: run test bench fuzz install install-test system-deps lint typecheck pytest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

## make run: fresh machine -> installed tool -> the sample plan's SLA, and the workbooks in out/
run: install
	$(BIN)/sla-workbook compute $(SAMPLE)
	mkdir -p $(OUT)
	$(BIN)/sla-workbook generate $(OUT)/sla-blank-en.xlsx --force
	$(BIN)/sla-workbook generate $(OUT)/sla-blank-es.xlsx --lang es --force
	$(BIN)/sla-workbook generate $(OUT)/sla-sample.xlsx --plan $(SAMPLE) --force
	$(BIN)/sla-workbook report $(OUT)/sla-sample.xlsx --format html -o $(OUT)/report.html --force
	@echo "Open $(OUT)/sla-blank-en.xlsx (or -es, or sla-sample.xlsx) in Excel or LibreOffice,"
	@echo "and $(OUT)/report.html (the month-to-date summary) in a browser."

install: $(BIN)/python
	$(BIN)/python -m pip install -q '.[report]'

## make test: everything the tests need (Python packages, LibreOffice, Gnumeric), then all checks
test: install-test system-deps lint typecheck pytest

install-test: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'

# The spreadsheet programs that referee the formulas. Installed from Debian's packages when missing.
system-deps:
	@if ! command -v soffice >/dev/null || ! command -v ssconvert >/dev/null \
	    || ! command -v pdftoppm >/dev/null || ! command -v chromium >/dev/null \
	    || ! /usr/bin/python3 -c 'import uno' 2>/dev/null; then \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q \
	    libreoffice-calc-nogui python3-uno gnumeric poppler-utils chromium; \
	fi

lint:
	$(BIN)/ruff check sla_workbook tests bench
	$(BIN)/ruff format --check sla_workbook tests bench

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest -q

## make bench: timings against floors (python start-up, XlsxWriter, calamine, DuckDB); see bench/run.py, bench/crm.py
bench: install system-deps
	$(BIN)/python -m pip install -q '.[bench]'
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/crm.py $(CRM_BENCH_ARGS)

## make fuzz: mutate workbooks and validate them for FUZZ_MINUTES (default 10); crashes are kept
FUZZ_MINUTES ?= 10
fuzz: install-test system-deps
	$(BIN)/python -m tests.fuzz --minutes $(FUZZ_MINUTES)

clean:
	rm -rf $(VENV) $(OUT) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
