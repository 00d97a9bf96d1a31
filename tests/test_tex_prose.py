"""Definitions read from the running text (issue 18): ``where $a = W_1x + b_1$``, ``Write
$f(W) = …$``, ``$\\Sigma := LL^{\\top}$`` define names as a ``% derivtex:`` annotation would, to the
end of the section; a prose equation that is not a definition never becomes one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from helpers import central_gradient, checked_in_paper


def outcomes(tmp_path: Path, body: str):
    return checked_in_paper(tmp_path, body)


def statuses(tmp_path: Path, body: str) -> list[str]:
    return [o.status for o in outcomes(tmp_path, body)]


# --- the mechanism ---------------------------------------------------------------------------------

# The Matrix Cookbook (Petersen and Pedersen, 2012), eq. (124): ∂ tr(X^{-1}) / ∂X = -(X^{-2})^T.
INVERSE_TRACE = r"""Let $X \in \mathbb{R}^{n\times n}$ be invertible,
and write $f(X) = \operatorname{tr}(X^{-1})$.
\[ \nabla_{X} f = -(X^{-2})^{\top} \]
"""


def test_the_cookbook_gradient_the_text_names_f_is_checked():
    # the published answer, checked by finite differences before the checker is asked about it
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 4)) + 4 * np.eye(4)
    numeric = central_gradient(lambda Y: np.trace(np.linalg.inv(Y)), X)
    published = -np.linalg.matrix_power(np.linalg.inv(X), 2).T
    assert np.allclose(numeric, published, rtol=1e-5, atol=1e-7)


def test_a_function_written_in_the_prose_is_differentiated_through(tmp_path):
    assert statuses(tmp_path, INVERSE_TRACE) == ["ok"]
    assert statuses(tmp_path, INVERSE_TRACE.replace("-(X^{-2})^{\\top}", "-X^{-2}")) == ["does not follow"]
    # without the sentence, f is a name the text does not define: never checked against a guess
    unnamed = INVERSE_TRACE.replace(r"and write $f(X) = \operatorname{tr}(X^{-1})$", "")
    assert unnamed != INVERSE_TRACE
    assert statuses(tmp_path, unnamed) == ["cannot check"]


# Goodfellow, Bengio and Courville, Deep Learning (2016), §6.5.4: with a = Wx + b, the squared
# error ||a - y||^2 has gradient 2(a - y)x^T in W.
LAYER = r"""Let $W \in \mathbb{R}^{m\times n}$, $x \in \mathbb{R}^{n}$ and $b, y \in \mathbb{R}^{m}$.
The loss is $\lVert a - y\rVert^{2}$, where $a = Wx + b$ is the pre-activation and $r = a - y$.
\begin{align*}
  \mathrm{d}(\lVert a - y\rVert^{2}) &= 2r^{\top}\mathrm{d}a \\
  &= 2r^{\top}\mathrm{d}W\,x \\
  &= \operatorname{tr}(2xr^{\top}\mathrm{d}W)
\end{align*}
\[ \nabla_{W} \lVert a - y\rVert^{2} = 2(Wx + b - y)x^{\top} \]
"""


def test_the_layer_s_gradient_by_finite_differences():
    rng = np.random.default_rng(1)
    W, x = rng.standard_normal((3, 2)), rng.standard_normal(2)
    b, y = rng.standard_normal(3), rng.standard_normal(3)
    numeric = central_gradient(lambda V: np.sum((V @ x + b - y) ** 2), W)
    assert np.allclose(numeric, 2 * np.outer(W @ x + b - y, x), rtol=1e-5, atol=1e-7)


def test_names_defined_after_where_are_read_through(tmp_path):
    # dW only varies (the chain writes dW alone), so d a = dW x
    assert statuses(tmp_path, LAYER) == ["ok", "ok", "ok", "ok"]
    broken = LAYER.replace("2(Wx + b - y)x^{\\top}", "2(Wx - y)x^{\\top}")
    assert statuses(tmp_path, broken)[-1] == "does not follow"
    halved = LAYER.replace("&= 2r^{\\top}\\mathrm{d}W\\,x", "&= r^{\\top}\\mathrm{d}W\\,x")
    assert statuses(tmp_path, halved)[1] == "does not follow"


def test_colon_equals_defines_without_a_word(tmp_path):
    # Magnus and Neudecker, ch. 8: d tr(S) = tr(dS), with S = A X B: d tr(AXB) = tr(A dX B)
    body = r"""Let $X, A, B \in \mathbb{R}^{n\times n}$. Here $S := AXB$.
