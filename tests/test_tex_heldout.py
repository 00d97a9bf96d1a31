"""Held-out real chains (issue 18): the notations they use that the checker misread, each with a
right and a wrong variant (the wrong one checked by hand: a sign, a transpose, a dropped term)."""

import numpy as np
from helpers import central_gradient, checked_in_paper

from gen.texcheck.check import check_file


def statuses(tmp_path, body: str) -> list[str]:
    return [o.status for o in checked_in_paper(tmp_path, body + "\n")]


KALMAN = "% derivtex: H: m x n; K_k: n x m; \\hat{M}_k: n x n; R: m x m; \\hat{M}_k, R: symmetric\n"


def test_a_transpose_written_before_the_subscript_is_the_subscripted_names(tmp_path):
    # K^T_k sets like K_k^T: tr(K_k H M) = tr(M H^T K^T_k) holds, with the sign flipped it does not
    right = "$$\\mathrm{tr}(K_kH\\hat{M}_k) = \\mathrm{tr}(\\hat{M}_kH^TK^T_k)$$"
    wrong = "$$\\mathrm{tr}(K_kH\\hat{M}_k) = -\\mathrm{tr}(\\hat{M}_kH^TK^T_k)$$"
    assert statuses(tmp_path, KALMAN + right) == ["ok"]
    assert statuses(tmp_path, KALMAN + wrong) == ["does not follow"]


def test_the_trace_of_the_kalman_posterior_covariance_keeps_its_minus_sign(tmp_path):
    # checked numerically: tr(M) = tr(Mh) - 2 tr(K H Mh) + tr(K (H Mh H^T + R) K^T); the source wrote +2
    define = "% derivtex: M_k := \\hat{M}_k-(K_kH\\hat{M}_k+\\hat{M}_kH^TK^T_k)+K_k(H\\hat{M}_kH^T+R)K^T_k\n"
    trace = "$$tr(M_k) = tr(\\hat{M}_k){sign}2tr(K_kH\\hat{M}_k)+tr(K_k(H\\hat{M}_kH^T+R)K^T_k)$$"
    assert statuses(tmp_path, KALMAN + define + trace.replace("{sign}", "-")) == ["ok"]
    assert statuses(tmp_path, KALMAN + define + trace.replace("{sign}", "+")) == ["does not follow"]


def test_a_time_step_subscript_is_a_symbol_of_its_own(tmp_path):
    notes = "% derivtex: x_{k-1}, x_k: n; A: n x n\n$$A(x_k - x_{k-1}) = Ax_k - Ax_{k-1}$$"
    assert statuses(tmp_path, notes) == ["ok"]
    assert statuses(tmp_path, notes.replace("- Ax_{k-1}$$", "- Ax_k$$")) == ["does not follow"]


def test_a_row_that_ends_with_an_operator_goes_on_below(tmp_path):
    # outside aligned, `\\` only breaks a long side: (a + b)^T(a + b) = a^Ta + 2a^Tb + b^Tb
    notes = "% derivtex: a, b: n\n$$(a+b)^T(a+b) = a^Ta + \\\\\n2a^Tb + b^Tb$$"
    assert statuses(tmp_path, notes) == ["ok"]
    assert statuses(tmp_path, notes.replace("2a^Tb", "a^Tb")) == ["does not follow"]


def test_a_defined_name_inside_a_matrix_literal_is_expanded(tmp_path):
    # [x; y]^T [[P, B], [B^T, S]] [x; y] = x^TPx + 2x^TBy + y^TSy when B := C^T (C is the lower block)
    notes = (
        "% derivtex: x: n; y: m; P: n x n; S: m x m; C: m x n; B := C^T\n"
        "$$\\begin{bmatrix} x \\\\ y \\end{bmatrix}^T \\begin{bmatrix} P & B \\\\ C & S \\end{bmatrix}"
        " \\begin{bmatrix} x \\\\ y \\end{bmatrix} = x^TPx + 2x^TBy + y^TSy$$"
    )
    assert statuses(tmp_path, notes) == ["ok"]
    assert statuses(tmp_path, notes.replace("2x^TBy", "2x^TB^Ty")) != ["ok"]


def test_an_expectation_written_E_bracket_is_not_read_as_a_matrix_E(tmp_path):
    # E[v + w] = E[v] can hold (w of mean zero) though v + w != v: never compared as products, and
    # with nothing declared random never compared at all (tests/test_tex_expectations.py)
    notes = "% derivtex: v, w: n\n$$E[v + w] = E[v]$$"
    assert statuses(tmp_path, notes) == ["cannot check"]


def test_a_definition_holding_a_sum_does_not_stop_the_file(tmp_path):
    notes = "% derivtex: o, p: K; p_k := \\frac{e^{o_k}}{\\sum_j e^{o_j}}\n$$\\sum_k p_k = 1$$"
    assert len(statuses(tmp_path, notes)) == 1  # checked or refused, but the file is read to the end


def test_bold_is_mathbf(tmp_path):
    notes = "% derivtex: x: n; A: n x n\n$$\\bold{x}^T A \\bold{x} = x^T A x$$"
    assert statuses(tmp_path, notes) == ["ok"]


def test_one_with_a_subscript_is_the_vector_of_ones_not_the_number(tmp_path):
    # A 1_n is the vector of row sums: never A (read as the number 1 it passed)
    declared = "% derivtex: x: n; A, B: n x n\n"
    assert statuses(tmp_path, declared + "$$A 1_n = A$$") != ["ok"]
    assert statuses(tmp_path, declared + "$$A\\mathbf{1_n} = A$$") != ["ok"]
    assert statuses(tmp_path, declared + "$$x\\bold{1_n}^T = x$$") != ["ok"]
    assert statuses(tmp_path, declared + "$$(A + B) 1_n = A 1_n + B \\mathbf{1}_n$$") == ["ok"]
    assert statuses(tmp_path, declared + "$$x^T 1_n = 2 \\cdot 1_n^T x$$") == ["does not follow"]


def test_a_vector_divided_by_a_vector_is_entry_by_entry(tmp_path):
    # mattpetersen: y/s and 1/s of vectors as NumPy divides them; y^T diag(1/s) = (y/s)^T
    declared = "% derivtex: y, s: n; c: scalar\n"
    diagonal = "$$y^T \\mathrm{diag}\\left(\\frac{1}{s}\\right) = (\\frac{y}{s})^T$$"
    assert statuses(tmp_path, declared + diagonal) == ["ok"]
    assert statuses(tmp_path, declared + "$$\\frac{y}{s} \\odot s = y$$") == ["ok"]
    assert statuses(tmp_path, declared + "$$\\frac{y}{s} \\odot s = s$$") == ["does not follow"]
    assert statuses(tmp_path, declared + "$$\\frac{y}{c} = \\frac{1}{c} y$$") == ["ok"]


def test_a_vector_only_by_convention_is_never_divided_by_entry_by_entry(tmp_path):
    # d_k undeclared is Latin lowercase, a vector by convention: as a divisor it must be a number,
    # which the message asks to declare (entry by entry, Q K^T / d_k would not even have a shape)
    notes = "% derivtex: Q, K: n x h\n$$\\frac{QK^T}{\\sqrt{d_k}} = \\frac{1}{\\sqrt{d_k}} QK^T$$"
    assert statuses(tmp_path, notes.replace("n x h", "n x h; d_k: scalar")) == ["ok"]
    assert statuses(tmp_path, notes) == ["shape error"]


SOFTMAX_CE = (
    "% derivtex: z, y, \\hat{y}: K; y: onehot; \\mathcal{L}: scalar\n"
    "% derivtex: \\hat{y} := \\operatorname{softmax}(z); \\mathcal{L} := -\\sum_k y_k \\log \\hat{y}_k\n"
)


def test_an_entry_of_a_defined_vector_is_the_entry_of_its_body(tmp_path):
    # jordancoblin, yanfenglee: ŷ := softmax(z); ∂ŷ_k/∂z_j = ŷ_k(δ_kj - ŷ_j) (read as a free ŷ it failed)
    jacobian = "$$\\frac{\\partial \\hat{y}_k}{\\partial z_j} = \\hat{y}_k(\\delta_{kj} - \\hat{y}_j)$$"
    assert statuses(tmp_path, SOFTMAX_CE + jacobian) == ["ok"]
    assert statuses(tmp_path, SOFTMAX_CE + jacobian.replace("- \\hat{y}_j", "- \\hat{y}_k")) == [
        "does not follow"
    ]


