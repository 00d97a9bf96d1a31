"""Notation a paper uses that is read but is not a value to check as written (for `gen.expr.tex`):
evaluation bars ``F\\Big|_{y = g}``, elisions ``X_1 \\cdots X_n``, probability notation
``p(x \\mid \\theta)``, ``\\mathbb{E}[x]``, and the two kinds of refusal a checker treats apart from a parse
error: `Uncheckable` (read, but nothing to check it with: ``cannot check``) and `Notation` (a
Leibniz fraction ``\\frac{dy}{dx}`` used as a factor, which introduces notation: ``skipped``).

An evaluation bar is a composition, as Magnus & Neudecker's first identification theorem and the
chain rule use it: ``d(yᵀy)|_{y = Wx + b}`` is ``d((Wx + b)ᵀ(Wx + b))``, so ``y`` becomes ``g`` and its
differential ``dy`` becomes ``d(g)``.
"""

from __future__ import annotations

from dataclasses import replace

from ..errors import SpecError
from .parser import BinOp, Call, Name, Postfix
from .texlex import Tok

BARS = ("vert", "rvert", "Vert")


class Uncheckable(SpecError):
    """Notation read, but no check for it: the link cannot be checked (never a guess)."""


class Notation(SpecError):
    """Notation being introduced, not a value (``dy = \\frac{dy}{dx}\\,dx``): the link is skipped."""


def bar_ahead(p) -> bool:
    """Whether an evaluation bar comes next: ``|`` (``\\Big|``, ``\\right|``, ``\\big\\vert``) outside
    any ``|…|``, followed by a subscript."""
    token, stack = p.peek(), p.stream.stack
    bar = token.is_char("|") or token.kind == "cs" and token.text in BARS
    return bar and not p.bars and len(stack) > 1 and stack[-2].is_char("_")


def evaluated(p, node):
    """``node|_{y = g, …}``: ``node`` with each y replaced by g and dy by d(g)."""
    bar = p.next()
    p.next()  # the '_'
    tokens = p.group_tokens()
    points = [piece for piece in split(tokens, ",") if piece]
    if not points:
        raise p.error("an evaluation bar |_{…} without a point", bar)
    table = {}
    for piece in points:
        sides = split(piece, "=")
        if len(sides) != 2 or not sides[0] or not sides[1]:
            raise refused(p, "an evaluation bar |_{…} that does not say which symbol takes which value", bar)
        name = p.sub_parse(sides[0], where=bar)
        if not isinstance(name, Name):
            raise refused(p, "an evaluation bar |_{…} at a point that is not a symbol = value", bar)
        table[name.name] = point(p, sides[1], bar)
    for name, value in table.items():
        if not symbols_in(value) and differentiated(node, name):
            message = f"d{name} evaluated at {name} = a number: the differential there is ambiguous"
            raise refused(p, f"{message} (write the derivative out)", bar)
    return composed(node, table)


def point(p, tokens: list[Tok], bar: Tok):
    """The value of ``y = g``: an expression, or the reason the bar cannot be checked (``x^\\star``)."""
    try:
        return p.sub_parse(tokens, where=bar)
    except Uncheckable:
        raise
    except SpecError as error:
        message = f"an evaluation bar at a point that is not an expression ({error.message})"
        raise refused(p, message, bar) from None


def refused(p, message: str, token: Tok) -> Uncheckable:
    return Uncheckable(message, p.stream.source.at(min(token.pos, len(p.stream.source.value))))


def split(tokens: list[Tok], separator: str) -> list[list[Tok]]:
    """``tokens`` cut at ``separator`` outside braces and brackets."""
    pieces, depth = [[]], 0
    for token in tokens:
        depth += token.is_char("{", "(", "[") - token.is_char("}", ")", "]")
        if depth == 0 and token.is_char(separator):
            pieces.append([])
        else:
            pieces[-1].append(token)
    return pieces


def composed(tree, table: dict):
    """``tree`` with y → g and dy → d(g) for each y = g of ``table``."""
    if isinstance(tree, Name):
        if tree.name in table:
            return table[tree.name]
        if tree.name[:1] == "d" and tree.name[1:] in table:
            return Call("d", (table[tree.name[1:]],), tree.pos)
        return tree
    fields = [f for f in ("operand", "left", "right", "exponent") if getattr(tree, f, None) is not None]
    new = {f: composed(getattr(tree, f), table) for f in fields}
    if isinstance(tree, Call):
        new["args"] = tuple(composed(a, table) for a in tree.args)
    return replace(tree, **new) if new else tree


