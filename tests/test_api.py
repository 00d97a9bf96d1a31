"""The notebook API: ``from gen import derive``, in a plain Python session."""

import doctest
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import formulas, katex_errors

import gen.api
from gen import derive, pipeline
from gen.errors import SpecError

ROOT = Path(__file__).parent.parent
X = {"X": {"shape": ["n", "n"], "assume": ["invertible"]}}


@pytest.fixture(scope="module")
def derived():
    return derive("tr(X^-1)", wrt="X", symbols=X, methods=["differential", "entrywise"])


def test_a_plain_python_session(tmp_path):
    program = (
        "from gen import derive\n"
        "d = derive('x^T*A*x', wrt='x', symbols={'x': {'shape': ['n']}, 'A': {'shape': ['n', 'n']}})\n"
        "print(d.result, d.result.kind, d.check(), len(d.steps))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert run.stdout.split()[:3] == ["(A", "+", "A^T)*x"] or run.stdout.startswith(
        "(A + A^T)*x gradient True"
    )


def test_importing_gen_loads_neither_sympy_nor_numpy():
    program = "import gen, sys; print(sorted({'sympy', 'numpy'} & set(sys.modules)))"
    run = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert run.stdout == "[]\n"


def test_result_steps_and_check(derived):
    assert str(derived.result) == derived.result.text == "-(X^-2)^T"
    assert derived.result.kind == "gradient" and derived.result._repr_latex_() == "$-(X^{-2})^{\\top}$"
    assert derived.check() is True
    assert [s.rule for s in derived.steps][:2] == ["trace", "inverse"]
    assert derived.steps[0].lhs == "\\mathrm{d}\\operatorname{tr}(X^{-1})"
    assert all(s.ok and s.within <= 1e-7 and s.max_rel_error is None for s in derived.steps)
    assert repr(derived) == "<derivation of tr(X^-1): gradient -(X^-2)^T>"


def test_to_latex_is_the_document_of_the_same_spec(derived, tmp_path):
    spec = tmp_path / "derivation.yaml"
    spec.write_text(derived.spec_text, encoding="utf-8")
    assert derived.to_latex() == pipeline.render_tex(pipeline.run(spec))
    assert "\\begin{derivtex}" in derived.to_latex("appendix", section_level="subsection")
    assert "Proof entry by entry" in derived.to_latex()


def test_a_false_claim_fails_the_check_without_raising():
    assert derive("tr(X^-1)", wrt="X", symbols=X, claim="(X^-2)^T").check() is False


def test_the_notebook_display_renders_with_katex(derived):
    shown = derived._repr_latex_()
    assert shown.startswith("$$\n\\nabla_{X} \\operatorname{tr}(X^{-1}) = -(X^{-2})^{\\top}\n$$\n")
    items = formulas(shown)
    assert len(items) == 3  # the statement and the two chains of the first proof
    assert katex_errors(items) == [None] * 3


@pytest.mark.parametrize(
    "arguments, error",
    [
        ({"function": "trace(X)", "wrt": "X", "symbols": X}, "function:1:1: unknown function 'trace'"),
        ({"function": "tr(X)", "wrt": "Y", "symbols": X}, "wrt:1:1: "),
        (
            {"function": "tr(X)", "wrt": "X", "symbols": X, "method": ["x"]},
            "method:1:1: unknown key 'method'",
        ),
    ],
    ids=["function", "wrt", "key"],
)
def test_bad_arguments_raise_an_error_naming_the_argument(arguments, error):
    with pytest.raises(SpecError) as raised:
        derive(**arguments)
    assert str(raised.value).startswith(error)


def test_the_docstring_example_runs():
    assert doctest.testmod(gen.api).failed == 0


def test_several_variables_give_one_result_each():
    # by hand: ∇_X tr(XY) = Yᵀ and ∇_Y tr(XY) = Xᵀ
    square = {"shape": ["n", "n"]}
    derived = derive("tr(X*Y)", wrt=["X", "Y"], symbols={"X": square, "Y": square})
    assert {name: r.text for name, r in derived.results.items()} == {"X": "Y^T", "Y": "X^T"}
    assert derived.check() and derived.result.text == "Y^T"
    assert repr(derived) == "<derivation of tr(X*Y): gradient in X Y^T; gradient in Y X^T>"
