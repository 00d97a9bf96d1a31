"""The LaTeX front end (gen/expr/tex.py): hand-written cases read into the spec grammar, each
checked numerically equal to its expected expression; error positions; bounds; macros; and the
round trip of issue 18, item 7: what the LaTeX printer writes of every catalog function and result
reads back to an expression of the same shape and value."""

import numpy as np
import pytest
import sympy as sp
from helpers import DERIVATIONS, fixture_cases

from gen.engine.derive import derive
from gen.errors import Span, SpecError, Unsupported
from gen.expr import ir
from gen.expr.latex import latex
from gen.expr.lower import parse_expr, symbol_table
from gen.expr.parser import written
from gen.expr.tex import macros_from, parse_tex
from gen.pipeline import run_spec
from gen.spec.keys import Text, load_spec, parse_spec
from gen.verify.evaluate import Evaluator
from gen.verify.sample import draw, sample_dims

SYMBOLS = symbol_table(
    parse_spec(
        """
symbols:
  X: {shape: [n, n]}
  Y: {shape: [n, n]}
  A: {shape: [n, n]}
  B: {shape: [n, m]}
  C: {shape: [m, n]}
  W_1: {shape: [n, n]}
  W2: {shape: [m, n]}
  x: {shape: [n]}
  a: {shape: [n]}
  y: {shape: [n]}
  b: {shape: [m]}
  s: {}
  t: {}
  alpha: {}
function: X
wrt: X
""",
        "symbols.yaml",
    ).symbols
)
SIZES = {"n": 4, "m": 3}
DIMS = {
    d: SIZES[str(d)] for s in SYMBOLS.values() for size in getattr(s, "shape", ()) for d in size.free_symbols
}


def tex(source: str) -> Text:
    return Text(source, Span("expr.tex", 1, 1), latex=True)


def lower(source: Text):
    return parse_expr(source, SYMBOLS, differentials=True)


def values(seed: int) -> tuple[dict, dict]:
    """Random values (square matrices well away from singular, positive numbers and vectors), and
    random directions for the differentials."""
    rng = np.random.default_rng(seed)
    point, directions = {}, {}
    for symbol in SYMBOLS.values():
        shape = tuple(int(d.xreplace(DIMS)) for d in getattr(symbol, "shape", ()))
        value = rng.uniform(0.5, 1.5, shape) if shape else rng.uniform(0.5, 1.5)
        if shape and shape[0] == shape[1] and shape[0] > 1:
            value = value + shape[0] * np.eye(shape[0])
        point[symbol], directions[symbol] = value, rng.normal(size=shape) if shape else rng.normal()
    return point, directions


def evaluate(e, seed: int):
    point, directions = values(seed)
    return np.asarray(Evaluator(point, DIMS, directions)(e), dtype=complex)


def shape(e) -> tuple:
    """A 1×1 product is a number."""
    return tuple(getattr(e, "shape", ())) if getattr(e, "shape", ()) != (1, 1) else ()


