"""Realistic derivations, as users bring them (issue 16): the two-layer network, layer norm, attention,
regularised logistic regression, the GP marginal likelihood, PPCA, the Kalman gain, a ReLU
regression network, a VAE's ELBO and regularised matrix factorisation, each in tests/realistic/
with the gradient its source prints as its claim (written from the source, cited in references).

Each must be derived and its claim must hold, as in tests/test_published_ml.py. A spec the engine
refuses today says so in a ``# refused today: message`` line: it must be refused with exactly that
message (an expected failure), and passes as soon as the engine derives it — then drop the line.
`make bench` measures how these documents read (pages, longest line, overfull boxes).
"""

import re
from pathlib import Path

import pytest
from helpers import assert_published_gradient_holds

from gen.errors import SpecError
from gen.spec.keys import load_spec

REALISTIC = sorted((Path(__file__).parent / "realistic").glob("*.yaml"))
REFUSED = re.compile(r"^# refused today: (.*)$", flags=re.M)


def refused_today(path: Path) -> str | None:
    """The refusal a spec records in its ``# refused today:`` line, if it has one."""
    found = REFUSED.search(path.read_text(encoding="utf-8"))
    return found and found.group(1)


def test_the_set_is_there():
    assert len(REALISTIC) >= 10
    assert sum(refused_today(p) is None for p in REALISTIC) >= 9


@pytest.mark.parametrize("path", REALISTIC, ids=lambda p: p.stem)
def test_a_realistic_derivation_is_derived_and_its_published_gradient_holds(path):
    expected = refused_today(path)
    if expected is None:
        assert_published_gradient_holds(path)
        return
    assert load_spec(path).references, "each case cites its source"
    try:
        assert_published_gradient_holds(path)
    except SpecError as error:
        assert error.message == expected, "refused, but not as its '# refused today:' line says"
        pytest.xfail(f"refused today: {expected}")
