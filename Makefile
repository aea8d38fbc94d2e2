# Two commands do everything on a fresh machine with only python3:
#   make demo   set up .venv and run the pipeline on the bundled sample corpus
#   make test   set up .venv and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    := out

.PHONY: demo test setup lock clean

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

demo: $(STAMP)
	@rm -f $(OUT)/demo.duckdb $(OUT)/demo.duckdb.wal $(OUT)/demo.duckdb.snapshot*
	$(BIN)/newsevents ingest samples/articles --db $(OUT)/demo.duckdb --jsonl $(OUT)/demo.jsonl

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

lock: $(STAMP)
	{ head -n 2 requirements.lock; $(BIN)/python -m pip freeze --exclude-editable | grep -v '^newsevents'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .hypothesis