def assert_same_value(left, right):
    assert shape(left) == shape(right)
    for seed in (1, 2):
        np.testing.assert_allclose(evaluate(left, seed), evaluate(right, seed), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("latex, expected", fixture_cases("tex.txt", 2))
def test_latex_reads_as_the_grammar_expression(latex, expected):
    assert_same_value(lower(tex(latex)), lower(Text(expected, Span("expected", 1, 1))))


def test_a_wrong_reading_is_seen():
    """The comparison is not vacuous: AB and BA, a transpose and an inverse differ."""
    with pytest.raises(AssertionError):
        assert_same_value(lower(tex("XY")), lower(Text("Y*X", Span("e", 1, 1))))
    with pytest.raises(AssertionError):
        assert_same_value(lower(tex("X^{\\top}")), lower(Text("X^-1", Span("e", 1, 1))))


def parse(source: str, macros=None) -> str:
    return written(parse_tex(tex(source), macros, names=SYMBOLS))


@pytest.mark.parametrize(
    "source, col, message",
    [
        ("X + \\foo", 5, "'\\foo' is not understood (define it with \\newcommand)"),
        ("(X + Y", 7, "expected ')' to close the '(' at column 3, found the end of the expression"),
        ("X^{", 3, "expected '}' to close the '{'"),
        ("X +", 4, "expected a symbol, a number or '(', found the end of the expression"),
        ("X = Y", 3, "unexpected '='"),
        ("", 1, "empty expression"),
        (
            r"2 \frac{\partial^2 f}{\partial X^2}",
            3,
            r"a derivative \frac{\partial …}{\partial …} cannot be checked: write it out",
        ),
        (r"\nabla f", 1, r"a gradient \nabla cannot be checked: write the gradient out"),
        (
            "X \\cdots Y",
            3,
            "an elided product (\\cdots) cannot be checked: the terms it leaves out are not written",
        ),
        ("(X)_{+}", 6, "the subscript '+' is not an index (an entry is written (AB)_{ij})"),
        ("\\|x", 4, "expected the norm's closing bars, found the end of the expression"),
        (
            r"\langle A B; C\rangle",  # ⟨AB⟩ alone is a mean (E[AB]); ⟨A, B⟩ is tr(AᵀB)
            12,
            r"expected ',' between the two sides of \langle A, B\rangle, found ';'",
        ),
    ],
)
def test_errors_are_at_the_position_of_what_was_not_understood(source, col, message):
    with pytest.raises(SpecError) as error:
        parse_tex(Text(source, Span("paper.tex", 7, 3), latex=True))
    assert (error.value.message, error.value.span) == (message, Span("paper.tex", 7, 2 + col))


NESTINGS = {
    "parentheses": ("\\left(", "s", "\\right)"),
    "fractions": ("\\frac{", "s", "}{2}"),
    "powers": ("s^{", "2", "}"),
    "roots": ("\\sqrt{", "s", "}"),
    "norms": ("\\|", "x", "\\|"),
    "functions": ("\\exp(", "s", ")"),
    "decorations": ("\\boxed{", "s", "}"),
    "minus signs": ("-", "s", ""),
    "braces": ("{", "s", "}"),
}


@pytest.mark.parametrize("kind", NESTINGS)
def test_the_nesting_is_bounded_well_inside_the_recursion_limit(kind):
    opening, inside, closing = NESTINGS[kind]
    parse(opening * 45 + inside + closing * 45)
    with pytest.raises(SpecError, match="nested too deeply"):
        parse(opening * 300 + inside + closing * 300)


def test_the_length_is_bounded():
    with pytest.raises(SpecError, match="expression is too long"):
        parse("X+" * 6000 + "X")
    macros = macros_from(r"\newcommand{\hundred}{" + "X+" * 100 + "X}")  # 201 tokens
    with pytest.raises(SpecError, match="expression is too long"):
        parse("+".join([r"\hundred"] * 600), macros)  # 600 expansions, 120 600 tokens


def test_a_recursive_macro_ends_with_a_positioned_error_not_by_the_clock():
    macros = macros_from(r"\def\a{\a\a} \newcommand{\b}{X \b}")
    for source in (r"Y + \a", r"Y + \b"):
        with pytest.raises(SpecError, match="too many macro expansions") as error:
            parse(source, macros)
        assert error.value.span.col == 5  # at the macro's use


def test_the_documents_macros_are_expanded():
    macros = macros_from(
        r"""
        \newcommand{\inv}[1]{{#1}^{-1}}
        \newcommand\T{^{\top}}
        \def\tr{\operatorname{tr}}
        \DeclareMathOperator{\Diag}{Diag}
        \DeclarePairedDelimiter{\norm}{\lVert}{\rVert}
        \newcommand{\sq}[2][2]{{#2}^{#1}}
        """
    )
    assert parse(r"\tr(\inv{X} A\T)", macros) == "tr(X^-1 * A^T)"
    assert parse(r"\Diag(x) + \norm*{X}_F + \norm[\big]{X}", macros) == "diag(x) + norm(X) + norm(X)"
    assert parse(r"\sq{s} + \sq[3]{t}", macros) == "s^2 + t^3"


def test_a_document_cannot_redefine_what_the_parser_relies_on():
    macros = macros_from(r"\renewcommand{\frac}[2]{#1} \def\top{X} \newcommand{\R}{Y}")
    assert macros.ignored == ("frac", "top")
    assert parse(r"\frac{X}{s}^{\top} + \R", macros) == "(X / s)^T + Y"


def test_spellings_are_resolved_by_the_symbols():
    """W_{1} is W_1 when that is the symbol, W1 when that is; σ(x) is the sigmoid unless σ is a
    symbol (then a product)."""
    assert parse(r"W_{1} + W_{2}^{\top}") == "W_1 + W2^T"
    assert written(parse_tex(tex(r"\sigma(x)"))) == "sigmoid(x)"
    assert written(parse_tex(tex(r"\sigma(x)"), names={"sigma"})) == "sigma * x"
    assert written(parse_tex(tex(r"\varepsilon + \epsilon"), names={"eps"})) == "eps + eps"


def test_letters_before_a_parenthesis_read_as_a_function_only_typed_together():
    assert parse("tr(X) + t r(X)") == "tr(X) + t * r * X"
    assert parse("dX + d(X^{-1})") == "dX + d(X^-1)"
    # no differential is inverted: dΣ^{-1} is d(Σ⁻¹) (boathit's Gaussian likelihood, held out); d⟨a, b⟩
    assert parse(r"dX^{-1} + dX^{-T}") == "d(X^-1) + d(X^-T)"
    assert parse(r"d \langle A, X \rangle") == parse(r"d(\langle A, X \rangle)")
    assert parse(r"d \vert X \vert") == parse(r"d|X|")  # boathit's d \log \vert\Sigma\vert (held out)
    assert written(parse_tex(tex("dX"), names={"d"})) == "d * X"


# --- the round trip: the LaTeX printer's output of every catalog result parses back -------------

# The printer writes the n×n matrix of ones inside Φ(·) as \mathbf{1}, which nothing next to it sizes
# (a reader cannot size it either): that one result is read back only with the size given.
UNSIZED_ONES = {("jacobian_cholesky.yaml", "X")}


def printed_and_read_back(derivation, e):
    """``e`` printed in LaTeX, read back through the LaTeX front end with the derivation's symbols
    (and the names the result is written in: δ_z, Λ for wrt Σ⁻¹)."""
    free = {s for s in e.free_symbols if isinstance(s, (sp.Symbol, sp.MatrixSymbol))}
    symbols = {**derivation.symbol_map, **{str(s): s for s in free}}
    source = Text(latex(e), Span("printed.tex", 1, 1), latex=True)
    return parse_expr(source, symbols, shape=ir.shape(e) or None)


def point(derivation, expressions) -> tuple[dict, dict]:
    """The verifier's sample point, and random values for the names it does not draw."""
    dims = sample_dims(derivation)
    values = draw(derivation, dims, np.random.default_rng(0))
    rng = np.random.default_rng(1)
    for e in expressions:
        for s in e.free_symbols - set(values) - set(dims):
            if isinstance(s, (sp.Symbol, sp.MatrixSymbol)):
                shape = tuple(int(k.xreplace(dims)) for k in getattr(s, "shape", ()))
                values[s] = rng.uniform(0.5, 1.5, shape) if shape else 1.1
    return values, dims


@pytest.mark.parametrize("path", sorted(DERIVATIONS.glob("*.yaml")), ids=lambda p: p.name)
def test_the_latex_printers_output_parses_back_to_the_same_expression(path):
    derivation = derive(load_spec(path))
    printed = [("function", derivation.function)]
    printed += [(str(v), r) for v, r in derivation.results if (path.name, str(v)) not in UNSIZED_ONES]
    values, dims = point(derivation, [e for _, e in printed])
    evaluate = Evaluator(values, dims, {})
    for what, e in printed:
        back = printed_and_read_back(derivation, e)
        assert shape(back) == shape(e), (what, latex(e))
        original, read = (np.asarray(evaluate(x), dtype=complex).reshape(-1) for x in (e, back))
        np.testing.assert_allclose(read, original, rtol=1e-9, atol=1e-12, err_msg=f"{what}: {latex(e)}")


def test_the_unsized_ones_are_the_only_exception():
    derivation = derive(load_spec(DERIVATIONS / "jacobian_cholesky.yaml"))
    with pytest.raises(SpecError, match=r"cannot tell the size of \\mathbf\{1\} in tril_half"):
        printed_and_read_back(derivation, derivation.result)


# --- LaTeX in specs (issue 18, item 5): between dollar signs ------------------------------------

LATEX_SPEC = DERIVATIONS / "latex_weighted_least_squares.yaml"


def test_a_spec_written_in_latex_is_derived_and_checked_line_by_line():
    """The catalog's LaTeX spec: every step follows, and its claim is the Cookbook's −2AᵀW(x − As),
    written independently in the grammar here and compared at random points (and by finite
    differences, in the verifier)."""
    spec = load_spec(LATEX_SPEC)
    assert spec.function.latex and spec.claim.latex and all(step.expr.latex for step in spec.steps)
    outcome = run_spec(spec)
    assert outcome.report.ok and outcome.report.author_ok and len(outcome.report.author) == 3
    published = parse_expr(Text("-2*A^T*W*(x - A*s)", Span("cookbook", 1, 1)), outcome.derivation.symbol_map)
    values, dims = point(outcome.derivation, [published])
    evaluate = Evaluator(values, dims, {})
    np.testing.assert_allclose(evaluate(outcome.derivation.result), evaluate(published), rtol=1e-9)


def test_a_wrong_latex_step_does_not_follow_at_its_line():
    spec_text = LATEX_SPEC.read_text(encoding="utf-8").replace(
        "W (-A\\,\\mathrm{d}s)", "W^{-1} (-A\\,\\mathrm{d}s)"
    )
    outcome = run_spec(parse_spec(spec_text, "wrong.yaml"))
    # each line is checked against the one before it: the wrong line, and the next one against it
    assert [check.ok for check in outcome.report.author] == [True, False, False]


def test_latex_errors_point_into_the_spec():
    spec_text = "symbols:\n  X: {shape: [n, n]}\nfunction: '$\\operatorname{tr}(X^{-1}$'\nwrt: X\n"
    with pytest.raises(SpecError) as error:
        run_spec(parse_spec(spec_text, "bad.yaml"))
    assert (
        str(error.value)
        == "bad.yaml:3:37: expected ')' to close the '(' at column 30, found the end of the expression"
    )


def test_no_spec_written_in_the_grammar_changes_meaning():
    """Only a value between dollar signs is LaTeX: every other catalog and test spec reads as before."""
    paths = [p for p in sorted(DERIVATIONS.glob("*.yaml")) if p != LATEX_SPEC]
    paths += sorted((DERIVATIONS.parent / "tests").rglob("*.yaml"))
    for path in paths:
        try:
            spec = load_spec(path)
        except SpecError:
            continue  # the bad specs
        texts = [spec.function, spec.claim, *(c.expr for c in spec.compare), *(s.expr for s in spec.steps)]
        assert not any(t is not None and t.latex for t in texts), path


def test_what_papers_write_reads_as_they_mean_it():
    """Layer indices are names, not powers (W^{(2)}W^{(1)} read as W² would let a wrong line pass);
    plain TeX's {\\rm d} and {\\bf X}; a sentence's full stop; σ² a power, σ^∘ the sigmoid."""
    assert parse(r"W^{(1)} x + W^{(2)\,}") == "W_1 * x + W2"
    assert parse(r"{\rm d}X + {\bf X}^{\!\top} A.") == "dX + X^T * A"
    assert written(parse_tex(tex(r"\sigma^2 I + \sigma^{\circ}(X)"))) == "sigma^2 * I + sigmoid(X)"
    assert parse(r"\mathrm{d}X^{\top} + \exp\left\{s\right\}") == "dX^T + exp(s)"
    assert parse(r"\vert s \vert + \lvert t\rvert + \left| s \right|") == "abs(s) + abs(t) + abs(s)"
    # df/dX inside an expression is the derivative's value, as ∂f/∂X is (d as the partial derivative)
    assert parse(r"\frac{df}{dX} W^T + \frac{d(x^{\top}x)}{dx}") == parse(
        r"\frac{\partial f}{\partial X} W^T + \frac{\partial (x^{\top}x)}{\partial x}"
    )
    assert parse(r"\frac{df}{dX}") == "gradient_value(f, X)"
    # Markdown's Unicode (ekamperi: x_i^⊤ v), MathType's braces ({\partial L}, {e}_{t}^{-}: a prior e_t^-)
    assert parse("x^⊤ Σ^{−1} x + α") == parse(r"x^\top \Sigma^{-1} x + \alpha")
    assert parse(r"\frac{ {\partial L} }{ {\partial {z} } }") == parse(r"\frac{\partial L}{\partial z}")
    assert parse(r"{e}_{t}^{-} + {x}^2") == parse(r"e_t^- + x^2")
    # ⟨A, B⟩_F is the Frobenius inner product ⟨A, B⟩ already is
    assert parse(r"\langle A, B \rangle_F + \langle A, B \rangle_{\mathrm{F}}") == "tr(A^T * B) + tr(A^T * B)"


@pytest.mark.parametrize(
    "source, message",
    [
        (r"dX^{2}", r"is this the differential of a power or a power of dX? write \mathrm{d}(X^{2})"),
        # a Leibniz fraction of a name followed by the differential introduces the notation (issue 18)
        (r"\frac{\mathrm{d}f}{\mathrm{d}t}\,\mathrm{d}t", r"\frac{dy}{dx} as a factor is Leibniz's notation"),
        (r"\frac{d^2 f}{dx^2}", r"a derivative \frac{d …}{d …} inside an expression cannot be checked"),
        # a layer's activation primed is its derivative, not a transpose (Pilex1's {g^{[L]}}'(Z^{[L]}))
        (r"{g^{[L]}}'(Z^{[L]})", "g_L'(…) is the derivative of the function g_L"),
        (
            r"\frac{\partial^2 f}{\partial X^2}",
            r"a derivative \frac{\partial …}{\partial …} cannot be checked",
        ),
        (r"\partial_X f", "a partial derivative cannot be checked: write the derivative out"),
        (r"\operatorname{tr}(X)^{(1)}", "an index ^{(k)} goes on a symbol's name: W^{(1)}"),
    ],
)
def test_ambiguous_or_uncheckable_notation_is_refused(source, message):
    with pytest.raises(SpecError) as error:
        parse(source)
    assert error.value.message.startswith(message)


def test_macros_from_a_list_of_definitions_reach_the_lowering():
    macros = macros_from([r"\newcommand{\R}{\mathbb{R}}", r"\def\half{\tfrac{1}{2}}"])
    assert parse(r"\half X", macros) == "1 / 2 * X"
    lowered = parse_expr(tex(r"\half X^{\top}"), SYMBOLS, macros=macros)
    assert_same_value(lowered, lower(Text("X^T/2", Span("e", 1, 1))))


SOUP = (
    r"\frac \sqrt { } ( ) [ ] ^ _ ' X A x s d 2 . , | \| \left \right \top \circ \odot \otimes \cdot - + /"
    r" : \langle \rangle \operatorname{tr} \mathrm{d} \mathrm \mathbf{1} \mathbf \log \det \exp \sigma \alpha"
    r" \lambda _{\max} \partial \nabla \underbrace \text \color \lVert \rVert \lvert \rvert I K L \mathbb = &"
    r" \\ # % ~ $ \foo \Bigl \Bigr \{ \} \rm e \hat \inv \norm"
).split()


def test_random_token_soups_only_give_an_expression_or_a_positioned_error():
    """Found the crashes fixed here (an empty exponent; I next to \\mathbf{1}); a fixed seed."""
    rng = np.random.default_rng(18)
    macros = macros_from(r"\newcommand{\inv}[1]{{#1}^{-1}} \DeclarePairedDelimiter{\norm}{\lVert}{\rVert}")
    for _ in range(3000):
        source = " ".join(rng.choice(SOUP, size=rng.integers(1, 13)))
        try:
            parse_expr(
                Text(source, Span("soup.tex", 1, 1), latex=True), SYMBOLS, differentials=True, macros=macros
            )
        except (SpecError, Unsupported) as error:
            assert 1 <= error.span.col <= len(source) + 1, source


def test_a_reason_in_words_after_the_expression_is_not_part_of_it():
    """``\\quad\\text{by (3)}`` is the author's reason; ``\\text{tr}`` is still the trace."""
    reason = parse_expr(tex(r"2A^{\top}(Ax - y) \quad \text{by (3)} \tag*{(4)}"), SYMBOLS)
    assert_same_value(reason, lower(Text("2*A^T*(A*x - y)", Span("e", 1, 1))))
    assert parse(r"X \qquad\text{since $W$ is symmetric}") == "X"
    assert parse(r"\text{tr}(X) + \text{tr} X") == "tr(X) + tr(X)"


def test_a_prime_is_the_transpose_unless_the_expression_transposes_a_primed_name():
    """Magnus & Neudecker write A'B for AᵀB; a source that writes Σ' + Σ'^⊤ (lynnho's PCA notes)
    means another matrix Σ' — read as the transpose, Σ'^⊤ would be Σ and a wrong line could pass."""
    assert parse("A'X") == "A^T * X"
    assert written(parse_tex(tex(r"\Sigma_2' + \Sigma_2'^\top"))) == "Sigma_2prime + Sigma_2prime^T"
    assert written(parse_tex(tex(r"\Sigma'"), names={"Sigmaprime"})) == "Sigmaprime"


def test_a_differential_of_a_bold_or_decorated_symbol():
    assert parse(r"d\mathbf{x} + \mathrm{d}\boldsymbol{X}") == "dx + dX"
    assert written(parse_tex(tex(r"d\hat{y}"))) == "dyhat"


PRINTED = (
    "abs(X)",
    "abs.(x)",
    "relu(X)",
    "max(X, s)",
    "clip(x, 0, s)",
    "huber(x, t)",
    "step(x, s)",
    "sign(X) + X",
    "expm_frechet(X, Y)",
    "expm_kronecker(X)",
    "logm(X^T*X)",
    "sqrtm(X^T*X)",
    "sinm(X) + cosm(X + Y)",
    "expm(s*A)",
    "kron(I(n), X)*commutation(n, n)",
    "sqrt.(X .* X)",
    "exp.(B)",
    "tanh.(X)",
    "softmax(B) + 2*softmax(B, columns)",
    "logsumexp(B)",
    "sum(X)",
    "diag(x)*X + diag(diag(X))",
    "vec(X)^T*vec(Y)",
    "norm(B) + norm(x)",
    "nuclear(X)",
    "sigma_max(X)",
    "tril_half(X)",
    "eigvec(X + X^T, 2)*lambda_max(X + X^T) + eig(X*X^T, 1)*x",
    "s^(1/3)*alpha + s^-2 + e^s + pi",
    "-tr(X^-1*dX*X^-1) + tr(dX^T*A)",
)


@pytest.mark.parametrize("grammar", PRINTED)
def test_what_the_latex_printer_writes_of_each_function_reads_back(grammar):
    """Beyond the catalog: each function's LaTeX (its row in gen/expr/functions.py, the spectral and
    matrix functions' own notation) reads back to the same value."""
    e = lower(Text(grammar, Span("grammar", 1, 1)))
    back = lower(tex(latex(e)))
    assert_same_value(back, e)


def test_a_function_typed_as_letters_before_a_bracket():
    # tr[X^T A] as typed in notes is the trace (not t·r·[…]); the same letters before a space are letters
    assert written(parse_tex(tex(r"tr[X^T A]"))) == "tr(X^T * A)"
    assert written(parse_tex(tex(r"det[A] + x"))) == "det(A) + x"
