"""``derivtex check`` and the conventions a paper states: symmetry derived from a definition
(gen/texcheck/symmetry.py), the Matrix Cookbook's gradient of a function of a symmetric matrix only
where the text states it (gen/texcheck/conventions.py), and a limit defining a derivative."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import checked_in_paper

from gen.errors import Span
from gen.expr.parser import BinOp, Name, Neg, Num
from gen.expr.tex import parse_tex
from gen.spec.reader import Text
from gen.texcheck.conventions import COOKBOOK, WITHIN, stated
from gen.texcheck.symmetry import why

RNG = np.random.default_rng(7)


def parse(latex: str):
    return parse_tex(Text(latex, Span("")), {})


def kinds(tree) -> dict:
    """Lowercase Greek letters are numbers; S and T are declared symmetric; the rest unknown."""
    return {"S": "symmetric", "T": "symmetric", "lambda": "number", "alpha": "number"}


def value(tree, values: dict):
    """The tree's value at ``values`` (numpy), for the numeric check of each rule."""
    if isinstance(tree, Name):
        return values[tree.name]
    if isinstance(tree, Num):
        return float(tree.text)
    if isinstance(tree, Neg):
        return -value(tree.operand, values)
    if isinstance(tree, BinOp):
        return BINARY[tree.op](value(tree.left, values), value(tree.right, values))
    M = value(tree.operand, values)
    if tree.op == "^":
        return np.linalg.matrix_power(M, int(tree.exponent.text))
    return {"T": lambda: M.T, "-1": lambda: np.linalg.inv(M), "-T": lambda: np.linalg.inv(M).T}[tree.op]()


BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "/": lambda a, b: a / b,
    "*": lambda a, b: a @ b if np.ndim(a) and np.ndim(b) else a * b,
}


def draw() -> dict:
    n, m = 4, 3
    S = RNG.standard_normal((n, n))
    T = RNG.standard_normal((n, n))
    return {
        "S": S + S.T + 2 * n * np.eye(n),
        "T": T @ T.T,
        "A": RNG.standard_normal((n, n)),
        "B": RNG.standard_normal((m, n)),
        "C": RNG.standard_normal((n, m)),
        "lambda": 0.7,
        "alpha": -1.3,
        "I": np.eye(n),
    }


# (the definition, the rule that shows it symmetric, its published source)
RULES = [
    (r"S^{-1}", "the inverse", "Matrix Cookbook (Petersen and Pedersen 2012) §1.1: (A^{-1})^T = (A^T)^{-1}"),
    (r"S^{-\top}", "the inverse transpose", "Matrix Cookbook §1.1: (A^{-1})^T = (A^T)^{-1}"),
    (r"(S^{-1})^{\top}", "the transpose", "Matrix Cookbook §1.1, (A^T)^T = A"),
    (
        r"S^{3}",
        "a power",
        "Horn and Johnson, Matrix Analysis (2nd ed.) §4.1: polynomials of a Hermitian matrix",
    ),
    (r"A^{\top}A", "a Gram matrix", "Horn and Johnson §7.2: a Gram matrix A^T A is positive semidefinite"),
    (r"A A^{\top}", "a Gram matrix", "Horn and Johnson §7.2"),
    (
        r"A + A^{\top}",
        "a matrix plus its transpose",
        "Horn and Johnson §4.1.1: the Hermitian part (A + A^*)/2",
    ),
    (r"B S B^{\top}", "a congruence", "Horn and Johnson §4.5: congruence B S B^* of a Hermitian S"),
    (r"C^{\top} (T C)", "a congruence", "Horn and Johnson §4.5"),
    (
        r"S + \lambda I",
        "a sum of symmetric",
        "Horn and Johnson §4.1: the Hermitian matrices are a real space",
    ),
    (r"S - \alpha T", "a sum of symmetric", "Horn and Johnson §4.1"),
    (r"\tfrac{1}{2}(A + A^{\top})", "a number times", "Srinivasan and Panda, arXiv:1911.06491, eq. (2)"),
]


@pytest.mark.parametrize(("latex", "rule", "source"), RULES)
def test_each_rule_derives_a_symmetry_that_holds(latex, rule, source):
    tree = parse(latex)
    assert rule in (why(tree, kinds(tree).get) or ""), source
    for _ in range(3):  # and the matrix it defines is symmetric, at random points
        M = value(tree, draw())
        assert np.allclose(M, M.T, rtol=1e-10, atol=1e-10), source


