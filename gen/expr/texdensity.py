"""Densities as functions of their variable and parameters (for `gen.expr.tex`): ``p(x \\mid \\mu,
\\Sigma)``, ``p_X(x \\vert \\mu)``, ``q(z; \\phi)``, ``\\mathcal{N}(x \\mid \\mu, \\Sigma)`` are read as the
calls ``p(x, mu, Sigma)``, ``p_X(x, mu)``, ``Ncal(x, mu, Sigma)``: the bar and the semicolon separate
arguments as the comma does. What the call means is the checker's business: a density the text
defines (``p(x \\mid \\mu) := …``, ``\\log p(x \\mid \\mu) = …``), a known one (`gen.texcheck.densities`),
or neither, and then the link cannot be checked. Arguments that are not expressions
(``p(y = 1 \\mid x)``, ``p(x^{(1)}, \\dots, x^{(N)})``) keep the refusal by name.
"""

from __future__ import annotations

from ..errors import SpecError
from .parser import Call
from .texbars import DENSITIES, PROBABILITY, density_ahead
from .texlex import Tok
from .texnames import SIZES

KNOWN_DENSITIES = frozenset({"Ncal"})  # \mathcal{N}(x \mid \mu, \Sigma): the normal density
GAMMA_FUNCTION = "\\Gamma(…), the gamma function of a density's constant, is not supported"
SEPARATOR_CS = frozenset({"mid", "vert", "lvert", "rvert"})
OPEN, CLOSE = ("(", "[", "{"), (")", "]", "}")


def logged_density_ahead(p) -> bool:
    """``\\log p(x)``: after a logarithm, a density letter applied is a density, condition or not."""
    stack = p.stream.stack
    at = len(stack) - 2
    while at > 0 and stack[at].kind == "cs" and stack[at].text in SIZES:
        at -= 1  # \log p\left(x\right)
    called = at >= 0 and stack[-1].text in DENSITIES and stack[at].is_char("(")
    return density_ahead(p) or called and stack[-1].text not in p.names


def density(p, letter: Tok) -> Call:
    """``p(…)`` or ``p_X(…)`` (the letter next): the call of the density, or the refusal by name."""
    p.next()
    name = letter.text
    if p.peek().is_char("_"):
        p.next()
        tokens = p.group_tokens()
        p.stream.push([Tok("char", "{", letter.pos), *tokens, Tok("char", "}", letter.pos)])
        name = f"{name}_{p.subscript_text()}"
    return Call(name, density_arguments(p, letter), letter.pos)


def known_density_ahead(p, name: str) -> bool:
    """``\\mathcal{N}(`` with N not one of the text's symbols."""
    return name in KNOWN_DENSITIES and name not in p.names and p.peek().is_char("(")


def density_arguments(p, letter: Tok) -> tuple:
    """The arguments between the parentheses, cut at ``,``, ``;``, ``|``, ``\\mid``, ``\\vert``."""
    p.next()  # '(' (a \left before it is skipped by peek)
    pieces, piece, depth = [], [], 0
    while True:
        token = p.stream.next()
        if token.kind == "end":
            raise refusal(p, letter)
        if token.kind == "cs" and token.text in SIZES:
            continue
        if token.is_char(*CLOSE) and depth == 0:
            break
        depth += token.is_char(*OPEN) - token.is_char(*CLOSE)
        if depth == 0 and separates(token):
            pieces.append(piece)
            piece = []
        else:
            piece.append(token)
    pieces.append(piece)
    if not all(pieces):
        raise refusal(p, letter)
    try:
        return tuple(p.sub_parse(piece, where=letter) for piece in pieces)
    except SpecError:
        raise refusal(p, letter) from None


def separates(token: Tok) -> bool:
    return token.is_char(",", ";", "|") or token.kind == "cs" and token.text in SEPARATOR_CS


def refusal(p, letter: Tok) -> SpecError:
    shown = "\\mathcal{N}" if letter.text == "mathcal" else letter.text
    return p.error(f"{shown}(…), a density or conditional probability, {PROBABILITY}", letter)
