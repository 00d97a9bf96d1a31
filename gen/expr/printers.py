"""Plain-text printers: the spec grammar (``-(X^-2)^T``); numpy source code is printed by
`gen.expr.numpy_source` on the same base.

The grammar printer writes the textbook forms of `gen.expr.forms`: a 1×1 product as a number
(``x^T*x``, never ``tr(x^T*x)``), negative powers as denominators (``Q/sqrt(d)``, ``1/x``), sums in
the author's order; everything it prints parses back to the same value.
"""

from __future__ import annotations

import sympy as sp

from ..errors import clipped
from . import ir
from .forms import (
    fraction,
    is_number_product,
    number_shown,
    of_matrix,
    ordered_terms,
    split_sign,
    written_parameters,
)
from .numbers import decimal
from .spectral import SpectralGrammar

SUM, PRODUCT, UNARY, POSTFIX, ATOM = 1, 2, 3, 4, 5


class PlainPrinter:
    """Precedence-aware printing, one method per node type."""

    def print(self, e, context: int = 0) -> str:
        method = getattr(self, f"_print_{type(e).__name__}", None)
        if method is None:
            if isinstance(e, sp.Rational):
                method = self._print_Rational
            else:
                raise TypeError(f"cannot print {type(e).__name__}")
        text, prec = method(e)
        return f"({text})" if prec < context else text

    def _print_MatrixSymbol(self, e):
        return e.name, ATOM

    _print_Symbol = _print_MatrixSymbol

    def _print_Rational(self, e):
        if (written := decimal(e)) is not None:  # as the author wrote it: 0.044715, not 8943/200000
            return written, (ATOM if e > 0 else UNARY)
        text = str(e.p) if e.q == 1 else f"{e.p}/{e.q}"
        return text, (ATOM if e.q == 1 and e >= 0 else UNARY if e.q == 1 else PRODUCT)

    def _print_MatAdd(self, e):
        out = ""
        for term in ordered_terms(e):
            negative, magnitude = split_sign(term)
            if out and negative:
                out += " - " + self.print(magnitude, SUM + 1)
            else:
                out += (" + " if out else "") + self.print(term, SUM)
        return out, SUM

    _print_Add = _print_MatAdd

    def _print_MatMul(self, e):
        args = list(e.args)
        if args[0] == -1:
            return "-" + self.print(ir.mul(*args[1:]), PRODUCT), UNARY
        crowded = len([a for a in args if not a.is_Number]) > 1  # (a^T*x)*b, as (aᵀx)b in LaTeX
        return self.product(
            [
                self.print(a, PRODUCT + 1 if i or crowded and is_number_product(a) else PRODUCT)
                for i, a in enumerate(args)
            ]
        ), PRODUCT

    _print_Mul = _print_MatMul

    def product(self, pieces) -> str:
        return "*".join(pieces)


def summed(e):
    """``X`` when ``e`` is ``sum(X)`` as the parser builds it, ``tr(1ᵀ X 1)``; else None."""
    if not isinstance(e.arg, sp.MatMul) or e.arg.shape != (1, 1):
        return None
    factors = list(e.arg.args)
    row = factors and isinstance(factors[0], sp.OneMatrix) and factors[0].shape[0] == 1
    column = factors and isinstance(factors[-1], sp.OneMatrix) and factors[-1].shape[1] == 1
    inner = ir.mul(*factors[1 if row else 0 : len(factors) - 1 if column else None])
    if not (row or column) or not ir.is_matrix(inner):
        return None
    rows, cols = inner.shape
    return inner if (rows != 1) == bool(row) and (cols != 1) == bool(column) else None


def identity_like(e) -> bool:
    """Whether ``e`` reads back as an I of unknown size: ``I``, ``2*I``, ``I + I``, ``(2*I)^-1``."""
    if isinstance(e, sp.Identity):
        return True
    if isinstance(e, (sp.MatAdd, sp.MatMul, sp.Transpose, sp.Inverse, sp.MatPow)):
        matrices = [a for a in e.args if ir.is_matrix(a)]
        return bool(matrices) and all(map(identity_like, matrices))
    return False


def sizes_identity(parent, sized: bool, e) -> bool:
    """Whether a bare I written in ``e``, a piece of ``parent``, takes its size from around it.

    The whole expression is read with its shape known; a term of a sum or a factor of a product
    next to a matrix is sized by it, else by what the sum or product is sized by; an argument of
    ``hadamard(I, A)`` or ``expm_frechet(X, I)`` by the other one; a transpose or an inverse passes
    the question up; an argument of any other function (``vec(I)``, ``d(c*I)``) is not sized.
    """
    if parent is None:
        return True
    if isinstance(parent, (sp.Transpose, sp.Inverse, sp.MatPow)):
        return sized
    if isinstance(parent, (sp.MatAdd, sp.MatMul)):
        return sized or beside_a_matrix(parent, e)
    if isinstance(parent, (sp.HadamardProduct, ir.Frechet)):
        return beside_a_matrix(parent, e)
    return False


