"""The expression grammar: text → tokens → AST (no symbols needed).

Our own recursive-descent parser: user text never reaches ``eval`` or SymPy's parser.
Every error points at the offending token; the length and the nesting are bounded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass

from ..errors import SpecError, quote
from ..spec.keys import Text

MAX_LENGTH = 10_000
MAX_DEPTH = 100
PRODUCTS = ("*", "/", ".*")  # ``A .* B``: the entrywise (Hadamard) product, as in Julia and MATLAB

# A number's trailing '.' is not taken from a following '.^' or '.*': 2.^x is 2 .^ x, as in Julia.
TOKEN = re.compile(
    r"(?P<space>\s+)|(?P<number>\d+(?:\.(?![\^*])\d*)?|\.\d+)|(?P<name>[A-Za-z][A-Za-z0-9_]*)"
    r"|(?P<op>\.\(|\.\^|\.\*|[-+*/^(),'])"
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
    entrywise: bool = False  # written ``exp.(X)``: entry by entry, whatever the argument


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
    dot: bool = field(default=False, compare=False)  # written a \\cdot b: of two vectors, aᵀb


@dataclass(frozen=True)
class Postfix:
    op: str  # "T" | "-1" | "-T" | "^" | ".^" (entry by entry)
    operand: object
    pos: int
    exponent: object = None
    caret: bool = False  # a transpose written ``^T`` (or ``^-T``), not ``'``: T may be a symbol too
    primed: bool = False  # a transpose written ``'`` (X', (y - Xb)'): of a number, a derivative's prime


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
            char = text[pos]
            named = "" if char.isascii() else f" ({unicodedata.name(char, f'U+{ord(char):04X}').lower()})"
            raise SpecError(f"unexpected character {quote(char)}{named}", source.at(pos))
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
        while self.peek().text in PRODUCTS and self.peek().kind == "op":
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
            elif op := self.accept(".^"):
                node = Postfix(".^", node, op.pos, self.entrywise_exponent())
            else:
                return node

    def exponent(self, base, caret: Token):
        token = self.peek()
        if token.kind == "name" and token.text == "T":
            self.next()
            return Postfix("T", base, caret.pos, caret=True)
        if self.accept("-"):
            token = self.peek()
            if token.kind == "name" and token.text == "T":
                self.next()
                return Postfix("-T", base, caret.pos, caret=True)
            if token.kind == "number":
                self.next()
                if token.text == "1":
                    return Postfix("-1", base, caret.pos)
                return Postfix("^", base, caret.pos, Neg(Num(token.text, token.pos), token.pos))
            raise self.error(f"expected 'T' or a number after '^-', found {describe(token)}")
        if starts_atom(token):  # a number, a name, a call (x^tr(A)) or a parenthesised expression
            return Postfix("^", base, caret.pos, self.nested(self.atom))
        raise self.error(f"expected an exponent after '^' (T, -1, -T, a number), found {describe(token)}")

    def entrywise_exponent(self):
        """The exponent after ``.^``: a number, a name, a call or (an expression), maybe negated."""
        minus = self.accept("-")
        if not starts_atom(self.peek()):
            expected = "expected an exponent after '.^' (a number, a name or '(')"
            raise self.error(f"{expected}, found {describe(self.peek())}")
        exponent = self.nested(self.atom)
        return Neg(exponent, minus.pos) if minus else exponent

    def atom(self):
        token = self.next()
        if token.kind == "number":
            return Num(token.text, token.pos)
        if token.kind == "name":
            if opening := self.accept("(") or self.accept(".("):
                return self.call(token, opening.text)
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

    def call(self, name: Token, opening: str) -> Call:
        """The arguments of ``name(`` or ``name.(`` (entry by entry), up to the closing ')'."""
        args = [self.nested(self.sum)]
        while self.accept(","):
            args.append(self.nested(self.sum))
        self.expect(")", f"')' to close {name.text}{opening}")
        return Call(name.text, tuple(args), name.pos, entrywise=opening == ".(")

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


def starts_atom(token: Token) -> bool:
    return token.kind in ("number", "name") or token.kind == "op" and token.text == "("


def describe(token: Token) -> str:
    return "the end of the expression" if token.kind == "end" else quote(token.text)


def parse_ast(source: Text, names=(), macros=None):
    """Parse the text of an expression into an AST (no symbols needed); LaTeX by `gen.expr.tex`
    (``names``, the symbols, decide between spellings LaTeX does not: ``W_{1}`` is ``W_1`` or ``W1``;
    ``macros``, a document's own, `gen.expr.tex.macros_from`)."""
    if source.latex:
        from .tex import parse_tex

        return parse_tex(source, macros, names=names)
    return _Parser(source).parse()


# --- the AST's pieces and their text (for messages) ------------------------------


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
    if hasattr(node, "written"):  # a LaTeX matrix literal (gen.expr.texmatrix)
        return node.written(written)
    power = f"{node.op}{grouped(node.exponent)}" if node.op in ("^", ".^") else "^" + node.op
    return grouped(node.operand) + power


def grouped(node) -> str:
    """``written``, in parentheses unless it is a single name, number or call."""
    return written(node) if isinstance(node, (Num, Name, Call)) else f"({written(node)})"


def start(node) -> int:
    """The offset of the piece's first token (past an opening parenthesis)."""
    return min(n.pos for n in pieces(node))
