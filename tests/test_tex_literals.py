"""Matrix literals and other notation of real documents in ``derivtex check``: pmatrix and its
kin as block matrices, vmatrix as a determinant, elided cells as the pattern they follow. Every
expected status is worked by hand (the products and determinants below are small enough to multiply out)."""

from __future__ import annotations

from pathlib import Path

from gen.texcheck.check import check_file

PREAMBLE = "\\documentclass{article}\n\\begin{document}\n"


def statuses(tmp_path: Path, body: str, notes: str = "") -> list[tuple[str, str]]:
    path = tmp_path / "paper.tex"
    path.write_text(f"{PREAMBLE}{notes}\\begin{{align}}\n{body}\n\\end{{align}}\n\\end{{document}}\n")
    return [(o.status, o.message) for o in check_file(path).outcomes]


def only(tmp_path: Path, body: str, notes: str = "") -> str:
    (found,) = statuses(tmp_path, body, notes)
    return found[0]


NUMBERS = r"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}"


def test_a_product_of_number_matrices(tmp_path):
    # [1 2; 3 4] [1; 1] = [1 + 2; 3 + 4] = [3; 7]
    assert (
        only(
            tmp_path,
            NUMBERS + r" \begin{pmatrix} 1 \\ 1 \end{pmatrix} &= \begin{pmatrix} 3 \\ 7 \end{pmatrix}",
        )
        == "ok"
    )
    assert only(
        tmp_path, NUMBERS + r" \begin{bmatrix} 1 \\ 1 \end{bmatrix} &= \begin{bmatrix} 3 \\ 8 \end{bmatrix}"
    ) == ("does not follow")


def test_vmatrix_is_the_determinant(tmp_path):
    # det [1 2; 3 4] = 1*4 - 2*3 = -2
    assert only(tmp_path, r"\begin{vmatrix} 1 & 2 \\ 3 & 4 \end{vmatrix} &= -2") == "ok"
    assert only(tmp_path, r"\begin{vmatrix} 1 & 2 \\ 3 & 4 \end{vmatrix} &= 2") == "does not follow"
    assert only(tmp_path, r"\det " + NUMBERS + " &= -2") == "ok"


def test_an_array_inside_delimiters_is_a_matrix(tmp_path):
    # diag(2, 3)^{-1} = diag(1/2, 1/3)
    inverse = r"\left(\begin{array}{cc} 2 & 0 \\ 0 & 3 \end{array}\right)^{-1}"
    body = inverse + r" &= \begin{pmatrix} 1/2 & 0 \\ 0 & 1/3 \end{pmatrix}"
    assert only(tmp_path, body) == "ok"


def test_a_block_row_times_a_block_column(tmp_path):
    notes = "% derivtex: A, B: n x n; x, y: n\n"
    left = r"\begin{pmatrix} A & B \end{pmatrix} \begin{pmatrix} x \\ y \end{pmatrix}"
    assert only(tmp_path, left + " &= A x + B y", notes) == "ok"
    assert only(tmp_path, left + " &= A x + B x", notes) == "does not follow"


def test_empty_cells_are_zero_blocks(tmp_path):
    # [A I; 0 A]^2 = [A^2, A I + I A; 0, A^2] = [A^2, 2A; 0, A^2]
    square = r"\begin{bmatrix} A & I \\ & A \end{bmatrix}^2 &= "
    assert only(tmp_path, square + r"\begin{bmatrix} A^2 & 2A \\ & A^2 \end{bmatrix}") == "ok"
    assert only(tmp_path, square + r"\begin{bmatrix} A^2 & A \\ & A^2 \end{bmatrix}") == "does not follow"


def test_blocks_that_do_not_fit_are_a_shape_error(tmp_path):
    notes = "% derivtex: A: n x n; x: n\n"
    assert only(tmp_path, r"\begin{pmatrix} A & x^T \end{pmatrix} &= A", notes) == "shape error"


def test_an_elided_row_is_the_pattern_of_its_cells(tmp_path):
    # [x_1 ⋯ x_n] is xᵀ; twice it is not; [1 1 ⋯ 1] x sums the entries; [x_1; x_2; ⋮; x_n] is x
    assert only(tmp_path, r"\begin{pmatrix} x_1 & \cdots & x_n \end{pmatrix} &= x^T") == "ok"
    assert only(tmp_path, r"\begin{pmatrix} x_1 & \cdots & x_n \end{pmatrix} &= 2 x^T") == "does not follow"
    ones = r"\begin{pmatrix} 1 & 1 & \cdots & 1 \end{pmatrix} x &= \sum_{i=1}^n x_i"
    assert only(tmp_path, ones, "% derivtex: x: n\n") == "ok"
    column = r"\begin{bmatrix} x_1 \\ x_2 \\ \vdots \\ x_n \end{bmatrix} &= x"
    assert only(tmp_path, column, "% derivtex: x: n\n") == "ok"


