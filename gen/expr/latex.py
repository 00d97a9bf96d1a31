"""LaTeX printer for the IR: one method per node type, textbook conventions.

``X^{-\\top}`` for an inverse transpose, ``\\operatorname{tr}``, upright ``\\mathrm{d}``,
``^{\\top}`` for transposes, Greek names as Greek letters; the textbook forms of `gen.expr.forms`
(no trace around a number, negative powers as ``\\frac``, ``\\mathbf{1}^{\\top}y``, the author's order
of terms). A long line is cut into rows by `gen.expr.line_breaks` where the printer marks it may be.
"""

from __future__ import annotations

import re

import sympy as sp

from . import ir
from .forms import (
    fraction,
    is_number_product,
    number_shown,
    of_matrix,
    ordered_terms,
    split_sign,
    transposed_outside,
)
from .functions import FUNCTIONS
from .greek import GREEK
from .line_breaks import MEASURE, chunks, fill, unmarked, width
from .numbers import decimal
from .spectral import SpectralLatex

# Precedence: a sub-expression binding looser than its context is parenthesised.
SUM, PRODUCT, POSTFIX, ATOM = 1, 2, 3, 4


def name_latex(name: str) -> str:
    """``Sigma`` → ``\\Sigma``, ``x_1``/``x1`` → ``x_{1}``; a name of several letters is one
    word set upright, ``ab`` → ``\\mathrm{ab}``, never read as the product ``ab`` of ``a`` and ``b``."""
    base, _, sub = name.partition("_")
    if not sub and (m := re.fullmatch(r"([A-Za-z]+?)(\d+)", name)):
        base, sub = m.groups()
    if base in GREEK:
        base = f"\\{GREEK[base]}"
    elif len(base) > 1:
        base = f"\\mathrm{{{base}}}"
    return f"{base}_{{{name_latex(sub) if sub else ''}}}" if sub else base


def latex(e) -> str:
    """The LaTeX of an expression."""
    return _Printer().print(e)