NOT_SYMMETRIC = [
    r"S T",  # a product of symmetric matrices (Horn and Johnson §4.1: only if they commute)
    r"A - A^{\top}",  # skew-symmetric
    r"A^{\top} S",
    r"B S B",
    r"A^{2}",
    r"A",
]


@pytest.mark.parametrize("latex", NOT_SYMMETRIC)
def test_no_rule_derives_a_symmetry_that_fails(latex):
    tree = parse(latex)
    assert why(tree, kinds(tree).get) is None
    values = draw()
    values["B"] = RNG.standard_normal((4, 4))
    M = value(tree, values)
    assert not np.allclose(M, M.T)  # and indeed it is not symmetric


# --- on a document ---------------------------------------------------------------------------------


def statuses(tmp_path: Path, body: str) -> list[tuple[str, str]]:
    return [(o.status, o.message, o.conventions) for o in checked_in_paper(tmp_path, body)]


# Bishop, Pattern Recognition and Machine Learning, exercise 2.34: the precision Λ = Σ⁻¹ of a
# Gaussian; the step needs (Λ⁻¹)ᵀ = Λ⁻¹, true as Λ is the inverse of the symmetric Σ
PRECISION = r"""Let $\Sigma \in \mathbb{R}^{n\times n}$ be symmetric positive definite and
$X \in \mathbb{R}^{N\times n}$.{stated}
\begin{align*}
  \tfrac{1}{2}((N\Lambda^{-1} - X^{\top}X)^{\top} + N\Lambda^{-1} - X^{\top}X) &= N\Lambda^{-1} - X^{\top}X
\end{align*}
"""


def test_a_symbol_stated_as_the_inverse_of_a_symmetric_one_is_symmetric(tmp_path):
    # Λ declared first: the relation is stated of it, not a definition, and lends it its symmetry
    declared = r" Let $\Lambda \in \mathbb{R}^{n\times n}$ and write $\Lambda = \Sigma^{-1}$."
    found = statuses(tmp_path, PRECISION.replace("{stated}", declared))
    assert [s for s, *_ in found] == ["ok"]
    assert any("Lambda: symmetric, derived from Lambda = \\Sigma^{-1}" in c for c in found[0][2])
    # Λ not declared: the prose defines it (gen/texcheck/prose.py), and Σ⁻¹ stands in its place
    found = statuses(tmp_path, PRECISION.replace("{stated}", r" Write $\Lambda = \Sigma^{-1}$."))
    assert [s for s, *_ in found] == ["ok"]
    # numerically: ½((N Λ⁻¹ − XᵀX)ᵀ + N Λ⁻¹ − XᵀX) = N Λ⁻¹ − XᵀX for Λ = Σ⁻¹, Σ symmetric
    Sigma = draw()["S"]
    X = RNG.standard_normal((3, 4))
    M = 3 * np.linalg.inv(np.linalg.inv(Sigma)) - X.T @ X
    assert np.allclose((M.T + M) / 2, M)


def test_an_unstated_symmetry_is_still_found_and_named(tmp_path):
    # issue 18: "a step that needs a symmetry the text never states" must be found
    ((status, message, _),) = statuses(tmp_path, PRECISION.replace("{stated}", ""))
    assert status == "does not follow" and "holds if Lambda is symmetric" in message
    # a relation that does not make Λ symmetric leaves it so (a product of symmetric matrices)
    other = r" Let $\Lambda \in \mathbb{R}^{n\times n}$ and write $\Lambda = \Sigma^{-1}\Sigma^{2}X^{\top}X$."
    ((status, message, _),) = statuses(tmp_path, PRECISION.replace("{stated}", other))
    assert status == "does not follow" and "holds if Lambda is symmetric" in message


def test_a_letter_declared_anew_loses_what_was_stated_of_it(tmp_path):
    # letters are reused between problems: Λ = Σ⁻¹ in one, a general square Λ in the next
    first = PRECISION.replace("{stated}", r" Write $\Lambda = \Sigma^{-1}$.")
    second = r"""\section{Another problem}
Let $\Lambda \in \mathbb{R}^{n\times n}$.
\[ (N\Lambda^{-1} - X^{\top}X)^{\top} + N\Lambda^{-1} = 2N\Lambda^{-1} - X^{\top}X \]
"""
    found = statuses(tmp_path, first + second)
    assert [s for s, *_ in found] == ["ok", "does not follow"]
    assert "holds if Lambda is symmetric" in found[1][1]