def beside_a_matrix(parent, e) -> bool:
    """Whether another argument of ``parent`` than ``e`` is a matrix of known size (not 1×1, no I)."""
    others = list(parent.args)
    if e in others:
        others.remove(e)
    return any(ir.is_matrix(o) and not ir.is_one_by_one(o) and not identity_like(o) for o in others)


class GrammarPrinter(SpectralGrammar, PlainPrinter):
    """The spec grammar, parseable back by ``gen.expr.lower``."""

    parent, sized = None, True  # the node being printed, and whether a bare I there is sized

    def print(self, e, context: int = 0) -> str:
        saved = self.parent, self.sized
        self.sized, self.parent = sizes_identity(*saved, e), e
        try:
            return super().print(e, context)
        finally:
            self.parent, self.sized = saved

    def _print_ZeroMatrix(self, e):  # inside an expression a bare 0 would lose the shape (text() writes 0)
        return f"0*{self._print_OneMatrix(e)[0]}", PRODUCT

    def _print_Identity(self, e):  # I(n) where nothing around it tells its size (vec(I(n)))
        return ("I" if self.sized else f"I({self.size(e.shape[0])})"), ATOM

    def _print_Pi(self, e):
        return "pi", ATOM

    def _print_Exp1(self, e):  # not `e`, which a symbol named e would shadow
        return "exp(1)", ATOM

    def _print_Transpose(self, e):
        if isinstance(e.arg, sp.Inverse):
            return f"{self.print(e.arg.arg, POSTFIX + 1)}^-T", POSTFIX
        return f"{self.print(e.arg, POSTFIX + 1)}^T", POSTFIX

    def _print_Inverse(self, e):
        return f"{self.print(e.arg, POSTFIX + 1)}^-1", POSTFIX

    def _print_MatPow(self, e):
        return f"{self.print(e.base, POSTFIX + 1)}^{e.exp}", POSTFIX

    def _print_Pow(self, e):
        if e.exp == sp.S.Half:
            return f"sqrt({self.print(e.base)})", ATOM
        if e.exp.is_Rational and e.exp < 0 and not e.base.is_Number:  # a denominator: 1/x
            return self._print_MatMul(e)
        exp = self.print(e.exp, ATOM)
        exp = "(T)" if exp == "T" else exp  # a^T would read as the transpose
        return f"{self.print(e.base, POSTFIX + 1)}^{exp}", POSTFIX

    def _print_MatMul(self, e):
        """A product, its negative powers under one fraction bar: ``a*b^T/(2*sqrt(s))``, ``1/x``."""
        if isinstance(e, (sp.Mul, sp.MatMul)) and e.args[0] == -1:
            return super()._print_MatMul(e)  # -(the rest), printed here again
        coeff, factors = ir.coeff_and_factors(e) if ir.is_matrix(e) else (e, ())
        numer, denom = fraction(coeff)
        if denom == 1:
            return super()._print_MatMul(e)
        top = ir.mul(numer, *factors)
        return f"{'1' if top == 1 else self.print(top, PRODUCT)}/{self.print(denom, PRODUCT + 1)}", PRODUCT

    _print_Mul = _print_MatMul

    def _print_Trace(self, e):
        if (inner := summed(e)) is not None:
            return f"sum({self.print(ir.transpose_of(inner) if inner.shape[0] == 1 else inner)})", ATOM
        if is_number_product(e):  # a 1×1 product used as a number: the number, not its trace
            shown = number_shown(e)
            return self.print(shown), (SUM if isinstance(shown, sp.MatAdd) else PRODUCT)
        return f"tr({self.print(e.arg)})", ATOM

    def _print_Determinant(self, e):
        return f"det({self.print(e.arg)})", ATOM

    def _print_log(self, e):
        if isinstance(e.args[0], sp.Determinant):
            return f"logdet({self.print(e.args[0].arg)})", ATOM
        return f"log({self.print(e.args[0])})", ATOM

    def _print_exp(self, e):
        return f"exp({self.print(e.args[0])})", ATOM

    def _print_Norm(self, e):
        return f"norm({self.print(e.arg)})", ATOM

    def _print_Diag(self, e):
        return f"diag({self.print(e.arg)})", ATOM

    def _print_Vec(self, e):
        return f"vec({self.print(e.arg)})", ATOM

    def _print_Unvec(self, e):
        return f"unvec({self.print(e.arg)}, {self.size(e.shape[0])}, {self.size(e.shape[1])})", ATOM

    def _print_KroneckerProduct(self, e):  # an identity is sized here: I(n)
        first, *rest = (
            f"I({self.size(a.shape[0])})" if isinstance(a, sp.Identity) else self.print(a) for a in e.args
        )
        text = first
        for a in rest:
            text = f"kron({text}, {a})"
        return text, ATOM

    def _print_SecondDifferential(self, e):  # not in the grammar: only a chain's left side
        return f"d2f[{self.print(e.args[0])}, {self.print(e.args[1])}]", ATOM

    def _print_Commutation(self, e):
        return f"commutation({self.size(e.args[0])}, {self.size(e.args[1])})", ATOM

    def _print_Elementwise(self, e):  # exp.(X) of a matrix: exp(X) would be refused when X is square
        arguments = ", ".join(self.print(a) for a in (e.arg, *written_parameters(e)))
        return f"{e.name}{'.' * of_matrix(e)}({arguments})", ATOM

    _print_ScalarFunction = _print_Elementwise

    def _print_MatrixFunction(self, e):
        return f"{e.name}({self.print(e.arg)})", ATOM

    def _print_Frechet(self, e):
        return f"{e.name}_frechet({self.print(e.arg)}, {self.print(e.direction)})", ATOM

    def _print_KroneckerForm(self, e):
        return f"{e.name}_kronecker({self.print(e.arg)})", ATOM

    def _print_Softmax(self, e):
        return f"softmax({self.print(e.arg)})", ATOM

    def _print_RowSoftmax(self, e):
        return f"softmax({self.print(e.arg)}{row_axis(e.arg)})", ATOM

    def _print_RowLogSumExp(self, e):
        return f"logsumexp({self.print(e.arg)}{row_axis(e.arg)})", ATOM

    def _print_HadamardProduct(self, e):
        first, *rest = e.args
        text = self.print(first)
        for a in rest:
            text = f"hadamard({text}, {self.print(a)})"
        return text, ATOM

    def _print_HadamardPower(self, e):
        return f"{self.print(e.base, POSTFIX + 1)}.^{self.print(e.exp, ATOM)}", POSTFIX

    def _print_OneMatrix(self, e):
        rows, cols = (self.size(d) for d in e.shape)
        return (f"ones({rows})" if e.shape[1] == 1 else f"ones({rows}, {cols})"), ATOM

    def size(self, dim) -> str:
        """A size as the grammar writes it: ``n``, ``3``, ``m*n``, and ``n*n`` for n²."""
        if dim.is_Pow and dim.exp.is_Integer and dim.exp > 0:
            return "*".join([self.size(dim.base)] * int(dim.exp))
        if dim.is_Mul:
            return "*".join(self.size(d) for d in dim.args)
        return str(dim)

    def _print_MatDiff(self, e):
        if isinstance(e.arg, sp.MatrixSymbol):
            return f"d{e.arg.name}", ATOM
        return f"d({self.print(e.arg)})", ATOM

    _print_Diff = _print_MatDiff

    # Nodes of the directional and entrywise proofs: readable, not part of the grammar.
    def _print_MatQuotient(self, e):
        return f"({self.print(e.args[0])})/{self.print(e.args[1])}", PRODUCT

    _print_Quotient = _print_MatQuotient

    def _print_MatLimit(self, e):
        if len(e.args) == 4:
            return f"D_{self.print(e.args[3])}({self.print(e.args[2])})", ATOM
        return f"lim[{self.print(e.args[1])}->0] {self.print(e.args[0], PRODUCT)}", SUM

    _print_Limit = _print_MatLimit

    def _print_Directional(self, e):
        return f"Df({self.print(e.args[1])})[{self.print(e.args[2])}]", ATOM

    def _print_MatPartial(self, e):
        F, variable, *indices = e.args
        return f"d({self.print(F)})/d{self.print(variable)}[{','.join(map(self.print, indices))}]", ATOM

    _print_Partial = _print_MatPartial

    def _print_SingleEntry(self, e):
        return f"{self.print(e.args[0])}[{','.join(map(self.print, e.indices))}]", ATOM

    def _print_Entry(self, e):
        M, *indices = e.args
        return f"{self.print(M, POSTFIX + 1)}[{','.join(map(self.print, indices))}]", POSTFIX

    def _print_Inner(self, e):
        return f"<{self.print(e.args[0])}, {self.print(e.args[1])}>", ATOM

    def _print_Block(self, e):  # a LaTeX matrix literal (`gen.expr.texmatrix`), in a message
        return "[" + "; ".join(", ".join(self.print(c) for c in row) for row in e.grid) + "]", ATOM


def text(e) -> str:
    """The expression in the spec grammar (a zero matrix alone is 0, as in a claim)."""
    return "0" if isinstance(e, sp.ZeroMatrix) else GrammarPrinter().print(e)


def brief(e, limit: int = 40) -> str:
    """An expression as a one-line message shows it: in the spec grammar (never SymPy's ``x**x``),
    shortened to ``limit`` characters."""
    return clipped(text(e), limit)


def size_text(dim) -> str:
    """A size as a message shows it: as the grammar writes it, ``n*n`` (never SymPy's ``n**2``)."""
    return GrammarPrinter().size(dim)


def row_axis(Z) -> str:
    """``, rows`` where a reader would take ``softmax(z)`` of a vector for the vector's softmax."""
    return ", rows" if Z.shape[1] == 1 else ""