def test_a_derivative_by_a_defined_variable_is_taken_at_its_value(tmp_path):
    # the chain rule through ŷ: ∂L/∂ŷ_k keeps ŷ (L as written), evaluated where ŷ = softmax(z)
    by_yhat = "$$\\frac{\\partial \\mathcal{L}}{\\partial \\hat{y}_k} = -\\frac{y_k}{\\hat{y}_k}$$"
    chain = (
        "$$\\frac{\\partial \\mathcal{L}}{\\partial z_j} = \\sum_{k=1}^{K} \\frac{\\partial \\mathcal{L}}"
        "{\\partial \\hat{y}_k} \\frac{\\partial \\hat{y}_k}{\\partial z_j} = \\hat{y}_j - y_j$$"
    )
    assert statuses(tmp_path, SOFTMAX_CE + by_yhat) == ["ok"]
    assert statuses(tmp_path, SOFTMAX_CE + by_yhat.replace("-\\frac", "\\frac")) == ["does not follow"]
    assert statuses(tmp_path, SOFTMAX_CE + chain) == ["ok", "ok"]
    assert statuses(tmp_path, SOFTMAX_CE + chain.replace("\\hat{y}_j - y_j", "y_j - \\hat{y}_j")) == [
        "ok",
        "does not follow",
    ]
    # without y one-hot, ∂L/∂z_j is ŷ_j Σ_k y_k - y_j: the last link needs the assumption
    assert statuses(tmp_path, SOFTMAX_CE.replace(" y: onehot;", "") + chain) == ["ok", "does not follow"]


def test_a_sum_leaving_one_value_out(tmp_path):
    # yanfenglee, jordancoblin: \sum_{k \neq i} f_k is \sum_k f_k - f_i
    declared = "% derivtex: y, p: K\n"
    apart = "$$\\sum_{k \\neq i} y_k p_i = p_i \\sum_k y_k - y_i p_i$$"
    assert statuses(tmp_path, declared + apart) == ["ok"]
    assert statuses(tmp_path, declared + apart.replace(" - y_i p_i", "")) == ["does not follow"]
    both = "$$\\sum_{k \\neq i} y_k + y_i = \\sum_k y_k$$"
    assert statuses(tmp_path, declared + both) == ["ok"]
    assert statuses(tmp_path, declared + both.replace("+ y_i", "+ p_i")) == ["does not follow"]


def test_an_entry_definition_is_read_at_any_index(tmp_path):
    # p_k := e^{o_k} / \sum_j e^{o_j}, used as p_i: the body with k written i
    declared = "% derivtex: o, y, p: K; p_k := \\frac{e^{o_k}}{\\sum_j e^{o_j}}\n"
    assert statuses(tmp_path, declared + "$$\\sum_i p_i = 1$$") != ["does not follow"]
    ratio = "$$\\frac{p_i}{p_k} = e^{o_i - o_k}$$"
    assert statuses(tmp_path, declared + ratio) == ["ok"]
    assert statuses(tmp_path, declared + ratio.replace("o_i - o_k", "o_k - o_i")) == ["does not follow"]


def test_a_sum_an_annotation_defines_is_read_where_it_is_used(tmp_path):
    # stevring word2vec: J := -\sum_k \log σ(-u_k^T v), then ∂J/∂v (it stopped the file: internal error)
    declared = "% derivtex: v: n; u_k: n; J: scalar; J := -\\sum_{k=1}^K \\log \\sigma(-u_k^T v)\n"
    gradient = "$$\\frac{\\partial J}{\\partial v} = \\sum_{k=1}^K \\sigma(u_k^T v) u_k$$"
    assert statuses(tmp_path, declared + gradient) == ["ok"]
    wrong = gradient.replace("\\sigma(u_k^T v) u_k", "(1 - \\sigma(u_k^T v)) u_k")
    assert statuses(tmp_path, declared + wrong) == ["does not follow"]


def test_layer_names_in_brackets_and_their_entries(tmp_path):
    # jordancoblin: W^{[1]}, z_j^{[2]} (the entry j of z^{[2]}), \hat{y_k} for \hat{y}_k
    declared = "% derivtex: W^{[1]}: n x m; x: m; b^{[1]}, z^{[1]}: n; z^{[1]} := W^{[1]} x + b^{[1]}\n"
    entry = "$$z_j^{[1]} = \\sum_i W_{j,i}^{[1]} x_i + b_j^{[1]}$$"
    assert statuses(tmp_path, declared + entry) == ["ok"]
    assert statuses(tmp_path, declared + entry.replace("W_{j,i}", "W_{i,j}")) != ["ok"]
    hat = "% derivtex: y, \\hat{y}: n\n$$\\hat{y_k} - y_k = (\\hat{y} - y)_k$$"
    assert statuses(tmp_path, hat) == ["ok"]


def test_markdown_escapes_in_formulas(tmp_path):
    # aidanscannell, jordancoblin: Markdown's \_ for a subscript, Hugo's \space
    notes = "% derivtex: W_1: n x n; x: n\n$$W\\_1 x \\space = (x^T W\\_1^T)^T$$"
    assert statuses(tmp_path, notes) == ["ok"]


def test_a_display_starting_with_equals_goes_on_from_the_one_before(tmp_path):
    # ericdarve Woodbury: "Let's multiply … $$(A + UCV)(…)$$ We can expand: $$= …$$", a lemma displayed
    # in between (I + CVA^{-1}U = C(C^{-1} + VA^{-1}U)) and the derivation going on after it
    notes = (
        "% derivtex: A, B: n x n\n$$(A + B)(A - B)$$\nExpanding:\n$$= A^2 - AB + BA - B^2$$\n"
        "A lemma: $$AB - BA = -(BA - AB)$$\nSo\n$$= A^2 - B^2 - (AB - BA)$$\n"
    )
    assert statuses(tmp_path, notes) == ["ok", "ok", "ok"]
    wrong = notes.replace("$$= A^2 - AB", "$$= A^2 + AB")  # the slip, and the last line read against it
    assert statuses(tmp_path, wrong) == ["does not follow", "ok", "does not follow"]
    # with nothing displayed before, "= …" is not understood
    assert statuses(tmp_path, "% derivtex: A, B: n x n\n$$= A^2$$") == ["not understood"]


def test_an_equation_in_color_is_a_link(tmp_path):
    # wangcsshuai: \color{red}{a = b} around a whole equation
    red, blue = "$$\\color{red}{(AB)^T = B^T A^T}$$", "$$\\textcolor{blue}{(AB)^T = A^T B^T}$$"
    notes = f"% derivtex: A, B: n x n\n{red}\n{blue}"
    assert statuses(tmp_path, notes) == ["ok", "does not follow"]


def test_a_function_named_with_a_bold_capital_subscript(tmp_path):
    # healthml: R_{\mathbf A}(x) = x^T A x / x^T x, then R_A(αx) = R_A(x); J_{\mathbf X}(S) undefined
    notes = (
        "% derivtex: \\mathbf{A}: n x n; \\mathbf{x}: n; \\alpha: scalar\n"
        "$$R_\\mathbf{A}(\\mathbf{x}) = "
        "\\frac{\\mathbf{x}^\\top\\mathbf{A}\\mathbf{x}}{\\mathbf{x}^\\top\\mathbf{x}}$$\n"
        "$$R_\\mathbf{A}(\\alpha\\mathbf{x}) = R_\\mathbf{A}(\\mathbf{x})$$\n"
        "$$R_\\mathbf{A}(\\alpha\\mathbf{x}) = \\alpha R_\\mathbf{A}(\\mathbf{x})$$\n"
        "$$\\mathbf{J}_{\\mathbf{X}}(\\mathbf{A}) = \\mathbf{J}_{\\mathbf{X}}(\\mathbf{A})^\\top$$"
    )
    assert statuses(tmp_path, notes) == ["skipped", "ok", "does not follow", "cannot check"]


def test_a_slip_between_checked_links_is_not_taken_for_a_condition(tmp_path):
    # healthml: after "satisfies" the text solves, but x = QQ^T x = Qy with a sign lost is a slip
    notes = (
        "% derivtex: Q: n x n orthogonal; x: n; y := Q^T x\n"
        "Suppose $x$ satisfies the constraint. Then\n$$x = {sign}QQ^\\top x = Qy$$"
    )
    assert statuses(tmp_path, notes.replace("{sign}", "")) == ["ok", "ok"]
    assert statuses(tmp_path, notes.replace("{sign}", "-")) == ["does not follow", "does not follow"]


LAYER = "% derivtex: x: n; W: m x n; b, z, a: m; L: scalar\n$$z = Wx + b$$\n$$a = \\sigma(z)$$\n"


def test_a_loss_never_written_out_is_differentiated_through_the_layer(tmp_path):
    # hetanshwaghela: ∂L/∂b = ∂L/∂z, ∂L/∂W = ∂L/∂z x^T after z = Wx + b, for any L (checked at the
    # first-order L = tr(G^T a) with G random); ∂L/∂z = ∂L/∂a ∘ σ'(z) through a = σ(z)
    grad = "\\frac{{\\partial L}}{{\\partial {}}}"
    by = {v: grad.format(v) for v in "abzW"}
    links = [
        f"$${by['b']} = {by['z']}$$",
        f"$${by['W']} = {by['z']} x^T$$",
        f"$${by['z']} = {by['a']} \\odot \\sigma'(z)$$",
        f"$${by['W']} = x {by['z']}^T$$",
        f"$${by['z']} = {by['a']} \\odot \\sigma(z)$$",
    ]
    found = statuses(tmp_path, LAYER + "\n".join(links))
    assert found == ["skipped", "skipped", "ok", "ok", "ok", "shape error", "does not follow"]


