"""Checks that cannot be fooled: two assignments of sizes, and the whole declared domain (issue 13).

Each statement refused below is false by a fact of linear algebra (det(-X) = (-1)^n det X,
the gradient of n tr X is n I, |a| ≠ a for a < 0), and the test checks that fact itself with
numpy and central differences at the sizes and signs concerned, so that it cannot pass if the
statement were in fact true; each also has a true counterpart that must pass.
"""

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest
import sympy as sp
from helpers import invoke

from gen.engine.derive import derive
from gen.pipeline import render_tex, run_spec
from gen.spec.keys import parse_spec
from gen.verify.checks import Check, Report, verify
from gen.verify.domains import draw_value
from gen.verify.sample import sign, size_assignments

EVEN, ODD = 4, 5  # the sizes n gets (the first dimension of each assignment)


def write(tmp_path, text: str):
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def gradient(f, X, h=1e-5):
    """∇f(X) by central differences, entry by entry (independent of derivtex)."""
    G = np.zeros_like(X)
    for index in np.ndindex(X.shape):
        E = np.zeros_like(X)
        E[index] = h
        G[index] = (f(X + E) - f(X - E)) / (2 * h)
    return G


def invertible(n: int, det_sign: int, seed: int = 0) -> np.ndarray:
    X = np.random.default_rng(seed).standard_normal((n, n)) + n * np.eye(n)
    return X if np.sign(np.linalg.det(X)) == det_sign else X[[1, 0, *range(2, n)]]


# --- sizes ----------------------------------------------------------------------------


def test_two_assignments_one_even_one_odd_all_distinct_in_the_same_order():
    dims = sp.symbols("n1:10")  # nine dimension names: more than any fixed tuple had
    symbols = tuple((f"A{k}", sp.MatrixSymbol(f"A{k}", d, d)) for k, d in enumerate(dims))
    even, odd = size_assignments(SimpleNamespace(symbols=symbols))
    assert list(even) == list(odd) == list(dims)
    for sizes, parity in ((list(even.values()), 0), (list(odd.values()), 1)):
        assert len(set(sizes)) == len(sizes) and min(sizes) >= 2
        assert all(size % 2 == parity for size in sizes)
    assert np.argsort(list(even.values())).tolist() == np.argsort(list(odd.values())).tolist()
    assert (even[dims[0]], odd[dims[0]]) == (EVEN, ODD)


def test_nine_dimensions_are_verified():
    names = [f"x{k}" for k in range(1, 10)]
    symbols = "".join(f"  {x}: {{shape: [n{k}]}}\n" for k, x in enumerate(names, 1))
    function = " + ".join(f"{x}^T*{x}" for x in names)
    spec = parse_spec(f"symbols:\n{symbols}function: {function}\nwrt: x1\nclaim: 2*x1\n", "nine.yaml")
    report = run_spec(spec).report
    assert report.ok and report.claim.ok and len(report.sizes) == 2


def test_one_sample_asked_for_still_checks_both_assignments():
    spec = parse_spec(
        "symbols:\n  X: {shape: [n, n]}\nfunction: tr(X)\nwrt: X\ncheck: {samples: 1}\n", "one.yaml"
    )
    assert run_spec(spec).report.samples == 2


SIZE_DEPENDENT = {
    # ∇ n tr X = n I, which is 4 I only for n = 4
    "claim": ("  X: {shape: [n, n]}\n", "tr(X)*sum(ones(n))", "claim: 4*I\n"),
    # det(-X) = (-1)^n det X, so ∇ det(-X) = (-1)^n det(X) X^-T: det(X) X^-T for even n only
    "sign of n": ("  X: {shape: [n, n], assume: [invertible]}\n", "det(-X)", "claim: det(X)*X^-T\n"),
    # d(n tr X) = n tr(dX)
    "step": ("  X: {shape: [n, n]}\n", "tr(X)*sum(ones(n))", "steps:\n  - {expr: 4*tr(dX)}\n"),
}


def test_the_size_dependent_statements_are_true_at_one_size_only():
    for n in (EVEN, ODD):
        X = invertible(n, 1)
        stated = np.linalg.det(X) * np.linalg.inv(X).T
        assert np.allclose(gradient(lambda Y, n=n: np.trace(Y) * n, X), 4 * np.eye(n)) == (n == 4)
        assert np.allclose(gradient(lambda Y: np.linalg.det(-Y), X), stated, rtol=1e-6) == (n % 2 == 0)


@pytest.mark.parametrize("symbols, function, stated", SIZE_DEPENDENT.values(), ids=SIZE_DEPENDENT)
def test_a_statement_true_at_one_size_only_fails_and_says_so(tmp_path, symbols, function, stated):
    result = invoke("check", write(tmp_path, f"symbols:\n{symbols}function: {function}\nwrt: X\n{stated}"))
    assert result.exit_code == 1
    assert f"; it holds for n = {EVEN} but not for n = {ODD}" in result.stderr


