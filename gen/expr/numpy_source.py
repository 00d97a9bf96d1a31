"""numpy source code for a result: the printer, and the self-contained function ``numpy_source``
writes around it (for the JSON export and the exported code)."""

from __future__ import annotations

import builtins
import keyword

import sympy as sp

from . import ir
from .functions import FUNCTIONS
from .numbers import decimal
from .printers import ATOM, POSTFIX, PRODUCT, PlainPrinter
from .spectral import SpectralNumpy


class NumpyPrinter(SpectralNumpy, PlainPrinter):
    """numpy source; vectors are (n, 1) columns inside the generated function."""

    def _print_MatrixSymbol(self, e):
        return python_name(e.name), ATOM

    def _print_Symbol(self, e):  # a dimension used as a number is read off an argument's shape
        return (self.sizes[e] if e in self.sizes else python_name(e.name)), ATOM

    def _print_Pi(self, e):
        return "np.pi", ATOM

    def _print_Exp1(self, e):
        return "np.e", ATOM

    def product(self, pieces) -> str:
        return " @ ".join(pieces)

    def _print_MatMul(self, e):
        coeff, factors = ir.coeff_and_factors(e) if ir.is_matrix(e) else (e, ())
        pieces = [self.print(a, PRODUCT + 1) for a in sp.Mul.make_args(coeff) if a != 1]
        if factors:  # `*` and `@` share one precedence and associate left, so no parentheses
            pieces.append(" @ ".join(self.print(f, PRODUCT + 1) for f in factors))
        return " * ".join(pieces), PRODUCT

    _print_Mul = _print_MatMul

    def _print_Identity(self, e):
        return f"np.eye({self.size(e.shape[0])})", ATOM

    def _print_ZeroMatrix(self, e):
        return f"np.zeros(({self.size(e.shape[0])}, {self.size(e.shape[1])}))", ATOM

    def size(self, dim) -> str:
        if dim.is_Integer:
            return str(dim)
        if dim.is_Mul:  # a product of dimensions, such as n m
            return " * ".join(self.size(d) for d in dim.args)
        if dim.is_Pow and dim.exp.is_Integer:  # n n is n²
            return " * ".join([self.size(dim.base)] * int(dim.exp))
        return self.sizes[dim]

    def _print_Commutation(self, e):
        m, n = (self.size(d) for d in e.args)
        return f"np.eye({m} * {n})[np.arange({m} * {n}).reshape(({m}, {n}), order='F').ravel()]", ATOM

    def _print_Transpose(self, e):
        return f"{self.print(e.arg, POSTFIX + 1)}.T", POSTFIX

    def _print_Inverse(self, e):
        return f"np.linalg.inv({self.print(e.arg)})", ATOM

    def _print_MatPow(self, e):
        return f"np.linalg.matrix_power({self.print(e.base)}, {e.exp})", ATOM

    def _print_Pow(self, e):
        return f"{self.print(e.base, POSTFIX + 1)} ** {self.print(e.exp, POSTFIX + 1)}", POSTFIX

    def _print_Rational(self, e):
        if (written := decimal(e)) is not None:
            return (written if e > 0 else f"({written})"), ATOM
        return (
            (str(e.p), ATOM)
            if e.q == 1 and e >= 0
            else (f"({e.p} / {e.q})" if e.q != 1 else f"({e.p})", ATOM)
        )

    def _print_Trace(self, e):
        return f"np.trace({self.print(e.arg)})", ATOM

    def _print_Determinant(self, e):
        return f"np.linalg.det({self.print(e.arg)})", ATOM

    def _print_log(self, e):
        return f"np.log({self.print(e.args[0])})", ATOM

    def _print_exp(self, e):
        return f"np.exp({self.print(e.args[0])})", ATOM

    def _print_Norm(self, e):
        return f"np.linalg.norm({self.print(e.arg)})", ATOM

    def _print_KroneckerProduct(self, e):  # np.kron takes two factors
        first, *rest = (self.print(a) for a in e.args)
        for a in rest:
            first = f"np.kron({first}, {a})"
        return first, ATOM

    def _print_Vec(self, e):
        return f"np.reshape({self.print(e.arg)}, (-1, 1), order='F')", ATOM

    def _print_Unvec(self, e):
        shape = f"({self.size(e.shape[0])}, {self.size(e.shape[1])})"
        return f"np.reshape({self.print(e.arg)}, {shape}, order='F')", ATOM

    def _print_Diag(self, e):
        if e.of_vector:
            return f"np.diag(np.ravel({self.print(e.arg)}))", ATOM
        return f"np.diag({self.print(e.arg)}).reshape(-1, 1)", ATOM

    def _print_Elementwise(self, e):
        return FUNCTIONS[e.name].numpy_source.format(*(self.print(a) for a in (e.arg, *e.params))), ATOM

    _print_ScalarFunction = _print_Elementwise

    def _print_MatrixFunction(self, e):
        return FUNCTIONS[e.name].numpy_source.format(self.print(e.arg)), ATOM

    def _print_Frechet(self, e):
        """``L_f(X, E)`` as the upper right block of ``f([[X, E], [0, X]])`` (Higham, Thm 3.6)."""
        return f"{self.frechet(e.name)}({self.print(e.arg)}, {self.print(e.direction)})", ATOM

    @staticmethod
    def frechet(name: str) -> str:
        f = FUNCTIONS[name].numpy_source.format("np.block([[X, E], [0 * X, X]])")
        return f"(lambda X, E: {f}[: len(X), len(X) :])"

    def _print_KroneckerForm(self, e):
        """``K_f(X)``, column k the vec of ``L_f(X, E_k)`` for the k-th unit matrix ``E_k``."""
        units = "np.eye(X.size).reshape((X.size, *X.shape), order='F')"
        columns = f"[np.ravel({self.frechet(e.name)}(X, E), order='F') for E in {units}]"
        return f"(lambda X: np.column_stack({columns}))({self.print(e.arg)})", ATOM

    def _print_Softmax(self, e):
        exp = f"np.exp({self.print(e.arg)})"
        return f"({exp} / np.sum({exp}))", ATOM

    def _print_RowSoftmax(self, e):
        """Each row's softmax, its largest entry subtracted first (no overflow)."""
        rows = "(lambda E: E / E.sum(axis=1, keepdims=True))(np.exp(Z - Z.max(axis=1, keepdims=True)))"
        return f"(lambda Z: {rows})({self.print(e.arg)})", ATOM

    def _print_RowLogSumExp(self, e):
        """Each row's log-sum-exp, ``m + log Σ e^(z - m)`` with ``m`` the row's largest entry."""
        total = "np.log(np.exp(Z - M).sum(axis=1, keepdims=True))"
        rows = f"(lambda M: M + {total})(Z.max(axis=1, keepdims=True))"
        return f"(lambda Z: {rows})({self.print(e.arg)})", ATOM

    def _print_HadamardProduct(self, e):
        return " * ".join(self.print(a, PRODUCT + 1) for a in e.args), PRODUCT

    def _print_HadamardPower(self, e):
        return f"{self.print(e.base, POSTFIX + 1)} ** {self.print(e.exp, POSTFIX + 1)}", POSTFIX

    def _print_OneMatrix(self, e):
        return f"np.ones(({self.size(e.shape[0])}, {self.size(e.shape[1])}))", ATOM


