"""Held-out real chains (issue 18): the notations they use that the checker misread, each with a
right and a wrong variant (the wrong one checked by hand: a sign, a transpose, a dropped term)."""

from pathlib import Path

from gen.texcheck.check import check_file


def statuses(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "notes.tex"
    path.write_text("\\documentclass{article}\n\\begin{document}\n" + body + "\n\\end{document}\n")
    return [o.status for o in check_file(path).outcomes]


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
    # E[v + w] = E[v] can hold (w of mean zero) though v + w != v: never compared as products
    notes = "% derivtex: v, w: n\n$$E[v + w] = E[v]$$"
    assert statuses(tmp_path, notes) == ["not understood"]


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
