"""Published ML derivations, as a paper author would write them: each spec in tests/published_ml/ has
the gradient its source prints (Bishop, Goodfellow et al., ESL, Rasmussen & Williams, Kingma & Welling,
Hinton et al., Vaswani et al., …) as its claim, written down from the source, not from derivtex's
output. Every one must be derived, and its claim must hold (checked at two sizes by the verifier; the
result itself against finite differences)."""

from pathlib import Path

import pytest
from helpers import assert_published_gradient_holds

PUBLISHED = sorted((Path(__file__).parent / "published_ml").glob("*.yaml"))


def test_the_corpus_is_there():
    assert len(PUBLISHED) >= 30


@pytest.mark.parametrize("path", PUBLISHED, ids=lambda p: p.stem)
def test_a_published_derivation_is_derived_and_its_published_gradient_holds(path):
    assert_published_gradient_holds(path)
