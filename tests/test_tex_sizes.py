"""``derivtex check``: \\mathbf{1} and I sized by the chain's shape inference (issue 18).

Each occurrence carries dimension variables of its own that unify with the rest of the link: 1ᵀx with
x ∈ ℝⁿ has 1 ∈ ℝⁿ, the I of A + I has A's shape, both sides of = have one shape. Every published
answer below is written down independently and checked by finite differences here, so a wrong
expected value cannot pass; and a wrong size, or a wrong step, is still caught.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from helpers import checked_in_paper

from gen.errors import Span
from gen.expr.parser import Call, Name, Num
from gen.expr.tex import parse_tex
from gen.spec.reader import Text
from gen.texcheck.shapes import Conflict, infer

RNG = np.random.default_rng(18)
STEP = 1e-6


def tree(latex: str):
    return parse_tex(Text(latex, Span("")), None)


def occurrences(node) -> list:
    """The sized \\mathbf{1} (``ones(r, c)``) and I (``I(k)``) of a tree, as (name, sizes)."""
    if isinstance(node, Call) and node.name in ("ones", "I") and node.args:  # ones(): not sized
        return [(node.name, tuple(a.name if isinstance(a, Name) else int(a.text) for a in node.args))]
    if isinstance(node, (Num, Name)) or node is None:
        return []
    fields = ("operand", "left", "right")
    parts = node.args if isinstance(node, Call) else (getattr(node, f, None) for f in fields)
    return [o for p in parts for o in occurrences(p)]


def sized(left: str, right: str, declared: dict) -> list:
    """The sizes the inference gives each \\mathbf{1} and I of the link ``left = right``."""
    pair = (tree(left), tree(right))
    inferred = infer([pair], declared)
    return [o for side in pair for o in occurrences(inferred.resized(side))]


def statuses(tmp_path: Path, body: str) -> list[str]:
    return [o.status for o in checked_in_paper(tmp_path, body)]


def jacobian(f, x: np.ndarray) -> np.ndarray:
    """Central differences of a vector function, column by column."""
    columns = [(f(x + STEP * e) - f(x - STEP * e)) / (2 * STEP) for e in np.eye(len(x))]
    return np.stack(columns, axis=1)


def softmax(z: np.ndarray) -> np.ndarray:
    return np.exp(z) / np.exp(z).sum()


# --- the unification itself ---------------------------------------------------------------------


def test_a_ones_vector_takes_the_size_of_what_it_multiplies():
    # The Matrix Cookbook (Petersen and Pedersen, 2012), eq. (69) with a = 1: 1ᵀx = xᵀ1, the sum of x
    assert sized(r"\mathbf{1}^{\top}x", r"x^{\top}\mathbf{1}", {"x": ("n",)}) == [
        ("ones", ("n", 1)),
        ("ones", ("n", 1)),
    ]
    # 1ᵀA1, the sum of A's entries: the left 1 has A's rows, the right one its columns
    left, right = r"\mathbf{1}^{\top}A\mathbf{1}", r"\operatorname{tr}(A^{\top}\mathbf{1}\mathbf{1}^{\top})"
    assert sized(left, right, {"A": ("m", "n")}) == [
        ("ones", ("m", 1)),
        ("ones", ("n", 1)),
        ("ones", ("m", 1)),
        ("ones", ("n", 1)),
    ]


def test_a_ones_in_a_sum_or_an_entrywise_product_has_the_other_side_s_shape():
    # 1 − σ(x) (the logistic derivative σ' = σ ∘ (1 − σ), Bishop, PRML, eq. (4.88)): a vector; in
    # 1 ∘ A = A (as derivtex prints ones(m, n)) a matrix of ones
    assert sized(r"\mathbf{1} - x", r"-(x - \mathbf{1})", {"x": ("n",)}) == [("ones", ("n", 1))] * 2
    assert sized(r"\mathbf{1} \circ A", "A", {"A": ("m", "n")}) == [("ones", ("m", "n"))]


def test_each_identity_has_its_own_size():
    # (A + I) C (B + I) with A m×m and B n×n: the two I differ, so one I for the whole link would not fit
    declared = {"A": ("m", "m"), "B": ("n", "n"), "C": ("m", "n")}
    assert sized("(A + I)C(B + I)", "ACB + AC + CB + C", declared) == [("I", ("m",)), ("I", ("n",))]


def test_a_size_nothing_tells_stays_unsized_and_a_1_never_becomes_a_number():
    # 1ᵀ1 alone: any n fits, so no size is guessed
    assert sized(r"\mathbf{1}^{\top}\mathbf{1}", "2", {}) == []
    # a wrong size: xᵀA1 with A m×n, x ∈ ℝⁿ cannot be formed
    with pytest.raises(Conflict):
        infer([(tree(r"x^{\top}A\mathbf{1}"), tree(r"\mathbf{1}^{\top}A x"))], {"x": ("n",), "A": ("m", "n")})
    # I added to a non-square matrix
    with pytest.raises(Conflict):
        infer([(tree("A + I"), tree("I + A"))], {"A": ("m", "n")})


# --- links checked end to end, against published answers ---------------------------------------


def test_the_softmax_jacobian_with_a_ones_vector(tmp_path):
    # Bishop, Pattern Recognition and Machine Learning (2006), eq. (4.106): ∂y_k/∂a_j = y_k(I_kj − y_j),
    # that is J = diag(s) − s sᵀ with s = exp(z)/(1ᵀexp(z)); checked by finite differences first
    z = RNG.standard_normal(4)
    s = softmax(z)
    assert np.allclose(jacobian(softmax, z), np.diag(s) - np.outer(s, s), atol=1e-8)
    body = r"""Let $z \in \mathbb{R}^{n}$.