def test_a_loss_differentiated_by_one_variable_is_left_alone(tmp_path):
    # nothing relates ∂L/∂W to what the text calls δ: never a first-order stand-in there
    notes = LAYER + "$$\\frac{\\partial L}{\\partial W} = \\delta x^T$$"
    assert statuses(tmp_path, notes) == ["skipped", "skipped", "cannot check"]


def test_a_loss_never_written_out_is_never_read_to_second_order(tmp_path):
    # the stand-in tr(G^T a) has no curvature: a Hessian of L cannot be checked with it
    diag = "\\operatorname{diag}(\\sigma'(z))"
    notes = LAYER + f"$$\\nabla^2_z L = {diag} \\nabla^2_a L {diag}$$"
    assert statuses(tmp_path, notes)[-1] != "ok"


def test_markdown_and_typing_habits_of_the_held_out_sources(tmp_path):
    # jilljenn: kramdown's "\\\ " row break; eunsu-park: \nabla_\mathbf{w}; sspuiip: "one-hot";
    # yuqiii-wang: \sum^n_{i=1}; doraemonzzz: 1_{i=j}; shreedharn: {\textstyle \begin{aligned}…}
    rows = (
        "% derivtex: a, b: n\n\\begin{align} &(a+b)^T(a+b) \\\\\\\n"
        "=& a^Ta + 2a^Tb + b^Tb \\\\\\\n=& a^Ta + b^Tb\n\\end{align}"
    )
    assert statuses(tmp_path, rows) == ["ok", "does not follow"]
    nabla = "% derivtex: X: n x p; w: p; y: n\n$$\\nabla_\\mathbf{w} (Xw - y)^T(Xw - y) = 2X^T(Xw - y)$$"
    assert statuses(tmp_path, nabla) == ["ok"]
    onehot = "% derivtex: y: n one-hot\n$$y^T \\mathbf{1} = 1$$"
    assert statuses(tmp_path, onehot) == ["ok"]
    assert statuses(tmp_path, onehot.replace(" one-hot", "")) == ["does not follow"]
    sums = "% derivtex: x, y: n\n$$\\sum^n_{i=1} x_i y_i = x^T y$$"
    assert statuses(tmp_path, sums) == ["ok"]
    indicator = "% derivtex: x: n\n$$\\sum_j 1_{i=j} x_j = x_i$$"
    assert statuses(tmp_path, indicator) == ["ok"]
    styled = "% derivtex: A, B: n x n\n$${\\textstyle \\begin{aligned} (AB)^T &= B^T A^T \\end{aligned}}$$"
    assert statuses(tmp_path, styled) == ["ok"]


def test_a_relation_starting_a_row_splits_after_a_bracket_left_open(tmp_path):
    # sspuiip: tr[(A dX^{-1}] (a typo) would hide the rows below it inside the open parenthesis
    notes = (
        "% derivtex: A, X: n x n\n"
        "\\begin{align} d\\,\\mathrm{tr}(AX^{-1}) &= \\mathrm{tr}[(A\\,d(X^{-1})] \\\\\n"
        "&= -\\mathrm{tr}(AX^{-1}\\,dX\\,X^{-1}) \\\\\n&= \\mathrm{tr}(X^{-1}AX^{-1}\\,dX) \\end{align}"
    )
    assert statuses(tmp_path, notes) == ["not understood", "not understood", "does not follow"]  # a sign lost
    assert statuses(tmp_path, notes.replace("&= \\mathrm{tr}(X^{-1}", "&= -\\mathrm{tr}(X^{-1}"))[2] == "ok"


def test_while_solving_only_equations_in_the_unknown_are_conditions(tmp_path):
    # uwctrl LQR: after ∂V/∂u = 0, V(x) = x^T P x restated is about x alone: a slip there is reported
    notes = (
        "% derivtex: x: n; u: m; A, P: n x n; P: symmetric; B: n x m; R: m x m spd; V(x) := x^T P x\n"
        "$$\\frac{\\partial}{\\partial u} (u^T R u + 2 x^T A^T P B u) = 2Ru + 2B^T P A x = 0$$\n"
        "$$u^T R u = -x^T A^T P B u$$\n$$V(x) = {right}$$"
    )
    assert statuses(tmp_path, notes.replace("{right}", "x^T P x")) == ["ok", "skipped", "skipped", "ok"]
    wrong = notes.replace("{right}", "x^T P^2 x")
    assert statuses(tmp_path, wrong) == ["ok", "skipped", "skipped", "does not follow"]


def test_a_layered_name_with_an_index_declared_is_a_symbol_of_its_own(tmp_path):
    # johnwaczak Kalman: \xi_k^{(a)} is the analysis error at step k (declared), not an entry of ξ^{(a)}
    notes = "% derivtex: \\xi_k^{(a)}: n; M: n x n\n$$M\\xi_k^{(a)} + M\\xi_k^{(a)} = 2M\\xi_k^{(a)}$$"
    assert statuses(tmp_path, notes) == ["ok"]
    assert statuses(tmp_path, notes.replace("= 2M", "= M")) == ["does not follow"]


def test_the_values_derivtex_draws_itself_are_never_named_in_a_message(tmp_path):
    # yuqiii-wang: tr(B G^T A dX) = tr((A^T G^T B)^T dX), G = ∂f/∂Y with Y := AXB: the slip holds only
    # for a symmetric G, which no annotation can declare (G is drawn, named Y§∂f inside)
    grad = "(\\frac{\\partial f}{\\partial Y})"
    notes = (
        "% derivtex: A, X, B: n x n; Y := AXB\n"
        f"$$df = \\mathrm{{tr}}({grad}^T dY) = \\mathrm{{tr}}(B {grad}^T A\\,dX)"
        f" = \\mathrm{{tr}}((A^T {grad}^T B)^T dX)"
        " = \\mathrm{tr}((\\frac{\\partial f}{\\partial X})^T dX)$$"
    )
    found = checked_in_paper(tmp_path, notes + "\n")
    assert [o.status for o in found][1:3] == ["ok", "does not follow"]
    assert not any("§" in o.message for o in found)


# --- session 29: Leibniz fractions as values, entry chain rules, braces that name ---------------

RULE = "% derivtex: X: n x n; W: n x n; G: n x n; f: scalar\n% derivtex: G := X\\cdot W\n"


def test_a_leibniz_fraction_inside_an_expression_is_the_derivative_s_value(tmp_path):
    # Pilex1 (tests/tex_corpus/pilex1_matrix_backprop_rules.tex): df/dX = df/dG W^T for G = XW, any f;
    # by hand: df = tr(Gbarᵀ dX W) = tr((Gbar Wᵀ)ᵀ dX). W^T df/dG is the rule for G = WX, not this one
    right = "$$\\frac{df}{dX} = \\frac{df}{dG} W^T$$"
    assert statuses(tmp_path, RULE + right) == ["ok"]
    assert statuses(tmp_path, RULE + right.replace("\\frac{df}{dG} W^T", "W^T\\frac{df}{dG}")) == [
        "does not follow"
    ]
    # dy = (dy/dx) dx still introduces the notation: skipped, never a value
    assert statuses(tmp_path, RULE + "$$df = \\frac{df}{dX} dX$$") == ["skipped"]


def test_the_chain_rule_entry_by_entry_through_a_definition(tmp_path):
    # ∂f/∂X_ij = Σ_l ∂f/∂G_il ∂G_il/∂X_ij = Σ_l ∂f/∂G_il W_jl (G_il = Σ_k X_ik W_kl): by hand;
    # with W_lj (a transpose slipped) or G_li (the indices swapped) it does not follow
    right = "$$\\frac{df}{dX_{i,j}} = \\sum_\\ell \\frac{df}{dG_{i,\\ell}}\\cdot W_{j,\\ell}$$"
    assert statuses(tmp_path, RULE + right) == ["ok"]
    assert statuses(tmp_path, RULE + right.replace("W_{j,\\ell}", "W_{\\ell,j}")) == ["does not follow"]
    assert statuses(tmp_path, RULE + right.replace("dG_{i,\\ell}", "dG_{\\ell,i}")) == ["does not follow"]


def test_a_named_gradient_of_a_loss_never_written_out_is_any_matrix_of_its_shape(tmp_path):
    # kayween (tests/tex_corpus/kayween_reverse_mode_matrix_calculus.tex): with Ybar := ∂f/∂Y and
    # Y = AXB, <Ybar, dY> = <Ybar, A dX B> = <A^T Ybar B^T, dX> for every Ybar (tr(Ybarᵀ A dX B)
    # = tr(B Ybarᵀ A dX)); with B in place of B^T the shapes differ, with A for A^T too: square here
    notes = (
        "% derivtex: A, X, B: n x n; f: scalar\n% derivtex: Y := A X B\n"
        "% derivtex: \\bar Y := \\frac{\\partial}{\\partial Y} f\n"
    )
    chain = "$$\\langle \\bar Y, A\\,dX\\,B \\rangle = \\langle A^\\top \\bar Y B^\\top, dX \\rangle_F$$"
    assert statuses(tmp_path, notes + chain) == ["ok"]
    assert statuses(tmp_path, notes + chain.replace("B^\\top,", "B,")) == ["does not follow"]