class _Printer(SpectralLatex):
    marked = False  # mark where a line may break: between terms, factors and operands, at every level
    level = 0  # how deep in the expression the node being printed is

    def print(self, e, context: int = 0) -> str:
        method = getattr(self, f"_print_{type(e).__name__}", None)
        if method is None:
            method = self._print_Function if isinstance(e, sp.Function) else self._unknown
        self.level += 1
        try:
            text, prec = method(e)
        finally:
            self.level -= 1
        return text if prec >= context else group(text)

    def mark(self, kind: str) -> str:
        """Where a line may break inside the node being printed (nothing unless ``marked``)."""
        return f"\x00{kind}{chr(0xE000 + self.level)}" if self.marked else ""

    def _unknown(self, e):
        raise TypeError(f"no LaTeX for {type(e).__name__}")

    # atoms
    def _print_MatrixSymbol(self, e):
        return name_latex(e.name), ATOM

    _print_Symbol = _print_MatrixSymbol

    def _print_Identity(self, e):
        return "I", ATOM

    def _print_Pi(self, e):
        return "\\pi", ATOM

    def _print_Exp1(self, e):
        return "e", ATOM

    def _print_ZeroMatrix(self, e):
        return "0", ATOM

    def _print_Integer(self, e):
        return (str(e), ATOM) if e >= 0 else (str(e), SUM)

    _print_One = _print_Zero = _print_NegativeOne = _print_Integer

    def _print_Rational(self, e):
        if (written := decimal(e)) is not None:  # as the author wrote it: 0.044715
            return written, (SUM if e < 0 else ATOM)
        sign = "-" if e < 0 else ""
        return f"{sign}\\tfrac{{{abs(e.p)}}}{{{e.q}}}", (SUM if e < 0 else ATOM)

    _print_Half = _print_Rational

    def _print_Float(self, e):
        return sp.sstr(e), ATOM

    # postfix
    def _print_Transpose(self, e):
        arg = e.arg
        if isinstance(arg, sp.Inverse):
            return f"{self.print(arg.arg, ATOM)}^{{-\\top}}", POSTFIX
        if isinstance(arg, ir.MatDiff) and isinstance(arg.arg, sp.MatrixSymbol):
            return f"(\\mathrm{{d}}{self.print(arg.arg)})^{{\\top}}", POSTFIX
        return f"{self.print(arg, ATOM)}^{{\\top}}", POSTFIX

    def _print_Inverse(self, e):
        arg = e.arg
        if isinstance(arg, sp.Transpose) and self.is_atom(arg.arg):
            return f"{self.print(arg.arg, ATOM)}^{{-\\top}}", POSTFIX
        return f"{self.print(arg, ATOM)}^{{-1}}", POSTFIX

    def _print_MatPow(self, e):
        return f"{self.print(e.base, ATOM)}^{{{self.print(e.exp)}}}", POSTFIX

    def _print_Pow(self, e):
        if e.exp == sp.S.Half:
            return f"\\sqrt{{{self.print(e.base)}}}", ATOM
        if e.exp.is_Rational and e.exp < 0:
            return self._print_Mul(e)
        return f"{self.print(e.base, ATOM)}^{{{exponent(e.exp)}}}", POSTFIX

    def is_atom(self, e) -> bool:
        return isinstance(e, (sp.MatrixSymbol, sp.Symbol, sp.Identity))

    # functions
    def _print_Trace(self, e):
        if is_number_product(e):  # a 1×1 product used as a number is its own trace
            shown = number_shown(e)
            return self.print(shown), (SUM if isinstance(shown, sp.MatAdd) else PRODUCT)
        return f"\\operatorname{{tr}}{group(self.print(e.arg))}", ATOM

    def _print_Determinant(self, e):
        return f"\\det{group(self.print(e.arg))}", ATOM

    def _print_log(self, e):
        arg = e.args[0]
        if isinstance(arg, sp.Determinant):
            return f"\\log\\det{group(self.print(arg.arg))}", ATOM
        return f"\\log{group(self.print(arg))}", ATOM

    def _print_exp(self, e):
        return f"\\exp{group(self.print(e.args[0]))}", ATOM

    def _print_Elementwise(self, e):
        """``\\exp^{\\circ}(X)``, ``X^{\\circ 1/2}`` entry by entry of a matrix (``\\exp(X)`` is the
        matrix function); ``\\exp(x)``, ``\\sqrt{x}`` of a vector; ``\\tanh(x)^{\\top}`` for
        ``\\tanh(x^{\\top})``."""
        if (outside := transposed_outside(e)) is not None:
            return self._print_Transpose(outside)
        if of_matrix(e) and e.name in HADAMARD_POWERS:
            return f"{self.print(e.arg, ATOM)}^{{\\circ {HADAMARD_POWERS[e.name]}}}", POSTFIX
        arg, parameters = self.print(e.arg), [self.print(p) for p in e.params]
        return entrywise_template(e).format(arg=arg, group=group(arg), p=parameters), ATOM

    _print_ScalarFunction = _print_Elementwise

    def _print_MatrixFunction(self, e):
        """Higham's notation: ``e^{X}``, ``\\log X``, ``X^{1/2}``; a compound argument in parentheses
        (``\\exp(A + B)``), but ``e^{tA}`` for a product of symbols."""
        row, arg = FUNCTIONS[e.name], self.print(e.arg)
        exponent = row.latex.startswith("e^") and isinstance(e.arg, sp.MatMul)
        short = self.is_atom(e.arg) or exponent and all(self.is_atom(a) or a.is_Number for a in e.arg.args)
        template = row.latex if short else row.latex_long
        return template.format(arg=arg, group=group(arg)), POSTFIX if "^" in template else ATOM

    def _print_Frechet(self, e):
        """``L_{\\exp}(X, E)``, the Fréchet derivative (Higham, Functions of Matrices, §3.1)."""
        args = f"{self.print(e.arg)}, {self.print(e.direction)}"
        return f"L_{{{FUNCTIONS[e.name].frechet}}}({args})", ATOM

    def _print_KroneckerForm(self, e):
        """``K_{\\exp}(X)``: ``vec L_f(X, E) = K_f(X) vec E`` (Higham, Functions of Matrices, §3.2)."""
        return f"K_{{{FUNCTIONS[e.name].frechet}}}({self.print(e.arg)})", ATOM

    def _print_Softmax(self, e):
        return f"\\operatorname{{softmax}}{group(self.print(e.arg))}", ATOM

    def _print_RowSoftmax(self, e):  # the document says once that it applies to each row
        return f"\\operatorname{{softmax}}{group(self.print(e.arg))}", ATOM

    def _print_RowLogSumExp(self, e):
        return f"\\operatorname{{logsumexp}}{group(self.print(e.arg))}", ATOM

    def _print_HadamardProduct(self, e):
        return f"{self.mark('O')} \\circ ".join(self.print(a, PRODUCT + 1) for a in e.args), PRODUCT

    def _print_HadamardPower(self, e):
        return f"{self.print(e.base, ATOM)}^{{\\circ {self.print(e.exp)}}}", POSTFIX

    def _print_OneMatrix(self, e):
        if e.shape[0] == 1 and e.shape[1] != 1:
            return "\\mathbf{1}^{\\top}", POSTFIX
        return "\\mathbf{1}", ATOM

    def _print_KroneckerProduct(self, e):  # an identity's size matters here: I_n ⊗ A
        factors = (rf"I_{{{self.dims(a.shape[0])}}}" if isinstance(a, sp.Identity) else a for a in e.args)
        return f"{self.mark('O')} \\otimes ".join(
            f if isinstance(f, str) else self.print(f, PRODUCT + 1) for f in factors
        ), PRODUCT

    def _print_Commutation(self, e):
        return rf"K_{{{self.dims(*e.args)}}}", ATOM

    def dims(self, *sizes) -> str:
        """Sizes as a subscript: ``n``, ``nm``, or ``n,3`` where juxtaposition would be ambiguous."""
        texts = [self.print(s, PRODUCT) for s in sizes]
        return "".join(texts) if all(len(t) == 1 for t in texts) else ",".join(texts)

    def _print_Vec(self, e):
        return f"\\operatorname{{vec}}{group(self.print(e.arg))}", ATOM

    def _print_Unvec(self, e):
        return f"\\operatorname{{vec}}^{{-1}}{group(self.print(e.arg))}", ATOM

    def _print_Diag(self, e):
        return f"\\operatorname{{diag}}{group(self.print(e.arg))}", ATOM

    def _print_Norm(self, e):
        subscript = "" if e.arg.shape[1] == 1 else "_{F}"
        return f"\\lVert {self.print(e.arg)}\\rVert{subscript}", ATOM

    def _print_Function(self, e):
        args = ", ".join(self.print(a) for a in e.args)
        return f"\\operatorname{{{type(e).__name__}}}({args})", ATOM

    def _print_MatDiff(self, e):
        return f"\\mathrm{{d}}{self.differentiated(e.arg)}", ATOM

    def differentiated(self, F) -> str:
        """``F`` after an operator such as d: bare for a symbol or a function, else parenthesised."""
        function = isinstance(
            F, (sp.Trace, sp.Determinant, sp.log, sp.exp, ir.Vec)
        ) and not is_number_product(F)
        if self.is_atom(F) or function:
            return self.print(F)
        return group(self.print(F))

    _print_Diff = _print_MatDiff

    # the directional and entrywise proofs
    def _print_MatQuotient(self, e):
        return f"\\frac{{{self.print(e.args[0])}}}{{{self.print(e.args[1])}}}", ATOM

    _print_Quotient = _print_MatQuotient

    def _print_MatLimit(self, e):
        if len(e.args) == 5:  # the definition of Df(X)[U], the function called f
            _, t, _, direction, variable = (self.print(a) for a in e.args)
            quotient = f"\\frac{{f({variable} + {t}{direction}) - f({variable})}}{{{t}}}"
            return f"\\lim_{{{t}\\to 0}}{quotient}", SUM
        if len(e.args) == 4:  # the directional derivative D_U F
            _, _, F, direction = e.args
            return f"\\mathrm{{D}}_{{{self.print(direction)}}}{self.differentiated(F)}", ATOM
        return f"\\lim_{{{self.print(e.args[1])}\\to 0}}{self.print(e.args[0], PRODUCT)}", SUM

    _print_Limit = _print_MatLimit

    def _print_Directional(self, e):
        _, variable, direction = e.args
        return f"\\mathrm{{D}}f({self.print(variable)})[{self.print(direction)}]", ATOM

    def _print_MatPartial(self, e):
        F, variable, *indices = e.args
        entry = subscript(self.print(variable), "".join(self.print(i) for i in indices))
        return f"\\frac{{\\partial {self.print(F, POSTFIX)}}}{{\\partial {entry}}}", ATOM

    _print_Partial = _print_MatPartial

    def _print_SingleEntry(self, e):
        letter = e.args[0]
        indices = "".join(self.print(i) for i in e.indices)
        if len(e.indices) == 1:
            return f"{self.print(letter)}_{{{indices}}}", ATOM
        return f"{self.print(letter)}^{{{indices}}}", POSTFIX

    def _print_Entry(self, e):
        M, *indices = e.args
        base = self.print(M) if isinstance(M, sp.MatrixSymbol) else f"({self.print(M)})"
        return subscript(base, "".join(self.print(i) for i in indices)), ATOM

    def _print_SecondDifferential(self, e):
        return rf"\mathrm{{d}}^{{2}}f[{self.print(e.args[0])}, {self.print(e.args[1])}]", ATOM

    def _print_Inner(self, e):
        return f"\\langle {self.print(e.args[0])}, {self.print(e.args[1])}\\rangle", ATOM

    # sums and products
    def _print_MatAdd(self, e):
        mark, parts = self.mark("T"), []
        for i, term in enumerate(ordered_terms(e)):
            negative, magnitude = split_sign(term)
            text = self.print(magnitude, SUM + 1 if negative else SUM)
            sign = ("-" if i == 0 else " - ") if negative else ("" if i == 0 else " + ")
            parts.append((mark if i else "") + sign + text)
        return "".join(parts), SUM

    _print_Add = _print_MatAdd

    def _print_MatMul(self, e):
        negative, magnitude = split_sign(e)
        if negative:
            return "-" + self.print(magnitude, PRODUCT), SUM
        mark = self.mark("F")
        coeff, factors = ir.coeff_and_factors(magnitude) if ir.is_matrix(e) else (magnitude, ())
        numer, denom = fraction(coeff)
        scalars = mul_factors(numer)
        # a 1×1 product among other factors is bracketed, (aᵀx)(bᵀx); alone after a number it is not
        crowded = len([f for f in scalars if not f.is_Number]) + len(factors) > 1
        differentials = [f for f in scalars if f.has(ir.Diff)]  # dt last, after the matrices too
        pieces = [
            self.print(f, PRODUCT + 1 if crowded and is_number_product(f) else PRODUCT)
            for f in scalars
            if f not in differentials
        ]
        pieces += [self.print(f, PRODUCT + 1) for f in factors]
        pieces += [self.print(f, PRODUCT) for f in differentials]
        if denom != 1 and len(pieces) == 1 and not differentials:  # \frac{x - a}{…}: the bar groups
            pieces = [self.print(scalars[0] if scalars else factors[0])]
        text = join_factors(pieces, mark if denom == 1 else "")
        if denom != 1 and width(unmarked(text)) > MEASURE:  # too long over a bar: 1/N in front, may break
            text = f"\\frac{{1}}{{{self.print(denom)}}}\\,{mark}" + join_factors(pieces, mark)
        elif denom != 1:
            text = f"\\frac{{{text or '1'}}}{{{self.print(denom)}}}"
        return text, PRODUCT

    _print_Mul = _print_MatMul


