"""Expression parser: text → AST (``grammar``) → SymPy matrix expression, with shapes checked.

Our own parser: user text never reaches ``eval`` or SymPy's parser. Every error
points at the offending token.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, fields, is_dataclass, replace

import sympy as sp
from sympy.core.parameters import distribute

from ..errors import Span, SpecError, Unsupported, clipped
from ..spec.keys import SymbolSpec, Text
from . import ir
from .forms import record_terms
from .functions import ALIASES, FUNCTIONS
from .ones import Ones, sized
from .parser import PRODUCTS, BinOp, Call, Name, Neg, Num, Postfix, parse_ast
from .piecewise import PiecewiseLowering
from .printers import brief, size_text, text
from .spectral import SpectralLowering
from .tex import latex_reading

# --- lowering: AST → SymPy, with shapes checked ------------------------------


# Named constants; a declared symbol or dimension of the same name shadows one (mixture weights pi).
CONSTANTS = {"pi": sp.pi, "e": sp.E}


def dimension(value):
    return sp.Integer(value) if isinstance(value, int) else sp.Symbol(value, integer=True, positive=True)


def symbol_table(symbols: tuple[SymbolSpec, ...]) -> dict[str, sp.Basic]:
    """Each declared name → its SymPy symbol (``[n]`` is an n×1 column vector)."""
    table = {}
    for s in symbols:
        dims = [dimension(v) for v in s.shape]
        if not dims:
            table[s.name] = sp.Symbol(s.name, real=True)
        else:
            table[s.name] = sp.MatrixSymbol(s.name, dims[0], dims[1] if len(dims) > 1 else 1)
    return table


@dataclass(frozen=True)
class Eye:
    """``c·I`` whose size is not known until it meets a matrix."""

    coeff: sp.Expr = sp.Integer(1)

    def sized(self, n):
        return ir.mul(self.coeff, sp.Identity(n))


def parse_expr(
    source: Text,
    symbols: dict[str, sp.Basic],
    *,
    differentials: bool = False,
    variables=(),
    shape=None,
    order: dict | None = None,
    macros=None,
):
    """Parse ``source`` into a SymPy expression over ``symbols`` (from `symbol_table`).

    ``differentials`` allows ``d(...)`` and ``dX``; with ``variables`` given, only of
    expressions that depend on them (the differential of a constant is 0, never meant).
    ``shape``, when the expected shape is known, sizes a lone ``I``. ``order``, when given, receives
    the terms of every sum as they are first written, each with its rank (`forms.record_terms`).
    ``macros``: a LaTeX document's own (`gen.expr.tex.macros_from`), for a ``source`` in LaTeX.
    """
    lowering = _Lowering(source, symbols, differentials, tuple(variables))
    if order is not None:
        lowering.order = order
    with distribute(False):  # 2*(a + b) stays a product, as written (and as printed: a round trip)
        result = lowering.lower(parse_ast(source, symbols, macros))
    if isinstance(result, Eye) and shape and shape[0] == shape[-1]:
        return result.sized(shape[0])
    if isinstance(result, Eye):
        raise SpecError("cannot tell the size of I here; use it next to a matrix", source.at(0))
    if isinstance(result, Ones):
        raise SpecError("cannot tell the size of \\mathbf{1} here; use it next to a matrix", source.at(0))
    return result


def written_order(source: Text, symbols: dict[str, sp.Basic]) -> tuple:
    """The terms of the sums of ``source`` with their ranks, as first written: ``A + expm(A)`` gives
    ``((A, 0), (expm(A), 1))``; printed sums keep that order (`gen.expr.forms`)."""
    order: dict = {}
    parse_expr(source, symbols, order=order)
    return tuple(order.items())


def describe_shape(e) -> str:
    shape = ir.shape(e)
    if not shape:
        return "a scalar"
    rows, cols = (size_text(v) for v in shape)
    if cols == "1" and rows != "1":
        return f"an {rows}-vector" if rows[0] in "aefhilmnorsx" else f"a {rows}-vector"
    return f"{'an' if rows[0] in 'aefhilmnorsx' else 'a'} {rows}×{cols} matrix"


class _Lowering(SpectralLowering, PiecewiseLowering):
    def __init__(self, source: Text, symbols: dict, differentials: bool, variables: tuple = ()):
        self.source, self.symbols, self.differentials = source, symbols, differentials
        self.variables = variables
        self.order: dict = {}  # the terms of sums as written (see `written_order`)

    def error(self, message: str, pos: int, kind=SpecError):
        return kind(message, self.source.at(pos))

    def lower(self, node):
        value = getattr(self, f"lower_{type(node).__name__}")(node)
        real = getattr(value, "is_extended_real", True) and getattr(value, "is_finite", True)
        if isinstance(value, sp.Expr) and value.is_number and not real:
            raise self.error(f"{clipped(written(node))} is not a real number", start(node))
        if isinstance(value, sp.Basic) and value.has(sp.Abs):  # SymPy's sqrt(a^2) = |a|
            inside = next(a for a in sp.preorder_traversal(value) if isinstance(a, sp.Abs)).args[0]
            message = f"{clipped(written(node))} is |{brief(inside)}|, and derivtex has no rule for abs"
            message += " (not differentiable at 0)"
            raise self.error(message, start(node), Unsupported)
        return value

    def lower_Num(self, node: Num):
        return sp.Rational(node.text)

    def lower_Name(self, node: Name):
        if node.name in self.symbols:
            return self.symbols[node.name]
        if node.name == "I":
            return Eye()
        if node.name in (dims := self.dimensions()):  # N in N/2*logdet(Sigma): the size, as a number
            return dims[node.name]
        if node.name in CONSTANTS:
            return CONSTANTS[node.name]
        if node.name.startswith("d") and node.name[1:] in self.symbols:
            if not self.differentials:
                raise self.error(f"differentials such as '{node.name}' are only allowed in 'steps'", node.pos)
            return self.differential(self.symbols[node.name[1:]], node.name, node.pos)
        if node.name in FUNCTIONS:
            raise self.error(f"'{node.name}' is a function: write {node.name}(...)", node.pos)
        hint = self.suggest(node.name, self.symbols)
        if self.differentials and node.name.startswith("d") and not hint:
            hint = f" ('{node.name[1:]}' is not a declared symbol, so this is not a differential)"
        raise self.error(f"unknown symbol '{node.name}'{hint}", node.pos)

    def lower_Neg(self, node: Neg):
        value = self.lower(node.operand)
        return (
            Eye(-value.coeff)
            if isinstance(value, Eye)
            else -value
            if isinstance(value, Ones)
            else ir.neg(value)
        )

    def lower_BinOp(self, node: BinOp):
        chain = PRODUCTS if node.op in PRODUCTS else ("+", "-")
        spine = []  # a chain `a + b - c …` (or `a*b/c …`) nests to the left: walk it without recursing
        while isinstance(node, BinOp) and node.op in chain:
            spine.append(node)
            node = node.left
        operands = [self.lower(node), *(self.lower(op.right) for op in reversed(spine))]
        ops = list(reversed(spine))
        if chain[0] == "*":
            return self.product(operands, ops)
        value = operands[0]
        for op, right in zip(ops, operands[1:]):
            if op.op == "-":
                right = (
                    Eye(-right.coeff)
                    if isinstance(right, Eye)
                    else -right
                    if isinstance(right, Ones)
                    else ir.neg(right)
                )
            value = self.add(value, right, op.pos)
        return value

    def product(self, operands: list, ops: list):
        """``a*b/c…`` left to right, each bare I sized by its neighbours first (see `size_identities`).

        An I that no neighbour sizes scales the whole product: ``(xᵀx)*I`` is ``xᵀx`` times an I whose
        size the context tells, as ``norm(x)^2*I`` is.
        """
        divisors = {i + 1 for i, op in enumerate(ops) if op.op == "/"}
        if any(isinstance(o, Ones) for o in operands) and any(isinstance(o, Eye) for o in operands):
            raise self.error("cannot tell the size of \\mathbf{1} here; use it next to a matrix", ops[0].pos)
        operands, free = size_identities(operands, divisors)
        value = operands[0]
        for op, right in zip(ops, operands[1:]):
            value = {"/": self.divide, ".*": self.entrywise}.get(op.op, self.multiply)(value, right, op.pos)
        return Eye(ir.scalar(value)) if free else value

    def add(self, left, right, pos):
        if isinstance(left, Ones) or isinstance(right, Ones):
            left, right = self.ones(left, right, "+", pos)
        if isinstance(left, Eye) and isinstance(right, Eye):
            return Eye(left.coeff + right.coeff)
        if isinstance(left, Eye) or isinstance(right, Eye):
            eye, other = (left, right) if isinstance(left, Eye) else (right, left)
            if not ir.is_matrix(other) or other.shape[0] != other.shape[1]:
                raise self.error(f"cannot add I to {describe_shape(other)}", pos)
            sized = eye.sized(other.shape[0])
            left, right = (sized, other) if isinstance(left, Eye) else (other, sized)
        if not ir.shape(left) or not ir.shape(right):  # a 1×1 product added to a number is a number
            left, right = ir.scalar(left), ir.scalar(right)
        if ir.shape(left) != ir.shape(right):
            raise self.error(f"cannot add {describe_shape(left)} and {describe_shape(right)}", pos)
        record_terms(self.order, (*ir.terms(left), *ir.terms(right)))  # the author's order, for printing
        return ir.add(left, right)

    def multiply(self, left, right, pos):
        if isinstance(left, Ones) or isinstance(right, Ones):
            if isinstance(both := self.ones(left, right, "*", pos), Ones):
                return both  # 2·1: still to be sized
            left, right = both
        if (
            ir.is_matrix(left)
            and ir.is_matrix(right)
            and left.shape[1] != right.shape[0]
            or (ir.is_one_by_one(left) and ir.is_one_by_one(right))
        ):
            if ir.is_one_by_one(left) or ir.is_one_by_one(right):  # a 1×1 product as a number
                return ir.mul(ir.scalar(left), ir.scalar(right))
            raise self.error(
                f"cannot multiply {describe_shape(left)} by {describe_shape(right)}: "
                f"the inner dimensions {size_text(left.shape[1])} and {size_text(right.shape[0])} differ",
                pos,
            )
        return ir.mul(left, right)

    def entrywise(self, left, right, pos):
        """``A .* B``, the entrywise product ``hadamard(A, B)``; a number times a matrix is a product."""
        if isinstance(left, Ones) or isinstance(right, Ones):
            left, right = self.ones(left, right, ".*", pos)
        if isinstance(left, Eye) or isinstance(right, Eye):  # I .* A: I takes A's size
            eye, other = (left, right) if isinstance(left, Eye) else (right, left)
            if not ir.is_matrix(other):
                return self.multiply(left, right, pos)
            left, right = (
                (eye.sized(other.shape[0]), other) if eye is left else (other, eye.sized(other.shape[0]))
            )
        if (
            not ir.is_matrix(left)
            or not ir.is_matrix(right)
            or ir.is_one_by_one(left)
            or ir.is_one_by_one(right)
        ):
            return self.multiply(left, right, pos)
        if left.shape != right.shape:
            shapes = f"{describe_shape(left)} and {describe_shape(right)}"
            raise self.error(f"'.*' needs two matrices of the same shape, not {shapes}", pos)
        return ir.hadamard(left, right)

    def ones(self, left, right, op: str, pos: int):
        """``\\mathbf{1}`` (LaTeX) sized by the other operand, or scaled by a number (`gen.expr.ones`)."""
        both = sized(left, right, op)
        if both is None:
            raise self.error("cannot tell the size of \\mathbf{1} here; use it next to a matrix", pos)
        return both

    def divide(self, left, right, pos):
        if isinstance(left, Ones) and not ir.is_matrix(right):
            return left.scaled(1 / ir.scalar(right))
        if isinstance(right, Eye) or ir.is_matrix(right) and not ir.is_one_by_one(right):
            raise self.error("cannot divide by a matrix; multiply by its inverse instead", pos)
        if right == 0:
            raise self.error("division by zero", pos)
        left, right = ir.scalar(left) if ir.is_matrix(right) else left, ir.scalar(right)
        if isinstance(left, Eye):
            return Eye(left.coeff / right)
        return ir.mul(left, sp.Pow(right, -1))

    def lower_Postfix(self, node: Postfix):
        spine = []  # `X^T^T…` nests too: walk the chain without recursing
        while isinstance(node, Postfix):
            spine.append(node)
            node = node.operand
        value = self.lower(node)
        for op in reversed(spine):
            value = self.apply_postfix(op, value)
        return value

    def apply_postfix(self, node: Postfix, value):
        if isinstance(value, Ones) and node.op == "T":
            return replace(value, transposed=not value.transposed)
        if isinstance(value, Ones):
            raise self.error("cannot tell the size of \\mathbf{1} here; use it next to a matrix", node.pos)
        if node.caret and "T" in self.symbols and not ir.is_matrix(value):
            power = f"{grouped(node.operand)}^({'-' * (node.op == '-T')}T)"
            message = f"'^T' is the transpose, not the power by the symbol T: for the power write {power}"
            raise self.error(message, node.pos)
        if isinstance(value, Eye):
            if node.op in ("^", ".^"):
                raise self.error("powers of I are not supported; write I", node.pos)
            return Eye(1 / value.coeff) if node.op in ("-1", "-T") else value
        if node.op == "T":
            return ir.transpose_of(value)
        if node.op in ("-1", "-T"):
            inverse = self.invert(value, node.pos)
            return ir.transpose_of(inverse) if node.op == "-T" else inverse
        if value == sp.E:  # e^x is exp(x), of a square matrix ambiguous as exp(X) is
            return self.exp(node)
        exponent = self.lower(node.exponent)
        if isinstance(exponent, Eye) or ir.is_matrix(exponent) and not ir.is_one_by_one(exponent):
            raise self.error("an exponent must be a scalar", start(node.exponent))
        exponent = ir.scalar(exponent)  # a 1×1 product as a number
        if not ir.is_matrix(value) or ir.is_one_by_one(value):
            return sp.Pow(ir.scalar(value), exponent)
        if node.op == ".^":
            return ir.entrywise_power(value, exponent)
        return self.matrix_power(value, exponent, node)

    def exp(self, node: Postfix):
        """``e^x``: ``exp(x)`` of a number, entry by entry of a vector or of a non-square matrix."""
        exponent, power = self.lower(node.exponent), f"e^{grouped(node.exponent)}"
        if isinstance(exponent, Eye):
            raise self.error(f"cannot tell the size of I in {power}", node.pos)
        square = ir.is_matrix(exponent) and exponent.shape[0] == exponent.shape[1]
        if square and not ir.is_one_by_one(exponent) and self.source.latex:  # e^{X}: the matrix exponential
            return ir.matrix_function("expm", exponent)
        if square and not ir.is_one_by_one(exponent):
            written = text(exponent)
            message = ambiguous(FUNCTIONS["exp"], written)
            raise self.error(f"{power} is exp({written}), and {message}", node.pos)
        return ir.apply("exp", ir.scalar(exponent))

    def invert(self, value, pos):
        if not ir.is_matrix(value) or ir.is_one_by_one(value):
            return sp.Pow(ir.scalar(value), -1)
        self.require_square(value, "invert {}", pos)
        return sp.Inverse(value)

    def matrix_power(self, value, exponent, node: Postfix):
        if self.source.latex and exponent in (sp.S.Half, -sp.S.Half):  # X^{1/2}: the principal square root
            self.require_square(value, "take the square root of {}", node.pos)
            root = ir.matrix_function("sqrtm", value)
            return root if exponent > 0 else sp.Inverse(root)  # X^{-1/2} = (X^{1/2})^{-1}
        if not (exponent.is_Integer):
            raise self.error("a matrix power must be an integer", node.exponent.pos)
        self.require_square(value, "raise {} to a power", node.pos)
        k = int(exponent)
        if k == 0:
            return sp.Identity(value.shape[0])
        if k == 1:
            return value
        return sp.Inverse(value) if k == -1 else sp.MatPow(value, exponent)

    def require_square(self, value, action: str, pos: int):
        """Refuse a non-square ``value``; ``action`` is a phrase such as 'invert {}'."""
        rows, cols = value.shape
        if cols == 1 and rows != 1:
            what = f"a vector ({describe_shape(value)[2:].lstrip()})"
            raise self.error(f"cannot {action.format(what)}", pos)
        if rows != cols:
            raise self.error(f"cannot {action.format(describe_shape(value))}: it is not square", pos)

    def lower_Call(self, node: Call):
        if node.name == "ones" and not node.args and self.source.latex:  # \mathbf{1}: sized by its neighbours
            return Ones()
        function = FUNCTIONS.get(node.name)
        if function is not None and node.name in self.symbols:  # a symbol named d: d(...) is not dX
            message = f"'{node.name}' is a declared symbol, so '{node.name}(' is not the differential here"
            raise self.error(f"{message}: write '{node.name}*(' to multiply, or rename the symbol", node.pos)
        if function is None:
            if node.name in self.symbols:
                raise self.error(
                    f"'{node.name}' is a symbol, not a function; write '*' to multiply", node.pos
                )
            hint = ALIASES.get(node.name)
            suggestion = f" (did you mean '{hint}'?)" if hint else self.suggest(node.name, FUNCTIONS)
            raise self.error(f"unknown function '{node.name}'{suggestion}", node.pos)
        if node.entrywise and not function.entrywise:
            message = f"{node.name}() is not applied entry by entry: write {node.name}(...), without the '.'"
            raise self.error(message, node.pos)
        if len(node.args) not in function.arity:
            raise self.error(self.arity_message(function, len(node.args)), node.pos)
        lower = getattr(self, f"call_{function.lowering}")
        split = 0 if function.of_sizes else len(node.args) - function.trailing_sizes
        sizes = [self.size(arg) for arg in node.args[split:]]
        if function.of_sizes:
            return lower(node, *sizes)
        if function.axes and len(node.args) == 2:
            return lower(node, self.lower(node.args[0]), self.axis(function, node.args[1]))
        args = [self.lower(a) for a in node.args[:split]]
        if function.lowering in ("hadamard", "frechet"):  # hadamard(I, M): I takes M's size
            args = [
                a.sized(b.shape[0]) if isinstance(a, Eye) and ir.is_matrix(b) else a
                for a, b in zip(args, args[::-1])
            ]
        if node.name in ("det", "logdet") and args == [Eye()]:  # det(I) = 1, whatever the size
            return sp.Integer(1 if node.name == "det" else 0)
        if any(isinstance(a, Eye) for a in args):
            raise self.error(f"cannot tell the size of I in {node.name}(...)", node.pos)
        if any(isinstance(a, Ones) for a in args):
            raise self.error(f"cannot tell the size of \\mathbf{{1}} in {node.name}(...)", node.pos)
        if self.source.latex and (read := latex_reading(node.name, node.entrywise, args)) != node.name:
            node = replace(node, name=read)  # in LaTeX \exp(X) of a square X is e^X, |X| is det X
            lower = getattr(self, f"call_{FUNCTIONS[read].lowering}")
        return lower(node, *args, *sizes)

    @staticmethod
    def arity_message(function, given: int) -> str:
        """``tr() takes 1 argument, not 2``; ``ones() takes one or two sizes, not 3``."""
        if function.of_sizes:
            wanted = " or ".join(("one", "two")[c - 1] for c in function.arity)
            return f"{function.name}() takes {wanted} size{'s' * (function.arity[-1] > 1)}, not {given}"
        counts, most = " or ".join(map(str, function.arity)), function.arity[-1]
        return f"{function.name}() takes {counts} argument{'s' * (most > 1)}, not {given}"

    def call_ones(self, node: Call, rows, cols=1):
        return ir.ones(rows, cols)

    def call_identity(self, node: Call, n):
        return sp.Identity(n)

    def call_commutation(self, node: Call, m, n):
        return ir.Commutation(m, n)

    def size(self, arg):
        """A size: a dimension of a declared symbol, a positive integer, or a product of them."""
        if isinstance(arg, BinOp) and arg.op == "*":
            return self.size(arg.left) * self.size(arg.right)
        dims = self.dimensions()
        if isinstance(arg, Name) and arg.name in dims:
            return dims[arg.name]
        if isinstance(arg, Num) and arg.text.isdigit() and int(arg.text) > 0:
            return sp.Integer(int(arg.text))
        message = "a size is a dimension of a declared symbol, a positive integer, or a product of them"
        raise self.error(message, arg.pos)

    def dimensions(self) -> dict:
        """The named dimensions of the declared symbols: ``n`` → its SymPy symbol."""
        return {str(d): d for s in self.symbols.values() for d in ir.shape(s) if d.is_Symbol}

    def call_tr(self, node, x):
        if ir.is_matrix(x):
            self.require_square(x, "take the trace of {}", node.pos)
        return ir.tr(x)

    def call_det(self, node, x):
        if not ir.is_matrix(x):
            return x
        self.require_square(x, "take the determinant of {}", node.pos)
        return sp.Determinant(x)

    def call_logdet(self, node, x):
        return sp.log(self.call_det(node, x))

    def call_inv(self, node, x):
        return self.invert(x, node.pos)

    def call_norm(self, node, x):
        if not ir.is_matrix(x):
            raise self.error("norm() takes a vector or a matrix; for a number write sqrt(x^2)", node.pos)
        return ir.Norm(x)

    def call_d(self, node, x):
        if not self.differentials:
            raise self.error("differentials d(...) are only allowed in 'steps'", node.pos)
        return self.differential(x, f"d({text(x)})", node.pos)

    def differential(self, x, written: str, pos: int):
        """``d(x)``, refused when ``x`` is constant: 0, and surely not what the author meant."""
        if self.variables and not ir.depends_on(x, self.variables):
            names = " or ".join(str(v) for v in self.variables)
            message = f"{written} is 0: the differential of a constant (it does not depend on {names})"
            raise self.error(message, pos)
        return ir.d(x)

    def call_entrywise(self, node, x, *parameters):
        """``φ(x)`` of a number, a vector or a non-square matrix; ``φ.(X)`` of anything."""
        if FUNCTIONS[node.name].piecewise:  # entry by entry of any matrix (no matrix relu is in use)
            x, parameters = self.piecewise_parameters(node, x, parameters)
            return ir.apply(node.name, ir.scalar(x), *parameters)
        if not node.entrywise and ir.is_matrix(x) and x.shape[0] == x.shape[1] and not ir.is_one_by_one(x):
            raise self.error(ambiguous(FUNCTIONS[node.name], text(x)), node.pos)
        return ir.apply(node.name, ir.scalar(x))

    def call_matrix_function(self, node, x):
        """``expm(X)``, ``logm(X)``, …: the matrix function of a square matrix (Higham)."""
        if not ir.is_matrix(x) or ir.is_one_by_one(x):
            scalar = node.name[:-1]
            message = f"{node.name}() takes a square matrix; for a number write {scalar}(...)"
            raise self.error(message, node.pos)
        self.require_square(x, f"take {node.name}() of {{}}", node.pos)
        return ir.matrix_function(node.name, x)

    def call_frechet(self, node, x, e):
        """``expm_frechet(X, E)``: the Fréchet derivative ``L_f(X, E)``, E of X's shape."""
        name = node.name.removesuffix("_frechet")
        self.call_matrix_function(Call(name, (node.args[0],), node.pos), x)
        if ir.shape(e) != ir.shape(x):
            message = f"{node.name}(X, E) needs E of X's shape, not {describe_shape(e)}"
            raise self.error(message, node.pos)
        return ir.frechet(name, x, e)

    def call_kronecker_form(self, node, x):
        """``expm_kronecker(X)``: ``K_f(X)``, with ``vec L_f(X, E) = K_f(X) vec E``."""
        name = node.name.removesuffix("_kronecker")
        self.call_matrix_function(Call(name, node.args, node.pos), x)
        return ir.KroneckerForm(name, x)

    def call_hadamard(self, node, a, b):
        if not (ir.is_matrix(a) and ir.is_matrix(b)) or a.shape != b.shape:
            shapes = f"{describe_shape(a)} and {describe_shape(b)}"
            raise self.error(f"hadamard() needs two matrices of the same shape, not {shapes}", node.pos)
        return ir.hadamard(a, b)

    def call_sum(self, node, x):
        """The sum of the entries, 1ᵀ X 1 (a 1×1 product used as a number)."""
        return ir.entry_sum(x) if ir.is_matrix(x) else x

    def call_kron(self, node, a, b):
        if not (ir.is_matrix(a) and ir.is_matrix(b)):
            raise self.error("kron() takes two matrices or vectors", node.pos)
        return sp.KroneckerProduct(a, b)

    def call_vec(self, node, x):
        if not ir.is_matrix(x):
            raise self.error("vec() takes a matrix or a vector", node.pos)
        return ir.Vec(x)

    def call_unvec(self, node, v, rows, cols):
        """``unvec(v, m, n)``: the m×n matrix whose stacked columns are ``v`` (vec⁻¹)."""
        if not ir.is_matrix(v) or v.shape != (rows * cols, 1):
            m, n = (size_text(d) for d in (rows, cols))
            message = f"unvec(..., {m}, {n}) takes a vector of {m}*{n} entries, not {describe_shape(v)}"
            raise self.error(message, node.pos)
        return ir.Unvec(v, rows, cols)

    def call_diag(self, node, x):
        """diag(x): the diagonal matrix of a vector; diag(X): the diagonal of a square matrix."""
        if not ir.is_matrix(x) or x.shape[1] != 1 and x.shape[0] != x.shape[1]:
            message = f"diag() takes a vector or a square matrix, not {describe_shape(x)}"
            raise self.error(message, node.pos)
        return ir.Diag(x)

    def axis(self, function, arg) -> str:
        """The axis named by the last argument of ``softmax(Z, rows)``: one of the function's words."""
        if isinstance(arg, Name) and arg.name in function.axes:
            return arg.name
        words = " or ".join(function.axes)
        message = f"the second argument of {function.name}() is {words}, not '{clipped(written(arg))}'"
        raise self.error(message, start(arg))

    def call_logsumexp(self, node, x, axis=None):
        """log(1ᵀ exp(x)) for a vector x; each row's (each column's) for a matrix."""
        rows = self.along(x, axis, node)
        if rows is None:
            return sp.log(self.call_sum(node, ir.apply("exp", x)))
        return ir.RowLogSumExp(x) if rows else ir.transpose_of(ir.RowLogSumExp(ir.transpose_of(x)))

    def call_softmax(self, node, x, axis=None):
        """exp(x) / 1ᵀ exp(x) for a vector x; each row's (each column's) for a matrix."""
        rows = self.along(x, axis, node)
        if rows is None:
            return ir.mul(sp.Pow(self.call_sum(node, ir.apply("exp", x)), -1), ir.apply("exp", x))
        return ir.RowSoftmax(x) if rows else ir.transpose_of(ir.RowSoftmax(ir.transpose_of(x)))

    def along(self, x, axis, node) -> bool | None:
        """``None`` for a vector's own softmax (its one column), else whether row by row: a matrix's
        rows unless ``columns`` is written, and the column convention is the transpose of the row one."""
        if not ir.is_matrix(x):
            raise self.error(f"{node.name}() takes a vector or a matrix, not {describe_shape(x)}", node.pos)
        column = x.shape[1] == 1
        if axis is None:
            return None if column else True
        return True if axis == "rows" else (None if column else False)

    def suggest(self, name: str, names) -> str:
        close = difflib.get_close_matches(name, list(names), n=1)
        return f" (did you mean '{close[0]}'?)" if close else ""


