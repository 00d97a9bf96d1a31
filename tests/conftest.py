"""Shared pytest options and fixtures."""

from collections import Counter

import pytest
from helpers import require_tools
from hypothesis import HealthCheck, settings

pytest_plugins = ["pytester"]  # the pytest plugin is tried in projects of its own


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files in tests/golden/ instead of comparing with them",
    )


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture
def work_done(monkeypatch) -> Counter:
    """A deterministic measure of the work done on hostile input, instead of the wall clock: YAML
    ``nodes`` composed, expression ``tokens`` made by the tokenizer and ``read`` by the parser."""
    from gen.expr import parser
    from gen.spec import reader

    done: Counter = Counter()
    compose_node, tokenize, read = reader._Loader.compose_node, parser.tokenize, parser._Parser.next

    def composing(loader, *args):
        done["nodes"] += 1
        return compose_node(loader, *args)

    def tokenizing(source):
        tokens = tokenize(source)
        done["tokens"] += len(tokens)
        return tokens

    def reading(parser_):
        done["read"] += 1
        return read(parser_)

    monkeypatch.setattr(reader._Loader, "compose_node", composing)
    monkeypatch.setattr(parser, "tokenize", tokenizing)
    monkeypatch.setattr(parser._Parser, "next", reading)
    return done


@pytest.fixture
def latex_tools():
    """TeX (latexmk, pdflatex) and pdftotext."""
    require_tools("latexmk", "pdflatex", "pdftotext")


# Hypothesis profiles: `default` for every run (reproducible: the same examples each time),
# `long` for a deeper search: pytest tests/test_properties.py --hypothesis-profile=long
settings.register_profile(
    "default",
    max_examples=500,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "long",
    max_examples=10_000,
    deadline=None,
    derandomize=False,  # fresh examples each run; a failure prints how to reproduce it
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("default")
