"""Published ML derivations, as a paper author would write them: each spec in tests/published_ml/ has
the gradient its source prints (Bishop, Goodfellow et al., ESL, Rasmussen & Williams, Kingma & Welling,
Hinton et al., Vaswani et al., …) as its claim, written down from the source, not from derivtex's
output. Every one must be derived, and its claim must hold (checked at two sizes by the verifier; the
result itself against finite differences)."""

from pathlib import Path

import pytest

from gen.pipeline import run_spec
from gen.spec.keys import load_spec

PUBLISHED = sorted((Path(__file__).parent / "published_ml").glob("*.yaml"))


def test_the_corpus_is_there():
    assert len(PUBLISHED) >= 30


@pytest.mark.parametrize("path", PUBLISHED, ids=lambda p: p.stem)
def test_a_published_derivation_is_derived_and_its_published_gradient_holds(path):
    spec = load_spec(path)
    assert spec.references, "each case cites its source"
    report = run_spec(spec).report
    assert report.finite_difference.ok and report.steps_ok
    assert report.claim is not None and report.claim.ok, report.claim_of
