"""The numbers of a side in index notation (`gen.texcheck.indices`): NumPy arrays with one axis per
index the value depends on, then the two axes of its matrix shape (1×1 for a number)."""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass, replace

import numpy as np

from ..expr.functions import FUNCTIONS, POSITIVE
from ..expr.parser import BinOp, Call, Name, Neg, Num, Postfix
from ..expr.texindex import Entry, IndexSum
from ..verify.domains import ENTRIES, draw_value, entries_of
from ..verify.evaluate import STEP as DIFFERENCE
from .conventions import COOKBOOK
from .indexfamilies import Member, counts
from .indexfunctions import PIECES, SOFTMAX, softmax_of
from .indexnodes import MAX_ENTRIES, ONE, STEP, Delta, Derivative, NotUnderstood, Uncheckable, unread
from .indexnodes import nodes as index_nodes
from .indexshapes import Key, Shapes
from .inverses import shown
from .second import STENCIL


@dataclass(frozen=True)
class Value:
    """``data[k1, …, kn, row, column]``: ``keys`` name the leading axes."""

    data: np.ndarray
    keys: tuple

    @property
    def matrix(self) -> tuple[int, int]:
        return self.data.shape[-2:]


def lifted(v: Value, keys: tuple) -> np.ndarray:
    """``v``'s data with an axis for each of ``keys`` (length 1 where ``v`` does not depend on it)."""
    own = v.keys
    extra = tuple(k for k in keys if k not in own)
    data = v.data.reshape(v.data.shape[: len(own)] + (1,) * len(extra) + v.matrix)
    order = own + extra
    axes = [order.index(k) for k in keys] + [len(order), len(order) + 1]
    return np.transpose(data, axes)


def joined(a: Value, b: Value):
    keys = a.keys + tuple(k for k in b.keys if k not in a.keys)
    return lifted(a, keys), lifted(b, keys), keys


SHAPED = {"orthogonal", "diagonal", "positive_det", "positive_eigenvalues"}  # of a square matrix's spectrum


def draw(shapes: Shapes, sizes: dict, rng, positive: bool) -> dict:
    """A random value for every symbol, its declared symmetry kept."""
    values = {}
    for name, (rows, columns) in shapes.symbols.items():
        r, c = sizes[shapes.dims.find(rows)], sizes[shapes.dims.find(columns)]
        members = (sizes[shapes.dims.find(shapes.families[name])],) if name in shapes.families else ()
        x = rng.uniform(0.5, 1.5, members + (r, c)) if positive else rng.standard_normal(members + (r, c))
        declared = shapes.scope.lookup(name)
        assume = " ".join(declared.assume) if declared is not None else ""
        xt = np.swapaxes(x, -1, -2)
        if r == c and ("spd" in assume or "definite" in assume):
            x = x @ xt + r * np.eye(r)
        elif r == c and "symmetric" in assume:
            x = (x + xt) / 2
        elif r == c and SHAPED & set(assume.split()):  # Ω: orthogonal, D: diagonal, as the engine draws them
            draws = [draw_value(rng, (r, c), tuple(assume.split())) for _ in range(max(members, default=1))]
            x = np.stack(draws) if members else draws[0]
        elif entries := entries_of(assume.split()):  # y: onehot, p: probability, as the engine draws them
            number = declared.shape == () and entries == "probability"  # θ: scalar probability, in (0, 1)
            draws = [
                np.full((1, 1), draw_value(rng, (), declared.assume))
                if number
                else ENTRIES[entries](rng, r, c)
                for _ in range(max(members, default=1))
            ]
            x = np.stack(draws) if members else draws[0]
        elif "positive" in assume.split():
            x = np.abs(x) + 0.1
        values[name] = x
    for name in sorted(shapes.varying | set(shapes.directions.values())):  # dX: X's shape and symmetry
        declared = shapes.scope.lookup(name)
        assume = set(" ".join(declared.assume if declared is not None else ()).split())
        direction = rng.standard_normal(values[name].shape)
        if assume & {"symmetric", "spd", "definite"}:
            direction = direction + np.swapaxes(direction, -1, -2)
        values["d" + name] = direction * np.eye(direction.shape[-1]) if "diagonal" in assume else direction
    for name, var in counts(shapes).items():  # \frac{1}{N} \sum_{i=1}^{N}: N is the count
        values[name] = np.full((1, 1), float(sizes[shapes.dims.find(var)]))
    for name in shapes.dimensions_counted():  # \frac{1}{N} beside h: N × H: N is h's row count
        values[name] = np.full((1, 1), float(sizes[shapes.dims.find(f"dim {name}")]))
    return values


