"""Expression parser: text → tokens → AST → SymPy matrix expression, with shapes checked.

Our own recursive-descent parser: user text never reaches ``eval`` or SymPy's parser.
Every error points at the offending token.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from . import ir
from .errors import SpecError, Unsupported
from .spec import SymbolSpec, Text

MAX_LENGTH = 10_000
MAX_DEPTH = 100

TOKEN = re.compile(
    r"(?P<space>\s+)|(?P<number>\d+(?:\.\d*)?|\.\d+)|(?P<name>[A-Za-z][A-Za-z0-9_]*)"
    r"|(?P<op>[-+*/^(),'])"
)


@dataclass(frozen=True)
class Token:
    kind: str  # number | name | op | end
    text: str
    pos: int


# --- AST -------------------------------------------------------------------


@dataclass(frozen=True)
class Num:
    text: str
    pos: int


@dataclass(frozen=True)
class Name:
    name: str
    pos: int


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple
    pos: int


@dataclass(frozen=True)
class Neg:
    operand: object
    pos: int


@dataclass(frozen=True)
class BinOp:
    op: str
    left: object
    right: object
    pos: int


@dataclass(frozen=True)
class Postfix:
    op: str  # "T" | "-1" | "-T" | "^"
    operand: object
    pos: int
    exponent: object = None


def tokenize(source: Text) -> list[Token]:
    text = source.value
    if len(text) > MAX_LENGTH:
        raise SpecError(
            f"expression is too long ({len(text)} characters; the limit is {MAX_LENGTH})",
            source.at(0),
        )
    tokens, pos = [], 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise SpecError(f"unexpected character {text[pos]!r}", source.at(pos))
        if m.lastgroup != "space":
            tokens.append(Token(m.lastgroup, m.group(), pos))
        pos = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


class _Parser:
    """Precedence climbing: sum < product < unary minus < postfix < atom."""

    def __init__(self, source: Text):
        self.source = source
        self.tokens = tokenize(source)
        self.i = 0
        self.depth = 0

    def error(self, message: str, token: Token | None = None) -> SpecError:
        token = token or self.peek()
        return SpecError(message, self.source.at(token.pos))

    def peek(self) -> Token:
        return self.tokens[self.i]

    def next(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def accept(self, text: str) -> Token | None:
        if self.peek().kind == "op" and self.peek().text == text:
            return self.next()
        return None

    def expect(self, text: str, what: str) -> Token:
        token = self.accept(text)
        if token is None:
            raise self.error(f"expected {what}, found {describe(self.peek())}")
        return token

    def parse(self):
        if self.peek().kind == "end":
            raise self.error("empty expression")
        node = self.sum()
        if self.peek().kind != "end":
            raise self.error(f"unexpected {describe(self.peek())}")
        return node

    def sum(self):
        node = self.product()
        while self.peek().text in ("+", "-") and self.peek().kind == "op":
            op = self.next()
            node = BinOp(op.text, node, self.product(), op.pos)
        return node

    def product(self):
        node = self.unary()
        while self.peek().text in ("*", "/") and self.peek().kind == "op":
            op = self.next()
            node = BinOp(op.text, node, self.unary(), op.pos)
        return node

    def unary(self):
        if op := self.accept("-"):
            return Neg(self.nested(self.unary), op.pos)
        if self.accept("+"):
            return self.nested(self.unary)
        return self.postfix()

    def postfix(self):
        node = self.atom()
        while True:
            if op := self.accept("'"):
                node = Postfix("T", node, op.pos)
            elif op := self.accept("^"):
                node = self.exponent(node, op)
            else:
                return node

    def exponent(self, base, caret: Token):
        token = self.peek()
        if token.kind == "name" and token.text == "T":
            self.next()
            return Postfix("T", base, caret.pos)
        if self.accept("-"):
            token = self.peek()
            if token.kind == "name" and token.text == "T":
                self.next()
                return Postfix("-T", base, caret.pos)
            if token.kind == "number":
                self.next()
                if token.text == "1":
                    return Postfix("-1", base, caret.pos)
                return Postfix("^", base, caret.pos, Neg(Num(token.text, token.pos), token.pos))
            raise self.error(f"expected 'T' or a number after '^-', found {describe(token)}")
        if token.kind == "number":
            self.next()
            return Postfix("^", base, caret.pos, Num(token.text, token.pos))
        if token.kind == "name":
            self.next()
            return Postfix("^", base, caret.pos, Name(token.text, token.pos))
        if self.accept("("):
            exponent = self.nested(self.sum)
            self.expect(")", "')'")
            return Postfix("^", base, caret.pos, exponent)
        raise self.error(f"expected an exponent after '^' (T, -1, -T, a number), found {describe(token)}")

    def atom(self):
        token = self.next()
        if token.kind == "number":
            return Num(token.text, token.pos)
        if token.kind == "name":
            if self.accept("("):
                args = [self.nested(self.sum)]
                while self.accept(","):
                    args.append(self.nested(self.sum))
                self.expect(")", f"')' to close {token.text}(")
                return Call(token.text, tuple(args), token.pos)
            return Name(token.text, token.pos)
        if token.kind == "op" and token.text == "(":
            node = self.nested(self.sum)
            closing = self.peek()
            if not self.accept(")"):
                raise self.error(
                    f"expected ')' to close the '(' at column {self.col(token)}, found {describe(closing)}"
                )
            return node
        self.i -= 1
        raise self.error(f"expected a symbol, a number or '(', found {describe(token)}")

    def nested(self, parse: Callable):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression is nested too deeply (more than {MAX_DEPTH} levels)")
        try:
            return parse()
        finally:
            self.depth -= 1

    def col(self, token: Token) -> int:
        return self.source.at(token.pos).col


def describe(token: Token) -> str:
    return "the end of the expression" if token.kind == "end" else f"'{token.text}'"


def parse_ast(source: Text):
    """Parse the text of an expression into an AST (no symbols needed)."""
    return _Parser(source).parse()


# --- lowering: AST → SymPy, with shapes checked ------------------------------

FUNCTION_NAMES = (
    "tr det logdet inv log exp sqrt sin cos tan sigmoid tanh softplus softmax "
    "logsumexp sum diag vec norm kron hadamard ones d"
).split()
ELEMENTWISE = ("exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "softplus")
ALIASES = {"trace": "tr", "Tr": "tr", "ln": "log", "inverse": "inv", "determinant": "det"}


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


def parse_expr(source: Text, symbols: dict[str, sp.Basic], *, differentials: bool = False, shape=None):
    """Parse ``source`` into a SymPy expression over ``symbols`` (from `symbol_table`).

    ``shape``, when the expected shape is known, sizes a lone ``I``.
    """
    lowering = _Lowering(source, symbols, differentials)
    result = lowering.lower(parse_ast(source))
    if isinstance(result, Eye) and shape and shape[0] == shape[-1]:
        return result.sized(shape[0])
    if isinstance(result, Eye):
        raise SpecError("cannot tell the size of I here; use it next to a matrix", source.at(0))
    return result


def describe_shape(e) -> str:
    shape = ir.shape(e)
    if not shape:
        return "a scalar"
    rows, cols = (sp.sstr(v) for v in shape)
    if cols == "1" and rows != "1":
        return f"an {rows}-vector" if rows[0] in "aefhilmnorsx" else f"a {rows}-vector"
    return f"{'an' if rows[0] in 'aefhilmnorsx' else 'a'} {rows}×{cols} matrix"


class _Lowering:
    def __init__(self, source: Text, symbols: dict, differentials: bool):
        self.source, self.symbols, self.differentials = source, symbols, differentials

    def error(self, message: str, pos: int, kind=SpecError):
        return kind(message, self.source.at(pos))

    def lower(self, node):
        return getattr(self, f"lower_{type(node).__name__}")(node)

    def lower_Num(self, node: Num):
        return sp.Rational(node.text)

    def lower_Name(self, node: Name):
        if node.name in self.symbols:
            return self.symbols[node.name]
        if node.name == "I":
            return Eye()
        if self.differentials and node.name.startswith("d") and node.name[1:] in self.symbols:
            return ir.d(self.symbols[node.name[1:]])
        if node.name in FUNCTION_NAMES:
            raise self.error(f"'{node.name}' is a function: write {node.name}(...)", node.pos)
        raise self.error(f"unknown symbol '{node.name}'{self.suggest(node.name, self.symbols)}", node.pos)

    def lower_Neg(self, node: Neg):
        value = self.lower(node.operand)
        return Eye(-value.coeff) if isinstance(value, Eye) else ir.neg(value)

    def lower_BinOp(self, node: BinOp):
        spine = []  # a chain `a + b - c …` nests to the left: walk it without recursing
        while isinstance(node, BinOp):
            spine.append(node)
            node = node.left
        value = self.lower(node)
        for op in reversed(spine):
            right = self.lower(op.right)
            if op.op == "-":
                right = Eye(-right.coeff) if isinstance(right, Eye) else ir.neg(right)
            combine = {"+": self.add, "-": self.add, "*": self.multiply, "/": self.divide}[op.op]
            value = combine(value, right, op.pos)
        return value

    def add(self, left, right, pos):
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
        return ir.add(left, right)

    def multiply(self, left, right, pos):
        if isinstance(left, Eye) or isinstance(right, Eye):
            eye, other = (left, right) if isinstance(left, Eye) else (right, left)
            if isinstance(other, Eye) or not ir.is_matrix(other):
                return Eye(eye.coeff * (other.coeff if isinstance(other, Eye) else other))
            size = other.shape[0] if eye is left else other.shape[1]
            left, right = (eye.sized(size), other) if eye is left else (other, eye.sized(size))
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
                f"the inner dimensions {sp.sstr(left.shape[1])} and {sp.sstr(right.shape[0])} differ",
                pos,
            )
        return ir.mul(left, right)

    def divide(self, left, right, pos):
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
        if isinstance(value, Eye):
            if node.op == "^":
                raise self.error("powers of I are not supported; write I", node.pos)
            return Eye(1 / value.coeff) if node.op in ("-1", "-T") else value
        if node.op == "T":
            return ir.transpose_of(value)
        if node.op in ("-1", "-T"):
            inverse = self.invert(value, node.pos)
            return ir.transpose_of(inverse) if node.op == "-T" else inverse
        exponent = self.lower(node.exponent)
        if isinstance(exponent, Eye) or ir.is_matrix(exponent):
            raise self.error("an exponent must be a scalar", node.exponent.pos)
        if not ir.is_matrix(value) or ir.is_one_by_one(value):
            return sp.Pow(ir.scalar(value), exponent)
        return self.matrix_power(value, exponent, node)

    def invert(self, value, pos):
        if not ir.is_matrix(value) or ir.is_one_by_one(value):
            return sp.Pow(ir.scalar(value), -1)
        self.require_square(value, "invert", pos)
        return sp.Inverse(value)

    def matrix_power(self, value, exponent, node: Postfix):
        if not (exponent.is_Integer):
            raise self.error("a matrix power must be an integer", node.exponent.pos)
        self.require_square(value, "raise to a power", node.pos)
        k = int(exponent)
        if k == 0:
            return sp.Identity(value.shape[0])
        if k == 1:
            return value
        return sp.Inverse(value) if k == -1 else sp.MatPow(value, exponent)

    def require_square(self, value, verb: str, pos: int):
        rows, cols = value.shape
        if cols == 1 and rows != 1:
            raise self.error(f"cannot {verb} a vector ({describe_shape(value)[2:].lstrip()})", pos)
        if rows != cols:
            raise self.error(f"cannot {verb} {describe_shape(value)}: it is not square", pos)

    def lower_Call(self, node: Call):
        if node.name == "ones":
            return self.ones(node)
        if node.name not in FUNCTIONS:
            if node.name in FUNCTION_NAMES:
                raise self.error(f"the function '{node.name}' is not supported yet", node.pos, Unsupported)
            if node.name in self.symbols:
                raise self.error(
                    f"'{node.name}' is a symbol, not a function; write '*' to multiply", node.pos
                )
            hint = ALIASES.get(node.name)
            suggestion = f" (did you mean '{hint}'?)" if hint else self.suggest(node.name, FUNCTIONS)
            raise self.error(f"unknown function '{node.name}'{suggestion}", node.pos)
        arity, lower = FUNCTIONS[node.name]
        if len(node.args) != arity:
            raise self.error(
                f"{node.name}() takes {arity} argument{'s' * (arity > 1)}, not {len(node.args)}", node.pos
            )
        args = [self.lower(a) for a in node.args]
        if any(isinstance(a, Eye) for a in args):
            raise self.error(f"cannot tell the size of I in {node.name}(...)", node.pos)
        return lower(self, node, *args)

    def ones(self, node: Call):
        """``ones(n)``, the vector of ones, or ``ones(n, m)``: sizes are dimensions or numbers."""
        if len(node.args) not in (1, 2):
            raise self.error(f"ones() takes one or two sizes, not {len(node.args)}", node.pos)
        dims = {str(d): d for s in self.symbols.values() for d in ir.shape(s) if d.is_Symbol}
        sizes = []
        for arg in node.args:
            if isinstance(arg, Name) and arg.name in dims:
                sizes.append(dims[arg.name])
            elif isinstance(arg, Num) and arg.text.isdigit() and int(arg.text) > 0:
                sizes.append(sp.Integer(int(arg.text)))
            else:
                message = "a size in ones() is a dimension of a declared symbol or a positive integer"
                raise self.error(message, arg.pos)
        return ir.ones(sizes[0], sizes[1] if len(sizes) == 2 else 1)

    def call_tr(self, node, x):
        if ir.is_matrix(x):
            self.require_square(x, "take the trace of", node.pos)
        return ir.tr(x)

    def call_det(self, node, x):
        if not ir.is_matrix(x):
            return x
        self.require_square(x, "take the determinant of", node.pos)
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
        return ir.d(x)

    def call_elementwise(self, node, x):
        return ir.apply(node.name, ir.scalar(x))

    def call_hadamard(self, node, a, b):
        if not (ir.is_matrix(a) and ir.is_matrix(b)) or a.shape != b.shape:
            shapes = f"{describe_shape(a)} and {describe_shape(b)}"
            raise self.error(f"hadamard() needs two matrices of the same shape, not {shapes}", node.pos)
        return ir.hadamard(a, b)

    def call_sum(self, node, x):
        """The sum of the entries, 1ᵀ X 1 (a 1×1 product used as a number)."""
        if not ir.is_matrix(x):
            return x
        rows, cols = x.shape
        total = ir.mul(*(ir.ones(1, rows),) * (rows != 1), x, *(ir.ones(cols, 1),) * (cols != 1))
        return ir.scalar(total)

    def call_kron(self, node, a, b):
        if not (ir.is_matrix(a) and ir.is_matrix(b)):
            raise self.error("kron() takes two matrices or vectors", node.pos)
        return sp.KroneckerProduct(a, b)

    def call_vec(self, node, x):
        if not ir.is_matrix(x):
            raise self.error("vec() takes a matrix or a vector", node.pos)
        return ir.Vec(x)

    def call_diag(self, node, x):
        """diag(x): the diagonal matrix of a vector; diag(X): the diagonal of a square matrix."""
        if not ir.is_matrix(x) or x.shape[1] != 1 and x.shape[0] != x.shape[1]:
            message = f"diag() takes a vector or a square matrix, not {describe_shape(x)}"
            raise self.error(message, node.pos)
        return ir.Diag(x)

    def call_logsumexp(self, node, x):
        """log(1ᵀ exp(x)) for a vector x."""
        self.require_vector(x, node)
        return sp.log(self.call_sum(node, ir.apply("exp", x)))

    def call_softmax(self, node, x):
        """exp(x) / 1ᵀ exp(x) for a vector x."""
        self.require_vector(x, node)
        return ir.mul(sp.Pow(self.call_sum(node, ir.apply("exp", x)), -1), ir.apply("exp", x))

    def require_vector(self, x, node):
        if not ir.is_matrix(x) or x.shape[1] != 1:
            raise self.error(f"{node.name}() takes a vector, not {describe_shape(x)}", node.pos)

    def suggest(self, name: str, names) -> str:
        close = difflib.get_close_matches(name, list(names), n=1)
        return f" (did you mean '{close[0]}'?)" if close else ""


FUNCTIONS = {
    "tr": (1, _Lowering.call_tr),
    "det": (1, _Lowering.call_det),
    "logdet": (1, _Lowering.call_logdet),
    "inv": (1, _Lowering.call_inv),
    **{name: (1, _Lowering.call_elementwise) for name in ELEMENTWISE},
    "hadamard": (2, _Lowering.call_hadamard),
    "sum": (1, _Lowering.call_sum),
    "diag": (1, _Lowering.call_diag),
    "kron": (2, _Lowering.call_kron),
    "vec": (1, _Lowering.call_vec),
    "logsumexp": (1, _Lowering.call_logsumexp),
    "softmax": (1, _Lowering.call_softmax),
    "norm": (1, _Lowering.call_norm),
    "d": (1, _Lowering.call_d),
}