def size_identities(factors: list, divisors: set) -> tuple[list, bool]:
    """The factors of a product with each bare I sized, and whether some I is left to the context.

    An I is as wide as the product on its left is, or as tall as the product on its right, 1×1
    products counting as numbers; ``x*I*y^T`` is 1×1, the number 1. An I between two numbers
    (``(x^T*x)*I``, ``I*x^T*x``) scales the whole product, a number, and takes its size from the
    context, as ``norm(x)^2*I`` does.
    """
    plain = [None if isinstance(f, Eye) or i in divisors else f for i, f in enumerate(factors)]
    out, free = [], False
    for i, factor in enumerate(factors):
        if not isinstance(factor, Eye) or i in divisors:
            out.append(factor)
            continue
        left, right = product_shape(plain[:i]), product_shape(plain[i + 1 :])
        size = left[1] if left else right[0] if right else None
        free = free or size is None
        out.append(factor.coeff if size in (None, 1) else factor.sized(size))
    return out, free


def product_shape(factors: list) -> tuple:
    """The shape of a product, ``()`` when it is a number (a 1×1 product counts as one)."""
    shape = ()
    for f in factors:
        own = ir.shape(f) if f is not None and ir.shape(f) != (1, 1) else ()
        shape = (shape[0], own[1]) if shape and own else shape or own
        shape = () if shape == (1, 1) else shape
    return shape