def test_a_definition_in_a_chain_or_an_annotation_lends_its_symmetry(tmp_path):
    # Magnus and Neudecker, Matrix Differential Calculus (3rd ed.), ch. 8: d(X^T A X) with A
    # symmetric is dX^T A X + X^T A dX, and (X^T A X)^{-1} is symmetric; here C := X^T A X
    body = r"""Let $A \in \mathbb{R}^{n\times n}$ be symmetric and $X \in \mathbb{R}^{n\times p}$.
% derivtex: C := X^{\top}AX
% derivtex: M: p x p
% derivtex: M := C^{-1}
\begin{align*}
  \operatorname{tr}(M^{\top}\,\mathrm{d}M) &= \operatorname{tr}(M\,\mathrm{d}M)
\end{align*}
"""
    assert [s for s, *_ in statuses(tmp_path, body)] == ["ok"]
    assert [s for s, *_ in statuses(tmp_path, body.replace(" be symmetric", ""))] == ["does not follow"]


# --- the Matrix Cookbook's convention -----------------------------------------------------------------


def cookbook_gradient(f, X, h=1e-6):
    """∂f/∂X_ij over the free entries X_ij = X_ji (i ≤ j) of a symmetric X, by central differences:
    the Matrix Cookbook's convention (Petersen and Pedersen 2012, §2.8, eq. (141))."""
    n = len(X)
    C = np.zeros_like(X)
    for i in range(n):
        for j in range(i, n):
            E = np.zeros_like(X)
            E[i, j] = E[j, i] = h
            C[i, j] = C[j, i] = (f(X + E) - f(X - E)) / (2 * h)
    return C


def spd(n: int):
    A = RNG.standard_normal((n, n))
    return A @ A.T + n * np.eye(n)


# (the function, the Cookbook's gradient of it at a symmetric S (§2.8.2), both in LaTeX, and numpy)
COOKBOOK_CASES = [
    (
        r"\log\det(S)",
        r"2S^{-1} - \operatorname{diag}(\operatorname{diag}(S^{-1}))",
        lambda S, A: np.log(np.linalg.det(S)),
        lambda S, A: 2 * np.linalg.inv(S) - np.diag(np.diag(np.linalg.inv(S))),
    ),
    (
        r"\operatorname{tr}(AS)",
        r"A + A^{\top} - \operatorname{diag}(\operatorname{diag}(A))",
        lambda S, A: np.trace(A @ S),
        lambda S, A: A + A.T - np.diag(np.diag(A)),
    ),
]


@pytest.mark.parametrize(("f", "gradient", "f_np", "gradient_np"), COOKBOOK_CASES)
def test_the_cookbook_gradient_is_accepted_where_the_text_states_that_convention(
    tmp_path, f, gradient, f_np, gradient_np
):
    S, A = spd(4), RNG.standard_normal((4, 4))
    assert np.allclose(cookbook_gradient(lambda X: f_np(X, A), S), gradient_np(S, A), atol=1e-6)
    body = r"""Let $A \in \mathbb{R}^{n\times n}$, and let $S \in \mathbb{R}^{n\times n}$ be symmetric
positive definite.{said}
\[ \nabla_{S} {f} = {gradient} \]
"""
    body = body.replace("{f}", f).replace("{gradient}", gradient)
    said = (
        " We use the Matrix Cookbook's convention: the derivatives by the free entries $S_{ij}$, $i \\le j$."
    )
    assert [s for s, *_ in statuses(tmp_path, body.replace("{said}", said))] == ["ok"]
    # never accepted where the text does not state it, nor where it only mentions it
    ((status, message, _),) = statuses(tmp_path, body.replace("{said}", ""))
    assert status == "does not follow" and "holds under the Matrix Cookbook's convention" in message
    hedged = " (The Matrix Cookbook's convention would double the off-diagonal entries.)"
    assert [s for s, *_ in statuses(tmp_path, body.replace("{said}", hedged))] == ["does not follow"]
    # and under it, the gradient within symmetric matrices is not the Cookbook's
    within = body.replace("{said}", said).replace(
        gradient, r"\tfrac{1}{2}(A + A^{\top})" if "A" in f else "S^{-1}"
    )
    assert [s for s, *_ in statuses(tmp_path, within)] == ["does not follow"]