class Evaluator:
    """Evaluates the nodes `Shapes` has typed, at one size assignment and one point."""

    def __init__(self, shapes: Shapes, sizes: dict, values: dict, added: str | None = None):
        self.shapes, self.sizes, self.values = shapes, sizes, values
        self.added = added  # a number added to a matrix: None (refused), "entries" or "identity"

    def size(self, var) -> int:
        return self.sizes[self.shapes.dims.find(var)]

    def key(self, index: str, env: dict):
        return env.get(index, self.shapes.key(index, env))

    def of(self, node, env: dict) -> Value:  # noqa: C901 — one case per node type
        if isinstance(node, Num):
            return Value(np.full((1, 1), float(node.text)), ())
        if isinstance(node, Name):
            return self.name(node)
        if isinstance(node, Neg):
            v = self.of(node.operand, env)
            return Value(-v.data, v.keys)
        if isinstance(node, BinOp):
            return self.binop(node, env)
        if isinstance(node, Postfix):
            return self.postfix(node, env)
        if isinstance(node, Call):
            return self.call(node, env)
        if isinstance(node, Entry):
            return self.entry(node, env)
        if isinstance(node, Delta):
            return self.delta(node, env)
        if isinstance(node, IndexSum):
            return self.index_sum(node, env)
        if isinstance(node, Derivative):
            return self.derivative(node, env)
        if isinstance(node, Member):  # x_i of a family: one vector per value of i
            return Value(self.values[node.name], (self.key(node.index, env),))
        raise unread(node)

    def name(self, node: Name) -> Value:
        if self.shapes.constant(node):
            return Value(np.full((1, 1), {"e": np.e, "pi": np.pi}[node.name]), ())
        if id(node) in self.shapes.identities:
            return Value(np.eye(self.size(self.shapes.identities[id(node)])), ())
        return Value(self.values[node.name], ())

    def binop(self, node: BinOp, env: dict) -> Value:
        a, b = self.of(node.left, env), self.of(node.right, env)
        x, y, keys = joined(a, b)
        if node.op in ("+", "-", ".*"):
            square = all(m[0] == m[1] for m in (a.matrix, b.matrix))  # c + X times I: only of a square X
            if a.matrix != b.matrix and node.op != ".*" and self.added == "identity" and square:
                x, y = (v * np.eye(max(a.matrix + b.matrix)) if v.shape[-2:] == (1, 1) else v for v in (x, y))
            elif a.matrix != b.matrix and self.added is None:
                number_added(a.matrix, b.matrix)
            return Value({"+": x + y, "-": x - y, ".*": x * y}[node.op], keys)
        if node.op == "/":
            return Value(x / y, keys)
        if a.matrix == (1, 1) or b.matrix == (1, 1):
            return Value(x * y, keys)
        return Value(np.matmul(x, y), keys)

    def postfix(self, node: Postfix, env: dict) -> Value:
        base = self.of(node.operand, env)
        if node.op == "T":
            return Value(np.swapaxes(base.data, -1, -2), base.keys)
        if node.op in ("-1", "-T"):
            inverse = inverted(base.data)
            return Value(np.swapaxes(inverse, -1, -2) if node.op == "-T" else inverse, base.keys)
        exponent = self.of(node.exponent, env)
        x, y, keys = joined(base, exponent)
        if self.shapes.euler(node.operand):
            if min(exponent.matrix) > 1:
                raise Uncheckable("e^{A} of a matrix in index notation: the matrix exponential? write it out")
            return Value(np.exp(y), keys)
        if base.matrix == (1, 1) or node.op == ".^":
            integral = np.all(np.isreal(y)) and np.all(np.real(y) == np.round(np.real(y)))
            return Value(x**y if integral else in_domain(x, x**y), keys)
        if exponent.keys or not float(exponent.data.real.flat[0]).is_integer():
            raise Uncheckable("a matrix to a power that is not an integer")
        power = int(exponent.data.real.flat[0])
        data = inverted(base.data) if power < 0 else base.data
        return Value(np.linalg.matrix_power(data, abs(power)), base.keys)

    def call(self, node: Call, env: dict) -> Value:
        if id(node) in self.shapes.identities:  # \mathbf{1}
            return Value(np.ones((self.size(self.shapes.identities[id(node)]), 1)), ())
        if node.name == "d":
            return self.differential(node.args[0], env)
        v = self.of(node.args[0], env)
        node = replace(node, name=self.shapes.readings.get(id(node), node.name))  # |X|: det(X)
        if node.name == "tr":
            return Value(np.trace(v.data, axis1=-2, axis2=-1)[..., None, None], v.keys)
        if node.name == "norm":  # squares, not |·|²: the complex step goes through
            return Value(np.sqrt((v.data**2).sum(axis=(-2, -1)))[..., None, None], v.keys)
        if node.name in ("det", "logdet"):
            det = np.linalg.det(v.data)
            return Value((np.log(det) if node.name == "logdet" else det)[..., None, None], v.keys)
        if node.name == SOFTMAX:
            return Value(softmax_of(v.data), v.keys)
        if node.name == "hadamard":
            x, y, keys = joined(v, self.of(node.args[1], env))
            return Value(x * y, keys)
        if pieces := PIECES.get(node.name):  # max(Z, 0), |x|: on the piece the point is on
            if len(node.args) == 1:
                return Value(pieces(v.data), v.keys)
            x, c, keys = joined(v, self.of(node.args[1], env))
            return Value(pieces(x, c), keys)
        function = FUNCTIONS[node.name]
        if (
            function.matrix_function
            and v.matrix != (1, 1)
            and v.matrix[0] == v.matrix[1]
            and not node.entrywise
        ):
            raise Uncheckable(f"{node.name} of a square matrix (the matrix function?) in index notation")
        if np.iscomplexobj(v.data) and not function.analytic:
            raise Uncheckable(f"the derivative of {node.name}, not smooth, cannot be checked")
        value = function.numpy_function(np)(v.data)
        return Value(in_domain(v.data, value) if function.domain == POSITIVE else value, v.keys)

    def entry(self, node: Entry, env: dict) -> Value:
        v = self.of(node.operand, env)
        data, keys = v.data, v.keys
        rows, columns = v.matrix
        if len(node.indices) == 1:
            data = data[..., :, 0] if columns == 1 else data[..., 0, :]
            axes = [data.ndim - 1]
        else:
            axes = [data.ndim - 2, data.ndim - 1]
        named = []
        for index, axis in reversed(list(zip(node.indices, axes))):
            if index.isdigit():
                if not 1 <= int(index) <= data.shape[axis]:
                    raise NotUnderstood(f"the entry {index} is outside the range 1..{data.shape[axis]}")
                data = np.take(data, int(index) - 1, axis=axis)
            else:
                named.insert(0, self.key(index, env))
        if len(named) == 2 and named[0] == named[1]:  # A_{ii}: the diagonal
            data, named = np.diagonal(data, axis1=-2, axis2=-1), named[:1]
        data, named = along_own_indices(data, keys, named)
        return Value(data[..., None, None], keys + tuple(named))

    def delta(self, node: Delta, env: dict) -> Value:
        a, b = (self.key(i, env) for i in node.indices)
        n = self.size(self.shapes.keys[a])
        if a == b:
            return Value(np.ones((n, 1, 1)), (a,))
        return Value(np.eye(n)[..., None, None], (a, b))

    def index_sum(self, node: IndexSum, env: dict) -> Value:
        inner = dict(env)
        for index in node.indices:
            inner[index] = self.shapes.bound[(id(node), index)]
        v = self.of(node.body, inner)
        data, keys = v.data, v.keys
        for index in node.indices:
            key = inner[index]
            n = self.size(self.shapes.keys[key])
            if node.kind in STACKS:
                return stacked(data, keys, key, n, STACKS[node.kind])
            if key not in keys:  # a term that does not depend on the index: n times
                data = data * n if node.kind == "sum" else data**n
                continue
            axis = keys.index(key)
            data = data.sum(axis=axis) if node.kind == "sum" else data.prod(axis=axis)
            keys = keys[:axis] + keys[axis + 1 :]
        return Value(data, keys)

    def differential(self, node, env: dict) -> Value:
        """d(f): f's derivative in the direction dX of each X that varies (`Shapes.moved`), by the
        complex step; dX is the value drawn for the name written dX."""
        if any(np.iscomplexobj(self.values[n]) for n in self.shapes.varying):
            raise Uncheckable("a second differential in index notation cannot be checked")
        moved = {n: self.values[n] + 1j * STEP * self.values["d" + n] for n in self.shapes.varying}
        f = Evaluator(self.shapes, self.sizes, {**self.values, **moved}, self.added).of(node, env)
        return Value(f.data.imag / STEP, f.keys)

    def derivative(self, node: Derivative, env: dict) -> Value:
        """∂f/∂X by the complex step, one entry of X at a time (f a number for each free index)."""
        x = self.values[node.variable] if node.at is None else self.of(node.at, env).data
        declared = self.shapes.scope.lookup(node.variable)
        structure = {"symmetric", "spd", "diagonal"} & set(
            " ".join(declared.assume if declared else ()).split()
        )
        if x.ndim != 2:  # a family's symbol stacked (x_i of a sum): which one varies?
            family = f"{shown(node.variable)}, a family of symbols"
            raise Uncheckable(f"a derivative by {family}, in index notation: which one varies?")
        if structure and node.convention is None:
            what = f"a derivative by an entry of {shown(node.variable)}, which is structured"
            raise Uncheckable(f"{what}: which entries vary?")
        if np.iscomplexobj(x):
            raise Uncheckable("a third derivative in index notation cannot be checked")
        out, keys = None, ()
        for a, b in np.ndindex(*x.shape):
            f = self.by_entry(node, env, a, b, x)
            if out is None:
                out, keys = np.zeros(f.data.shape[:-2] + x.shape), f.keys
            out[..., a, b] = f.data[..., 0, 0]
        if structure:
            out = within(out, "diagonal" in structure, node.convention)
        if node.transposed:
            out = np.swapaxes(out, -1, -2)
        return Value(out, keys)

    def by_entry(self, node: Derivative, env: dict, a: int, b: int, x: np.ndarray) -> Value:
        """∂f/∂x_ab: by the complex step; of an f that is itself a derivative (∂²f/∂x_j∂x_k, whose inner
        derivative takes the complex step), by the 6-point central difference (error O(h⁶))."""

        def f_at(step) -> Value:
            moved = x.astype(type(step))
            moved[a, b] += step
            values = {**self.values, node.variable: moved}
            return Evaluator(self.shapes, self.sizes, values, self.added).of(node.f, env)

        if not any(isinstance(n, Derivative) for n in index_nodes(node.f)):
            f = f_at(1j * STEP)
            return Value(f.data.imag / STEP, f.keys)
        points = [(weight, f_at(float(k * DIFFERENCE))) for k, weight in STENCIL]
        return Value(sum(w * v.data for w, v in points) / (60 * DIFFERENCE), points[0][1].keys)


