"""How papers and web pages lay their chains out, and notation they use, as the LaTeX checker reads
them (issue 18): ``$$\\begin{align}…\\end{align}$$`` (the MathJax/Markdown layout), and more below.
Each published answer is written down here and checked independently by finite differences before
the checker sees it, so a wrong expected value cannot pass."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from helpers import central_gradient, checked_in_paper

from gen.texcheck.check import check_file

RNG = np.random.default_rng(11)


def outcomes_of(tmp_path: Path, body: str):
    return checked_in_paper(tmp_path, body)


def statuses(tmp_path: Path, body: str) -> list[str]:
    return [o.status for o in outcomes_of(tmp_path, body)]


# --- a display environment inside $$ … $$ or \[ … \] ------------------------------------------

# Nabla of the Frobenius norm (Matrix Cookbook, Petersen & Pedersen 2012, eq. 103 with the product
# rule; the layout of mrnibe's notes in tests/tex_corpus/): ∇_W ||WH − X||²_F = 2WHHᵀ − 2XHᵀ.
FROBENIUS = r"\nabla_{W}\|WH - X\|_F^2 &= 2WHH^T - 2XH^T"
FROBENIUS_WRONG = r"\nabla_{W}\|WH - X\|_F^2 &= 2WHH^T + 2XH^T"
SIZES = "% derivtex: W: n x k; H: k x m; X: n x m\n"


def test_the_published_frobenius_gradient_holds_numerically():
    W, H, X = RNG.standard_normal((4, 3)), RNG.standard_normal((3, 5)), RNG.standard_normal((4, 5))
    numeric = central_gradient(lambda V: np.sum((V @ H - X) ** 2), W)
    assert np.allclose(numeric, 2 * W @ H @ H.T - 2 * X @ H.T, atol=1e-5)


def test_an_align_inside_dollars_is_read_by_its_rows(tmp_path):
    for opening, closing in (("$$", "$$"), (r"\[", r"\]")):
        rows = f"{FROBENIUS} \\\\\n{FROBENIUS_WRONG}"
        body = f"{SIZES}{opening}\n\\begin{{align}}\n{rows}\n\\end{{align}}\n{closing}\n"
        assert statuses(tmp_path, body) == ["ok", "does not follow"]


def test_an_eqnarray_inside_dollars_keeps_its_three_columns(tmp_path):
    # Matrix Cookbook eq. 59: d(X⁻¹) = −X⁻¹(dX)X⁻¹, the middle column of eqnarray being the relation.
    X, dX = RNG.standard_normal((4, 4)) + 4 * np.eye(4), RNG.standard_normal((4, 4))
    h = 1e-6
    numeric = (np.linalg.inv(X + h * dX) - np.linalg.inv(X - h * dX)) / (2 * h)
    assert np.allclose(numeric, -np.linalg.inv(X) @ dX @ np.linalg.inv(X), atol=1e-5)
    body = (
        "% derivtex: X: n x n invertible\n$$ \\begin{eqnarray} d(X^{-1}) &=& -X^{-1}(dX)X^{-1} \\\\ "
        "&=& -X^{-1}(dX)X \\end{eqnarray} $$\n"
    )
    assert statuses(tmp_path, body) == ["ok", "does not follow"]


def test_aligned_and_split_inside_brackets_are_read(tmp_path):
    for inner in ("aligned", "split"):
        body = f"{SIZES}\\[\n\\begin{{{inner}}}\n{FROBENIUS}\n\\end{{{inner}}}\n\\]\n"
        assert statuses(tmp_path, body) == ["ok"]


def test_e_to_the_t_is_a_power_not_a_transpose(tmp_path):
    # markusthill's chain rule example (tests/tex_corpus/markusthill_backprop.tex): with x = e^t,
    # x e^t = e^{2t}; d/dt e^{2t} = 2e^{2t} (checked here by differences).
    t, h = 0.3, 1e-6
    assert abs((np.exp(2 * (t + h)) - np.exp(2 * (t - h))) / (2 * h) - 2 * np.exp(2 * t)) < 1e-6
    rows = "t\\,x\\,e^t &= t\\,e^{2t} \\\\\n&= t\\,e^{t}e^t + t"
    body = f"% derivtex: t: scalar; x := e^t\n\\begin{{align}}\n{rows}\n\\end{{align}}\n"
    assert statuses(tmp_path, body) == ["ok", "does not follow"]


# --- layer-indexed names: X^{(\ell)}, A^{(\ell-1)} --------------------------------------------

# Backpropagation in matrix form (Nielsen, Neural Networks and Deep Learning, ch. 2, eq. BP2; the
# batch form of tests/tex_corpus/markusthill_backprop.tex): the gradient in W^{(ℓ)} of
# J = ½||W^{(ℓ)}A^{(ℓ-1)} − T||²_F is Δ^{(ℓ)}(A^{(ℓ-1)})ᵀ with Δ^{(ℓ)} = W^{(ℓ)}A^{(ℓ-1)} − T.
LAYERS = "% derivtex: W^{(\\ell)}: d x k; A^{(\\ell-1)}: k x N; T: d x N\n"


def test_the_published_layer_gradient_holds_numerically():
    W, A, T = RNG.standard_normal((3, 4)), RNG.standard_normal((4, 5)), RNG.standard_normal((3, 5))
    numeric = central_gradient(lambda V: 0.5 * np.sum((V @ A - T) ** 2), W)
    assert np.allclose(numeric, (W @ A - T) @ A.T, atol=1e-5)


def test_a_layer_index_is_part_of_the_name_in_annotations_and_expressions(tmp_path):
    f = r"\tfrac12\|W^{(\ell)}A^{(\ell-1)} - T\|_F^2"
    nabla, residual = r"\nabla_{W^{(\ell)}}", r"(W^{(\ell)}A^{(\ell-1)} - T)"
    right, wrong = r"A^{(\ell-1)\top}", r"A^{(\ell+1)\top}"
    rows = f"{nabla} {f} &= {residual}{right} \\\\\n{nabla} {f} &= {residual}{wrong}"
    body = f"{LAYERS}\\begin{{align}}\n{rows}\n\\end{{align}}\n"
    # A^{(\ell+1)} is another symbol, undeclared: never read as A^{(\ell-1)}
    assert statuses(tmp_path, body)[0] == "ok"
    assert statuses(tmp_path, body)[1] != "ok"


def test_a_table_of_formulas_with_labels_in_columns_of_their_own(tmp_path):
    # jejjohnson's Gaussian identities set each formula after a label and two empty columns
    # (\text{Mah Distance}: && && \Delta^2 &= …); the next row goes on after empty columns alone
    def table(first: str, second: str) -> str:
        rows = "\\text{Gradient}: && &&\n" + first + " \\\\\n&& &&\n" + second
        return SIZES + "$$\n\\begin{aligned}\n" + rows + "\n\\end{aligned}\n$$\n"

    assert statuses(tmp_path, table(FROBENIUS, FROBENIUS)) == ["ok", "ok"]
    assert statuses(tmp_path, table(FROBENIUS_WRONG, FROBENIUS)) == ["does not follow", "ok"]
    # a label ending with its colon inside \mathrm (DeltaNet's notes), then the equation
    labelled = "\\mathrm{Parallel\\ training:} &&& " + FROBENIUS.replace("&=", "=")
    assert statuses(tmp_path, SIZES + "$$\\begin{aligned}\n" + labelled + "\n\\end{aligned}$$\n") == ["ok"]
    # a first cell of mathematics stays the chain's; & = … goes on with it
    rows = FROBENIUS + " \\\\\n& = 2WHH^T + 2XH^T"
    assert statuses(tmp_path, SIZES + "\\begin{align}\n" + rows + "\n\\end{align}\n") == [
        "ok",
        "does not follow",
    ]


def test_a_list_of_names_keeps_the_names_it_can_read(tmp_path):
    # v^{\text{old}} is no name derivtex reads: one problem at the item, and X keeps its symmetry
    path = tmp_path / "paper.tex"
    path.write_text("% derivtex: X, v^{\\text{old}}: n x n symmetric\n\\[ X^T = X \\]\n")
    result = check_file(path)
    assert [o.status for o in result.outcomes] == ["ok"]
    assert len(result.problems) == 1 and "expected a symbol's name" in result.problems[0].message


def test_a_bad_annotation_is_one_positioned_problem_and_the_file_is_still_checked(tmp_path):
    path = tmp_path / "paper.tex"
    path.write_text("% derivtex: X: n by n\n\\[ X^T = X^\\top \\]\n")
    result = check_file(path)
    assert [o.status for o in result.outcomes] == ["ok"]
    assert [(p.line, p.column) for p in result.problems] == [(1, 13)]
    assert "expected a shape" in result.problems[0].message


# --- \mathbf{\nabla_W} and \textrm{tr}[…] (mrnibe's NMF notes, tests/tex_corpus/) -------------

# Matrix Cookbook §2.5.1: ∂ Tr(AXB)/∂X = AᵀBᵀ; here ∇_W tr(XᵀWH) = XHᵀ (A = Xᵀ, B = H).
TRACE = "% derivtex: X: n x m; W: n x k; H: k x m\n"


def test_the_published_trace_gradient_holds_numerically():
    X, W, H = RNG.standard_normal((4, 5)), RNG.standard_normal((4, 3)), RNG.standard_normal((3, 5))
    assert np.allclose(central_gradient(lambda V: np.trace(X.T @ V @ H), W), X @ H.T, atol=1e-5)


def test_a_bold_nabla_and_an_upright_trace_are_read(tmp_path):
    rows = (
        r"\mathbf{\nabla_W} \textrm{tr}[\mathbf{X}^T\mathbf{WH}] &= \mathbf{XH}^T \\"
        "\n"
        r"\mathbf{\nabla_W} \text{tr}[\mathbf{X}^T\mathbf{WH}] &= \mathbf{HX}^T"
    )
    body = f"{TRACE}\\begin{{align}}\n{rows}\n\\end{{align}}\n"
    assert statuses(tmp_path, body) == ["ok", "shape error"]


# --- \mathcal{L}, a symbol of its own ----------------------------------------------------------

# Least squares (Hastie, Tibshirani & Friedman, The Elements of Statistical Learning, eq. 3.4):
# ∇_β ||y − Xβ||² = −2Xᵀ(y − Xβ); erictay's notes (tests/tex_corpus/) write 2XᵀXβ − 2Xy, a shape error.


def test_the_published_least_squares_gradient_holds_numerically():
    X, y, beta = RNG.standard_normal((6, 3)), RNG.standard_normal(6), RNG.standard_normal(3)
    numeric = central_gradient(lambda b: np.sum((y - X @ b) ** 2), beta)
    assert np.allclose(numeric, -2 * X.T @ (y - X @ beta), atol=1e-5)


def test_a_calligraphic_letter_is_a_function_or_symbol_of_its_own(tmp_path):
    defined = "% derivtex: X: n x p; y: n; \\beta: p; L: scalar; \\mathcal{L} := \\|y - X\\beta\\|^2\n"
    body = (
        f"{defined}$$\\nabla_{{\\beta}}\\mathcal{{L}} = 2X^{{\\top}}X\\beta - 2X^{{\\top}}y$$\n"
        "$$\\nabla_{\\beta}\\mathcal{L} = 2X^{\\top}X\\beta - 2Xy$$\n"
        "$$\\mathcal{L}(\\beta) = \\|y - X\\beta\\|^2$$\n"  # \\mathcal{L}(\\beta): the defined L, applied
    )
    assert statuses(tmp_path, body) == ["ok", "shape error", "ok"]
    # \mathcal{L} is not L: the first link would not hold with L, a free scalar
    assert statuses(tmp_path, body.replace("\\nabla_{\\beta}\\mathcal{L}", "\\nabla_{\\beta}L"))[0] != "ok"
    # plain TeX's {\cal L} (and \cal{L}, as an annotation writes it) is the same symbol
    old_style = body.replace("\\mathcal{L} :=", "\\cal{L} :=").replace(
        "\\nabla_{\\beta}\\mathcal{L}", "\\nabla_{\\beta}{\\cal L}"
    )
    assert statuses(tmp_path, old_style) == ["ok", "shape error", "ok"]


# --- A^{-1/2}: the inverse of the principal square root ------------------------------------

# ZCA whitening (Kessy, Lewis & Strimmer, "Optimal whitening and decorrelation", The American
# Statistician 72(4), 2018, eq. 3 and Table 1): W = Σ^{-1/2} whitens, W Σ Wᵀ = I.


def test_the_published_whitening_identity_holds_numerically():
    B = RNG.standard_normal((4, 4))
    sigma = B @ B.T + 4 * np.eye(4)
    values, vectors = np.linalg.eigh(sigma)
    W = vectors @ np.diag(values**-0.5) @ vectors.T  # the principal inverse square root, by eigh
    assert np.allclose(W @ sigma @ W.T, np.eye(4), atol=1e-10)


def test_an_inverse_square_root_is_read(tmp_path):
    body = (
        "% derivtex: \\Sigma: n x n spd\n"
        "\\[ \\Sigma^{-1/2} \\Sigma \\Sigma^{-1/2} = I \\]\n\\[ \\Sigma^{-1/2} \\Sigma^{-1/2} = \\Sigma \\]\n"
    )
    assert statuses(tmp_path, body) == ["ok", "does not follow"]


# --- \sigma'(z): a function's derivative, not a transpose --------------------------------------

# The logistic function's derivative (Nielsen, Neural Networks and Deep Learning, ch. 2, with
# σ'(z) = σ(z)(1 − σ(z)) from ch. 1's exercise): read as σ'(z), never as σᵀ(z), so a correct
# backpropagation line is never reported as a transpose slip.


def test_the_published_sigmoid_derivative_holds_numerically():
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    z, h = RNG.standard_normal(5), 1e-6
    numeric = (sigmoid(z + h) - sigmoid(z - h)) / (2 * h)
    assert np.allclose(numeric, sigmoid(z) * (1 - sigmoid(z)), atol=1e-8)


def test_a_prime_on_a_function_applied_is_its_derivative_and_on_a_matrix_a_transpose(tmp_path):
    body = (
        "% derivtex: z, x, y: n; X: n x n\n"
        "\\[ \\sigma'\\!\\left(z\\right) = \\sigma(z) \\odot (\\mathbf{1} - \\sigma(z)) \\]\n"
        "\\[ X'(x + y) = X^{\\top} x + X^{\\top} y \\]\n"
    )
    found = [(o.status, o.message) for o in outcomes_of(tmp_path, body)]
    assert [status for status, _ in found] == ["ok", "ok"]  # σ' is the sigmoid's derivative
    wrong = body.replace("(\\mathbf{1} - \\sigma(z))", "\\sigma(z)")
    assert outcomes_of(tmp_path, wrong)[0].status == "does not follow"
    other = body.replace("\\sigma'", "\\phi'").replace(
        "= \\sigma(z)", "= \\phi(z)"
    )  # φ: not a known function
    found = outcomes_of(tmp_path, other)[0]
    assert found.status == "cannot check" and "derivative of the function phi" in found.message


# --- p_X(x \vert \mu, \Sigma): a density, whatever its subscript --------------------------------


def test_a_subscripted_density_with_vert_is_a_function_of_its_arguments(tmp_path):
    # algorithmikee's Gaussian notes (tests/tex_corpus/): \vert and \mid separate the density's
    # arguments, not bars; the first display defines ln p_X, the second (p_{X}, \mid) restates it
    body = (
        "% derivtex: x, \\mu: d; \\Sigma: d x d spd\n"
        "\\[ \\ln p_X(x \\vert \\mu, \\Sigma) = -\\tfrac12 (x-\\mu)^\\top \\Sigma^{-1} (x-\\mu) \\]\n"
        "\\[ \\ln p_{X}(x \\mid \\mu, \\Sigma) = -\\tfrac12 (x-\\mu)^\\top \\Sigma^{-1} (x-\\mu) \\]\n"
    )
    found = outcomes_of(tmp_path, body)
    assert [o.status for o in found] == ["skipped", "ok"]
    assert found[0].message == "a definition of p_X, used to the end of the section"


def test_an_underbrace_groups_nothing_its_note_is_dropped(tmp_path):
    # Least squares expanded (wwwonderer's notes in tests/tex_corpus/): (Xw − y)ᵀ(Xw − y) =
    # wᵀXᵀXw − wᵀXᵀy − yᵀXw + yᵀy, the two middle terms under one brace; as printed, the brace adds
    # no parentheses (read as a group, the sign of yᵀXw would flip)
    X, w, y = RNG.standard_normal((5, 3)), RNG.standard_normal(3), RNG.standard_normal(5)
    assert np.isclose((X @ w - y) @ (X @ w - y), w @ X.T @ X @ w - w @ X.T @ y - y @ X @ w + y @ y)
    body = (
        "% derivtex: X: n x d; w: d; y: n\n"
        "\\[ (Xw - y)^T(Xw - y) = w^TX^TXw - \\underbrace{w^TX^Ty - y^TXw}_{\\text{scalars}} + y^Ty \\]\n"
        "\\[ (Xw - y)^T(Xw - y) = w^TX^TXw - \\underbrace{w^TX^Ty + y^TXw}_{\\text{scalars}} + y^Ty \\]\n"
        "\\[ (Xw - y)^T(Xw - y) = w^TX^TXw \\overbrace{- 2w^TX^Ty}^{\\text{one number}} + y^Ty \\]\n"
    )
    assert statuses(tmp_path, body) == ["ok", "does not follow", "ok"]


def test_a_differential_of_a_bracket_or_bars(tmp_path):
    # Jacobi's formula d|X| = |X| tr(X⁻¹ dX) and d[tr(XᵀX)] = tr(dXᵀ X + Xᵀ dX) as sspuiip's notes
    # (tests/tex_corpus/) write them, and d‖x‖² = 2xᵀdx: first-order differences checked here
    X, dX = RNG.standard_normal((3, 3)), 1e-7 * RNG.standard_normal((3, 3))
    x, dx = RNG.standard_normal(3), 1e-7 * RNG.standard_normal(3)
    jacobi = np.linalg.det(X) * np.trace(np.linalg.solve(X, dX))
    assert np.isclose(np.linalg.det(X + dX) - np.linalg.det(X), jacobi, rtol=1e-5)
    assert np.isclose((x + dx) @ (x + dx) - x @ x, 2 * x @ dx, rtol=1e-5)
    body = (
        "% derivtex: X: n x n; x: n\n"
        "\\[ \\mathrm{d}|\\mathbf{X}| = |\\mathbf{X}|\\mathrm{tr}(\\mathbf{X}^{-1}\\mathrm{d}X) \\]\n"
        "\\[ \\mathrm{d}[\\mathrm{tr}(X^\\top X)] = \\mathrm{tr}[(dX^\\top) X + X^\\top dX] \\]\n"
        "\\[ d\\|x\\|^2 = 2x^T dx \\]\n"
        "\\[ d\\|x\\|^2 = x^T dx \\]\n"
    )
    assert statuses(tmp_path, body) == ["ok", "ok", "ok", "does not follow"]


def test_statements_side_by_side_with_wide_spaces_define_each_others_names(tmp_path):
    # zydmu123's ReLU least squares (tests/tex_corpus/): f = ||max(XW, 0) − Y||²_F, restated as
    # f = ||Ŷ − Y||²_F \quad Ŷ = max(Z, 0) \quad Z = XW: three statements, the last two saying where
    # Ŷ comes from (by hand: substituting gives the definition back; dropping the square does not)
    body = (
        "% derivtex: X: n x d; W: d x k; Y, Z, \\hat{Y}: n x k\n"
        "\\[ f = \\|\\max (X W, 0) - Y\\|_F^2 \\]\n"
        "\\[ f = \\|\\hat{Y} - Y\\|_F^2 \\quad \\hat{Y} = max(Z, 0) \\quad Z = XW \\]\n"
        "\\[ f = \\|\\hat{Y} - Y\\|_F \\quad \\hat{Y} = max(Z, 0) \\quad Z = XW \\]\n"
    )
    assert statuses(tmp_path, body) == ["skipped", "ok", "skipped", "skipped"] + [
        "does not follow",
        "skipped",
        "skipped",
    ]


def test_a_row_ending_in_a_wide_space_goes_on_below(tmp_path):
    # xᵀx = tr(xxᵀ) = ||x||², an eqnarray whose first row ends with \qquad (wangcsshuai's layout)
    body = (
        "% derivtex: x: n\n"
        "\\begin{eqnarray}\n x^T x &=& \\operatorname{tr}(x x^T) \\qquad \\\\\n &=& \\boxed{\\|x\\|^2}\n"
        "\\end{eqnarray}\n"
    )
    assert statuses(tmp_path, body) == ["ok", "ok"]


def test_a_row_ending_in_an_equals_sign_goes_on_below(tmp_path):
    # jose-ramirez (eqnarray* without columns): "A = \\\\ B = \\\\ C", each right-hand side on the
    # row below; tr(S b bᵀ) = bᵀ S b = tr(bᵀ S b) by hand (the cyclic trace of a number); an arrow
    # ending a row stays a step of its own (ricojia's Kalman proof in the corpus)
    body = (
        "% derivtex: b: n; S: n x n\n"
        "\\begin{eqnarray*}\n \\operatorname{tr}(S b b^T) = \\\\\n"
        " b^T S b = \\\\\n \\operatorname{tr}(b^T S b)\n"
        "\\end{eqnarray*}\n"
    )
    assert statuses(tmp_path, body) == ["ok", "ok"]
    assert statuses(tmp_path, body.replace("b^T S b = ", "b^T S^T b + b^T S b = ")) == [
        "does not follow",
        "does not follow",
    ]


def test_a_function_of_several_arguments_the_text_has_not_defined(tmp_path):
    # Q(x, u) defined by its display, then differentiated (an LQR cost-to-go, davidbrown3's notes):
    # ∇_u (½xᵀAx + uᵀBx + ½uᵀCu) = Bx + Cu for a symmetric C, by hand; an f(m, C) never defined
    # cannot be checked and says which declaration would unlock it
    body = (
        "% derivtex: x: n; u: m; A: n x n; B: m x n; C: m x m, symmetric\n"
        "\\[ Q(x, u) = \\frac12 x^T A x + u^T B x + \\frac12 u^T C u \\]\n"
        "\\[ \\nabla_u Q(x, u) = B x + C u \\]\n"
        "\\[ \\nabla_u Q(x, u) = B^T x + C u \\]\n"
        "\\[ \\nabla_u f(x, u) = B x \\]\n"
    )
    found = outcomes_of(tmp_path, body)
    assert [o.status for o in found] == ["skipped", "ok", "shape error", "cannot check"]
    assert "% derivtex: f(X, Y) := <LaTeX>" in found[-1].message


def test_a_star_or_a_minus_on_a_name_makes_a_name_of_its_own(tmp_path):
    # The Kalman update as xushengyichn's and most filter notes write it, with the prior estimate
    # x̂_k^-: x̂_k^- + K(y − Hx̂_k^-) = (I − KH)x̂_k^- + Ky, by hand (the second form drops the I);
    # the normal equations' solution w^* after "= 0 \implies", then used as a name of its own
    x, y = RNG.standard_normal(3), RNG.standard_normal(2)
    K, H = RNG.standard_normal((3, 2)), RNG.standard_normal((2, 3))
    assert np.allclose(x + K @ (y - H @ x), (np.eye(3) - K @ H) @ x + K @ y)
    body = (
        "% derivtex: \\hat{x}_k^-: n; y_k: m; K_k: n x m; H: m x n; X: N x n; y: N; w: n\n"
        "\\[ \\hat{x}_k^- + K_k(y_k - H\\hat{x}_k^-) = (I - K_kH)\\hat{x}_k^- + K_k y_k \\]\n"
        "\\[ \\hat{x}_k^- + K_k(y_k - H\\hat{x}_k^-) = - K_kH\\hat{x}_k^- + K_k y_k \\]\n"
        "Setting the gradient to zero,\n"
        "\\[ X^TXw - X^Ty = 0 \\implies w^* = (X^TX)^-1 X^T y \\]\n"
        "\\[ X^T X w^* = X^T y \\]\n"
    )
    assert statuses(tmp_path, body) == ["ok", "does not follow", "skipped", "skipped", "skipped", "ok"]


def test_a_defined_logistic_function_applies_to_each_entry(tmp_path):
    # The logistic regression gradient (pystatsml's notes, Bishop PRML eq. 4.91):
    # σ(z) := 1/(1 + e^{−z}), ∇_w Σ_i −[y_i log σ(x_iᵀw) + (1 − y_i) log(1 − σ(x_iᵀw))] = Xᵀ(σ(Xw) − y),
    # checked here by central differences; σ applied to the vector Xw is σ of each entry, as is the
    # hyperbolic tangent written out
    X, w, y = RNG.standard_normal((5, 3)), RNG.standard_normal(3), RNG.uniform(0, 1, 5)
    s = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    loss = lambda v: -(y @ np.log(s(X @ v)) + (1 - y) @ np.log(1 - s(X @ v)))  # noqa: E731
    assert np.allclose(central_gradient(loss, w), X.T @ (s(X @ w) - y), atol=1e-6)
    body = (
        "% derivtex: X: n x p; w: p; y: n; \\sigma(z) := \\frac{1}{1 + e^{-z}}\n"
        "\\[ \\nabla_w \\left(-y^T \\log \\sigma(Xw)"
        " - (\\mathbf{1} - y)^T \\log(\\mathbf{1} - \\sigma(Xw))\\right)"
        " = X^T(\\sigma(Xw) - y) \\]\n"
        "\\[ \\nabla_w \\left(-y^T \\log \\sigma(Xw)"
        " - (\\mathbf{1} - y)^T \\log(\\mathbf{1} - \\sigma(Xw))\\right)"
        " = X^T(y - \\sigma(Xw)) \\]\n"
        "% derivtex: g(z) := \\frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}\n"
        "\\[ g(Xw) = \\tanh(Xw) \\]\n"
    )
    assert statuses(tmp_path, body) == ["ok", "does not follow", "ok"]


def test_notation_of_worked_solutions(tmp_path):
    # E_{\hat w} as a name (the pumpkin book's), \frac{\partial}{o_k} typed for ∂/∂o_k (chicm's
    # softmax notes), {\displaystyle\sum} inside a fraction's argument: by hand, ∂/∂o_k log Σ_i e^{o_i}
    # = e^{o_k}/Σ_i e^{o_i}, and ‖y − Xŵ‖² = yᵀy − 2ŵᵀXᵀy + ŵᵀXᵀXŵ
    body = (
        "% derivtex: o: n; X: m x n; \\hat{w}: n; y: m\n"
        "% derivtex: E_{\\hat w} := (y - X\\hat{w})^T(y - X\\hat{w})\n"
        "\\[ E_{\\hat{\\boldsymbol w}} = y^Ty - 2\\hat{w}^TX^Ty + \\hat{w}^TX^TX\\hat{w} \\]\n"
        "\\[ \\dfrac{\\partial}{o_k}\\log \\sum_i e^{o_i}"
        " = \\frac{e^{o_k}}{\\displaystyle\\sum_{i} e^{o_i}} \\]\n"
        "\\[ \\dfrac{\\partial}{o_k}\\log \\sum_i e^{o_i} = \\frac{1}{\\displaystyle\\sum_{i} e^{o_i}} \\]\n"
    )
    assert statuses(tmp_path, body) == ["ok", "ok", "does not follow"]


def test_a_wrong_restatement_of_a_solution_is_reported_while_the_text_solves(tmp_path):
    # After ∂f/∂w = 2XᵀXw − 2Xᵀy = 0 \implies w^* = (XᵀX)⁻¹Xᵀy (least squares, by hand), the text
    # restating w^* without the inverse is a slip about a known quantity, not one more equation being
    # solved (uwctrl's LQR notes, as the mutation test broke them)
    body = (
        "% derivtex: X: n x n; y: n; w: n; f := \\|Xw - y\\|^2\n"
        "We set the derivative to zero to solve for the optimum $w^*$:\n"
        "\\[ \\frac{\\partial f}{\\partial w} = 2X^TXw - 2X^Ty = 0"
        " \\implies w^* = (X^TX)^{-1} X^T y \\]\n"
        "Here we notice that in the expression\n"
        "\\[ w^* = FACTOR X^T y \\]\n"
    )
    assert statuses(tmp_path, body.replace("FACTOR", "(X^TX)^{-1}"))[-1] == "ok"
    assert statuses(tmp_path, body.replace("FACTOR", "(X^TX)"))[-1] == "does not follow"


def test_a_declared_dimension_as_a_number_and_as_a_size(tmp_path):
    # The centering matrix H = I_N − (1/N) 1 1ᵀ (tirmisula's PCA notes) is symmetric and idempotent,
    # by hand: (1/N)² 1 1ᵀ 1 1ᵀ = (1/N) 1 1ᵀ because 1ᵀ1 = N; with 2/N it is not. N is the size of X's
    # rows, which no symbol of these links has: it is sampled all the same
    N = 5
    ones = np.ones((N, 1))
    H = np.eye(N) - ones @ ones.T / N
    assert np.allclose(H @ H, H) and not np.allclose((H - ones @ ones.T / N) @ (H - ones @ ones.T / N), H)
    body = (
        "% derivtex: X: N x p; H := I_N - \\frac{1}{N} 1_N 1_N^T\n"
        "\\[ H^T = (I_N - \\frac{1}{N} 1_N 1_N^T)^T = H \\]\n"
        "\\[ H H = H \\]\n"
        "% derivtex: G := I_N - \\frac{2}{N} 1_N 1_N^T\n"
        "\\[ (I_N - \\frac{2}{N} 1_N 1_N^T) G = I_N - \\frac{2}{N} 1_N 1_N^T \\]\n"
    )
    assert statuses(tmp_path, body) == ["ok", "ok", "ok", "does not follow"]


def test_a_kalman_filter_as_its_notes_write_it(tmp_path):
    # Joseph's form expanded (Simon, Optimal State Estimation, eq. 5.19; derrickmarcus's notes):
    # P_{k|k} = (I − KH)P(I − KH)ᵀ + KRKᵀ = P − PHᵀKᵀ − KHP + K(HPHᵀ + R)Kᵀ for any K, and with the
    # optimal gain K = PHᵀ(HPHᵀ + R)⁻¹ it is (I − KH)P; the gain solves −2(HP)ᵀ + 2KS = 0 with
    # S = HPHᵀ + R (by hand). "I: p x p" sizes the identity; "p_{k,k-1}, r_k" lists two names.
    body = (
        "% derivtex: P_{k|k-1}: p x p, spd; R_k: q x q, spd; H: q x p; I: p x p; K_k: p x q\n"
        "% derivtex: S_k := H P_{k|k-1} H^T + R_k; G := P_{k|k-1} H^T S_k^{-1}\n"
        "% derivtex: f := \\operatorname{tr}((I - K_k H) P_{k|k-1} (I - K_k H)^T + K_k R_k K_k^T)\n"
        "\\[ (I - G H) P_{k|k-1} (I - G H)^T + G R_k G^T = P_{k|k-1} - G H P_{k|k-1} \\]\n"
        "\\[ \\frac{\\partial f}{\\partial K_k} = -2(H P_{k|k-1})^T + 2K_k S_k = 0"
        " \\implies K_k S_k = P_{k|k-1} H^T \\]\n"
        "\\[ \\frac{\\partial f}{\\partial K_k} = -2(H P_{k|k-1})^T + 2K_k S_k = 0"
        " \\implies K_k S_k = -P_{k|k-1} H^T \\]\n"
        "% derivtex: p_{k,k-1}, r_k: scalar; r_k: positive\n"
        "\\[ \\mathbb{E}\\left\\{ p_{k,k-1} r_k \\right\\} = r_k\\, p_{k,k-1} \\]\n"
    )
    found = statuses(tmp_path, body)
    assert found[0] == "ok"
    assert found[1:5] == ["ok", "skipped", "skipped", "skipped"]  # ∇ checked, = 0, ⟹, the solution
    assert found[5:9] == ["ok", "skipped", "skipped", "does not follow"]  # a sign lost after ⟹
    assert found[9:] == ["cannot check"]  # E{…}: read, and nothing is declared random


def test_a_reason_row_between_the_steps_of_a_chain(tmp_path):
    # xᵀAx = tr(xᵀAx) = tr(Axxᵀ) (the trace of a number, then the cyclic property), with the reason
    # written as a row of its own (jackey8616's notes write "\because ln(1) = 0" so): the chain reads on
    # over it, and the reason, a rule about any a, is no step
    body = (
        "% derivtex: x: n; A: n x n\n"
        "\\begin{align*}\n x^T A x &= \\operatorname{tr}(x^T A x) \\\\\n"
        " \\because \\operatorname{tr}(a) &= a \\\\\n &= \\operatorname{tr}(A x x^T) \\\\\n"
        " &= \\operatorname{tr}(x^T x A) \\end{align*}\n"
    )
    found = outcomes_of(tmp_path, body)
    assert [(o.line, o.status) for o in found] == [
        (5, "ok"),
        (7, "ok"),
        (8, "does not follow"),
        (6, "skipped"),
    ]
    assert "reason" in found[-1].message


# --- LaTeX as OCR sets it (Mathpix): \mathrm{~s}_{t}, \text { net }_{t} ----------------------------

# A recurrent layer (Goodfellow, Bengio & Courville, Deep Learning, eq. 10.8; iDestro's notes, OCR'd):
# net_t = U x_t + W s_{t-1}. A tie inside \mathrm and a spaced \text word with a subscript are names.


def test_names_as_ocr_sets_them(tmp_path):
    notes = "% derivtex: s_{t-1}, x_t: n; U, W: n x n; \\operatorname{net}_t := U x_t + W s_{t-1}\n"
    right = "$$\\text { net }_{t} = U \\mathrm{~x}_{t}+W \\mathrm{~s}_{t-1}$$\n"
    assert statuses(tmp_path, notes + right) == ["ok"]
    assert statuses(tmp_path, notes + right.replace("W \\mathrm", "W^T \\mathrm")) == ["does not follow"]


def test_a_function_defined_under_its_styled_name(tmp_path):
    # a row-wise softmax (Vaswani et al., "Attention is all you need", eq. 1): each row sums to one;
    # defined as \text{softmax}(X) := diag(exp(X) 1)^{-1} exp(X), it is the text's, not the built-in
    notes = (
        "% derivtex: X: n x n; \\text{softmax}(X) := \\operatorname{diag}(\\exp(X)\\mathbf{1})^{-1}\\exp(X)\n"
    )
    assert statuses(tmp_path, notes + "$$\\text{softmax}(X)\\mathbf{1} = \\mathbf{1}$$\n") == ["ok"]
    assert statuses(tmp_path, notes + "$$\\mathbf{1}^T\\text{softmax}(X) = \\mathbf{1}^T$$\n") == [
        "does not follow"
    ]


# --- a derivative of a derivative of an undefined function; a semidefinite ordering ----------------

# Least squares for ARX models (m1gwings' system-identification notes): the Hessian of J(θ) written
# ∂/∂θ ∇_θ J(θ) where the section never writes J out; ⪰ 0 (Boyd & Vandenberghe, Convex
# Optimization, §A.5.2: the semidefinite ordering) is a relation, not an equality.


def test_a_derivative_of_the_gradient_of_an_undefined_function_cannot_be_checked(tmp_path):
    # (an internal error before: the inner gradient of J, never written out, reached the shapes)
    body = (
        "% derivtex: \\phi, \\theta: n; layout numerator\n"
        "$$\\nabla^2_\\theta J(\\theta) = \\frac{\\partial}{\\partial \\theta} \\nabla_\\theta J(\\theta)"
        " = 2 \\phi \\phi^T \\succcurlyeq 0$$\n"
    )
    found = checked_in_paper(tmp_path, body)
    assert [o.status for o in found] == ["cannot check", "cannot check", "skipped"]
    assert "J(x) :=" in found[0].message and "succcurlyeq" in found[2].message


# --- a row break written against the column mark (\\&=), \mathop\text{tr}{…} ----------------------

# Least squares (Magnus & Neudecker, Matrix Differential Calculus, 3rd ed., §13.4; aresbit's notes
# type the rows as "…\\&=…"): (b - Ax)ᵀ(b - Ax) = bᵀb - 2bᵀAx + xᵀAᵀAx, by hand; the trace of
# UᵀQU is tr(QUUᵀ), cyclically (alecjacobson's notes write \mathop\text{tr}{…}).


def test_a_row_break_against_the_column_mark_and_an_operator_set_with_mathop(tmp_path):
    notes = "% derivtex: A: m x n; b: m; x: n; U: n x k; Q: n x n\n"
    rows = "$$ \\begin{aligned}f&=(b-A x)^{\\prime}(b-A x)"
    rows += "\\\\&=b^{\\prime}b-2b^{\\prime}Ax+x^{\\prime}A^{\\prime}Ax\\end{aligned} $$\n"
    assert statuses(tmp_path, notes + rows) == ["skipped", "ok"]
    assert statuses(tmp_path, notes + rows.replace("-2b^{\\prime}", "+2b^{\\prime}")) == [
        "skipped",
        "does not follow",
    ]
    trace = "$$\\mathop\\text{tr}{\\left(U^{\\mathsf T} Q U\\right)} = \\mathop{\\mathrm{tr}}(Q U U^T)$$\n"
    assert statuses(tmp_path, notes + trace) == ["ok"]
    assert statuses(tmp_path, notes + trace.replace("(Q U U^T)", "(Q U^T U)")) != ["ok"]


def test_a_gradient_by_a_styled_variable_without_braces(tmp_path):
    # ∇ₓ ½‖Ax − b‖² = Aᵀ(Ax − b) (Boyd & Vandenberghe, Convex Optimization, §A.4.1), written
    # \nabla_\textbf{x} as imgeorgiev's notes do; with + b it does not follow
    notes = "% derivtex: A: m x n; \\textbf{x}: n; b: m\n"
    right = "$$\\nabla_\\textbf{x} \\frac{1}{2}\\|A\\textbf{x} - b\\|^2 = A^T(A\\textbf{x} - b)$$\n"
    assert statuses(tmp_path, notes + right) == ["ok"]
    assert statuses(tmp_path, notes + right.replace("- b)$$", "+ b)$$")) == ["does not follow"]


# --- two equations per row, and an alignat column going on --------------------------------------


def test_a_row_of_two_equations_is_two_chains(tmp_path):
    # dbindel's CS 4220 notes set ‖QA‖_F = ‖A‖_F and ‖AQ‖_F = ‖A‖_F side by side in an align row
    # (a &= b, & c &= d); each is checked, and a slip in the second is found on its own
    notes = "% derivtex: A: n x n; Q: n x n orthogonal\n"
    body = "\\begin{align*}\n \\|QA\\|_F &= \\|A\\|_F, & \\|AQ\\|_F &= \\|A\\|_F, \\\\\n"
    body += " QAQ^T Q &= QA, & (QA)^T &= A^T Q\n\\end{align*}\n"
    assert statuses(tmp_path, notes + body) == ["ok", "ok", "ok", "does not follow"]
    # a reason after && stays a reason, and a reason column with no equation in it too
    reasons = "\\begin{align*}\n QAQ^T Q &= QA && \\text{as } Q^TQ = I \\\\\n"
    reasons += " (QA)^T &= A^T Q^T & \\text{transpose}\n"
    assert statuses(tmp_path, notes + reasons + "\\end{align*}\n") == ["ok", "ok"]


def test_an_alignat_column_goes_on_under_its_pair(tmp_path):
    # mtomassoli's differentials (Magnus and Neudecker's second differential, dx a constant increment):
    # d(xᵀAx) = dxᵀAx + xᵀAdx = xᵀ(Aᵀ + A)dx in the second pair of columns, the rows below "& & &= …"
    # going on with it; d(xᵀ(Aᵀ + A)dx) = dxᵀ(Aᵀ + A)dx, and twice that does not follow
    notes = "% derivtex: x: n; A: n x n\n"
    body = (
        "\\begin{alignat}{2}\n g(x) &= x^TAx & \\qquad d(x^TAx) &= dx^TAx + x^TAdx \\\\\n"
        " & & &= x^T(A^T+A)dx \\\\\n & & \\qquad d(x^T(A^T+A)dx) &= dx^T(A^T+A)dx\n\\end{alignat}\n"
    )
    assert statuses(tmp_path, notes + body) == ["skipped", "ok", "ok", "ok"]
    assert statuses(tmp_path, notes + body.replace("&= dx^T(A^T+A)dx", "&= 2dx^T(A^T+A)dx")) == [
        "skipped",
        "ok",
        "ok",
        "does not follow",
    ]
    # two columns of chains (P̃ &= … & q̃ &= … then &= … & &= …): the second pair is not read as
    # going on with the first
    pair = "% derivtex: P: n x n invertible; q: n; s: scalar\n\\begin{align}\n"
    pair += " P^{-1}P &= I & q^T q &= \\|q\\|^2 \\\\\n &= P P^{-1} & &= q^T q\n\\end{align}\n"
    assert statuses(tmp_path, pair) == ["ok", "ok"]
