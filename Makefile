# 社保办事通 — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PORT

.PHONY: run test install lint bench clean

$(BIN)/shebao: requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(BIN)/shebao

install: $(BIN)/shebao

run: install
	mkdir -p var
	$(BIN)/shebao migrate --no-input
	$(BIN)/shebao catalog load
	$(BIN)/shebao demo staff
	$(BIN)/shebao serve --no-prepare --port $(PORT)

test: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check src tests bench

bench: install
	for f in bench/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) var