def test_a_brace_that_names_its_expression_defines_the_name(tmp_path):
    # theogf (tests/tex_corpus/theogf_gaussian_kl_gradients.tex): \underbrace{…}_{:=X} names X;
    # ½[tr(K⁻¹J) − tr(K⁻¹JK⁻¹X)] = ½ tr(K⁻¹J(I − K⁻¹X)), by hand; with +K⁻¹X it does not follow
    notes = "% derivtex: K, S: n x n positive definite; J: n x n symmetric\n"
    chain = (
        "\\begin{align} & \\tr(K^{-1}J) - \\tr(K^{-1}JK^{-1}\\underbrace{(S + I)}_{:=X}) \\\\\n"
        "&= \\tr(K^{-1}J(I {sign} K^{-1}X)) \\end{align}"
    )
    macros = "\\newcommand{\\tr}{\\operatorname{tr}}\n"
    assert statuses(tmp_path, macros + notes + chain.replace("{sign}", "-")) == ["ok"]
    assert statuses(tmp_path, macros + notes + chain.replace("{sign}", "+")) == ["does not follow"]


def test_a_derivative_of_a_declared_matrix_by_a_symbol_is_a_dependence_said_in_words(tmp_path):
    # J_i := dK/dθ_i with K declared: no value computes it; the annotation says so and J_i stays the
    # symmetric matrix declared (what the text's algebra uses)
    notes = (
        "% derivtex: K: n x n positive definite; J_i: n x n symmetric; \\theta_i: scalar\n"
        "% derivtex: J_i := \\frac{dK}{d\\theta_i}\n"
    )
    found = checked_in_paper(
        tmp_path, notes + "$$\\operatorname{tr}(K^{-1}J_i) = \\operatorname{tr}(J_iK^{-1})$$\n"
    )
    assert [o.status for o in found] == ["ok"]
    problems = check_file(tmp_path / "paper.tex").problems
    assert any("a dependence said in words" in p.message for p in problems)


NIELSEN = (
    "% derivtex: a^{l-1}: m; W^l: n x m; b^l, z^l, a^l, \\delta^l: n; C: scalar\n"
    "% derivtex: \\sigma(x) := \\frac{1}{1+e^{-x}}; z^l := W^l a^{l-1} + b^l; a^l := \\sigma(z^l)\n"
    "% derivtex: \\delta^l := \\frac{\\partial C}{\\partial z^l}\n"
)


def test_a_layer_index_above_a_declared_symbol_is_its_name(tmp_path):
    # Wayne82 (Nielsen's notation): ∂C/∂W^l = δ^l (a^{l-1})^T, ∂C/∂b^l = δ^l for any C, by
    # dC = δᵀ dz and dz = dW a + db; W^l is never W to the power l. With a sign slipped: does not follow
    right = "$$\\frac{\\partial C}{\\partial W^l} = \\delta^l (a^{l-1})^T$$\n"
    right += "$$\\frac{\\partial C}{\\partial b^l} = \\delta^l$$"
    assert statuses(tmp_path, NIELSEN + right) == ["ok", "ok"]
    assert statuses(tmp_path, NIELSEN + right.replace("= \\delta^l$$", "= -\\delta^l$$")) == [
        "ok",
        "does not follow",
    ]


def test_the_derivative_of_an_activation_the_text_defines(tmp_path):
    # σ := 1/(1 + e^{-x}) defined: σ'(z) = σ(z)(1 - σ(z)); ∂a^l/∂z^l is diag(σ'(z^l)), so for any C
    # ∂C/∂z^l = ∂C/∂a^l ∘ σ'(z^l) (by hand); tanh' = 1 - tanh², not σ'
    notes = (
        "% derivtex: z: n\n% derivtex: \\sigma(x) := \\frac{1}{1+e^{-x}}; g(x) := \\tanh(x); h(x) := x^3\n"
    )
    links = [
        "$$\\nabla_z \\mathbf{1}^T\\sigma(z) = \\sigma'(z)$$",
        "$$\\nabla_z \\mathbf{1}^T g(z) = g'(z)$$",
        "$$\\nabla_z \\mathbf{1}^T g(z) = \\sigma'(z)$$",
        "$$\\nabla_z \\mathbf{1}^T h(z) = h'(z)$$",  # x³: no derivative derivtex knows, said so
    ]
    found = checked_in_paper(tmp_path, notes + "\n".join(links) + "\n")
    assert [o.status for o in found] == ["ok", "ok", "does not follow", "cannot check"]
    assert "h'(…): the derivative of the function the text defines" in found[-1].message


def test_a_layer_s_dimension_may_carry_the_layer_index(tmp_path):
    # jihwan-jeong: h^{l-1}: 1 x m_{l-1}, W^l: m_{l-1} x m_l, rows as examples; the gradient by the
    # bias reaches it through h^l := φ(u^l) and u^{l+1} := h^l W^{l+1} + b^{l+1}: by hand
    # ∂E/∂b^l = (δ^{l+1} (W^{l+1})^T) ∘ φ'(u^l); without φ' it does not follow
    notes = (
        "% derivtex: h^{l-1}: 1 x m_{l-1}; W^l: m_{l-1} x m_l; b^l, u^l, h^l: 1 x m_l\n"
        "% derivtex: W^{l+1}: m_l x m_{l+1}; b^{l+1}, u^{l+1}, \\delta^{l+1}: 1 x m_{l+1}; E: scalar\n"
        "% derivtex: \\phi(x) := \\frac{1}{1+\\exp(-x)}\n"
        "% derivtex: u^l := h^{l-1}W^l+b^l; h^l := \\phi(u^l); u^{l+1} := h^lW^{l+1}+b^{l+1}\n"
        "% derivtex: \\delta^{l+1} := \\frac{\\partial E}{\\partial u^{l+1}}\n"
    )
    right = "$$\\frac{\\partial E}{\\partial b^l}=\\delta^{l+1}(W^{l+1})^\\top \\odot \\phi'(u^l)$$"
    assert statuses(tmp_path, notes + right) == ["ok"]
    assert statuses(tmp_path, notes + right.replace(" \\odot \\phi'(u^l)", "")) == ["does not follow"]


def test_a_signal_s_sample_in_brackets_is_the_symbol_declared(tmp_path):
    # tayyarg (Wiener filter): e[n] = d[n] - w^T x[n], E{e²[n]} = E{d²[n]} + wᵀRw - 2wᵀp, expanded by
    # hand; d[n] is never the differential of n. With +2wᵀp it does not follow
    notes = "% derivtex: w: N; x[n]: N, random; d[n]: scalar, random\n% derivtex: e[n] := d[n] - w^Tx[n]\n"
    chain = "$$E\\{e^2[n]\\}=E\\{d^2[n]\\}+w^TE\\{x[n]x^T[n]\\}w{sign}2w^TE\\{d[n]x[n]\\}$$"
    assert statuses(tmp_path, notes + chain.replace("{sign}", "-")) == ["ok"]
    assert statuses(tmp_path, notes + chain.replace("{sign}", "+")) == ["does not follow"]
    # a step a sum's index moves is one value per index: never the symbol x[n-k] declared
    sums = "% derivtex: w_k, x[n-k]: scalar\n$$\\sum_{k=0}^{N-1} w_k x[n-k] = 2$$"
    assert statuses(tmp_path, sums) == ["cannot check"]


def test_a_function_s_name_in_text_is_not_a_remark(tmp_path):
    # nirnirs: softmax(x + c)_i = e^{x_i + c} / Σ_j e^{x_j + c}, the definition (by hand); \text{softmax}
    # was blanked as prose, leaving (x + c)_i, and the true line did not follow
    notes = "% derivtex: x: n; c: scalar\n"
    right = "$$\\text{softmax}(x+c)_i =\\frac{e^{x_i+c}}{\\sum _{j=1}^n{e^{x_j+c}}}$$"
    assert statuses(tmp_path, notes + right) == ["ok"]
    assert statuses(tmp_path, notes + right.replace("e^{x_i+c}}{", "e^{x_i}}{")) == ["does not follow"]


def test_an_orthogonal_matrix_stays_orthogonal_in_index_notation(tmp_path):
    # SimonEnsemble (Procrustes): with A := [a_1 ⋯ a_n] the link is read in index notation, where Ω
    # was drawn as any matrix: tr(AᵀΩᵀΩA) = tr(AᵀA) for orthogonal Ω (ΩᵀΩ = I), not tr(AᵀΩA)
    notes = "% derivtex: a_i: d; A: d x n; \\Omega: d x d; \\Omega: orthogonal\n"
    notes += "% derivtex: A := \\begin{bmatrix} a_1 & \\cdots & a_n \\end{bmatrix}\n"
    right = "$$\\operatorname{tr}(A^T \\Omega^T \\Omega A) = \\operatorname{tr}(A^TA)$$"
    assert statuses(tmp_path, notes + right) == ["ok"]
    assert statuses(tmp_path, notes + right.replace("^T \\Omega A", "^T \\Omega^T A")) == ["does not follow"]