def exponent(e) -> str:
    """An exponent as a textbook sets it: ``2/3`` on one line (a ``\\tfrac`` up there is too small)."""
    if isinstance(e, sp.Rational) and not e.is_Integer and decimal(e) is None:
        return f"{e.p}/{e.q}"
    return _Printer().print(e)


HADAMARD_POWERS = {"sqrt": "1/2"}  # entrywise functions written as a Hadamard power of a matrix
OF_A_VECTOR = {"abs"}  # functions whose bare LaTeX of a vector reads otherwise: |x| is its length


def entrywise_template(e) -> str:
    """The LaTeX template of ``φ(F)``, marked ``φ^{\\circ}`` when it applies to a matrix's entries
    (where the row's ``{circ}`` says, else before the parenthesised argument), or to a vector's where
    the bare form reads otherwise (``\\lvert x\\rvert^{\\circ}``, as ``\\lvert x\\rvert`` is x's length)."""
    vector = e.name in OF_A_VECTOR and ir.is_matrix(e.arg) and not ir.is_one_by_one(e.arg)
    return marked(FUNCTIONS[e.name].latex, of_matrix(e) or vector)


def marked(template: str, entrywise: bool) -> str:
    if "{circ}" not in template:
        template = template.replace("{group}", "{circ}{group}")
    return template.replace("{circ}", "^{{\\circ}}" if entrywise else "")


