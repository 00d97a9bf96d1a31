# The README's two commands. Each does its own set-up on a fresh machine:
# a virtualenv with derivtex installed, and TeX Live + latexmk from Debian when missing.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEX_PACKAGES := texlive-latex-base texlive-latex-recommended texlive-latex-extra \
	texlive-fonts-recommended lmodern latexmk poppler-utils

.PHONY: run test tex katex lint bench clean

run: $(STAMP) tex
	$(BIN)/derivtex build derivations/ --to pdf -o output
	$(BIN)/derivtex build derivations/ --template notes --to pdf -o output

test: $(STAMP) tex katex
	$(BIN)/python -m pytest

bench: $(STAMP) tex
	$(BIN)/python tests/benchmark.py

lint: $(STAMP)
	$(BIN)/ruff check gen tests
	$(BIN)/ruff format --check gen tests

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Install TeX Live when pdflatex or latexmk is missing and apt-get is usable (as root or via sudo).
tex:
	@if command -v pdflatex >/dev/null && command -v latexmk >/dev/null && command -v pdftotext >/dev/null; then \
		exit 0; \
	elif ! command -v apt-get >/dev/null; then \
		echo "TeX Live is missing and apt-get is not available: install pdflatex and latexmk to get PDFs."; \
	else \
		sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
		echo "Installing TeX Live and latexmk from Debian's packages (a few minutes, once)..."; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES) >/dev/null \
		|| echo "Could not install TeX Live; .tex files will still be written."; \
	fi

# KaTeX (npm package katex) for the test that renders the Markdown's formulas, run by Node;
# Node and npm from Debian's packages when missing and apt-get is usable.
KATEX := .cache/katex/node_modules/katex/package.json
katex: $(KATEX)

$(KATEX):
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
		if command -v apt-get >/dev/null; then \
			sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
			echo "Installing Node.js and npm from Debian's packages..."; \
			$$sudo apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null \
			|| echo "Could not install Node.js; the KaTeX test will be skipped (failed under CI)."; \
		else \
			echo "Node.js is missing and apt-get is not available: the KaTeX test will be skipped (failed under CI)."; \
		fi; \
	fi
	@if command -v npm >/dev/null; then \
		npm install --prefix .cache/katex --no-save --no-audit --no-fund --loglevel=error katex@0.16 \
		|| echo "Could not install KaTeX; the KaTeX test will be skipped (failed under CI)."; \
	fi

clean:
	rm -rf $(VENV) output/*.pdf output/*.tex output/.build
