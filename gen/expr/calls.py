"""The lowering of calls ``f(x, ...)``: the function looked up in the table of named functions,
its arity and arguments checked, then one ``call_<lowering>`` method per row's ``lowering``."""

from __future__ import annotations

import difflib
from dataclasses import replace

import sympy as sp

from ..errors import clipped
from . import ir
from .functions import ALIASES, FUNCTIONS
from .ones import Ones
from .parser import BinOp, Call, Name, Num, start, written
from .printers import size_text, text
from .shapes import Eye, describe_shape
from .tex import latex_reading


class CallLowering:
    """Mixed into the lowering (``gen.expr.lower``): ``lower_Call`` and the ``call_`` methods."""

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
        """A size: a dimension of a declared symbol, a positive integer, or a sum or product of them."""
        if isinstance(arg, BinOp) and arg.op in ("*", "+"):
            left, right = self.size(arg.left), self.size(arg.right)
            return left * right if arg.op == "*" else left + right
        dims = self.dimensions()
        if isinstance(arg, Name) and arg.name in dims:
            return dims[arg.name]
        if isinstance(arg, Num) and arg.text.isdigit() and int(arg.text) > 0:
            return sp.Integer(int(arg.text))
        message = (
            "a size is a dimension of a declared symbol, a positive integer, or a sum or product of them"
        )
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
        return self.differential(x, lambda: f"d({text(x)})", node.pos)

    def differential(self, x, written, pos: int):
        """``d(x)``, refused when ``x`` is constant: 0, and surely not what the author meant
        (``written()`` says how the message shows it: printed only then, a block matrix never)."""
        if self.variables and not ir.depends_on(x, self.variables):
            names = " or ".join(str(v) for v in self.variables)
            message = f"{written()} is 0: the differential of a constant (it does not depend on {names})"
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
        if not ir.is_matrix(a) and not ir.is_matrix(b):  # of two numbers: their product
            return ir.mul(a, b)
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


def ambiguous(function, argument: str) -> str:
    """Why ``exp(X)`` of a square matrix is refused: a reader takes it for the matrix function."""
    name, matrix = function.name, function.matrix_function
    written, entrywise = f"{name}({argument})", f"{name}.({argument}) entry by entry"
    if matrix in FUNCTIONS:
        choice = f"{matrix}({argument}) for the matrix function or {entrywise}"
    else:
        choice = f"{entrywise} (the matrix function {name} is not supported)"
    return f"{written} of a square matrix is ambiguous: write {choice}"