\[ \mathrm{d}\operatorname{tr}(S) = \operatorname{tr}(A\,\mathrm{d}X\,B) \]
"""
    assert statuses(tmp_path, body) == ["ok"]
    swapped = body.replace("A\\,\\mathrm{d}X\\,B", "B\\,\\mathrm{d}X\\,A")
    assert statuses(tmp_path, swapped) == ["does not follow"]


def test_a_prose_equation_that_is_not_a_definition_stays_prose(tmp_path):
    claim = r"""Let $A, B \in \mathbb{R}^{n\times n}$.
Then $S = AB$ and the two products differ.
\[ S = BA \]
"""
    # "Then" introduces a claim, not a definition: S stays the chain's own definition (skipped)
    assert statuses(tmp_path, claim) == ["skipped"]
    case = r"""Let $x \in \mathbb{R}^{n}$ and $A \in \mathbb{R}^{n\times n}$. The form vanishes where $x = 0$.
\[ \mathrm{d}(x^{\top}Ax) = x^{\top}(A + A^{\top})\mathrm{d}x \]
"""
    # x is declared: "where $x = 0$" is a case, never x := 0 (which would make both sides 0)
    assert statuses(tmp_path, case) == ["ok"]
    assert statuses(tmp_path, case.replace("(A + A^{\\top})", "A")) == ["does not follow"]
    number = r"""Let $A \in \mathbb{R}^{n\times n}$. The bound is sharp where $u = 0$.
\[ \mathrm{d}(u^{\top}Au) = u^{\top}A\,\mathrm{d}u \]
"""
    # u is not declared, but a name equal to a number is a case, not a definition: u stays a
    # variable, and the wrong differential is caught
    assert statuses(tmp_path, number) == ["does not follow"]


def test_a_name_already_defined_is_not_redefined_by_a_later_sentence(tmp_path):
    body = r"""Let $X \in \mathbb{R}^{n\times n}$, and write $S = X + X^{\top}$. Note that
where $S = X$ the claim below would fail.
\[ S^{\top} = S \]
"""
    assert statuses(tmp_path, body) == ["ok"]


def test_a_definition_the_checker_cannot_read_makes_its_uses_uncheckable(tmp_path):
    body = r"""Let $W \in \mathbb{R}^{m\times n}$ and $x \in \mathbb{R}^{n}$, write
$f(W) = \lVert Wx\rVert^{2}$ and $\delta = \nabla f$.
\[ \nabla_{W} f = \delta x^{\top} \]
"""
    (o,) = outcomes(tmp_path, body)
    assert o.status == "cannot check" and "delta is defined in the prose" in o.message


def test_a_prose_definition_holds_to_the_end_of_its_section(tmp_path):
    display = INVERSE_TRACE.split("\n")[2]
    body = f"\\section{{One}}\n{INVERSE_TRACE}\\section{{Two}}\n{display}\n"
    assert statuses(tmp_path, body) == ["ok", "cannot check"]


def test_a_display_s_own_equation_is_never_a_prose_definition(tmp_path):
    # the chain's claim a = Wx + b is checked (here: against a defined a), never read as a definition
    body = r"""Let $W \in \mathbb{R}^{m\times n}$, $x \in \mathbb{R}^{n}$ and $b \in \mathbb{R}^{m}$,
with $a = Wx + b$.
\[ a = Wx - b \]
"""
    assert statuses(tmp_path, body) == ["does not follow"]


# --- real material ---------------------------------------------------------------------------------

# mitmath/matrixcalc (MIT 18.S096, Matrix Calculus), psets/pset1sol.tex, commit
# b8bef045def45c3b4000c1cd3d96bf947727f74e, lines 8-12 (the macros) and 265-271 (problem 5, part 5,
# as written): f(A) = tr((A diag(x) A^T)^{-1}) differentiated in A, with B "defined" in the prose
# sentence. The source assumes the inverse exists (A of full row rank); the annotation takes A
# square so that B is invertible at every size drawn. Its published answer: the gradient
# -2 B^{-2} A diag(x), checked by finite differences below.
MIT_PSET1 = r"""\newcommand{\tr}{\operatorname{trace}}
\newcommand{\diag}{\operatorname{diag}}
\newcommand{\vecm}{\operatorname{vec}}