# Names a parameter may not take: keywords, and what generated code refers to (numpy as np, and
# builtins such as float in dtype=float), which a parameter of that name would shadow.
TAKEN = frozenset((*keyword.kwlist, *dir(builtins), "np"))


def python_name(name: str) -> str:
    """A symbol's name as a Python parameter: ``lambda``, ``float`` or ``np`` as ``lambda_``, …"""
    return f"{name}_" if name in TAKEN else name


def numpy_source(result, symbols: dict, variable, vectorised: bool = False) -> str:
    """A self-contained ``def result(...)`` computing ``result`` with numpy only.

    Parameters are the non-dimension symbols in declaration order; vectors are
    1-D arrays. A gradient has the variable's shape (transposed in numerator layout), a
    ``vectorised`` result (a Jacobian, a Hessian) the shape (size f, size x), a derivative by a
    number the function's.
    """
    printer = NumpyPrinter()
    printer.sizes = {}
    lines, params = [], []
    for name, symbol in symbols.items():
        name = python_name(name)
        params.append(name)
        if ir.is_matrix(symbol):
            if symbol.shape[1] == 1:
                lines.append(f"    {name} = np.asarray({name}, dtype=float).reshape(-1, 1)")
            else:
                lines.append(f"    {name} = np.asarray({name}, dtype=float)")
            for axis, dim in enumerate(symbol.shape):
                if dim.is_Symbol and dim not in printer.sizes:
                    printer.sizes[dim] = f"{name}.shape[{axis}]"
    body = printer.print(result)
    if "scipy." in body:  # a matrix function: SciPy's, imported here so the source stays self-contained
        lines.insert(0, "    import scipy.linalg")
    lines.append(f"    return {returned(body, result, variable, vectorised)}")
    return f"def result({', '.join(params)}):\n" + "\n".join(lines) + "\n"


def returned(body: str, result, variable, vectorised: bool) -> str:
    """``body`` in the shape the result is returned in: a number as a float, a column vector 1-D (as
    the parameters), a gradient in the variable's shape (reversed in numerator layout), a Jacobian
    or a Hessian as the (size f, size x) matrix it is, any other matrix as it is."""
    if vectorised:
        return f"np.asarray({body}, dtype=float)"
    if not ir.is_matrix(result) or ir.is_one_by_one(result):
        return f"float(np.squeeze({body}))"
    if result.shape[1] == 1 or (ir.is_matrix(variable) and variable.shape[1] == 1):
        return f"np.reshape({body}, (-1,))"  # a column vector, or a vector's gradient in either layout
    if not ir.is_matrix(variable):  # a matrix-valued function of a number: its derivative
        return f"np.asarray({body}, dtype=float)"
    same = ir.shape(result) == tuple(variable.shape)  # else the numerator layout's transpose
    return f"np.reshape({body}, {python_name(variable.name)}.shape{'' if same else '[::-1]'})"
