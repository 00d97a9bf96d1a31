"""Shared pytest options and fixtures."""

import os
import shutil

import pytest
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


def require_tools(*tools: str) -> None:
    """Skip the test when a tool is missing, except under CI (``CI`` set), where that fails it."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing and os.environ.get("CI"):
        pytest.fail(
            f"CI is set and these tools are missing ({', '.join(missing)}): under CI this is a failure"
        )
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (make test installs them)")


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
