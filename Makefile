# ganeti-shell: make demo · make test (the two commands of the README's quick start)
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
LINKS   := gnt-cluster gnt-node gnt-instance gnt-job gnt-debug gnt-filter gnt-group hbal hcheck hinfo hail hroller hsqueeze hspace
PYTHON  ?= python3
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install demo test lint protos completions system-deps clean binary binary-smoke

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# compat: the checkout goes on sys.path through a plain .pth entry; the default
	# editable finder is an import hook that adds about 20 ms to every command's start-up.
	$(PY) -m pip install -q -e '.[dev]' --config-settings editable_mode=compat 2>/dev/null \
	  || $(PY) -m pip install -q -e '.[dev]'
	for l in $(LINKS); do ln -sf ganeti-shell $(VENV)/bin/$$l; done
	touch $(STAMP)

# Ganeti's own htools (the differential tests' reference) and tmux (end-to-end tests).
system-deps:
	@if ! command -v hbal >/dev/null || ! command -v tmux >/dev/null \
	    || ! command -v zsh >/dev/null || ! command -v fish >/dev/null; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq ganeti-htools tmux zsh fish >/dev/null \
	  || echo "warning: could not install ganeti-htools/tmux/zsh/fish; tests that need them are skipped"; \
	fi

demo: install
	$(VENV)/bin/ganeti-shell demo

protos: install
	$(PY) -m protos.generate

# The completion scripts in completions/, generated from the command tree (a test checks they are fresh).
completions: install
	for sh in bash zsh fish; do \
	  $(VENV)/bin/ganeti-shell completion $$sh > completions/$$($(PY) -c "from shell.cli.completion import FILES; print(FILES['$$sh'])"); \
	done

lint: install
	$(PY) -m protos.generate --check
	$(VENV)/bin/ruff check agent shell protos/generate.py tests bench
	$(VENV)/bin/mypy agent shell

test: install system-deps lint
	$(PY) -m pytest

# The single binary (one directory: dist/ganeti-shell/ganeti-shell) and its multi-call links.
binary: install
	$(PY) -m pip install -q "pyinstaller>=6.10,<7" "pyinstaller-hooks-contrib>=2026.1"
	cd build && ../$(VENV)/bin/pyinstaller --noconfirm --distpath ../dist --workpath work ganeti-shell.spec
	for l in $(LINKS); do ln -sf ganeti-shell dist/ganeti-shell/$$l; done

# Build the binary and drive it alone: a demo cluster, its commands, the TUI in tmux (CI runs this).
binary-smoke: binary system-deps
	GANETI_SHELL_BINARY=$(CURDIR)/dist/ganeti-shell/ganeti-shell $(PY) -m pytest -q -p no:cacheprovider tests/e2e/test_binary_smoke.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache dist build/work