STACKS = {"rows": -2, "columns": -1}  # the axis of the matrix an elided literal's index runs along


def within(gradient, diagonal: bool, convention: str):
    """The gradient by a symmetric (diagonal) X from the one by each entry alone: only the
    symmetric (diagonal) part bears on df for the directions X can move in, sym(G) (Diag(G)); under
    the Cookbook's convention 2 sym(G) - Diag(G), as `gen.texcheck.conventions` identifies it."""
    diagonal_part = np.eye(gradient.shape[-1]) * gradient
    if diagonal:
        return diagonal_part
    symmetric = (gradient + np.swapaxes(gradient, -1, -2)) / 2
    return 2 * symmetric - diagonal_part if convention == COOKBOOK else symmetric


def stacked(data: np.ndarray, keys: tuple, key, n: int, along: int) -> Value:
    """The matrix whose rows (columns) are ``data``'s values along ``key``: its axis moved into the
    matrix, in the place of the cells' 1 (a body that does not depend on the index: n copies)."""
    if key not in keys:
        return Value(np.repeat(data, n, axis=along), keys)
    data = np.moveaxis(np.take(data, 0, axis=along), keys.index(key), along)
    return Value(data, keys[: keys.index(key)] + keys[keys.index(key) + 1 :])


SINGULAR = 1e-10  # smallest singular value under this times the largest: rank-deficient, however rounded