\newcommand{\dotstar}{\mathbin{.*}}
% derivtex: A: n x n; x: n
\begin{enumerate}
\item Defining $B = A \diag(x) A^T$ as above, and noting that $B = B^T$, we can apply our usual trace identities $\tr XY = \tr YX$ and $\tr M = \tr M^T$ to show:
\begin{align*}
    df &= d \tr (B^{-1}) =  \tr\left[ -B^{-1} dB B^{-1} \right]  \\
    &= \tr\left[ -B^{-1} (dA \diag(x) A^T + A \diag(x) dA^T) B^{-1} \right] \\
    &= \tr\left[ - \diag(x) A^T B^{-2} dA \right] + \tr\left[ - dA^T B^{-2} A \diag(x) \right] \\
    &= \tr\left[ -2 \diag(x) A^T B^{-2} dA \right] = \langle -2B^{-2} A \diag(x) , dA \rangle_\mathrm{F}
\end{align*}
\end{enumerate}
"""  # noqa: E501


def test_the_mit_gradient_by_finite_differences():
    rng = np.random.default_rng(2)
    A, x = rng.standard_normal((3, 3)) + 3 * np.eye(3), rng.uniform(1, 2, 3)

    def f(M):
        return np.trace(np.linalg.inv(M @ np.diag(x) @ M.T))

    B_inv = np.linalg.inv(A @ np.diag(x) @ A.T)
    assert np.allclose(central_gradient(f, A), -2 * B_inv @ B_inv @ A @ np.diag(x), rtol=1e-5, atol=1e-7)


def test_a_name_defined_in_a_real_solution_s_prose_is_read_through(tmp_path):
    found = outcomes(tmp_path, MIT_PSET1)
    # df: f is the problem's, stated in its statement (not in this excerpt); the Frobenius
    # product <.,.>_F is notation the checker does not read; the four links through B are checked
    assert [o.status for o in found] == ["cannot check", "ok", "ok", "ok", "ok", "not understood"]
    # without the prose sentence, B is a free matrix and two correct links would be false alarms
    unread = MIT_PSET1.replace("Defining $B = A \\diag(x) A^T$", "Defining $B$")
    assert [o.status for o in outcomes(tmp_path, unread)].count("does not follow") == 2
    slipped = MIT_PSET1.replace("-2 \\diag(x) A^T B^{-2} dA", "-\\diag(x) A^T B^{-2} dA")
    assert [o.status for o in outcomes(tmp_path, slipped)][3:5] == ["ok", "does not follow"]


# mitmath/matrixcalc, psets/pset2sol.tex, commit b8bef045def45c3b4000c1cd3d96bf947727f74e, lines
# 8-12 (the macros) and 111-129 (problem 2, as written): "where $A=A^T$ and $X=X^T$" states a
# property, not a definition (A's body would use A), and "We have $f(A) = …$" is not introduced as
# a definition, so df cannot be checked. The published differential d tr(A^{-1} X) =
# -tr(A^{-1} dA A^{-1} X) (with d log det A = tr(A^{-1} dA)) is checked by finite differences below.
MIT_PSET2 = r"""\newcommand{\tr}{\operatorname{tr}}
\newcommand{\diag}{\operatorname{diag}}
\newcommand{\adj}{\operatorname{adj}}
\newcommand{\vecm}{\operatorname{vec}}
\newcommand{\dotstar}{\operatorname{.*}}
We have $f(A) = \log \det A + \tr(A^{-1} X)$ where $A=A^T$ and $X=X^T$ are real-symmetric positive-definite $m \times m$
 matrices, with perturbations $dA$ that are also real-symmetric.

\begin{enumerate}