def test_a_prime_on_a_parenthesised_number_is_not_a_transpose(tmp_path):
    # nirnirs: σ'(x) = (1/(1 + e^{-x}))' is the derivative written with a prime; read as a transpose
    # (of a number: itself) the true line did not follow. Not read; σ' of the σ defined still is
    notes = "% derivtex: x: scalar\n% derivtex: \\sigma(x) := \\frac{1}{1+e^{-x}}\n"
    chain = "$$\\sigma'(x) =\\left(\\frac{1}{1+e^{-x}}\\right)' = \\frac{e^{-x}}{(1+e^{-x})^2}$$"
    found = checked_in_paper(tmp_path, notes + chain + "\n")
    assert [o.status for o in found] == ["cannot check", "cannot check"]
    assert "written with a prime" in found[0].message
    assert statuses(tmp_path, notes + "$$\\sigma'(x) = \\frac{e^{-x}}{(1+e^{-x})^2}$$") == ["ok"]


def test_a_gradient_by_a_defined_quantity_is_taken_where_the_text_defines_it(tmp_path):
    # Nielsen's (2): δ^l = ((W^{l+1})^T δ^{l+1}) ∘ σ'(z^l), with δ^l := ∂C/∂z^l and z^{l+1} computed from
    # z^l through a^l := σ(z^l): ∂C/∂z^l is by z^l itself, at z^l = W^l a^{l-1} + b^l (by hand, the
    # chain rule); with the sign flipped it does not follow
    notes = NIELSEN + (
        "% derivtex: W^{l+1}: p x n; b^{l+1}, z^{l+1}, \\delta^{l+1}: p\n"
        "% derivtex: z^{l+1} := W^{l+1} a^l + b^{l+1}\n"
        "% derivtex: \\delta^{l+1} := \\frac{\\partial C}{\\partial z^{l+1}}\n"
    )
    right = "$$\\delta^l = ((W^{l+1})^T \\delta^{l+1}) \\odot \\sigma'(z^l)$$"
    assert statuses(tmp_path, notes + right) == ["ok"]
    assert statuses(tmp_path, notes + right.replace("= (", "= -(")) == ["does not follow"]


def test_differentials_are_infinitesimal(tmp_path):
    # jverzani (Bright, Edelman and Johnson's notes): det(I + dA) - det(I) = tr(dA) and
    # (A + dA)^{-1} = A^{-1} - A^{-1} dA A^{-1} hold to first order in dA (by hand: det(I + E) =
    # 1 + tr E + O(E²), (A + E)^{-1} = A^{-1} - A^{-1}EA^{-1} + O(E²)); a wrong first-order part, or
    # none where there is one, does not follow
    notes = "% derivtex: A: n x n invertible\n"
    links = [
        "$$\\det(I + dA) - \\det(I) = \\operatorname{tr}(dA)$$",
        "$$(A + dA)^{-1} = A^{-1} - A^{-1} dA A^{-1}$$",
        "$$\\det(I + dA) - \\det(I) = 2\\operatorname{tr}(dA)$$",
        "$$(A + dA)^{-1} = A^{-1} + A^{-1} dA A^{-1}$$",
        "$$(A + dA)^{-1} = A^{-1}$$",
    ]
    found = statuses(tmp_path, notes + "\n".join(links))
    assert found == ["ok", "ok", "does not follow", "does not follow", "does not follow"]


def test_two_differentials_multiplied_are_compared_to_second_order(tmp_path):
    # jverzani, second derivative of det: with dA and dA' (read (dA)ᵀ here, any matrix), the
    # second-order parts agree: det(A + dA')tr((A + dA')^{-1}dA) - det(A)tr(A^{-1}dA) =
    # det(A)tr(A^{-1}dA')tr(A^{-1}dA) - det(A)tr(A^{-1}dA'A^{-1}dA) + O(3) (by hand); the sign of the
    # last term flipped does not follow. A minus braced for its spacing ({-}) is a minus
    notes = "% derivtex: A: n x n invertible\n"
    left = "\\det(A+dA')\\operatorname{tr}((A + dA')^{-1} dA) - \\det(A) \\operatorname{tr}(A^{-1}dA)"
    right = "\\det(A)\\operatorname{tr}(A^{-1}dA')\\operatorname{tr}(A^{-1}dA)"
    right += " {-} \\det(A)\\operatorname{tr}(A^{-1}dA' A^{-1}dA)"
    assert statuses(tmp_path, f"{notes}$${left} = {right}$$") == ["ok"]
    assert statuses(tmp_path, f"{notes}$${left} = {right.replace('{-}', '+')}$$") == ["does not follow"]


def test_a_function_the_text_defines_is_applied_though_declared_with_its_argument(tmp_path):
    # i05nagai (Gauss-Newton): r(x): M declared, and r(x) := y - f(x) with f(x): M declared as a
    # symbol; S = ||r(x)||² = ||y - f(x)||² (by the definition); ||y + f(x)||² does not follow
    notes = "% derivtex: x: N; y: M; f(x), r(x): M\n% derivtex: r(x) := y - f(x)\n"
    right = "$$\\left\\| r(x) \\right\\|^{2} = \\left\\| y - f(x) \\right\\|^{2}$$"
    assert statuses(tmp_path, notes + right) == ["ok"]
    assert statuses(tmp_path, notes + right.replace("y - f(x)", "y + f(x)")) == ["does not follow"]


def test_gradients_named_delta_in_an_aligned_table(tmp_path):
    # uesina15-max (attention backward): &\delta V &&= \hat{A}^T \delta Y, a table whose relation is in
    # the third column, with δV := ∂L/∂V, δY := ∂L/∂Y, Y := ÂV: for any L, δV = Âᵀ δY (by hand:
    # dL = tr(δYᵀ Â dV)); δV read as δ times V, or the column as a remark, missed it. Âδ Y does not follow
    notes = (
        "% derivtex: A, V: T x T; \\mathcal{L}: scalar; Y := A V\n"
        "% derivtex: \\delta Y := \\frac{\\partial \\mathcal{L}}{\\partial Y}; "
        "\\delta V := \\frac{\\partial \\mathcal{L}}{\\partial V}\n"
    )
    table = "$$\\begin{aligned}\n&\\delta V &&= {side} \\\\\n\\end{aligned}$$"
    assert statuses(tmp_path, notes + table.replace("{side}", "A^\\top \\delta Y")) == ["ok"]
    assert statuses(tmp_path, notes + table.replace("{side}", "A \\delta Y")) == ["does not follow"]


def test_a_derivative_by_an_inverse_has_the_inverse_as_its_variable(tmp_path):
    # Bourret Sicotte, Woody (Gaussian MLE): with Λ = Σ⁻¹ the variable, ℓ = m/2 log det Λ - ½ tr(ΛS)
    # and ∂ℓ/∂Λ = m/2 Λ⁻¹ - ½ S = m/2 Σ - ½ S (checked by central differences below); ∂/∂X^{-1} tr(AX)
    # = -(XAX)ᵀ for any invertible X (by hand: tr(A V⁻¹), d = -tr(A V⁻¹ dV V⁻¹)); Λ := Σ⁻¹ defined and
    # the function written in Σ alone: the same; with a sign or a transpose slipped: does not follow
    rng = np.random.default_rng(30)
    B, A = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    S, Lam, m = B @ B.T + np.eye(3), np.linalg.inv(B @ B.T + 2 * np.eye(3)), 5.0
    ell = lambda L: m / 2 * np.log(np.linalg.det(L)) - np.trace(L @ S) / 2  # noqa: E731
    assert np.allclose(central_gradient(ell, Lam), m / 2 * np.linalg.inv(Lam) - S / 2, atol=1e-5)
    X = rng.normal(size=(3, 3)) + 3 * np.eye(3)
    of_inverse = lambda V: np.trace(A @ np.linalg.inv(V))  # noqa: E731
    assert np.allclose(central_gradient(of_inverse, np.linalg.inv(X)), -(X @ A @ X).T, atol=1e-5)
    notes = "% derivtex: \\Sigma, S: n x n positive definite; m: scalar; X: n x n invertible; A: n x n\n"
    gaussian = "\\frac{\\partial}{\\partial \\Sigma^{-1}} \\left(\\frac{m}{2}\\log\\det \\Sigma^{-1}"
    gaussian += " - \\frac12 \\operatorname{tr}(\\Sigma^{-1} S)\\right)"
    right = [f"$${gaussian} = \\frac{{m}}{{2}}\\Sigma - \\frac12 S$$"]
    right.append("$$\\nabla_{X^{-1}} \\operatorname{tr}(AX) = -(XAX)^T$$")
    defined = "% derivtex: \\Lambda := \\Sigma^{-1}\n$$\\frac{\\partial}{\\partial \\Lambda} "
    defined += "\\left(\\frac{m}{2}\\log\\det \\Sigma\\right) = -\\frac{m}{2}\\Sigma$$"
    assert statuses(tmp_path, notes + "\n".join(right) + "\n" + defined) == ["ok"] * 3
    wrong = [right[0].replace("= \\frac{m}{2}", "= -\\frac{m}{2}"), right[1].replace("(XAX)^T", "XAX")]
    assert statuses(tmp_path, notes + "\n".join(wrong)) == ["does not follow"] * 2