def entrywise_operator(name: str) -> tuple[str, str]:
    """``φ`` applied to a matrix's entries, and ``φ`` itself: ``(\\exp^{\\circ}, \\exp)``; a function of
    parameters with its symbols (``\\max^{\\circ}(\\cdot, c)``)."""
    row = FUNCTIONS[name]
    if name in HADAMARD_POWERS:
        return f"(\\cdot)^{{\\circ {HADAMARD_POWERS[name]}}}", row.latex.format(arg="\\cdot", group="")
    if "{group}" in row.latex and not row.parameters:
        return tuple(marked(row.latex, m).format(group="", arg="") for m in (True, False))
    parameters = [name for name, _ in row.parameters]
    shown = {"arg": "\\cdot", "group": "(\\cdot)", "p": parameters}
    return tuple(marked(row.latex, m).format(**shown) for m in (True, False))


def subscript(base: str, sub: str) -> str:
    """``base_{sub}``, braced when the base ends in a subscript or superscript of its own."""
    scripted = ("_" in base or "^" in base) and not (base.startswith("(") and base.endswith(")"))
    return f"{{{base}}}_{{{sub}}}" if scripted else f"{base}_{{{sub}}}"


def group(text: str) -> str:
    """``(text)``, grown to fit a fraction inside (``\\Bigl``: a long line may still break inside)."""
    return f"\\Bigl({text}\\Bigr)" if "\\frac" in text else f"({text})"