def test_the_rows_of_a_matrix_elided(tmp_path):
    # X's rows x_iᵀ: XᵀX = Σ x_i x_iᵀ (the Gram identity), not twice that
    rows = r"\begin{bmatrix} x_1 & x_2 & \cdots & x_N \end{bmatrix}^T"
    notes = f"% derivtex: X: N x p; x_i: p\n% derivtex: X := {rows}\n"
    assert only(tmp_path, r"X^T X &= \sum_{i=1}^N x_i x_i^T", notes) == "ok"
    assert only(tmp_path, r"X^T X &= 2\sum_{i=1}^N x_i x_i^T", notes) == "does not follow"
    rows = r"X - 1_N \mu^T &= \begin{bmatrix} (x_1 - \mu)^T \\ \vdots \\ (x_N - \mu)^T \end{bmatrix}"
    assert only(tmp_path, rows, notes + "% derivtex: \\mu: p\n") == "ok"


def test_an_elided_pattern_that_is_not_clear_cannot_be_checked(tmp_path):
    ((status, message),) = statuses(
        tmp_path, r"\begin{pmatrix} x_1 & x_1 & \cdots & x_n \end{pmatrix} &= x^T"
    )
    assert status == "cannot check"
    assert "pattern is not clear: cell 2" in message
    ((status, message),) = statuses(tmp_path, r"\begin{pmatrix} x_1 & \cdots & y_n \end{pmatrix} &= x^T")
    assert status == "cannot check"
    assert "pattern is not clear: x_1 and y_n differ by more than an index" in message
    # every letter an index could be is taken by the cells: no index to read, said so
    letters = "ijklmnpqrstuvwab"
    body = rf"\begin{{pmatrix}} {letters} x_1 & \cdots & {letters} x_n \end{{pmatrix}} &= x^T"
    ((status, message),) = statuses(tmp_path, body)
    assert status == "cannot check"
    assert "every letter an index could be" in message


def test_elided_cells_that_name_a_symbol_each_cannot_be_checked(tmp_path):
    # x_1^{(i)} … x_M^{(i)}: read as symbols of their own, the cells would not vary with the index
    body = r"\begin{bmatrix} x_1^{(i)} \\ \cdots \\ x_M^{(i)} \end{bmatrix} &= 2x^{(i)}"
    ((status, message),) = statuses(tmp_path, body, "% derivtex: x^{(i)}: M\n")
    assert status == "cannot check"
    assert "name a symbol each" in message


def test_a_family_against_the_matrix_it_may_make_is_said_in_words(tmp_path):
    # the mean of the x_i is (1/N) Xᵀ1 only if X's rows are the x_i, which the text says in words
    notes = "% derivtex: X: N x p; x_i: p\n"
    ((status, message),) = statuses(tmp_path, r"\frac{1}{N}\sum_{i=1}^N x_i &= \frac{1}{N} X^T 1_N", notes)
    assert status == "cannot check"
    assert "if X's rows or columns are" in message


def test_the_relations_inside_a_box_are_links(tmp_path):
    # (A + B)^T = A^T + B^T, boxed after an '=': two links; a slip inside the box is found
    notes = "% derivtex: A, B: n x n\n"
    assert [s for s, _ in statuses(tmp_path, r"(A + B)^T &= \boxed{A^T + B^T = B^T + A^T}", notes)] == [
        "ok",
        "ok",
    ]
    assert [s for s, _ in statuses(tmp_path, r"(A + B)^T &= \boxed{A^T + B^T = B + A^T}", notes)] == [
        "ok",
        "does not follow",
    ]


def test_dagger_is_the_transpose_of_a_real_matrix(tmp_path):
    notes = "% derivtex: A: m x n; B: n x p\n"
    assert only(tmp_path, r"(A B)^\dagger &= B^\dagger A^\dagger", notes) == "ok"
    assert only(tmp_path, r"(A B)^\dagger &= A^\dagger B^\dagger", notes) == "shape error"  # n×m times p×n
    assert only(tmp_path, r"\operatorname{tr}(A^\dagger A) &= \|A\|_F^2", notes) == "ok"