def test_a_derivative_by_an_inverse_beside_one_by_the_symbol_is_not_read(tmp_path):
    # by Σ⁻¹ and by Σ in one chain: Σ cannot be a function of the variable in one link and the
    # variable in the other; tr(X) does not depend on X⁻¹ as a variable of its own: never a 0 read ok
    notes = "% derivtex: X: n x n invertible\n"
    chain = (
        "$$\\frac{\\partial}{\\partial X^{-1}} \\operatorname{tr}(X) = 0 = \\frac{\\partial}{\\partial X} 0$$"
    )
    found = checked_in_paper(tmp_path, notes + chain + "\n")
    assert found[0].status == "cannot check" and "also differentiates by" in found[0].message


def test_a_defined_function_written_with_its_names_and_a_bar(tmp_path):
    # ℓ(μ, Σ | x), ℓ := Σ_i ℓ_i of the x_i: the names ℓ is written with, x for the family x_i; the μ
    # gradient Σ_i Σ⁻¹(x_i - μ) (by hand); ℓ at other arguments (ℓ(\hat\mu)) stays unread
    notes = "% derivtex: x_i, \\mu: p; \\Sigma: p x p positive definite\n"
    notes += "% derivtex: \\ell := -\\frac{1}{2}\\sum_{i=1}^N (x_i - \\mu)^T \\Sigma^{-1} (x_i - \\mu)\n"
    link = "$$\\nabla_\\mu \\ell(\\mu, \\Sigma | x) = \\sum_{i=1}^N \\Sigma^{-1}(x_i - \\mu)$$"
    assert statuses(tmp_path, notes + link) == ["ok"]
    assert statuses(tmp_path, notes + link.replace("= \\sum", "= -\\sum")) == ["does not follow"]
    assert statuses(tmp_path, notes + link.replace("\\mu, \\Sigma | x", "\\hat{\\mu}; x")) != ["ok"]


def test_the_gradient_by_a_symmetric_matrix_in_index_notation(tmp_path):
    # Woody's Σ⁻¹ chain: a sum over i makes the side index notation; the gradient by a symmetric Λ
    # of Σ_i (x_i - μ)ᵀ Λ (x_i - μ) is Σ_i (x_i - μ)(x_i - μ)ᵀ (symmetric already); under the
    # Cookbook's convention G + Gᵀ - diag(G) it is twice that less its diagonal (by hand)
    notes = "% derivtex: x_i, \\mu: p; \\Lambda: p x p symmetric\n"
    f = "\\nabla_\\Lambda \\sum_{i=1}^N (x_i - \\mu)^T \\Lambda (x_i - \\mu)"
    outer = "\\sum_{i=1}^N (x_i - \\mu)(x_i - \\mu)^T"
    assert statuses(tmp_path, notes + f"$${f} = {outer}$$") == ["ok"]
    assert statuses(tmp_path, notes + f"$${f} = 2{outer}$$") == ["does not follow"]
    cookbook = notes + "% derivtex: gradient cookbook\n"
    twice = f"$${f} = 2{outer} - I \\circ {outer}$$"
    assert statuses(tmp_path, cookbook + twice) == ["ok"]
    assert statuses(tmp_path, cookbook + f"$${f} = {outer}$$") == ["does not follow"]


def test_a_claim_true_for_rotations_only_is_not_ok_for_any_orthogonal_matrix(tmp_path):
    # Umeyama's Lagrangian (wzwan): ∂/∂R of g(det R - 1) is g det(R) R^{-T} = gR for a rotation, -gR
    # for a reflection (by hand), so (7) holds for R orthogonal with det R = 1 only. Its first-order
    # comparison was drawn at two points of its own, both rotations, and read ok: it now uses the
    # comparison's points, reflections among them
    notes = "% derivtex: A, B: m x n; U, V: m x m orthogonal; D: m x m diagonal positive; g: scalar\n"
    notes += "% derivtex: L: m x m symmetric; A := U D V^T (B B^T)^{-1} B\n"
    lagrangian = "\\|A-R B\\|^{2}+\\operatorname{tr}\\left(L\\left(R^{T} R-I\\right)\\right)"
    lagrangian += "+g\\{\\operatorname{det}(R)-1\\}"
    link = f"% derivtex: F := {lagrangian}\n"
    link += "$$\\frac{\\partial F}{\\partial R}=-2 A B^{T}+2 R B B^{T}+2 R L+g R$$"
    assert statuses(tmp_path, notes + "% derivtex: R: m x m orthogonal\n" + link) == ["does not follow"]
    rotation = "% derivtex: R: m x m orthogonal, positive_det\n"
    assert statuses(tmp_path, notes + rotation + link) == ["ok"]


def test_a_block_matrix_of_numbers_and_an_identity_beside_a_vector_are_sized(tmp_path):
    # Hiroaki-K4 (bundle adjustment): ∂P/∂f of P := K Rᵀ [I, -t], K with f on its diagonal, is
    # [1 0 0; 0 1 0; 0 0 0] Rᵀ [I, -t] (by hand: K is linear in f); a row of zeros is one number high,
    # and I beside the 3-vector t is 3×3. With the third 1 kept on the diagonal: does not follow
    notes = "% derivtex: f, u, v, c: scalar; R: 3 x 3 orthogonal; t: 3\n"
    notes += "% derivtex: K := \\begin{pmatrix} f & 0 & u \\\\ 0 & f & v \\\\ 0 & 0 & c \\end{pmatrix}\n"
    notes += "% derivtex: P := K R^T \\begin{pmatrix} I & -t \\end{pmatrix}\n"
    link = "$$\\frac{\\partial P}{\\partial f} = \\begin{pmatrix} 1 & 0 & 0 \\\\ 0 & 1 & 0 \\\\ 0 & 0 & 0 "
    link += "\\end{pmatrix} R^T \\begin{pmatrix} I & -t \\end{pmatrix}$$"
    assert statuses(tmp_path, notes + link) == ["ok"]
    assert statuses(tmp_path, notes + link.replace("0 & 0 & 0 \\end", "0 & 0 & 1 \\end")) == [
        "does not follow"
    ]


def test_an_iterate_declared_with_its_index_above_is_a_symbol(tmp_path):
    # duyongquan (SR1): with v = s^k - H^k y^k, H^{k+1} := H^k + v vᵀ/(vᵀ y^k) satisfies the secant
    # condition H^{k+1} y^k = s^k (by hand: H^k y^k + v (vᵀy^k)/(vᵀy^k) = s^k); s^k is the k-th
    # iterate's step, never s to the power k nor s_k, an entry of s; the condition with s and y
    # swapped does not follow
    notes = "% derivtex: s^k, y^k, s: n; H^k: n x n symmetric\n"
    notes += "% derivtex: H^{k+1} := H^k + \\frac{(s^k - H^k y^k)(s^k - H^k y^k)^T}{(s^k - H^k y^k)^T y^k}\n"
    assert statuses(tmp_path, notes + "$$H^{k+1} y^k = s^k$$") == ["ok"]
    assert statuses(tmp_path, notes + "$$H^{k+1} s^k = y^k$$") == ["does not follow"]
    found = checked_in_paper(tmp_path, notes + "$$s^k = s_k$$\n")
    assert found[0].status != "ok"


def test_the_vector_of_ones_declared_with_its_size_stays_the_vector_of_ones(tmp_path):
    # vSebas (portfolio KKT): w := Σ⁻¹(μ - ν1) with ν := (1ᵀΣ⁻¹μ - 1)/(1ᵀΣ⁻¹1) solves Σw + ν1 = μ and
    # 1ᵀw = 1 (by hand: 1ᵀΣ⁻¹μ - ν 1ᵀΣ⁻¹1 = 1). "\mathbf{1}: n" in the list of the vectors declared was a
    # bad annotation that left w and μ undeclared too; 1ᵀw = 2 does not follow
    notes = "% derivtex: w, \\mu, \\mathbf{1}: n; \\nu: scalar; \\Sigma: n x n positive definite\n"
    one = "\\mathbf{1}"
    notes += (
        f"% derivtex: \\nu := \\frac{{{one}^T \\Sigma^{{-1}} \\mu - 1}}{{{one}^T \\Sigma^{{-1}} {one}}}\n"
    )
    notes += "% derivtex: w := \\Sigma^{-1} (\\mu - \\nu \\mathbf{1})\n"
    assert statuses(tmp_path, notes + "$$\\Sigma w + \\nu \\mathbf{1} = \\mu$$\n$$\\mathbf{1}^T w = 1$$") == [
        "ok",
        "ok",
    ]
    assert statuses(tmp_path, notes + "$$\\mathbf{1}^T w = 2$$") == ["does not follow"]