def kids(tree) -> list:
    fields = [getattr(tree, f, None) for f in ("operand", "left", "right", "exponent")]
    return [f for f in fields if f is not None] + list(getattr(tree, "args", ()))


def symbols_in(tree) -> bool:
    return isinstance(tree, Name) or any(symbols_in(c) for c in kids(tree))


def differentiated(tree, name: str) -> bool:
    """Whether ``tree`` has the differential of ``name``: ``dy``, or ``d(…y…)``."""
    if isinstance(tree, Name):
        return tree.name == f"d{name}"
    if isinstance(tree, Call) and tree.name == "d":
        return mentions(tree, name)
    return any(differentiated(c, name) for c in kids(tree))


def mentions(tree, name: str) -> bool:
    return isinstance(tree, Name) and tree.name == name or any(mentions(c, name) for c in kids(tree))


# --- elisions and probability notation: refused with the reason --------------------------------------

ELISIONS = ("cdots", "ldots", "hdots", "dots", "dotsb", "dotsm", "dotsc", "vdots", "ddots")
PROBABILITY_WORDS = frozenset("E P Pr Var Cov Corr KL".split())
MOMENTS = ("Cov", "Var", "cov", "var")  # read as expectations (`moment`), where a bracket follows
DENSITIES = ("p", "q")
CONDITIONS = ("mid", "vert", "|", ",", ";")
PROBABILITY = "is probability notation, not a matrix expression derivtex can check"


def elided(p, token: Tok):
    """``X_1 X_2 \\cdots X_n``, ``a_1 + \\cdots + a_n``: what is left out is not written."""
    after = p.peek()
    if after.is_char("+", "-"):
        what = "an elided sum"
    elif p.starts_atom(after):
        what = "an elided product"
    else:
        what = "an elision"
    message = f"{what} (\\{token.text}) cannot be checked: the terms it leaves out are not written"
    raise p.error(message, token)


def density_ahead(p) -> bool:
    """Whether ``p(`` or ``q(`` comes next with a condition or several arguments inside
    (``p(x \\mid \\mu)``, ``q(z; \\phi)``, ``p(x, y)``): a density, not p times (x)."""
    stack = p.stream.stack
    if len(stack) < 2 or not (stack[-1].kind == "letter" and stack[-1].text in DENSITIES):
        return False
    at = len(stack) - 1 - subscript_length(stack[:-1])  # p_X(x \vert \mu): the density of X
    while at > 1 and stack[at - 1].kind == "cs" and stack[at - 1].text in SIZED_OPENINGS:
        at -= 1  # p\left(x \mid \mu\right)
    if stack[-1].text in p.names or at < 1 or not stack[at - 1].is_char("("):
        return False
    depth = 0
    for token in reversed(stack[:at]):
        depth += token.is_char("(") - token.is_char(")")
        if depth == 0:
            return False
        if depth == 1 and (token.text in CONDITIONS and token.kind in ("cs", "char")):
            return True
    return False


def subscript_length(stack: list[Tok]) -> int:
    """How many tokens a subscript (``_X``, ``_{X}``) takes at the top of ``stack`` (0 if none)."""
    if len(stack) < 2 or not stack[-1].is_char("_"):
        return 0
    if not stack[-2].is_char("{"):
        return 2
    depth = 0
    for k in range(len(stack) - 2, -1, -1):
        depth += stack[k].is_char("{") - stack[k].is_char("}")
        if depth == 0:
            return len(stack) - k
    return 0


def expectation(p, token: Tok):
    """``E[f]``, ``\\mathbb{E}_{x \\sim p}\\left[f\\right]``, ``\\mathbb{E}(f)``: the mean of f over the
    symbols the text declares random (`gen.texcheck.expectations`), the subscript naming the
    distribution dropped; a conditional expectation (``E[x \\mid y]``) is refused."""
    if p.peek().is_char("_"):
        p.next()
        p.group_tokens()
    opening = p.peek()
    if not (opening.is_char("[", "(") or opening.is_cs("{", *SIZED_OPENINGS)):  # E\{…\} too
        raise p.error(f"expected '[' after the expectation {token.shown()}, found {opening.shown()}", opening)
    if conditioned(p.stream.stack):
        f, given = given_parts(p, token)
        return Call("expect", (f, given), token.pos)
    return Call("expect", (p.atom(),), token.pos)


