"""Expression parser: text → AST (``grammar``) → SymPy matrix expression, with shapes checked.

Our own parser: user text never reaches ``eval`` or SymPy's parser. Every error
points at the offending token. The operators are lowered here, calls ``f(x)`` in `gen.expr.calls`,
and the sizes of a bare I in `gen.expr.shapes`.
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp
from sympy.core.parameters import distribute

from ..errors import Span, SpecError, Unsupported, clipped
from ..spec.keys import Text
from ..spec.model import SymbolSpec
from . import ir
from .calls import CallLowering, ambiguous
from .forms import record_terms
from .functions import FUNCTIONS
from .ones import Ones, each_entry, number_beside, sized
from .parser import PRODUCTS, BinOp, Name, Neg, Num, Postfix, grouped, parse_ast, pieces, start, written
from .piecewise import PiecewiseLowering
from .printers import brief, size_text, text
from .shapes import Eye, describe_shape, size_identities
from .spectral import SpectralLowering
from .texmatrix import MatrixLowering

# --- lowering: AST → SymPy, with shapes checked ------------------------------


# Named constants; a declared symbol or dimension of the same name shadows one (mixture weights pi).
CONSTANTS = {"pi": sp.pi, "e": sp.E}


def dimension(value):
    """A dimension as SymPy has it: a number, a named dimension, or an expression of them (the sum of
    blocks' dimensions)."""
    if isinstance(value, sp.Basic):
        return value
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


class _Lowering(CallLowering, SpectralLowering, PiecewiseLowering, MatrixLowering):
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
            return self.differential(self.symbols[node.name[1:]], lambda: node.name, node.pos)
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
        if self.source.latex and ir.is_vector(left) != ir.is_vector(right) and number_beside(left, right):
            left, right = each_entry(left, right)  # 1 - σ(z) of a vector z: 1 - σ(z_i) for each i
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
        if self.source.latex and ir.is_vector(right):  # y/s, 1/s of vectors: entry by entry, as NumPy's
            return self.entrywise_quotient(left, right, pos)
        if isinstance(right, Eye) or ir.is_matrix(right) and not ir.is_one_by_one(right):
            raise self.error("cannot divide by a matrix; multiply by its inverse instead", pos)
        if right == 0:
            raise self.error("division by zero", pos)
        left, right = ir.scalar(left) if ir.is_matrix(right) else left, ir.scalar(right)
        if isinstance(left, Eye):
            return Eye(left.coeff / right)
        return ir.mul(left, sp.Pow(right, -1))

    def entrywise_quotient(self, left, right, pos):
        """``y/s`` of two vectors of one shape, ``c/s`` of a number: the quotients of the entries (a
        vector has no inverse, so a text dividing by one means this)."""
        if isinstance(left, Ones):
            left, right = self.ones(left, right, ".*", pos)
        reciprocal = ir.entrywise_power(right, -1)
        if not ir.is_matrix(left) or ir.is_one_by_one(left):
            return ir.mul(ir.scalar(left), reciprocal)
        if left.shape != right.shape:
            shapes = f"{describe_shape(left)} by {describe_shape(right)}"
            raise self.error(f"cannot divide {shapes} entry by entry: the shapes differ", pos)
        return ir.hadamard(left, reciprocal)

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