def test_a_kernel_matrix_k_fu_the_text_declares_is_not_the_commutation_matrix(tmp_path):
    # GPflow (SGPR): K_{uf} := K_{fu}ᵀ, K_{uu} := L Lᵀ, and the Woodbury step
    # (σ²I + K_fu K_uu⁻¹ K_uf)⁻¹ = σ⁻²I - σ⁻⁴ K_fu (K_uu + K_uf K_fu σ⁻²)⁻¹ K_uf (by hand: Woodbury with
    # U = K_fu, C = K_uu⁻¹); K_{fu} had been read as the commutation matrix K_{mn} and its annotation
    # refused. Where the indices are sizes and K is square (K_{mn}: 6 x 6), K_{mn} is still that matrix
    notes = "% derivtex: \\mathbf K_{fu}: N x M; \\mathbf L: M x M invertible; \\sigma: scalar, positive\n"
    notes += "% derivtex: \\mathbf K_{uf} := \\mathbf K_{fu}^\\top\n"
    notes += "% derivtex: \\mathbf K_{uu} := \\mathbf L\\mathbf L^\\top\n"
    inverse = "[\\sigma^2 \\mathbf I + \\mathbf K_{fu}\\mathbf K_{uu}^{-1}\\mathbf K_{uf}]^{-1}"
    woodbury = "\\sigma^{-2} \\mathbf I {sign} \\sigma^{-4} \\mathbf K_{fu}[\\mathbf K_{uu} + \\mathbf K_{uf}"
    woodbury += "\\mathbf K_{fu}\\sigma^{-2}]^{-1}\\mathbf K_{uf}"
    link = notes + "$$" + inverse + " = " + woodbury + "$$"
    assert statuses(tmp_path, link.replace("{sign}", "-")) == ["ok"]
    assert statuses(tmp_path, link.replace("{sign}", "+")) == ["does not follow"]
    commutation = (
        "% derivtex: A: 2 x 3; K_{mn}: 6 x 6\n$$K_{mn}\\operatorname{vec}(A) = \\operatorname{vec}(A^T)$$"
    )
    assert statuses(tmp_path, commutation) != ["does not follow"]


def test_the_gradient_and_the_hessian_at_an_iterate_declared_as_symbols(tmp_path):
    # Stephen Becker's notes (Newton's method): with g = ∇f(x_k) and H = ∇²f(x_k) declared, the step
    # x := x_k - H⁻¹g solves 0 = g + H(x - x_k) and Hx = Hx_k - g (by hand); an f never written
    # out, so ∇ and ∇² are symbols here, not derivatives to take; Hx = Hx_k + g does not follow
    notes = "% derivtex: x, x_k: n; \\nabla f(x_k): n; \\nabla^2 f(x_k): n x n symmetric invertible\n"
    notes += "% derivtex: x := x_k - (\\nabla^2 f(x_k))^{-1} \\nabla f(x_k)\n"
    right = ["$$0 = \\nabla f(x_k) + \\nabla^2 f(x_k) (x-x_k)$$"]
    right.append("$$\\nabla^2 f(x_k) x = \\nabla^2 f(x_k) x_k - \\nabla f(x_k)$$")
    assert statuses(tmp_path, notes + "\n".join(right)) == ["ok", "ok"]
    assert statuses(tmp_path, notes + right[1].replace("- \\nabla", "+ \\nabla")) == ["does not follow"]
    assert statuses(tmp_path, notes + "$$\\nabla f(x) = 0$$") == ["cannot check"]


def test_an_increment_and_a_labelled_iterate_are_symbols_where_declared(tmp_path):
    # nmayorov (RTS smoother): Δx_k^s := x_k^s - x_k and the like, with x_k^s := x_k^+ + C_k(x_{k+1}^s -
    # x_{k+1}^-): Δx_k^s - Δx_k^+ = C_k(Δx_{k+1}^s - Δx_{k+1}^-) (by hand, the true states cancel);
    # Δx is one symbol, never Δ times x, and x_k^s is the smoothed estimate, not a power
    notes = "% derivtex: x_k, x_k^+, x_k^s, x_{k+1}^s, x_{k+1}^-, x_{k+1}: n; C_k: n x n\n"
    notes += "% derivtex: x_k^s := x_k^+ + C_k \\left(x_{k + 1}^s - x_{k + 1}^-\\right)\n"
    notes += "% derivtex: \\Delta x_k^s := x_k^s - x_k; \\Delta x_k^+ := x_k^+ - x_k\n"
    notes += "% derivtex: \\Delta x_{k + 1}^s := x_{k + 1}^s - x_{k + 1}\n"
    notes += "% derivtex: \\Delta x_{k + 1}^- := x_{k + 1}^- - x_{k + 1}\n"
    link = "$$\\Delta x_k^s - \\Delta x_k^+= C_k \\left(\\Delta x_{k + 1}^s - \\Delta x_{k + 1}^-\\right)$$"
    assert statuses(tmp_path, notes + link) == ["ok"]
    assert statuses(tmp_path, notes + link.replace("= C_k", "= C_k^T")) == ["does not follow"]


def test_the_physics_packages_notation_where_the_document_loads_it(tmp_path):
    # agoose77's thesis loads physics: \grad is ∇, \pqty{…} parentheses, \dv a derivative;
    # ∇_x (xᵀAx) = (A + Aᵀ)x (by hand); without the package the macros are the document's to define
    body = "% derivtex: A: n x n; x: n\n$$\\grad_x \\pqty{x^T A x} = \\pqty{A + A^T} x$$\n"
    preamble = "\\documentclass{article}\n\\usepackage{amsmath,physics}\n"
    loaded = f"{preamble}\\begin{{document}}\n{body}\\end{{document}}\n"
    path = tmp_path / "thesis.tex"
    path.write_text(loaded)
    assert [o.status for o in check_file(path).outcomes] == ["ok"]
    path.write_text(loaded.replace("= \\pqty{A + A^T}", "= \\pqty{A - A^T}"))
    assert [o.status for o in check_file(path).outcomes] == ["does not follow"]
    assert statuses(tmp_path, body) == ["not understood"]


def test_a_word_typed_before_any_sized_bracket_is_its_function(tmp_path):
    # andreacasalino: "Tr \bigg[ A xx^T \bigg]" is the trace (as "tr \big(" was); xᵀAx = tr(Axxᵀ)
    # = tr(xxᵀAᵀ) for any A (by hand); tr(Ax) of a vector does not fit
    notes = "% derivtex: x: n; A: n x n\n"
    link = "$$x^T A x = Tr \\bigg[ A xx^T \\bigg] = Tr \\Bigg[ xx^T A^T \\Bigg]$$"
    assert statuses(tmp_path, notes + link) == ["ok", "ok"]
    assert statuses(tmp_path, notes + link.replace("A xx^T", "A^T A xx^T")) == ["does not follow"] * 2


def test_the_value_of_the_sigmoid_written_as_sigma(tmp_path):
    # john-philipp (logistic regression): "the logit $z = z(w, x, b) \in \mathbb{R}$" declares z a number
    # (not a definition of z by itself), and σ(1 - σ) is σ's value times 1 - σ, never the sigmoid of
    # 1 - σ: with σ := σ(z) declared, dσ/dz = σ(1 - σ) (by hand) and σ(1 + σ) does not follow; with
    # nothing defining σ the links cannot be checked and say what would unlock them
    prose = "The logit $z=z(w,x,b) \\in \\mathbb{R}$ is linear in $w$.\n"
    chain = "\\begin{align}\n\\frac{d\\sigma}{dz} &= \\frac{d}{dz} \\left( \\frac{1}{1 + e^{-z}} \\right)"
    chain += " \\\\\n"
    chain += " &= \\sigma (1 - \\sigma)\n\\end{align}\n"
    found = checked_in_paper(tmp_path, prose + chain)
    assert [o.status for o in found] == ["cannot check", "cannot check"]
    assert "define it, e.g. % derivtex: \\sigma := \\sigma(z)" in found[1].message
    defined = prose + "% derivtex: \\sigma := \\sigma(z)\n" + chain
    assert statuses(tmp_path, defined) == ["ok", "ok"]
    assert statuses(tmp_path, defined.replace("(1 - \\sigma)", "(1 + \\sigma)")) == ["ok", "does not follow"]


def test_a_sums_bound_that_is_another_declared_size_does_not_fit(tmp_path):
    # eric-Rstats (CS224n): with z := Wx, W: n x m, the sum of δ_k ∂z_k/∂W_ij over k = 1 … m runs over
    # m of z's n entries: false unless m = n (by hand, m ≠ n: the terms k > m are left out, or z_k
    # does not exist). The bound had been ignored for an index that also indexes z (ok was reported)
    notes = "% derivtex: W: n x m; x: m; \\delta: n\n% derivtex: z := Wx\n"
    link = "$$\\sum_{k=1}^{BOUND} \\delta_k \\frac{\\partial z_k}{\\partial W_{ij}} = \\delta_i x_j$$"
    assert statuses(tmp_path, notes + link.replace("BOUND", "n")) == ["ok"]
    assert statuses(tmp_path, notes + link.replace("BOUND", "m")) == ["shape error"]