def inverted(data: np.ndarray) -> np.ndarray:
    """The inverse of each matrix of ``data``; LinAlgError (undefined here) where one is singular. Judged
    by the singular values, not by whether rounding left a pivot exactly 0: that depends on the machine's
    BLAS, and a rank-deficient XᵀX would be undefined on one machine and a wall of rounding on another."""
    singular = np.linalg.svd(data, compute_uv=False)
    if np.any(singular[..., -1] <= SINGULAR * singular[..., 0]):
        raise np.linalg.LinAlgError("a singular matrix")
    return np.linalg.inv(data)


def in_domain(x: np.ndarray, value: np.ndarray) -> np.ndarray:
    """``value`` of a function defined for a positive ``x`` (log, sqrt, a fractional power), NaN
    where ``x`` is not: real NumPy says so itself, but at the complex step's ``x + ih`` the principal
    branch would give a finite value whose derivative is wrong (log(-2 + ih) has imaginary part π)."""
    undefined = complex(np.nan, np.nan) if np.iscomplexobj(value) else np.nan  # the step's part NaN too
    return np.where(np.real(x) > 0, value, undefined)


def number_added(a: tuple[int, int], b: tuple[int, int]) -> None:
    """Terms of different shapes: a number added to each entry of a vector (``x + c``,
    `Shapes.number_added`) is read; to a matrix it is refused (each entry, or times I?)."""
    if (1, 1) not in (a, b):
        raise NotUnderstood(f"terms of shapes {a} and {b} added")
    if 1 not in (b if a == (1, 1) else a):
        raise Uncheckable(NUMBER_ADDED)