\[
  \mathrm{d}\Bigl(\frac{\exp(z)}{\mathbf{1}^{\top}\exp(z)}\Bigr)
  = \Bigl(\frac{\operatorname{diag}(\exp(z))}{\mathbf{1}^{\top}\exp(z)}
  - \frac{\exp(z)\exp(z)^{\top}}{(\mathbf{1}^{\top}\exp(z))^{2}}\Bigr)\mathrm{d}z
\]
"""
    assert statuses(tmp_path, body) == ["ok"]
    transposed = body.replace(r"\Bigr)\mathrm{d}z", r"\Bigr)^{\top}\mathrm{d}z")
    assert statuses(tmp_path, transposed) == ["ok"]  # the Jacobian is symmetric
    assert statuses(tmp_path, body.replace("- \\frac", "+ \\frac")) == ["does not follow"]
    assert statuses(tmp_path, body.replace(r"\exp(z)\exp(z)^{\top}", r"\exp(z)^{\top}\exp(z)")) != ["ok"]


def test_the_log_sum_exp_gradient_and_hessian(tmp_path):
    # Boyd and Vandenberghe, Convex Optimization (2004), §3.1.5: f(x) = log(1ᵀz), z = exp(x), has
    # ∇f = z/(1ᵀz) and ∇²f = ((1ᵀz) diag(z) − z zᵀ)/(1ᵀz)²; both checked by finite differences first
    x = RNG.standard_normal(5)
    lse = lambda v: np.array([np.log(np.exp(v).sum())])  # noqa: E731
    z = np.exp(x)
    assert np.allclose(jacobian(lse, x)[0], z / z.sum(), atol=1e-8)
    hessian = (z.sum() * np.diag(z) - np.outer(z, z)) / z.sum() ** 2
    assert np.allclose(jacobian(softmax, x), hessian, atol=1e-8)
    body = r"""Let $x \in \mathbb{R}^{n}$.
\begin{align*}
  \nabla_{x} \log(\mathbf{1}^{\top}\exp(x)) &= \frac{\exp(x)}{\mathbf{1}^{\top}\exp(x)}
\end{align*}
\begin{align*}
  \mathrm{d}\Bigl(\frac{\exp(x)}{\mathbf{1}^{\top}\exp(x)}\Bigr)
  &= \frac{(\mathbf{1}^{\top}\exp(x))\operatorname{diag}(\exp(x)) - \exp(x)\exp(x)^{\top}}
  {(\mathbf{1}^{\top}\exp(x))^{2}}\,\mathrm{d}x
\end{align*}
"""
    assert statuses(tmp_path, body) == ["ok", "ok"]
    squared = "{(\\mathbf{1}^{\\top}\\exp(x))^{2}}"
    assert statuses(tmp_path, body.replace(squared, "{\\mathbf{1}^{\\top}\\exp(x)}")) == [
        "ok",
        "does not follow",
    ]


def test_an_identity_takes_the_shape_of_the_matrix_it_is_added_to(tmp_path):
    # The Matrix Cookbook (Petersen and Pedersen, 2012), eq. (59): d(X⁻¹) = −X⁻¹ dX X⁻¹, for the ridge
    # matrix X = A + λI (Hastie, Tibshirani and Friedman, ESL, eq. (3.44))
    body = r"""Let $A \in \mathbb{R}^{n\times n}$ and $\lambda \in \mathbb{R}$.
