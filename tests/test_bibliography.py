"""The bundled bibliography: references become citations by stable keys, with their place."""

import re
from pathlib import Path

import pytest
from helpers import cited_keys, commands

from gen import pipeline
from gen.engine import derive  # noqa: F401  (registers every rule)
from gen.engine.registry import REGISTRY
from gen.render.bibliography import WORKS, Bibliography, bibtex, known, sources
from gen.render.pdf import typeset

DERIVATIONS = Path(__file__).parent.parent / "derivations"


@pytest.mark.parametrize(
    "reference, key, place",
    [
        (
            "Petersen & Pedersen, The Matrix Cookbook, §2.5.4 (traces)",
            "petersen2012cookbook",
            "§2.5.4 (traces)",
        ),
        ("Magnus & Neudecker, Matrix Differential Calculus, ch. 8", "magnus2019matrix", "ch. 8"),
        (
            "Minka, Old and New Matrix Algebra Useful for Statistics (numerator layout)",
            "minka2000old",
            "numerator layout",
        ),
        (
            "Koren, Bell & Volinsky, Matrix factorization techniques for recommender systems (2009)",
            "koren2009matrix",
            "",
        ),
    ],
)
def test_a_reference_to_a_bundled_work_is_its_key_and_a_place(reference, key, place):
    work, found = known(reference)
    assert (work.key, found) == (key, place)


def test_other_references_are_numbered_as_written():
    bibliography = Bibliography()
    first = bibliography.cite("Smith, A Book")
    assert bibliography.cite("Smith, A Book") == first and first.key == "ref1"
    assert bibliography.cite("Jones, Another").key == "ref2" and bibliography.cite(" ") is None
    assert [e.text for e in bibliography.entries.values()] == ["Smith, A Book", "Jones, Another"]


def test_a_citation_keeps_its_place_unbroken():
    (citation,) = Bibliography().cite_all(["Magnus & Neudecker, Matrix Differential Calculus, ch. 8"])
    assert citation.latex == "\\cite[ch.~8]{magnus2019matrix}"


def test_every_rule_cites_a_bundled_work():
    unknown = {rule.reference for rule in REGISTRY.values() if known(rule.reference) is None}
    assert not unknown, "add these works to gen.bibliography.WORKS"


def test_a_derivation_cites_its_spec_and_the_works_of_its_rules():
    cited = sources(
        ["Bishop, Pattern Recognition and Machine Learning, §4.3.2"],
        [
            ("a", "", "Magnus & Neudecker, Matrix Differential Calculus, ch. 8"),
            ("b", "", "Magnus & Neudecker, Matrix Differential Calculus, ch. 5"),
        ],
    )
    assert [c.latex for c in cited.spec] == ["\\cite[§4.3.2]{bishop2006pattern}"]
    assert [c.latex for c in cited.rules] == ["\\cite{magnus2019matrix}"]  # the work once, without places
    assert [e.key for e in cited.entries] == ["bishop2006pattern", "magnus2019matrix"]


def test_the_bib_file_has_every_work_once():
    keys = re.findall(r"^@(\w+)\{([^,]+),$", bibtex(), flags=re.M)
    assert [key for _, key in keys] == [w.key for w in WORKS] and len({w.key for w in WORKS}) == len(WORKS)
    assert ("book", "magnus2019matrix") in keys


def test_the_article_lists_what_it_cites_and_latex_finds_every_citation(tmp_path, latex_tools):
    tex = pipeline.render_tex(pipeline.run(DERIVATIONS / "ml_logistic_regression.yaml"))
    assert cited_keys(tex) == set(commands(tex, "bibitem")) >= {"bishop2006pattern", "magnus2019matrix"}
    _, log = typeset(tex, tmp_path)
    assert "undefined" not in log and "Output written" in log
