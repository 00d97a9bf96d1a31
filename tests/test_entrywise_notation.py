"""A function of a matrix's entries is never typeset like the matrix function (issue 13, item 3).

``exp(X)`` of a square matrix reads as the matrix exponential (Higham, Functions of Matrices,
ch. 1), so the grammar asks for ``exp.(X)`` and the document writes ``\\exp^{\\circ}(X)``,
stating the notation once, in the proposition, only where such a function is shown.
"""

import pytest
import sympy as sp
from helpers import katex_errors

from gen import pipeline
from gen.expr import ir
from gen.expr.functions import ENTRYWISE
from gen.expr.latex import entrywise_operator, latex
from gen.spec.keys import parse_spec

SENTENCE = "to each entry of a matrix."


def document(source: str, template: str = "article") -> str:
    return pipeline.render_tex(pipeline.run_spec(parse_spec(source, "notation.yaml")), template)


def test_the_notation_is_stated_once_naming_every_function_shown():
    tex = document("symbols: {X: {shape: [n, n]}, A: {shape: [n, n]}}\nfunction: tr(A*sin.(X))\nwrt: X\n")
    sentence = r"Here $\sin^{\circ}$ and $\cos^{\circ}$ apply $\sin$ and $\cos$ to each entry of a matrix."
    assert tex.count(SENTENCE) == 1 and sentence in tex  # cos only in the proof: named too
    assert r"\sin(X)" not in tex and r"\cos(X)" not in tex


def test_a_square_root_is_a_hadamard_power_and_an_unshown_claim_adds_nothing():
    tex = document(
        "symbols: {X: {shape: [n, n], assume: [positive]}}\nfunction: sum(sqrt.(X))\nwrt: X\n"
        "claim: exp.(-log.(X)/2)/2\n"
    )
    assert r"Here $(\cdot)^{\circ 1/2}$ applies $\sqrt{\cdot}$ to each entry of a matrix." in tex
    assert r"X^{\circ 1/2}" in tex and r"\sqrt{X}" not in tex


@pytest.mark.parametrize(
    "symbols, function",
    [
        ("x: {shape: [n]}", "sum(exp(x))"),
        ("x: {shape: [n]}", "sum(exp.(x))"),
        ("X: {shape: [n, n]}", "exp(tr(X))"),
    ],
)
def test_no_sentence_for_a_function_of_numbers_or_vectors(symbols, function):
    wrt = symbols.split(":")[0]
    tex = document(f"symbols: {{{symbols}}}\nfunction: {function}\nwrt: {wrt}\n")
    assert SENTENCE not in tex and r"^{\circ}(" not in tex


def test_markdown_states_it_too():
    md = document("symbols: {X: {shape: [n, n]}}\nfunction: sum(exp.(X))\nwrt: X\n", "md")
    assert r"Here $\exp^{\circ}$ applies $\exp$ to each entry of a matrix." in md


def test_every_row_of_a_matrix_and_its_operator_render_with_katex():
    X = sp.MatrixSymbol("X", 3, 3)
    constants = {name: [sp.Integer(k) for k in range(len(row.parameters))] for name, row in ENTRYWISE.items()}
    items = [latex(ir.Elementwise(name, X, *constants[name])) for name in ENTRYWISE]
    items += [tex for name in ENTRYWISE for tex in entrywise_operator(name)]
    assert all(r"^{\circ" in tex for tex in items[: len(ENTRYWISE)])
    assert katex_errors([{"tex": tex, "display": False} for tex in items]) == [None] * len(items)