def test_the_hermitian_transpose_is_the_transpose_of_a_real_matrix(tmp_path):
    # A^H, A^{\mathsf{H}}, A^{\mathrm{H}}: the conjugate transpose (signal processing), of a real
    # matrix the transpose, never a power by H; e^H stays the exponential of H
    notes = "% derivtex: A: m x n; B: n x p; H: n x n\n"
    for h in ("H", "{\\mathsf{H}}", "\\mathrm{H}"):
        assert only(tmp_path, rf"(A B)^{h} &= B^{h} A^{h}", notes) == "ok", h
        assert only(tmp_path, rf"(A B)^{h} &= A^{h} B^{h}", notes) == "shape error", h  # n×m times p×n
    assert only(tmp_path, r"\operatorname{tr}(A^H A) &= \|A\|_F^2", notes) == "ok"
    assert only(tmp_path, r"\det(e^H) &= e^{\operatorname{tr}(H)}", notes) == "ok"  # det exp = exp tr


def test_a_text_subscript_is_part_of_a_name(tmp_path):
    # \lambda_\textrm{max}(A^T A) = \sigma_\textrm{max}(A)^2: the largest eigenvalue of A^T A is
    # the square of the largest singular value; \textrm{max} is not a remark
    notes = "% derivtex: A: m x n\n"
    body = r"\lambda_\textrm{max}(A^\top A) &= \sigma_\textrm{max}(A)^2"
    assert only(tmp_path, body, notes) == "ok"
    assert (
        only(tmp_path, r"\lambda_\textrm{max}(A^\top A) &= \sigma_\textrm{max}(A)", notes)
        == "does not follow"
    )


def test_an_array_rcl_chain_aligns_its_relations(tmp_path):
    # a &=& b rows (eqnarray style) in an array that lays out the display: three columns of
    # mathematics; (AB)^T = B^T A^T holds, A^T B^T does not (A, B do not commute)
    path = tmp_path / "paper.tex"
    path.write_text(
        PREAMBLE + "% derivtex: A, B: n x n\n$$\\begin{array}{rcl}\n(A B)^T &=& B^T A^T \\\\\n"
        "&=& (A B)^T \\\\\n&=& A^T B^T\n\\end{array}$$\n\\end{document}\n"
    )
    assert [o.status for o in check_file(path).outcomes] == ["ok", "ok", "does not follow"]


def test_bold_accented_letters_are_names_and_bold_subscripts_are_refused(tmp_path):
    # \hat{\mathbf p} is phat: (x + phat)^T y = x^T y + phat^T y
    notes = "% derivtex: x, phat, y: n\n"
    assert only(tmp_path, r"(x + \hat{\mathbf p})^T y &= x^T y + \hat{p}^T y", notes) == "ok"
    assert only(tmp_path, r"(x + \hat{\mathbf p})^T y &= x^T y", notes) == "does not follow"
    # J_{\mathbf x}(\mathbf s): a Jacobian by the vector x, not a name J_x applied to s
    ((status, message),) = statuses(tmp_path, r"\mathbf J_{\mathbf x}(\mathbf s) &= J", notes)
    assert status == "not understood" and "is a variable" in message


def test_mathop_is_its_argument_and_a_pseudo_inverse_is_refused(tmp_path):
    notes = "% derivtex: A: n x n\n"
    assert only(tmp_path, r"\mathop{\mathrm{tr}}(A^T) &= \operatorname{tr} A", notes) == "ok"
    ((status, message),) = statuses(tmp_path, r"A^{+} A &= I", notes)
    assert status == "not understood" and "pseudo-inverse" in message


def test_a_one_cell_vmatrix_with_double_bars_is_a_norm(tmp_path):
    # \begin{Vmatrix} x - y \end{Vmatrix}^2 = ‖x − y‖² = (x − y)ᵀ(x − y); not twice that
    notes = "% derivtex: x, y: n\n"
    body = r"\begin{Vmatrix} x - y \end{Vmatrix}^2 &= (x - y)^T (x - y)"
    assert only(tmp_path, body, notes) == "ok"
    assert only(tmp_path, body.replace("&= (", "&= 2("), notes) == "does not follow"


def test_a_value_by_cases_is_one_side_that_cannot_be_checked(tmp_path):
    # the softmax derivative by cases: one link (its rows are cases, not links), cannot check
    body = r"""\frac{\partial s_k}{\partial z_j} &= \begin{cases} s_k(1 - s_k) & \text{if } j = k \\
-s_j s_k & \text{if } j \neq k \end{cases}"""
    ((status, message),) = statuses(tmp_path, body, "% derivtex: s, z: n\n")
    assert status == "cannot check"
    assert "by cases" in message