def test_the_verification_paragraph_names_both_assignments():
    spec = parse_spec(
        "symbols:\n  X: {shape: [n, m]}\n  A: {shape: [m, n]}\nfunction: tr(A*X)\nwrt: X\n", "a.yaml"
    )
    tex = render_tex(run_spec(spec))
    assert "at 4 random points, 2 with $n = 4, m = 2$ and 2 with $n = 5, m = 3$," in tex


# --- the whole domain -------------------------------------------------------------------

SIGN_DEPENDENT = {
    # |det X| X^-T is the gradient of det X only where det X > 0
    "abs det": ("invertible", "det(X)", "claim: sqrt(det(X)^2)*X^-T\n", "the claim is false"),
    # the gradient of |det X| is sign(det X) det(X) X^-T = |det X| X^-T
    "sign det": ("invertible", "sqrt(det(X)^2)", "claim: det(X)*X^-T\n", "the claim is false"),
    # d|det X| = d det X only where det X > 0
    "step": (
        "invertible",
        "sqrt(det(X)^2)",
        "steps:\n  - {expr: d(sqrt(det(X)^2))}\n  - {expr: d(det(X))}\n",
        "step 2 does not follow from step 1",
    ),
}


def test_the_sign_dependent_statements_are_false_where_det_is_negative():
    for det_sign in (1, -1):
        X = invertible(EVEN, det_sign)
        G = gradient(lambda Y: np.sqrt(np.linalg.det(Y) ** 2), X)
        assert np.allclose(G, np.linalg.det(X) * np.linalg.inv(X).T, rtol=1e-6) == (det_sign > 0)
    A = np.diag([1.5, -0.7, 2.0, 0.6])
    assert not np.allclose(np.sqrt(A * A), A)


@pytest.mark.parametrize("assume, function, stated, message", SIGN_DEPENDENT.values(), ids=SIGN_DEPENDENT)
def test_a_statement_true_for_a_positive_det_only_fails(tmp_path, assume, function, stated, message):
    spec = f"symbols:\n  X: {{shape: [n, n], assume: [{assume}]}}\nfunction: {function}\nwrt: X\n{stated}"
    result = invoke("check", write(tmp_path, spec))
    assert result.exit_code == 1 and message in result.stderr
    assert invoke("check", write(tmp_path, spec.replace(assume, "positive_det"))).exit_code == 0


def test_a_sign_independent_statement_passes(tmp_path):
    # ∇|det X| = sign(det X) det(X) X^-T, written with sign = det/|det|
    stated = "claim: det(X)/sqrt(det(X)^2)*det(X)*X^-T\n"
    spec = (
        f"symbols:\n  X: {{shape: [n, n], assume: [invertible]}}\nfunction: sqrt(det(X)^2)\nwrt: X\n{stated}"
    )
    assert invoke("check", write(tmp_path, spec)).exit_code == 0


def test_an_entrywise_square_root_of_squares_is_not_the_diagonal_matrix(tmp_path):
    # ∇ tr(AX) = Aᵀ = A for diagonal A; sqrt(A∘A) = |A| differs where an entry is negative
    spec = "symbols:\n  A: {shape: [n, n], assume: [diagonal]}\n  X: {shape: [n, n]}\n"
    spec += "function: tr(A*X)\nwrt: X\n"
    false = invoke("check", write(tmp_path, spec + "claim: sqrt.(hadamard(A, A))\n"))
    assert false.exit_code == 1 and "the claim is false" in false.stderr
    positive = spec.replace("[diagonal]", "[diagonal, positive]") + "claim: sqrt.(hadamard(A, A))\n"
    assert invoke("check", write(tmp_path, positive)).exit_code == 0


def test_a_function_undefined_on_part_of_the_domain_is_refused_at_its_position(tmp_path):
    # det(-X) = -det X < 0 for X spd and n odd: logdet(-X) is undefined at every such X
    spec = "symbols:\n  X: {shape: [n, n], assume: [spd]}\nfunction: tr(X) + logdet(-X)\nwrt: X\n"
    result = invoke("check", write(tmp_path, spec))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"{tmp_path / 'spec.yaml'}:3:19: logdet(-X) is undefined where det(-X) ≤ 0"
    )
    assert f"which happens for some spd X when n = {ODD};" in result.stderr


