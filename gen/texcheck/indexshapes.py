"""Shapes and index ranges of a link in index notation, unified over both sides: an index takes
the dimension it indexes, two different ones are an error (`gen.texcheck.indices`)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, fields, is_dataclass

from ..expr.functions import FUNCTIONS
from ..expr.parser import BinOp, Call, Name, Neg, Num, Postfix
from ..expr.texgradient import GRADIENT as GRADIENT_VALUE
from ..expr.texindex import Entry, IndexSum
from ..expr.texnames import as_written, optimum_kind, optimum_unvalued
from .indexfamilies import Member, bound_range
from .indexfamilies import sized as declared_with_shape
from .indexfunctions import PIECES, SOFTMAX, softmax_shape
from .indexnodes import (
    ONE,
    Delta,
    Derivative,
    NotUnderstood,
    ShapeError,
    Uncheckable,
    in_order,
    nodes,
    unindexed,
    unread,
)
from .shapes import GREEK
from .symbols import one_apart
from .unsized import is_ones
from .values import ORDERS


class Dims:
    """Union-find over dimensions: a symbol's rows and columns, an index's range."""

    def __init__(self):
        self.parent: dict = {ONE: ONE}
        self.fresh = itertools.count()
        self.of_index: set = set()  # the variables made for an index (not a dimension of anything)

    def new(self, index: bool = False):
        var = f"#{next(self.fresh)}"
        self.parent[var] = var
        if index:
            self.of_index.add(var)
        return var

    def find(self, var):
        self.parent.setdefault(var, var)
        while self.parent[var] != var:
            self.parent[var] = self.parent[self.parent[var]]
            var = self.parent[var]
        return var

    def union(self, a, b, what: str) -> None:
        a, b = self.find(a), self.find(b)
        if a == b:
            return
        fixed = [v for v in (a, b) if not v.startswith("#")]  # 1 and the declared dimensions
        if len(fixed) == 2:
            raise ShapeError(f"{what}: the dimensions {a} and {b} would have to agree")
        if b in fixed:
            self.parent[a] = b
        else:
            self.parent[b] = a

    def one(self, var) -> bool:
        return self.find(var) == ONE

    def members(self, var) -> list:
        root = self.find(var)
        return [v for v in list(self.parent) if self.find(v) == root]


@dataclass(frozen=True)
class Key:
    """One index: free (shared by both sides) or bound by one sum."""

    name: str
    bound: int = 0  # 0: free


def indexed_by(tree, index: str) -> bool:
    """Whether an entry, a δ or a family's member in ``tree`` is written with ``index``."""
    return any(
        index in getattr(n, "indices", ()) or getattr(n, "index", None) == index
        for n in nodes(tree)
        if isinstance(n, (Entry, Delta, Member))
    )