\[
  \mathrm{d}\bigl((A + \lambda I)^{-1}\bigr) = -(A + \lambda I)^{-1}\,\mathrm{d}A\,(A + \lambda I)^{-1}
\]
"""
    a, lam = RNG.standard_normal((3, 3)), 0.7
    direction = RNG.standard_normal((3, 3))
    inverse = lambda t: np.linalg.inv(a + t * direction + lam * np.eye(3))  # noqa: E731
    numeric = (inverse(STEP) - inverse(-STEP)) / (2 * STEP)
    assert np.allclose(numeric, -inverse(0) @ direction @ inverse(0), atol=1e-6)
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace(r"= -(A", r"= (A")) == ["does not follow"]


def test_two_identities_of_different_sizes_in_one_link(tmp_path):
    # (A + I)C(B + I) expanded: with A m×m and B n×n, the two I differ in size
    body = r"""Let $A \in \mathbb{R}^{m\times m}$, $B \in \mathbb{R}^{n\times n}$,
$C \in \mathbb{R}^{m\times n}$.
\[
  (A + I)C(B + I) = ACB + AC + CB + C
\]
"""
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("+ CB + C", "+ CB")) == ["does not follow"]


def test_a_ones_whose_size_nothing_tells_cannot_be_checked(tmp_path):
    body = r"""\[
  \mathbf{1}^{\top}\mathbf{1}\,\mathbf{1}^{\top}\mathbf{1} = (\mathbf{1}^{\top}\mathbf{1})^{2}
\]
"""
    assert statuses(tmp_path, body) == ["cannot check"]


def test_a_wrong_size_is_a_shape_error(tmp_path):
    # Cookbook eq. (69) again, with the ones vector on the wrong side of A
    body = r"""Let $A \in \mathbb{R}^{m\times n}$ and $x \in \mathbb{R}^{n}$.
\[
  \mathbf{1}^{\top}Ax = x^{\top}A^{\top}\mathbf{1}
\]
"""
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace(r"x^{\top}A^{\top}", r"x^{\top}A")) == ["shape error"]
    assert statuses(tmp_path, body.replace(r"\mathbf{1}^{\top}Ax", r"Ax\mathbf{1}^{\top}")) == ["shape error"]


def test_a_written_zero_takes_whatever_shape_the_link_gives_it():
    # 0 is the zero of any shape (a number, a vector, a matrix), but it cannot make two shapes agree
    declared = {"x": ("n",), "A": ("m", "n"), "B": ("n", "m")}
    for left, right in (("0", r"x^{\top}x - x^{\top}x"), ("0\\,A", "0"), ("A + 0", "A"), ("0", "A - A")):
        infer([(tree(left), tree(right))], declared)
    with pytest.raises(Conflict):
        infer([(tree("A + 0"), tree("B"))], declared)
    with pytest.raises(Conflict):  # 0·x is x's shape: (0x)ᵀA needs n = m
        infer([(tree(r"(0\,x)^{\top}A"), tree("0"))], declared)


def test_a_ones_next_to_a_softmax_takes_its_size(tmp_path):
    # diag(a)1 = a, transposed 1ᵀdiag(a) = aᵀ, so s 1ᵀ diag(s) = s sᵀ: the last step of Bishop's
    # eq. (4.106) written as a matrix, J = diag(s) − s sᵀ (checked by finite differences above)
    z = RNG.standard_normal(4)
    s = softmax(z)
    assert np.allclose(np.outer(s, np.ones(4)) @ np.diag(s), np.outer(s, s))
    body = r"""Let $z \in \mathbb{R}^{n}$.
\[
  \operatorname{softmax}(z)\,\mathbf{1}^{\top}\operatorname{diag}(\operatorname{softmax}(z))
  = \operatorname{softmax}(z)\operatorname{softmax}(z)^{\top}
\]
"""
    assert statuses(tmp_path, body) == ["ok"]
    wrong = body.replace(r"\operatorname{diag}(\operatorname{softmax}(z))", r"\operatorname{diag}(\exp(z))")
    assert statuses(tmp_path, wrong) == ["does not follow"]


def test_e_to_a_matrix_is_the_matrix_exponential_and_has_its_exponent_s_shape(tmp_path):
    # Higham, Functions of Matrices (2008), §10.1: d/dt e^{tA} = e^{tA} A = A e^{tA}; e^{x} of a vector
    # is taken entry by entry (its gradient diag(e^x)), so 1ᵀe^{x} has the gradient e^{x}
    body = r"""Let $A \in \mathbb{R}^{n\times n}$, $t \in \mathbb{R}$ and $x \in \mathbb{R}^{n}$.