ASSUMPTIONS = {  # assumptions → what every drawn value satisfies, and whether both det signs occur
    "invertible": (lambda M: True, True),
    "symmetric": (lambda M: np.allclose(M, M.T), True),
    "spd": (lambda M: np.allclose(M, M.T) and np.linalg.eigvalsh(M).min() > 0, False),
    "diagonal": (lambda M: np.allclose(M, np.diag(np.diag(M))), True),
    "orthogonal": (lambda M: np.allclose(M.T @ M, np.eye(len(M))), True),
    "positive": (lambda M: M.min() > 0, True),
    "positive_det": (lambda M: True, False),
    "spd, diagonal, positive": (
        lambda M: np.allclose(M, np.diag(np.diag(M))) and np.diag(M).min() > 0,
        False,
    ),
    "symmetric, diagonal": (lambda M: np.allclose(M, np.diag(np.diag(M))), True),
    "orthogonal, diagonal": (lambda M: np.allclose(np.abs(M), np.eye(len(M))), True),
    "orthogonal, symmetric": (lambda M: np.allclose(M, M.T) and np.allclose(M @ M, np.eye(len(M))), True),
    "symmetric, positive": (lambda M: np.allclose(M, M.T) and M.min() > 0, None),  # both signs by chance
    "spd, positive": (lambda M: np.linalg.eigvalsh(M).min() > 0 and M.min() > 0, False),
    "symmetric, positive_det": (lambda M: np.allclose(M, M.T), False),
}


@pytest.mark.parametrize("assume", ASSUMPTIONS)
def test_draws_cover_every_sign_the_assumptions_allow_at_each_size(assume):
    holds, both_signs = ASSUMPTIONS[assume]
    rng = np.random.default_rng(3)
    signs = {EVEN: set(), ODD: set()}
    for sample in range(4):
        n = (EVEN, ODD)[sample % 2]
        M = draw_value(rng, (n, n), assume.split(", "), sign(sample, 0))
        assert holds(M), M
        signs[n].add(int(np.sign(np.linalg.det(M))))
        if not {"positive"} & set(assume.split(", ")):  # well conditioned by construction
            singular = np.linalg.svd(M, compute_uv=False)
            assert 0.5 - 1e-12 <= singular.min() and singular.max() <= 2 + 1e-12
    if both_signs is not None:
        assert all(s == ({-1, 1} if both_signs else {1}) for s in signs.values()), signs


def test_symmetric_matrices_have_eigenvalues_of_both_signs():
    rng = np.random.default_rng(5)
    eigenvalues = np.concatenate(
        [np.linalg.eigvalsh(draw_value(rng, (EVEN, EVEN), ["symmetric"], sign(k, 0))) for k in range(4)]
    )
    assert eigenvalues.min() < 0 < eigenvalues.max()


def test_numbers_take_both_signs_and_neighbours_opposite_ones():
    rng = np.random.default_rng(0)
    values = [[draw_value(rng, (), [], sign(k, j)) for j in range(2)] for k in range(4)]
    assert {np.sign(v[0]) for v in values[0::2]} == {np.sign(v[0]) for v in values[1::2]} == {-1, 1}
    assert any(np.sign(a) != np.sign(b) for a, b in values)


def test_positive_det_reads_as_a_hypothesis_and_keeps_logdet_defined():
    spec = parse_spec(
        "symbols:\n  X: {shape: [n, n], assume: [positive_det]}\nfunction: logdet(X)\nwrt: X\n", "l.yaml"
    )
    derivation = derive(spec)
    assert verify(derivation).ok
    tex = render_tex(run_spec(spec))
    assert r"Let $X \in \mathbb{R}^{n\times n}$ be invertible with $\det X > 0$. " in tex


def test_a_false_claim_marked_in_the_document_says_at_which_size_it_holds():
    text = "symbols:\n  X: {shape: [n, n]}\nfunction: tr(X)*sum(ones(n))\nwrt: X\nclaim: 4*I\n"
    tex = render_tex(run_spec(parse_spec(text, "claim.yaml")))  # as with --allow-false
    assert "The claimed value $4I$ is false" in tex
    assert f"it holds for $n = {EVEN}$ but not for $n = {ODD}$." in tex


def test_the_size_note_names_an_assignment_where_a_check_holds_and_one_where_it_fails():
    sizes = ((("n", EVEN), ("m", 2)), (("n", ODD), ("m", 3)))
    report = Report((), Check(0.0, 1e-6), None, (), 4, sizes=sizes)
    only_odd = Check(0.5, 1e-6, "=", (0.0, 0.5))
    assert report.size_note(only_odd) == f"; it holds for n = {EVEN}, m = 2 but not for n = {ODD}, m = 3"
    assert report.size_note(Check(0.5, 1e-6, "=", (0.5, 0.5))) == ""  # false at both: no note
    assert replace(report, samples=3).size_note(only_odd) == ""  # an assignment saw one sign only