def mul_factors(e):
    """Scalar factors in reading order: numbers, then the rest, differentials last."""
    if e == 1:
        return ()
    factors = e.args if isinstance(e, sp.Mul) else (e,)
    return tuple(sorted(factors, key=lambda f: (not f.is_Number, f.has(ir.MatDiff, ir.Diff))))


def join_factors(pieces, mark: str = "") -> str:
    """Juxtapose factors; thin spaces around differentials and function-like factors; ``mark``
    before each factor but the first (where a line may break)."""
    out, prev_spaced = "", False
    for piece in pieces:
        spaced = piece.startswith(
            ("\\mathrm{d}", "\\operatorname", "\\det", "\\log", "\\exp", "(\\mathrm{d}")
        )
        if out and (spaced or prev_spaced):
            out += "\\,"
        elif re.search(r"\\[A-Za-z]+$", out) and piece[:1].isalpha():
            out += " "  # \lambda w, not \lambdaw
        out += (mark if out else "") + piece
        prev_spaced = spaced
    return out


def broken(e, measure: int = MEASURE) -> list[str]:
    """The LaTeX of ``e`` in rows of at most ``measure`` glyphs where it can be.

    A row is cut between the terms of the outermost sum; a term too wide for a row is cut between
    its own terms or factors, and so on down (``chunks``); the rows are then filled greedily. A row
    begun between factors starts with ``\\cdot``, one begun between operands with ``\\circ``.
    """
    printer = _Printer()
    printer.marked = True
    return fill(chunks(printer.print(e), measure), measure)