\[
  \frac{\mathrm{d}}{\mathrm{d}t} e^{tA} = e^{tA}A = Ae^{tA}, \qquad
  \nabla_x \mathbf{1}^{\top} e^{x} = e^{x}
\]
"""
    a, t = RNG.standard_normal((3, 3)) / 2, 0.4
    expm = lambda s: sum(np.linalg.matrix_power(s * a, k) / math.factorial(k) for k in range(30))  # noqa: E731
    numeric = (expm(t + STEP) - expm(t - STEP)) / (2 * STEP)
    assert np.allclose(numeric, expm(t) @ a, atol=1e-6) and np.allclose(numeric, a @ expm(t), atol=1e-6)
    assert statuses(tmp_path, body) == ["ok", "ok", "ok"]
    assert statuses(tmp_path, body.replace("e^{tA}A =", "e^{tA}A^{\\top} =")) == ["does not follow"] * 2 + [
        "ok"
    ]


# --- sizes where the sides are defined -------------------------------------------------------------

# The Matrix Cookbook (Petersen and Pedersen, 2012), §2.1.4: for symmetric A,
# ∂ log det(X A Xᵀ)/∂X = 2 (X A Xᵀ)⁻¹ X A. With X m×n, X A Xᵀ is singular unless m ≤ n.
LOGDET_XAXT = r"""Let $X \in \mathbb{R}^{m\times n}$, and let $A \in \mathbb{R}^{n\times n}$ be symmetric
positive definite.
\[ \nabla_{X} \log\det(XAX^{\top}) = 2(XAX^{\top})^{-1}XA \]
"""


def test_the_cookbook_log_det_gradient_by_finite_differences():
    X, B = RNG.standard_normal((2, 4)), RNG.standard_normal((4, 4))
    A = B @ B.T + np.eye(4)
    f = lambda Y: math.log(np.linalg.det(Y @ A @ Y.T))  # noqa: E731
    numeric = np.zeros_like(X)
    for index in np.ndindex(X.shape):
        E = np.zeros_like(X)
        E[index] = STEP
        numeric[index] = (f(X + E) - f(X - E)) / (2 * STEP)
    assert np.allclose(numeric, 2 * np.linalg.inv(X @ A @ X.T) @ X @ A, rtol=1e-5, atol=1e-7)


def test_the_sizes_go_where_the_sides_are_defined(tmp_path):
    found = checked_in_paper(tmp_path, LOGDET_XAXT)
    assert [o.status for o in found] == ["ok"]
    # which order of the sizes was needed is said
    assert any(c.startswith("sizes ") and "undefined at" in c for c in found[0].conventions)
    assert [o.status for o in checked_in_paper(tmp_path, LOGDET_XAXT.replace("^{-1}XA", "^{-1}X"))] == [
        "does not follow"
    ]
    # a side defined at no sizes at all (X Xᵀ and Xᵀ X both inverted) stays unchecked
    nowhere = LOGDET_XAXT.replace(r"\log\det(XAX^{\top})", r"\log\det(XAX^{\top}) + \log\det(X^{\top}X)")
    assert [o.status for o in checked_in_paper(tmp_path, nowhere)] == ["cannot check"]


PARTITIONED = (
    "% derivtex: X_1: n x p; X_2: n x q\n"
    "$$(X_2^TX_2 - X_2^TX_1(X_1^TX_1)^{-1}X_1^TX_2)^{-1} = (X_2^T(I - X_1(X_1^TX_1)^{-1}X_1^T)X_2)^{-1}$$"
)


def test_one_dimension_larger_than_the_others_together_where_the_sides_need_it(tmp_path):
    # X_2ᵀ M_1 X_2 (M_1 the annihilator of X_1) is invertible only when n ≥ p + q: at n = 5, p = 3, q = 7
    # in any order it is singular, so the sizes give n more than p and q together, and say so
    X1, X2 = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 3))
    annihilator = np.eye(5) - X1 @ np.linalg.solve(X1.T @ X1, X1.T)
    assert np.linalg.matrix_rank(X2.T @ annihilator @ X2) < 3
    found = checked_in_paper(tmp_path, PARTITIONED)
    assert [o.status for o in found] == ["ok"]
    assert any(c.startswith("sizes ") and "undefined at" in c for c in found[0].conventions)
    wrong = PARTITIONED.replace("(I - X_1", "(I + X_1")
    assert [o.status for o in checked_in_paper(tmp_path, wrong)] == ["does not follow"]