def test_a_root_the_chain_transposes_is_any_root(tmp_path):
    # a square-root filter's root (efmkoene's notes): any Z with Z Z^T = R. With it, R^{-1/2} R R^{-T/2} = I
    # holds for every root; R^{-1/2} R R^{-1/2} = I only for the symmetric one (by hand: Z = chol(R))
    notes = "% derivtex: R: m x m spd\n"
    chain = r"\sqrt{R}^{-1} R \sqrt{R}^{-T} &= I \\ &= \sqrt{R}^{-1} R \sqrt{R}^{-1}"
    assert [s for s, _ in statuses(tmp_path, chain, notes)] == ["ok", "does not follow"]
    # where no root is transposed, the root is the principal one, symmetric
    assert only(tmp_path, r"\sqrt{R}^{-1} R \sqrt{R}^{-1} &= I", notes) == "ok"


def test_a_row_of_zero_blocks_takes_its_size_from_the_link(tmp_path):
    # [I 0; C I][x; y] = [x; Cx + y]: the 0 is k×m, the Is k×k and m×m, from x (k) and y (m) through the
    # product; [A B; 0 I][0; y] = [By; y]: the 0 on the right is k high, as A's rows are
    notes = "% derivtex: x: k; y: m; C: m x k; A: k x k; B: k x m\n"
    lower = r"\begin{bmatrix} I & 0 \\ C & I \end{bmatrix} \begin{bmatrix} x \\ y \end{bmatrix} &= "
    assert only(tmp_path, lower + r"\begin{bmatrix} x \\ C x + y \end{bmatrix}", notes) == "ok"
    assert only(tmp_path, lower + r"\begin{bmatrix} x \\ C x - y \end{bmatrix}", notes) == "does not follow"
    upper = r"\begin{bmatrix} A & B \\ 0 & I \end{bmatrix} \begin{bmatrix} 0 \\ y \end{bmatrix} &= "
    assert only(tmp_path, upper + r"\begin{bmatrix} B y \\ y \end{bmatrix}", notes) == "ok"
    assert only(tmp_path, upper + r"\begin{bmatrix} A y \\ y \end{bmatrix}", notes) == "shape error"


def test_a_column_typed_empty_for_spacing_is_not_a_block(tmp_path):
    # [I && -I] is printed [I  -I]: [I, -I][x; y] = x - y
    notes = "% derivtex: x, y: n\n"
    product = r"\begin{bmatrix} I && -I \end{bmatrix} \begin{bmatrix} x \\ y \end{bmatrix} &= "
    assert only(tmp_path, product + "x - y", notes) == "ok"
    assert only(tmp_path, product + "x + y", notes) == "does not follow"


def test_a_matrix_of_zeros_is_a_matrix_of_numbers(tmp_path):
    # [0; 0] + [1; 2] = [1; 2]
    zeros = r"\begin{bmatrix} 0 \\ 0 \end{bmatrix} + \begin{bmatrix} 1 \\ 2 \end{bmatrix} &= "
    assert only(tmp_path, zeros + r"\begin{bmatrix} 1 \\ 2 \end{bmatrix}") == "ok"
    assert only(tmp_path, zeros + r"\begin{bmatrix} 2 \\ 1 \end{bmatrix}") == "does not follow"


def test_a_grid_of_elided_cells_is_the_matrix_of_its_entries(tmp_path):
    # the cell in row i, column j is A_{ji}: the grid is A^T (m x n A, so n x m), not A
    notes = "% derivtex: A: m x n; B: n x n\n"
    grid = r"\begin{bmatrix} A_{11} & \cdots & A_{m1} \\ \vdots & \ddots & \vdots \\ "
    grid += r"A_{1n} & \cdots & A_{mn} \end{bmatrix}"
    assert only(tmp_path, "A^T &= " + grid, notes) == "ok"
    assert only(tmp_path, "A &= " + grid, notes) == "shape error"
    written = r"\begin{bmatrix} B_{11} & B_{12} & \cdots & B_{1n} \\ B_{21} & B_{22} & \cdots & B_{2n} \\ "
    written += r"\vdots & & \ddots & \vdots \\ B_{n1} & B_{n2} & \cdots & B_{nn} \end{bmatrix}"
    assert only(tmp_path, "B &= " + written, notes) == "ok"
    assert only(tmp_path, "B^T &= " + written, notes) == "does not follow"
    skewed = written.replace(r"B_{21} & B_{22}", r"B_{12} & B_{22}")  # the second row is not the pattern's
    assert only(tmp_path, "B &= " + skewed, notes) == "cannot check"