NUMBER_ADDED = "a number added to a matrix: to each entry, or times I? write it out"


def along_own_indices(data: np.ndarray, keys: tuple, named: list):
    """``\\partial s(x)_i / \\partial x_i``: an entry by an index its value already depends on is,
    for each value of the index, that value's entry there (the diagonal of the two axes)."""
    for index in [k for k in named if k in keys]:
        axis = len(keys) + named.index(index)
        data = np.moveaxis(np.diagonal(data, axis1=keys.index(index), axis2=axis), -1, keys.index(index))
        named = [k for k in named if k != index]
    return data, named


def work(shapes: Shapes, sizes: dict, sides: list) -> int:
    """An upper bound of the numbers a side needs: at each node, the largest matrix times the ranges
    of the indices its value depends on (a sum's body before its index is summed out); a derivative
    needs its variable's entries times what its f needs (one evaluation of f each)."""

    def size(key) -> int:
        return sizes[shapes.dims.find(shapes.keys[key])]

    largest = max(
        [1, *(sizes[shapes.dims.find(r)] * sizes[shapes.dims.find(c)] for r, c in shapes.symbols.values())]
    )

    def array(keys) -> int:
        total = largest
        for key in keys:
            total *= size(key)
        return total

    def walk(node, env: dict) -> tuple[frozenset, int]:
        """(the indices ``node``'s value depends on, the numbers evaluating it needs)."""
        if isinstance(node, IndexSum):
            inner = {**env, **{i: shapes.bound[(id(node), i)] for i in node.indices}}
            keys, cost = walk(node.body, inner)
            return keys - {inner[i] for i in node.indices}, max(cost, array(keys))
        if isinstance(node, Derivative):
            keys, cost = walk(node.f, env)
            rows, columns = shapes.symbols[node.variable]
            entries = sizes[shapes.dims.find(rows)] * sizes[shapes.dims.find(columns)]
            return keys, entries * cost
        keys = frozenset()
        if isinstance(node, (Entry, Delta)):
            keys = frozenset(env.get(i, Key(i)) for i in node.indices if i.isalpha())
        if isinstance(node, Member):  # x_i of a family: one vector per value of i
            keys = frozenset({env.get(node.index, Key(node.index))})
        cost = 0
        if is_dataclass(node):
            for f in fields(node):
                value = getattr(node, f.name)
                for child in value if isinstance(value, tuple) else (value,):
                    if is_dataclass(child):
                        more, child_cost = walk(child, env)
                        keys, cost = keys | more, max(cost, child_cost)
        return keys, max(cost, array(keys))

    return max([0, *(walk(side, {})[1] for side in sides)])


__all__ = ["Evaluator", "MAX_ENTRIES", "ONE", "Value", "draw", "joined", "lifted", "work"]
