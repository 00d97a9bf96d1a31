"""Shared pytest options and fixtures."""

import pytest
from helpers import require_tools
from hypothesis import HealthCheck, settings


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