def ambiguous(function, argument: str) -> str:
    """Why ``exp(X)`` of a square matrix is refused: a reader takes it for the matrix function."""
    name, matrix = function.name, function.matrix_function
    written, entrywise = f"{name}({argument})", f"{name}.({argument}) entry by entry"
    if matrix in FUNCTIONS:
        choice = f"{matrix}({argument}) for the matrix function or {entrywise}"
    else:
        choice = f"{entrywise} (the matrix function {name} is not supported)"
    return f"{written} of a square matrix is ambiguous: write {choice}"


# --- positions: IR → source --------------------------------------------------


def locate(source: Text, symbols: dict[str, sp.Basic], target) -> Span:
    """Where ``target``, a sub-expression of what ``source`` lowers to, is written (else ``source``).

    The lowering keeps no positions; the outermost piece of the text that lowers to
    ``target`` is found by lowering the pieces again (only ever on the way to an error).
    """
    lowering = _Lowering(source, symbols, False)
    with distribute(False):
        for node in pieces(parse_ast(source, symbols)):
            try:
                value = lowering.lower(node)
            except SpecError:  # a piece of a well-formed whole (a size, a lone I) may not lower alone
                continue
            if value == target:
                return source.at(start(node))
    return source.at(0)


def pieces(node):
    """The AST's nodes, outermost first."""
    stack = [node]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(children(node)))


def children(node) -> list:
    values = [getattr(node, f.name) for f in fields(node)]
    nested = [v for value in values for v in (value if isinstance(value, tuple) else (value,))]
    return [v for v in nested if is_dataclass(v)]


def written(node) -> str:
    """The AST as the user would write it (for messages): ``log(-1)``, ``0^-1``, ``sqrt(a^2)``."""
    if isinstance(node, (Num, Name)):
        return node.text if isinstance(node, Num) else node.name
    if isinstance(node, Call):
        return f"{node.name}({', '.join(map(written, node.args))})"
    if isinstance(node, Neg):
        return "-" + grouped(node.operand)
    if isinstance(node, BinOp):
        return f"{written(node.left)} {node.op} {written(node.right)}"
    power = f"{node.op}{grouped(node.exponent)}" if node.op in ("^", ".^") else "^" + node.op
    return grouped(node.operand) + power


def grouped(node) -> str:
    """``written``, in parentheses unless it is a single name, number or call."""
    return written(node) if isinstance(node, (Num, Name, Call)) else f"({written(node)})"


def start(node) -> int:
    """The offset of the piece's first token (past an opening parenthesis)."""
    return min(n.pos for n in pieces(node))