def test_an_entry_of_a_vector_the_text_defines(tmp_path):
    # zingale: z := Ax (a vector the text defines): z_p is its p-th entry, as the z_i inside the sum
    # are; Σ_i z_i δ_ip x_q = z_p x_q (by hand). z_p had been read as a number of its own, and the link
    # did not follow
    notes = "% derivtex: A: m x n; x: n\n% derivtex: z := A x\n"
    link = "$$\\sum_{i=1}^{m} z_i (1 - z_i) \\delta_{ip} x_q = z_p (1 - z_p) x_q$$"
    assert statuses(tmp_path, notes + link) == ["ok"]
    wrong = link.replace("= z_p (1 - z_p)", "= z_p (1 + z_p)")
    assert statuses(tmp_path, notes + wrong) == ["does not follow"]


def test_a_definition_read_before_the_function_it_applies_is_defined(tmp_path):
    # zingale: z := g(A x) is annotated before the display g(ξ) = 1/(1 + e^{-ξ}) defines g; with g
    # known, z is g applied to Ax (not g times Ax): ∂z_i/∂A_pq = g(b_i)(1 - g(b_i)) δ_ip x_q =
    # z_i(1 - z_i) δ_ip x_q (by hand, the sigmoid's derivative); a sign slipped does not follow, and
    # where both sides are 0 wherever i ≠ p the agreement there says nothing
    notes = "% derivtex: A: m x n; x: n\n% derivtex: b := A x; z := g(A x)\n"
    define = "$$g(\\xi) = \\frac{1}{1 + e^{-\\xi}}$$\n"
    link = "$$\\frac{\\partial z_i}{\\partial A_{pq}} = g(b_i)(1 - g(b_i)) \\delta_{ip} x_q$$"
    assert statuses(tmp_path, notes + define + link) == ["skipped", "ok"]
    assert statuses(tmp_path, notes + define + link.replace("= g(b_i)", "= -g(b_i)")) == [
        "skipped",
        "does not follow",
    ]


def test_a_derivative_written_zero_apart_from_its_diagonal_is_still_not_decided(tmp_path):
    # "∂x_i/∂x_j = 0" is the case j ≠ i written without saying so (cannot check, as before); a side
    # written with the Kronecker δ addresses the case i = j too: 2δ_ij does not follow (it is δ_ij)
    notes = "% derivtex: x: n\n"
    assert statuses(tmp_path, notes + "$$\\frac{\\partial x_i}{\\partial x_j} = 0$$") == ["cannot check"]
    assert statuses(tmp_path, notes + "$$\\frac{\\partial x_i}{\\partial x_j} = 2\\delta_{ij}$$") == [
        "does not follow"
    ]


def test_a_symbol_declared_with_a_bold_subscript(tmp_path):
    # murundb, joacorapela (Gaussian blocks): Σ_{\mathbf{x}\mathbf{y}} declared is a symbol; with
    # Σ_yx := Σ_xyᵀ, Σ_xy Σ_yy⁻¹ Σ_yx = (Σ_yy⁻¹ Σ_yx)ᵀ Σ_yx (by hand, Σ_yy symmetric); an undeclared
    # J_{\mathbf x} stays refused (a Jacobian's subscript, not an index)
    xy, yy, yx = (f"\\Sigma_{{\\mathbf{{{a}}}\\mathbf{{{b}}}}}" for a, b in ("xy", "yy", "yx"))
    notes = f"% derivtex: {yy}: m x m positive definite; {xy}: n x m\n% derivtex: {yx} := {xy}^T\n"
    link = f"$${xy} {yy}^{{-1}} {yx} = ({yy}^{{-1}} {yx})^T {yx}$$"
    assert statuses(tmp_path, notes + link) == ["ok"]
    assert statuses(tmp_path, notes + link.replace(")^T", ")")) != ["ok"]
    found = checked_in_paper(tmp_path, "% derivtex: J: n x n\n$$J_{\\mathbf x} = J$$\n")
    assert found[0].status == "not understood" and "Jacobian" in found[0].message


def test_a_differential_declared_beside_its_symbol_is_that_symbols_differential(tmp_path):
    # O, dO: N x d declared together (zhaochenyang20's attention notes): dO is O's differential, sized;
    # d tr(A) = tr(dA) holds, d tr(A) = tr(dA^T) too (A square), d tr(A) = 2 tr(dA) does not
    notes = "% derivtex: A, dA: p x p\n$$d(\\operatorname{tr}(A)) = \\operatorname{tr}(dA)$$"
    assert statuses(tmp_path, notes) == ["ok"]
    assert statuses(tmp_path, notes.replace("= \\operatorname{tr}(dA)", "= 2\\operatorname{tr}(dA)")) == [
        "does not follow"
    ]
    # declared with a shape of its own, dW is a symbol (a step, a direction), not W's differential
    other = "% derivtex: W: n x n; dW: n x m\n$$d(\\operatorname{tr}(W)) = \\operatorname{tr}(dW)$$"
    assert statuses(tmp_path, other) != ["ok"]


def test_arguments_after_a_semicolon_are_the_functions_parameters(tmp_path):
    # p(X; θ) := σ(θᵀX) (Fernando-Urbano's propensity score): applied to its two arguments
    define = "% derivtex: X, \\theta: d\n% derivtex: p(X; \\theta) := \\frac{1}{1 + \\exp(-\\theta^T X)}\n"
    right = "$$p(X; \\theta) (1 + \\exp(-\\theta^T X)) = 1$$"
    assert statuses(tmp_path, define + right) == ["ok"]
    assert statuses(tmp_path, define + right.replace("(-\\theta^T X)) = 1", "(\\theta^T X)) = 1")) == [
        "does not follow"
    ]


def test_a_unit_vector_and_orthonormal_columns_are_drawn_so(tmp_path):
    # bllguo's PCA: ‖x − (uᵀx)u‖² = xᵀx − (uᵀx)² needs uᵀu = 1; WᵀW = I makes tr(WᵀW) = k
    unit = "% derivtex: x, u: n; u: n unit\n$$\\|x - (u^T x) u\\|^2 = x^T x - (u^T x)^2$$"
    assert statuses(tmp_path, unit) == ["ok"]
    assert statuses(tmp_path, unit.replace("; u: n unit", "")) == ["does not follow"]
    assert statuses(tmp_path, unit.replace("- (u^T x)^2$$", "- 2(u^T x)^2$$")) == ["does not follow"]
    columns = "% derivtex: W: n x k orthonormal; A: k x k\n$$\\mathrm{tr}(W^T W A) = \\mathrm{tr}(A)$$"
    assert statuses(tmp_path, columns) == ["ok"]
    assert statuses(tmp_path, columns.replace(" orthonormal", "")) == ["does not follow"]


def test_a_unit_norm_the_prose_states_is_the_symbols_assumption(tmp_path):
    # "Keeping in mind $u_1^Tu_1=1$": the annotation's u_1: D keeps its shape and takes the assumption
    link = "$$||x_i-(u_1^Tx_i)u_1||^2 = x_i^Tx_i - (u_1^Tx_i)^2$$"
    notes = "% derivtex: x_i, u_1: D\nKeeping in mind $u_1^Tu_1=1$, the distance is\n" + link
    assert statuses(tmp_path, notes) == ["ok"]
    assert statuses(tmp_path, notes.replace("$u_1^Tu_1=1$", "$u_1$")) == ["does not follow"]
    normed = "% derivtex: x_i, u_1: D\nwith $\\|u_1\\|_2 = 1$:\n" + link
    assert statuses(tmp_path, normed) == ["ok"]


def test_rows_of_displaylines_are_the_displays_rows(tmp_path):
    # chris-kelly's GLS notes (Quarto): \[\displaylines{… \\ …}\], each row a chain of its own
    rows = "(P^TP)^{-1} = P^{-1}(P^T)^{-1} \\\\\nP P^{-1} = I"
    notes = "% derivtex: P: n x n invertible\n\\[\n\\displaylines{\n" + rows + "\n}\n\\]"
    assert statuses(tmp_path, notes) == ["ok", "ok"]
    wrong = notes.replace("P^{-1}(P^T)^{-1}", "(P^T)^{-1}P^{-1}")
    assert statuses(tmp_path, wrong) == ["does not follow", "ok"]


def test_a_cancelled_row_starting_with_an_operator_goes_on_the_side_above(tmp_path):
    # the crossed-out terms are part of what is written: a k x k side plus k x n terms does not fit,
    # crossed-out k x k terms that cancel do
    row = "A &= A + (X^TX)^{-1} \\\\\n& \\cancel{TERMS}"
    row = "% derivtex: X: n x k; A: k x k\n\\begin{align}\n" + row + "\n\\end{align}"
    assert statuses(tmp_path, row.replace("TERMS", "- (X^TX)^{-1}X^T + (X^TX)^{-1}X^T")) != ["ok"]
    assert statuses(tmp_path, row.replace("TERMS", "- (X^TX)^{-1}")) == ["ok"]
    assert statuses(tmp_path, row.replace("TERMS", "+ (X^TX)^{-1}")) == ["does not follow"]