class Shapes:
    """The shapes of a link's symbols and the ranges of its indices, unified over both sides."""

    def __init__(self, scope):
        self.scope, self.dims = scope, Dims()
        self.symbols: dict = {}  # name → (rows, columns)
        self.identities: dict = {}  # id(the Name I, or of \mathbf{1}) → its dimension
        self.order: tuple[str, ...] = ()  # how a matrix side's entries take free indices (`in_order`)
        self.keys: dict = {}  # Key → dimension variable
        self.bindings = itertools.count(1)
        self.bound: dict = {}  # id(IndexSum node), index name → Key
        self.uppers: dict = {}  # Key of a sum's index → its upper bound as written (\sum_{i=1}^{N}: N)
        self.families: dict = {}  # x_i read as a family (`Member`) → the range of its index
        self.directions: dict = {}  # dX written beside X → X: the direction X moves in
        self.varying: frozenset = frozenset()  # what d(…) moves (`moved`)
        self.readings: dict = {}  # id(a Call |X|) → det or norm, as `gen.expr.tex.latex_reading` reads it

    def symbol(self, name: str):
        if name not in self.symbols:
            declared = self.scope.lookup(name)
            shape = declared.shape if declared is not None else None
            if shape is not None:
                dims = [f"{d}" for d in shape] + [ONE] * (2 - len(shape))
                self.symbols[name] = tuple(ONE if d == "1" else f"dim {d}" for d in dims[:2])
                for dim in self.symbols[name]:  # sized, whatever else the link says of it (‖x_j‖ alone)
                    self.dims.find(dim)
            elif name.rstrip("0123456789_") in GREEK:
                self.symbols[name] = (ONE, ONE)
            else:
                self.symbols[name] = (self.dims.new(), self.dims.new())
        return self.symbols[name]

    def key(self, index: str, env: dict) -> Key:
        key = env.get(index, Key(index))
        if getattr(self, "free", None):
            self.used[-1].add(key)
            if key.bound == 0:
                self.free[-1].add(key)
        if key not in self.keys:
            self.keys[key] = self.dims.new(index=True)
        return key

    def scalar(self, shape, what: str):
        self.dims.union(shape[0], ONE, what)
        self.dims.union(shape[1], ONE, what)

    def declared_size(self, shape) -> bool:
        """Whether ``shape`` is known here, and not 1×1: each dimension 1 or a declared size, one a size."""
        sized = [self.dims.find(d).startswith("dim ") for d in shape]
        return any(sized) and all(s or self.dims.one(d) for s, d in zip(sized, shape))

    def is_scalar(self, shape) -> bool:
        return self.dims.one(shape[0]) and self.dims.one(shape[1])

    def of(self, node, env: dict):  # noqa: C901 — one case per node type
        d = self.dims
        if isinstance(node, Num):
            return (ONE, ONE)
        if isinstance(node, Name):
            if self.constant(node):
                return (ONE, ONE)
            if node.name == "I" and self.scope.lookup("I") is None:  # the identity, of the size it needs
                self.identities[id(node)] = n = d.new()
                return (n, n)
            if node.name.startswith("d") and node.name[1:] in self.symbols_written:  # dX beside X: its shape
                self.directions[node.name] = node.name[1:]
                return self.symbol(node.name[1:])
            return self.symbol(node.name)
        if isinstance(node, Neg):
            return self.of(node.operand, env)
        if isinstance(node, BinOp):
            return self.binop(node, env)
        if isinstance(node, Postfix):
            return self.postfix(node, env)
        if isinstance(node, Call):
            return self.call(node, env)
        if isinstance(node, Entry):
            return self.entry(node, env)
        if isinstance(node, Delta):
            a, b = (self.key(i, env) for i in node.indices)
            d.union(self.keys[a], self.keys[b], "δ_{ij} makes i and j range together")
            return (ONE, ONE)
        if isinstance(node, IndexSum):
            if not node.indices:  # a sum written without its index that `with_indices` did not reach
                raise unindexed(node.kind)
            inner = dict(env)
            binding = next(self.bindings)
            for index in node.indices:
                inner[index] = self.bound[(id(node), index)] = Key(index, binding)
                self.key(index, inner)
                if node.upper is not None:
                    self.uppers[inner[index]] = node.upper
            shape = self.of(node.body, inner)
            if node.kind == "prod":
                self.scalar(shape, "a product over an index multiplies numbers")
            index = self.keys[inner[node.indices[0]]]
            if node.kind in ("rows", "columns") and node.upper and not indexed_by(node.body, node.indices[0]):
                raise Uncheckable(
                    f"the elided matrix's cells name a symbol each ({node.indices[0]} = 1 … {node.upper}), "
                    "not entries of one: declare the family (% derivtex: x_i: d) or the vector they are of"
                )
            if node.kind == "rows":  # [x_1^T; …; x_N^T]: one row each
                d.union(shape[0], ONE, "the cells of a column of rows are rows")
                return (index, shape[1])
            if node.kind == "columns":
                d.union(shape[1], ONE, "the cells of a row of columns are columns")
                return (shape[0], index)
            return shape
        if isinstance(node, Member):
            family = self.families.setdefault(node.name, d.new(index=True))
            d.union(self.keys[self.key(node.index, env)], family, f"the index of {node.name}")
            return self.symbol(node.name)
        if isinstance(node, Derivative):
            self.scalar(self.refuse_sized(self.of(node.f, env)), "∂f/∂X: f must be a number")
            for a, b in zip(self.of(node.at, env) if node.at is not None else (), self.symbol(node.variable)):
                self.dims.union(a, b, "a defined variable and its body must have the same shape")
            return self.symbol(node.variable)[:: -1 if node.transposed else 1]
        raise unread(node)

    def refuse_sized(self, shape):
        """∂F/∂X_{kl} of a declared matrix or vector F is a matrix (the Matrix Cookbook's J^{kl}),
        not a shape error: its entries are what index notation checks."""
        if any(not self.dims.one(d) and not self.dims.find(d).startswith("#") for d in shape):
            raise Uncheckable(
                "∂F/∂X of a matrix or vector F cannot be checked: write its entries (∂F_{ij}/∂X_{kl})"
            )
        return shape

    def binop(self, node: BinOp, env: dict):
        left, right = self.of(node.left, env), self.of(node.right, env)
        if node.op in ("+", "-") and (vector := self.number_added(node, left, right)) is not None:
            return vector
        if node.op in ("+", "-", ".*"):
            for a, b in zip(left, right):
                self.dims.union(a, b, "the terms of a sum must have the same shape")
            return left
        if node.op == "/":
            self.scalar(right, "a division by a matrix")
            return left
        if node.op == "*":
            if self.is_scalar(left):
                return right
            if self.is_scalar(right):
                return left
            self.dims.union(left[1], right[0], "a matrix product")
            return (left[0], right[1])
        raise NotUnderstood(f"the operator {node.op} is not understood in index notation")

    def number_added(self, node: BinOp, left, right):
        """``x + c``, c a number, a symbol that is one, or (x a vector) a sum over all its indices
        (``x - \\mu`` with ``\\mu := \\frac{1}{N}\\sum_i x_i``), and x of a declared size
        (``s(\\mathbf x + c)_i``): c is added to each entry (the value checks x is a vector,
        `gen.texcheck.indexvalues`); None otherwise (``w_t - \\eta g``: w_t an entry, not c)."""
        for term, number, other in ((node.left, left, right), (node.right, right, left)):
            if (
                (isinstance(term, (Num, Name)) or closed(term) and any(map(self.dims.one, other)))
                and self.is_scalar(number)
                and any(self.dims.find(d).startswith("dim ") for d in other)
            ):
                return other
        return None

    def postfix(self, node: Postfix, env: dict):
        base = self.of(node.operand, env)
        if node.op == "T":
            return base[::-1]
        if node.op in ("-1", "-T"):
            self.dims.union(base[0], base[1], "an inverse needs a square matrix")
            return base
        exponent = self.of(node.exponent, env)
        if self.euler(node.operand):  # e^{\\mathbf x}: each entry's exponential, as a matrix side reads it
            self.scalar(base, "e^{…}")
            return exponent
        self.scalar(exponent, "an exponent is a number")
        if node.op == "^" and not self.is_scalar(base):
            self.dims.union(base[0], base[1], "a power needs a square matrix")
        return base

    def euler(self, node) -> bool:
        return isinstance(node, Name) and node.name == "e" and self.constant(node)

    def constant(self, node: Name) -> bool:
        """e and π, unless the text declares a symbol of that name."""
        return node.name in ("e", "pi") and self.scope.lookup(node.name) is None

    def call(self, node: Call, env: dict):
        if node.name == GRADIENT_VALUE:
            raise Uncheckable("a gradient inside index notation cannot be checked: write it out")
        if kind := optimum_kind(node.name):
            raise Uncheckable(optimum_unvalued(kind))
        if node.name not in FUNCTIONS and node.name != "d" and not is_ones(node):
            name = as_written(node.name)
            raise Uncheckable(
                f"{name}(...) is not defined: declare it, e.g. % derivtex: {name}(X) := <LaTeX>"
            )
        shapes = [self.of(a, env) for a in node.args]
        if node.name == "d" and len(shapes) == 1:  # a differential: of the shape of what it is of
            return shapes[0]
        if node.name == "abs" and len(shapes) == 1 and not node.entrywise and self.declared_size(shapes[0]):
            rows, columns = shapes[0]  # |X| of a matrix its determinant, |x| of a vector its length
            self.readings[id(node)] = "norm" if self.dims.one(columns) or self.dims.one(rows) else "det"
            if self.readings[id(node)] == "det":
                self.dims.union(rows, columns, "a determinant |X| needs a square matrix")
            return (ONE, ONE)
        if node.name == "norm" and len(shapes) == 1:  # the Frobenius norm, of any matrix
            return (ONE, ONE)
        if node.name in ("tr", "det", "logdet") and len(shapes) == 1:
            self.dims.union(shapes[0][0], shapes[0][1], f"{node.name} needs a square matrix")
            return (ONE, ONE)
        if is_ones(node):  # \mathbf{1}, 1_N: a column of ones, of the size it needs (as I)
            self.identities[id(node)] = n = self.dims.new()
            return (n, ONE)
        if node.name == SOFTMAX:
            return softmax_shape(node, shapes)
        if node.name == "hadamard" and len(shapes) == 2:  # σ'(z) = hadamard(σ(z), σ(-z))
            for a, b in zip(*shapes):
                self.dims.union(a, b, "an entrywise product needs two matrices of one shape")
            return shapes[0]
        if node.name in PIECES and len(shapes) == 2:  # max(Z, 0): each entry against a number
            self.scalar(shapes[1], f"{node.name}(X, c) compares each entry of X with a number c")
            return shapes[0]
        function = FUNCTIONS[node.name]
        if function.entrywise and len(shapes) == 1 and not function.parameters:
            return shapes[0]
        raise Uncheckable(f"{node.name}(...) is not supported in index notation")

    def entry(self, node: Entry, env: dict):
        rows, columns = self.of(node.operand, env)
        indices = node.indices
        if len(indices) == 1:  # a row or a column: decided when the whole link is read
            if not indices[0].isdigit():
                self.pending.append((rows, columns, self.keys[self.key(indices[0], env)]))
            return (ONE, ONE)
        if len(indices) == 2:
            along = [rows, columns]
        else:
            raise NotUnderstood(f"an entry with {len(indices)} indices is not understood")
        for index, dim in zip(indices, along):
            if index.isdigit():
                continue
            self.dims.union(self.keys[self.key(index, env)], dim, f"the index {index}")
        return (ONE, ONE)

    def infer(self, trees: list) -> None:
        self.symbols_written = {n.name for t in trees for n in nodes(t) if isinstance(n, Name)}
        self.pending: list = []
        self.free: list = []  # the free indices of each side
        self.shapes = []
        self.used: list = []  # every index of each side
        uppers = {n.upper for t in trees for n in nodes(t) if isinstance(n, IndexSum) and n.upper}
        for upper in sorted(uppers & self.symbols_written):  # -n\Sigma^{-1} beside \sum_{i=1}^{n}: a number
            self.scalar(self.symbol(upper), f"{upper}, the bound of a sum, is a number")
        for tree in trees:
            self.free.append(set())
            self.used.append(set())
            self.shapes.append(self.of(tree, {}))
        for rows, columns, index in self.pending:
            self.dims.union(index, self.along(rows, columns), "the index of a vector's entry")
        for name, (_, columns) in self.symbols.items():  # Latin lowercase: a column vector, if undeclared
            single = len(self.dims.members(columns)) == 1 and not self.dims.one(columns)
            if name[:1].islower() and single and not declared_with_shape(name, self.scope):
                self.dims.union(columns, ONE, name)
        self.lined_up()
        sizes = self.scope.dimensions()
        for key, var in self.keys.items():
            upper = self.uppers.get(key)
            if all(v in self.dims.of_index for v in self.dims.members(var)) or upper in sizes:
                # a bound the declarations size (\sum_{k=1}^{m} of z_k, z: n) is the index's range too
                self.dims.union(var, bound_range(key.name, upper), "the sum's bound")
        self.refuse_apart()
        self.varying = self.moved(trees)
        if both := sorted(set(self.families) & self.symbols_written):
            raise NotUnderstood(f"{both[0]} is written both inside a sum over its index and alone")
        sized = {v for shape in self.symbols.values() for v in shape} | self.dims.of_index
        for var in self.identities.values():
            if not any(v in sized or not v.startswith("#") for v in self.dims.members(var)):
                raise Uncheckable("cannot tell the size of I or \\mathbf{1} here: use it next to a matrix")
        for key, var in self.keys.items():
            if self.dims.one(var):  # x_k of a vector read as a number: a misreading, never meant
                raise NotUnderstood(f"the index {key.name} would take one value only: declare the shapes")
        for name, shape in self.symbols.items():  # no dimension collapses to 1 unseen
            counted = name in self.uppers.values() or name in self.dimensions_counted()  # a number
            if (
                name[:1].isupper()
                and self.scope.lookup(name) is None
                and any(map(self.dims.one, shape))
                and not counted
            ):
                raise NotUnderstood(f"{name} would be a vector or a number here: declare its shape")

    def moved(self, trees: list) -> frozenset:
        """What a differential d(…) moves: the symbols whose differential is written (dΣ, or d(Σ⁻¹) of Σ
        alone), else those the text's definitions say vary (`scope.through`), else every symbol."""
        applied = [n.args[0] for t in trees for n in nodes(t) if isinstance(n, Call) and n.name == "d"]
        if not applied and not self.directions:
            return frozenset()
        if applied and not self.directions and "d" in self.scope.dimensions():  # 1/d (\sum_i x_i), x: d
            raise Uncheckable("d(…) where d is also the text's size: a differential, or d times (…)?")
        counted = set(self.uppers.values()) | self.dimensions_counted()
        symbols = {n for n in self.symbols if n not in counted}
        alone = [{n.name for n in nodes(a) if isinstance(n, (Name, Member))} & symbols for a in applied]
        written = set(self.directions.values()) | {n for names in alone if len(names) == 1 for n in names}
        return frozenset(written & symbols or set(self.scope.through) & symbols or symbols)

    def lined_up(self) -> None:
        """A matrix side compared with a side of free indices: the indices, in alphabetical order,
        range over the matrix's dimensions (`lined_up` compares entry by entry)."""
        if len(self.shapes) != 2:
            return
        for m, e in ((0, 1), (1, 0)):
            dims = [v for v in self.shapes[m] if not self.dims.one(v)]
            free = in_order(self.free[e], self.order)
            if not self.free[m] and free and self.is_scalar(self.shapes[e]) and len(dims) == len(free):
                for key, dim in zip(free, dims):
                    self.dims.union(self.keys[key], dim, f"the index {key.name} and the matrix side")

    def along(self, rows, columns):
        """The dimension a vector's single index runs along: the one not 1; for a vector whose
        orientation nothing fixed, the one the text constrains, else a column (Latin lowercase)."""
        d = self.dims
        if d.one(columns) or d.one(rows):
            return rows if d.one(columns) else columns
        shared = [len(d.members(v)) > 1 or not d.find(v).startswith("#") for v in (rows, columns)]
        if shared == [False, True]:
            d.union(rows, ONE, "a row vector")
            return columns
        if shared == [True, True]:
            raise NotUnderstood("an entry x_i of a matrix: both its dimensions are used")
        d.union(columns, ONE, "a column vector")
        return rows

    def dimensions_counted(self) -> set:
        """The declared dimensions written as numbers (``\\frac{1}{N}`` beside h: N × H) whose size the
        link fixes (a symbol of that dimension is in it): each is its size."""
        return {n for n in self.symbols if n in self.scope.dimensions() and f"dim {n}" in self.dims.parent}

    def assignments(self):
        """Sizes for every dimension, distinct and ≥ 2, the second assignment the first reversed; then,
        for a link undefined at one of them ((XᵀX)⁻¹ of X: m × n at m < n), the same sizes given to the
        dimensions in other orders."""
        roots = sorted({self.dims.find(v) for v in self.dims.parent} - {ONE}, key=str)
        free = [r for r in roots if r.startswith("#")]
        declared = [r for r in roots if not r.startswith("#")]
        for order in itertools.islice(itertools.permutations(free + declared), ORDERS):
            yield self.sized(order, [2 + k for k in range(len(order))])
            yield self.sized(order, [3 + k for k in reversed(range(len(order)))])

    def sized(self, order: tuple, values: list) -> dict:
        out = {ONE: 1}
        for root, size in zip(order, values):
            out[root] = int(root[4:]) if root[4:].isdigit() else size
        for more, name, step in self.one_apart():  # n+1 beside n: one more, whatever was drawn
            out[self.dims.find(more)] = out[self.dims.find(name)] + step
        return out

    def refuse_apart(self) -> None:
        """Refuse the readings a range written as another's plus or minus a number makes wrong: a sum up
        to n over an index of n + 1 values, a sum from 0 to n where no size is n + 1, sums to N and to
        N + 1 in one link, ranges made one."""
        for key, upper in self.uppers.items():  # \sum_{i=1}^{n} over θ ∈ R^{n+1}: not all of θ
            ranges = {
                m[4:]
                for m in self.dims.members(self.keys[key])
                if isinstance(m, str) and m.startswith("dim ")
            }
            if apart := sorted(r for r in ranges if (a := one_apart(r)) and a[0] == upper):
                raise NotUnderstood(f"a sum up to {upper} over an index that runs to {apart[0]}")
        uppers = set(self.uppers.values())
        sizes = self.scope.dimensions()
        for upper in sorted(uppers - set(sizes)):  # \sum_{j=0}^{n}, read as over n + 1 values
            if (apart := one_apart(upper)) and apart[1] == 1:
                raise NotUnderstood(
                    f"a sum from 0 to {apart[0]} is not over a full range (no size is {upper})"
                )
        for upper in uppers:  # \sum_{n=0}^{N} beside \sum_{n=0}^{N-1}: not one full range each
            if (apart := one_apart(upper)) and apart[0] in uppers:
                raise NotUnderstood(f"sums to {apart[0]} and to {upper} are not each over a full range")
        for more, name, step in self.one_apart():
            if self.dims.find(more) == self.dims.find(name):
                raise NotUnderstood(
                    f"the ranges {more[4:]} and {name[4:]} would be one: they are {abs(step)} apart"
                )

    def one_apart(self) -> list[tuple[str, str, int]]:
        """(``dim n+1``, ``dim n``, 1) for each range written as another's plus or minus a number,
        whose size follows the other's."""
        pairs = ((key, one_apart(key[4:])) for key in self.dims.parent if key.startswith("dim "))
        return [(key, f"dim {a[0]}", a[1]) for key, a in pairs if a and f"dim {a[0]}" in self.dims.parent]


def closed(term) -> bool:
    """Whether ``term`` is a number whatever the indices: a literal, a symbol, or an expression whose
    every entry is under a sum (``\\frac{1}{N} \\sum_i x_i``)."""
    if isinstance(term, (Num, Name, IndexSum)):
        return True
    if isinstance(term, (Entry, Member, Delta, Derivative)) or not is_dataclass(term):
        return False
    return all(closed(child) for f in fields(term) for child in children_of(getattr(term, f.name)))


def children_of(value) -> tuple:
    """The nodes a field holds (none for a name's text or a position)."""
    return tuple(v for v in (value if isinstance(value, tuple) else (value,)) if is_dataclass(v))