\item To compute $\nabla f$, let's first compute $df$ and then compare it to $\langle \nabla f, dA \rangle = \tr(\nabla f^T, dA)$.  The log-determinant derivative is already computed in section 7.2.2 of the course notes, and we can apply our formula for $d(A^{-1})$ to obtain:
$$
df = \tr(A^{-1} dA) - \tr(A^{-1} dA A^{-1} X) = \tr\left((I - A^{-1} X)A^{-1} dA\right) \, .
$$
By inspection, we then obtain
$$
\nabla f = \boxed{A^{-1} (I - X A^{-1})}
$$
by transposition.  While this is an acceptable answer, the discussion of gradients in spaces with constraints (in chapter~14) tells us that if $A$ is restricted to the subspace of symmetric matrices we should also expect a symmetric $\nabla f$.  To exploit the symmetry of $dA$, we can use the identity that $\tr M = \tr (M+M^T)/2$:
\begin{align*}
df &= \tr\left((I - A^{-1} X)A^{-1} dA + dA \, A^{-1} (I - X A^{-1}) \right) / 2 \\
&= \tr\left(\frac{(I - A^{-1} X)A^{-1} + A^{-1} (I - X A^{-1})}{2} dA \right) \, ,
\end{align*}
\end{enumerate}
"""  # noqa: E501


def test_the_mit_differential_by_finite_differences():
    rng = np.random.default_rng(3)
    M, N, E = (rng.standard_normal((3, 3)) for _ in range(3))
    A, X, dA = M @ M.T + 3 * np.eye(3), N @ N.T + np.eye(3), (E + E.T) * 1e-6

    def f(B):
        return np.log(np.linalg.det(B)) + np.trace(np.linalg.inv(B) @ X)

    Ai = np.linalg.inv(A)
    published = np.trace((np.eye(3) - Ai @ X) @ Ai @ dA)
    assert np.isclose((f(A + dA) - f(A - dA)) / 2, published, rtol=1e-5)


def test_a_real_property_stated_in_the_prose_is_not_a_definition(tmp_path):
    found = outcomes(tmp_path, MIT_PSET2)
    # A = A^T would define A by itself: A stays a symbol and the identities through it are checked
    assert [o.status for o in found] == ["cannot check", "ok", "not understood", "cannot check", "ok"]
    assert all("does not define f" in o.message for o in found if o.status == "cannot check")
    slipped = MIT_PSET2.replace("{(I - A^{-1} X)A^{-1} + A^{-1}", "{(I - A^{-1} X)A^{-1} - A^{-1}")
    assert [o.status for o in outcomes(tmp_path, slipped)][-1] == "does not follow"


def test_a_cue_word_does_not_reach_past_its_item_or_into_a_command(tmp_path):
    body = r"""\let\mathcal\mathcal
Let $X \in \mathbb{R}^{n\times n}$.
\begin{itemize}
\item Write $G = X^{\top}$ for the transpose
\item $H = X + X^{\top}$ is symmetric
\end{itemize}
\[ G^{\top} = X \]
\[ H = X \]
"""
    # G is defined (its item says "Write"); H's item says nothing: H = X is the chain's own
    # definition of H, skipped, not a false "does not follow" against X + X^T
    assert statuses(tmp_path, body) == ["ok", "skipped"]


def test_a_definition_through_a_relation_is_not_a_function_of_its_parameter(tmp_path):
    # derivtex's own gaussian_loglik_precision: f(Λ) is written in Σ, "where Λ = Σ⁻¹" (Bishop, PRML
    # §2.3.4, the Gaussian's precision). f's body has no Λ, so ∇_Λ f cannot be read from it (it was
    # taken as 0: a false "does not follow"); and dΛ, with Λ := Σ⁻¹, varies Σ alone, never X
    body = r"""Let $X \in \mathbb{R}^{N\times n}$ and let $\Sigma \in \mathbb{R}^{n\times n}$ be symmetric
positive definite. Write
$f(\Lambda) = -\tfrac{1}{2}N\log\det(\Sigma) - \tfrac{1}{2}\operatorname{tr}(\Sigma^{-1}X^{\top}X)$,
where $\Lambda = \Sigma^{-1}$.
\[ \nabla_{\Lambda} f = \tfrac{1}{2}(N\Sigma - X^{\top}X) \]
\[ \mathrm{d}\operatorname{tr}(\Lambda X^{\top}X) = \operatorname{tr}(\mathrm{d}\Lambda\,X^{\top}X) \]
"""
    found = outcomes(tmp_path, body)
    assert [o.status for o in found] == ["cannot check", "ok"]
    assert "f(Lambda) is written without Lambda: declare % derivtex: f(Lambda) :=" in found[0].message


def test_a_function_written_through_the_names_its_sentence_defines_after_it(tmp_path):
    # derivtex's own mlp_two_layer_where (Goodfellow, Bengio and Courville, Deep Learning, §6.5.4):
    # f(W) = ||a - y||^2 "where a = Wx + b" is written in W through a; its gradient 2(Wx + b - y)x^T
    # is the one test_the_layer_s_gradient_by_finite_differences checks numerically
    body = r"""Let $W \in \mathbb{R}^{m\times n}$, $x \in \mathbb{R}^{n}$ and $b, y \in \mathbb{R}^{m}$.
Write $f(W) = \lVert a - y\rVert^{2}$, where $a = Wx + b$.
\[ \nabla_{W} f = 2(Wx + b - y)x^{\top} \]
"""
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("2(Wx + b - y)x", "2(Wx - y)x")) == ["does not follow"]
    # a name defined through nothing that reaches W leaves f written without W
    unrelated = body.replace("$a = Wx + b$", "$a = 2b$")
    found = outcomes(tmp_path, unrelated)
    assert [o.status for o in found] == ["cannot check"]
    assert "f(W) is written without W" in found[0].message