def test_the_identification_in_the_reason_column_is_the_plain_one(tmp_path):
    # the Cookbook's derivation reads the plain gradient G = S^{-T} off d log det S = tr(S^{-1} dS)
    # (Magnus and Neudecker, ch. 8) before taking its convention G + G^T - diag G
    body = r"""Let $S \in \mathbb{R}^{n\times n}$ be symmetric. We use the Matrix Cookbook's convention.
\begin{align*}
  \nabla_{S} \log\det(S) &= S^{-\top} && \text{identification}
\end{align*}
"""
    assert [s for s, *_ in statuses(tmp_path, body)] == ["ok"]
    unsaid = body.replace(r"&& \text{identification}", "")
    assert [s for s, *_ in statuses(tmp_path, unsaid)] == ["does not follow"]


def test_an_annotation_states_the_convention_to_the_end_of_its_section(tmp_path):
    # the Matrix Cookbook, §2.8.2: for a symmetric S, d tr(AS)/dS = A + A^T - (A o I)
    body = r"""\section{One}
% derivtex: S: n x n symmetric; A: n x n
% derivtex: gradient cookbook
\[ \nabla_{S} \operatorname{tr}(AS) = A + A^{\top} - \operatorname{diag}(\operatorname{diag}(A)) \]
\section{Two}
% derivtex: S: n x n symmetric; A: n x n
\[ \nabla_{S} \operatorname{tr}(AS) = A + A^{\top} - \operatorname{diag}(\operatorname{diag}(A)) \]
"""
    assert [s for s, *_ in statuses(tmp_path, body)] == ["ok", "does not follow"]


@pytest.mark.parametrize(
    ("text", "convention"),
    [
        ("Gradient of a log-determinant, the Matrix Cookbook's convention", COOKBOOK),
        (r"the gradient is $G + G^{\top} - \operatorname{diag}(G)$, by the free entries", COOKBOOK),
        ("the gradient is the one within symmetric matrices (the default convention)", WITHIN),
        ("(the Matrix Cookbook's convention would double its off-diagonal entries)", None),
        (r"a spec may ask for the Matrix Cookbook's $G + G^{\top} - \operatorname{diag}(G)$ instead", None),
        ("We follow the Cookbook convention. The gradient within symmetric matrices would be half", COOKBOOK),
    ],
)
def test_how_a_convention_is_stated(text, convention):
    assert stated(text) == convention


# --- limits -------------------------------------------------------------------------------------------


def test_a_limit_defining_a_derivative_is_skipped_and_a_limit_claimed_cannot_be_checked(tmp_path):
    body = r"""Let $X, U \in \mathbb{R}^{m\times n}$.
\begin{align*}
  \mathrm{D}f(X)[U] &= \lim_{t\to 0}\frac{f(X + tU) - f(X)}{t} && \text{the definition} \\
  &= 2\operatorname{tr}(X^{\top}U) && \text{by a lemma}
\end{align*}
"""
    found = statuses(tmp_path, body)
    assert [s for s, *_ in found] == ["skipped", "cannot check"]
    assert "definition of a derivative" in found[0][1] and "a limit" in found[1][1]


def test_a_softmax_has_the_shape_of_its_argument(tmp_path):
    # the row-wise softmax of attention (Vaswani et al. 2017) is a matrix of Z's shape; the cyclic
    # trace tr(A^T S) = tr(S A^T) (Magnus and Neudecker, ch. 1) holds for S = softmax(Z)
    body = r"""Let $A \in \mathbb{R}^{n\times k}$.
\[ \operatorname{tr}(A^{\top}\operatorname{softmax}(Z))
   = \operatorname{tr}(\operatorname{softmax}(Z)A^{\top}) \]
"""
    assert [s for s, *_ in statuses(tmp_path, body)] == ["ok"]
    assert [s for s, *_ in statuses(tmp_path, body.replace("= \\operatorname", "= 2\\operatorname"))] == [
        "does not follow"
    ]


def test_a_declared_variable_the_side_does_not_contain_keeps_its_declaration(tmp_path):
    # the derivative by β of a side written in β-hat: no convention makes the declared vector β a
    # number in the report
    body = r"""% derivtex: X: n x p; y: n; \beta: p; \hat\beta: p
\[ \frac{\partial}{\partial \beta} \left[ y^Ty - 2\hat \beta^T X^T y \right] = 0 \]
"""
    (found,) = checked_in_paper(tmp_path, body)
    assert not any(c.startswith("beta:") for c in found.conventions)