def given_parts(p, token: Tok) -> tuple:
    """``[f \\mid g]``, ``(f | g, h)``: f, and what it is conditioned on (several, as a product: only
    their names matter, `gen.texcheck.expectations`)."""
    opening = p.next()
    depth, inside = 1, []
    while depth:
        t = p.stream.next()
        if t.kind == "end":
            raise p.error(f"expected the bracket of {token.shown()} to close", opening)
        depth += (t.is_char("(", "[", "{") or t.is_cs("{")) - (t.is_char(")", "]", "}") or t.is_cs("}"))
        inside.append(t)
    inside.pop()  # the closing bracket
    if (at := bar_at(inside)) is None:
        raise p.error(f"a conditional expectation {PROBABILITY}", token)
    given = [t if not t.is_char(",") else Tok("char", "+", t.pos) for t in inside[at + 1 :]]
    return p.sub_parse(inside[:at], where=token), p.sub_parse(given, where=token)


def bar_at(tokens: list[Tok]) -> int:
    """Where the conditioning bar stands at the top level of ``tokens`` (the last one there)."""
    depth, found = 0, None
    for k, t in enumerate(tokens):
        depth += t.is_char("(", "[", "{") - t.is_char(")", "]", "}")
        if depth == 0 and (t.is_cs("mid", "vert") or t.is_char("|")):
            found = k
    return found


def moment_ahead(p, word: str) -> bool:
    """Whether ``word`` (after ``\\operatorname``, ``\\text`` …) is a moment applied to a bracket, in a
    text that has no symbol of that name."""
    return word in MOMENTS and word not in p.names and (p.peek().is_char("(", "[") or p.peek().is_cs("{"))


def moment(p, word: str, token: Tok):
    """``Cov(x)``, ``\\operatorname{Var}[x]``, ``\\text{Cov}(x, y)``: E[x yᵀ] - E[x] E[y]ᵀ, that is
    E[(x - E[x])(y - E[y])ᵀ] (y is x when one argument is written), checked as any E[…] over the
    symbols the text declares random (a variance is the 1×1 case)."""
    given = ()
    if conditioned(p.stream.stack):  # Var(y | X): given X
        x, condition = given_parts(p, token)
        args, given = (x,), (condition,)
    else:
        args = p.arguments(word, token)
    if len(args) > 2:
        raise p.error(f"{token.shown()} takes one or two arguments, found {len(args)}", token)
    x, y = args[0], args[-1]
    at = token.pos  # E[x yᵀ] - E[x] E[y]ᵀ: no mean inside a mean (nested, the samples multiply)
    mean = lambda v: Call("expect", (v, *given), at)  # noqa: E731
    second = mean(BinOp("*", x, Postfix("T", y, at), at))
    return BinOp("-", second, BinOp("*", mean(x), Postfix("T", mean(y), at), at), at)


SIZED_OPENINGS = ("left", "big", "Big", "bigg", "Bigg", "bigl", "Bigl", "biggl", "Biggl")


def conditioned(stack: list[Tok]) -> bool:
    """Whether a ``\\mid`` (or a lone ``|``) stands inside the bracket that opens next (the top of
    ``stack``)."""
    depth, bars = 0, 0
    for token in reversed(stack):
        depth += token.is_char("(", "[", "{") - token.is_char(")", "]", "}")
        if depth <= 0:
            return bars % 2 == 1
        if depth == 1 and token.is_cs("mid", "vert", "middle"):
            return True
        bars += depth == 1 and token.is_char("|")
    return bars % 2 == 1  # E(y | X): a lone bar; E[|x|^2] holds two


def refuse_probability_word(p, word: str, token: Tok):
    """``\\mathbb{E}[x]``, ``\\operatorname{Var}(x)``, ``\\Pr(A)``."""
    if word in PROBABILITY_WORDS and word not in p.names:
        raise p.error(f"'{word}' (an expectation, a probability or a moment) {PROBABILITY}", token)
