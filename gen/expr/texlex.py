"""LaTeX math → tokens, with the document's own macros expanded (for `gen.expr.tex`).

TeX's own reading, reduced to what a formula needs: a control sequence (``\\frac``, ``\\,``), one
letter, one digit or one other character per token; spaces and ``%`` comments dropped. Macros
(``\\newcommand``, ``\\def``, ``\\DeclareMathOperator``, ``\\DeclarePairedDelimiter``) expand as the
parser reads, each expansion counted: ``\\def\\a{\\a\\a}\\a`` ends with a positioned error, never
by the clock.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from ..errors import SpecError, quote
from ..spec.reader import Text

MAX_LENGTH = 10_000  # characters of one side of an equation
MAX_TOKENS = 100_000  # tokens read (a group is read again inside), macro expansions included
MAX_EXPANSIONS = 2_000  # macro expansions in one expression
MAX_MACRO_ARGUMENT = 5_000  # tokens of one macro argument

LEX = re.compile(
    r"(?P<space>\s+)|(?P<comment>%[^\n]*)|(?P<cs>\\(?:[A-Za-z]+|.))|(?P<param>#[1-9])|(?P<other>.)", re.S
)


@dataclass(frozen=True)
class Tok:
    kind: str  # cs | letter | digit | char | param | end
    text: str  # without the backslash for a control sequence: "frac", ",", "|"
    pos: int

    def is_char(self, *chars: str) -> bool:
        return self.kind in ("char", "letter", "digit") and self.text in chars

    def is_cs(self, *names: str) -> bool:
        return self.kind == "cs" and self.text in names

    def shown(self) -> str:
        if self.kind in ("end", "stop"):
            return "the end of the expression"
        return f"'\\{self.text}'" if self.kind == "cs" else quote(self.text)


def lex(text: str, offset: int = 0) -> list[Tok]:
    """The tokens of ``text`` (positions from ``offset``), without spaces and comments."""
    out = []
    for m in LEX.finditer(text):
        kind, value = m.lastgroup, m.group()
        if kind in ("space", "comment"):
            continue
        if kind == "cs" and value == "\\_":  # Markdown's escaped subscript: W\_1 is W_1
            kind = "char"
            value = "_"
        elif kind == "cs":
            value = value[1:]
        elif kind == "param":
            value = value[1:]
        elif value.isascii() and value.isalpha():
            kind = "letter"
        elif value.isdigit():
            kind = "digit"
        else:
            kind = "char"
        if kind == "char" and (typed := UNICODE.get(value)):  # ⊤, −, ∂, α typed as characters
            out += [Tok(k, v, m.start() + offset) for k, v in typed]
            continue
        if kind == "char" and value == "}" and len(out) > 1 and out[-2].is_char("{") and out[-1].text in "+-":
            del out[-2]  # {-}, {+}: a binary operator braced to set its spacing
            continue
        if kind == "char" and value in "<>" and out and out[-1].kind == "cs" and out[-1].text in SIZES:
            kind, value = "cs", {"<": "langle", ">": "rangle"}[value]  # \left< x \right>: ⟨x⟩
        out.append(Tok(kind, value, m.start() + offset))
    return variational(over_fractions(out))


def variational(tokens: list[Tok]) -> list[Tok]:
    """``\\frac{\\delta L}{\\delta a}``, ``\\frac{\\delta}{\\delta \\theta}``: the derivative written with δ
    (the physicist's, a functional derivative's) as ``\\partial``; a δ with a script (δ_j, δ^{(l)}, the
    error terms of backpropagation) stays a symbol."""
    out = list(tokens)
    for k, token in enumerate(out):
        if token.is_cs("frac") and k + 1 < len(out) and out[k + 1].is_char("{"):
            bottom = closing_brace(out, k + 1) + 1
            deltas = (bare_delta(out, k + 2), bare_delta(out, bottom + 1) if bottom < len(out) else None)
            if out[bottom : bottom + 1] and out[bottom].is_char("{") and None not in deltas:
                for at in deltas:
                    out[at] = Tok("cs", "partial", out[at].pos)
    return out


def bare_delta(tokens: list[Tok], at: int) -> int | None:
    """Where the δ a group starts with stands (after its braces), if it stands with no script."""
    while at < len(tokens) and tokens[at].is_char("{"):
        at += 1
    after = tokens[at + 1] if at + 1 < len(tokens) else None
    if at < len(tokens) and tokens[at].is_cs("delta") and not (after and after.is_char("_", "^")):
        return at
    return None


def closing_brace(tokens: list[Tok], at: int) -> int:
    depth = 0
    for k in range(at, len(tokens)):
        depth += tokens[k].is_char("{") - tokens[k].is_char("}")
        if depth == 0:
            return k
    return len(tokens)


def over_fractions(tokens: list[Tok]) -> list[Tok]:
    """``{a \\over b}``, plain TeX's fraction, as ``\\frac{a}{b}``: the group that holds the
    ``\\over`` (or the whole text) is its numerator up to it and its denominator after, and its
    braces, which only delimit the fraction, go."""
    if not any(t.is_cs("over") for t in tokens):
        return tokens
    out, groups = [], [[0, None]]  # each open group: where its tokens start in out, where its \over is
    for token in tokens:
        if token.is_char("{"):
            out.append(token)
            groups.append([len(out), None])
        elif token.is_char("}") and len(groups) > 1:
            start, over = groups.pop()
            if over is None:
                out.append(token)
            else:  # the braces only delimit the fraction: {\partial \over \partial x} f is ∂f/∂x
                out[start - 1 :] = fraction(out[start:], over - start)
        elif token.is_cs("over") and groups[-1][1] is None:
            groups[-1][1] = len(out)
        else:
            out.append(token)
    return out if groups[0][1] is None else fraction(out, groups[0][1])


def fraction(tokens: list[Tok], over: int) -> list[Tok]:
    """``\\frac{…}{…}`` of the tokens before and after position ``over``."""
    at = tokens[max(over - 1, 0)].pos if tokens else 0
    numerator, denominator = [Tok("char", c, at) for c in "{}"], [Tok("char", c, at) for c in "{}"]
    numerator[1:1], denominator[1:1] = tokens[:over], tokens[over:]
    return [Tok("cs", "frac", at), *numerator, *denominator]


def greek(char: str) -> tuple[tuple[str, str], ...] | None:
    """α, Σ typed as characters: the control sequence LaTeX spells them with."""
    name = unicodedata.name(char, "")
    word = name.removeprefix("GREEK SMALL LETTER ").removeprefix("GREEK CAPITAL LETTER ").lower()
    word = {"lamda": "lambda"}.get(word, word)
    if word == name.lower() or " " in word or word in ("omicron", "final sigma"):
        return None
    capital = name.startswith("GREEK CAPITAL")
    if capital and word.capitalize() not in CAPITALS:
        return None
    return (("cs", word.capitalize() if capital else word),)


STYLED = re.compile(r"(?:MATHEMATICAL )?(DOUBLE-STRUCK|BOLD|ITALIC|BOLD ITALIC) (CAPITAL|SMALL) ([A-Z])")
STYLES = {"DOUBLE-STRUCK": "mathbb", "BOLD": "mathbf", "BOLD ITALIC": "mathbf"}  # italic: the letter


def styled(char: str) -> tuple[tuple[str, str], ...] | None:
    """𝔼, ℝ, 𝐱, 𝑥 typed as characters: ``\\mathbb{E}``, ``\\mathbf{x}``, the letter x."""
    if (match := STYLED.fullmatch(unicodedata.name(char, ""))) is None:
        return None
    letter = match.group(3) if match.group(2) == "CAPITAL" else match.group(3).lower()
    if (style := STYLES.get(match.group(1))) is None:
        return (("letter", letter),)
    return (("cs", style), ("char", "{"), ("letter", letter), ("char", "}"))


CAPITALS = frozenset("Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split())
# mathematics typed as Unicode characters (Markdown sources): the tokens LaTeX spells it with
UNICODE = {
    "⊤": (("cs", "top"),),
    "ᵀ": (("char", "^"), ("letter", "T")),
    "−": (("char", "-"),),
    "×": (("cs", "times"),),
    "·": (("cs", "cdot"),),
    "∘": (("cs", "circ"),),
    "⊙": (("cs", "odot"),),
    "⊗": (("cs", "otimes"),),
    "∂": (("cs", "partial"),),
    "∇": (("cs", "nabla"),),
    "′": (("char", "'"),),
    "∑": (("cs", "sum"),),
    "ℓ": (("cs", "ell"),),
    "…": (("cs", "ldots"),),
    "⋯": (("cs", "cdots"),),
    "⋮": (("cs", "vdots"),),
    "⋱": (("cs", "ddots"),),
    "≤": (("cs", "leq"),),
    "≥": (("cs", "geq"),),
    "≠": (("cs", "neq"),),
    "∈": (("cs", "in"),),
    **{c: typed for c in map(chr, range(0x391, 0x3CA)) if (typed := greek(c))},
    **{
        c: typed for c in map(chr, (*range(0x1D400, 0x1D56C), *range(0x2100, 0x2150))) if (typed := styled(c))
    },
}
SIZES = frozenset("left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr".split())


# --- the document's macros ---------------------------------------------------------------


@dataclass(frozen=True)
class Macro:
    params: int  # how many arguments, #1…#9
    body: tuple[Tok, ...]
    default: tuple[Tok, ...] | None = None  # the first argument's default: it is optional, [..]
    paired: bool = False  # \DeclarePairedDelimiter: \norm*{x} and \norm[\big]{x} as \norm{x}


@dataclass(frozen=True)
class Macros:
    """The document's definitions, by name (without the backslash)."""

    table: tuple[tuple[str, Macro], ...] = ()
    ignored: tuple[str, ...] = ()  # definitions of the commands the parser itself reads

    @cached_property
    def by_name(self) -> dict[str, Macro]:
        return dict(self.table)

    def get(self, name: str) -> Macro | None:
        return self.by_name.get(name)


DEFINITIONS = ("newcommand", "renewcommand", "providecommand")


def macros_from(preamble: str | Iterable[str], core: frozenset[str] = frozenset()) -> Macros:
    """The macros defined in ``preamble`` (a document's preamble, or a list of definitions).

    A definition of a name in ``core`` (the commands the parser reads: ``\\frac``, ``\\top``, …) is
    left out and listed in ``ignored``: a document never changes what the parser relies on.
    """
    if not core:
        from .texcontrol import CORE

        core = CORE
    text = preamble if isinstance(preamble, str) else "\n".join(preamble)
    tokens, table, ignored, i = lex(text), {}, [], 0
    while i < len(tokens):
        found, i = definition(tokens, i)
        if found is None:
            continue
        name, macro = found
        if name in core:
            ignored.append(name)
        else:
            table[name] = macro
    return Macros(tuple(table.items()), tuple(dict.fromkeys(ignored)))


def definition(tokens: list[Tok], i: int):
    """The definition starting at ``tokens[i]``, if one does, and where reading goes on."""
    token = tokens[i]
    reader = DEFINERS.get(token.text) if token.kind == "cs" else None
    if reader is None:
        return None, i + 1
    i += 1 + tokens[i + 1].is_char("*") if i + 1 < len(tokens) else 1  # \newcommand*, \DeclareMathOperator*
    try:
        return reader(tokens, i)
    except IndexError:  # a definition cut short: nothing defined
        return None, len(tokens)


def _name(tokens: list[Tok], i: int) -> tuple[str, int]:
    """``{\\foo}`` or ``\\foo``: the name defined."""
    if tokens[i].is_char("{"):
        return tokens[i + 1].text, i + 3
    return tokens[i].text, i + 1


def _group(tokens: list[Tok], i: int, opening="{", closing="}") -> tuple[tuple[Tok, ...], int]:
    """The tokens inside the balanced group opening at ``tokens[i]`` (or the one token there)."""
    if not tokens[i].is_char(opening):
        return (tokens[i],), i + 1
    depth, j = 0, i
    while True:
        if tokens[j].is_char(opening):
            depth += 1
        elif tokens[j].is_char(closing):
            depth -= 1
            if depth == 0:
                return tuple(tokens[i + 1 : j]), j + 1
        j += 1


def _newcommand(tokens, i):
    name, i = _name(tokens, i)
    params, default = 0, None
    if tokens[i].is_char("["):
        count, i = _group(tokens, i, "[", "]")
        params = int("".join(t.text for t in count) or 0)
    if tokens[i].is_char("["):
        default, i = _group(tokens, i, "[", "]")
    body, i = _group(tokens, i)
    return (name, Macro(params, operator_unbraced(body), default)), i


def operator_unbraced(body: tuple) -> tuple:
    """``{\\mathrm{tr}}`` as ``\\mathrm{tr}``: an operator's name braced in a macro's body still
    applies to what follows the macro (``\\tr \\left( … \\right)``)."""
    inner = body[1:-1]
    if not (len(body) > 4 and body[0].is_char("{") and body[-1].is_char("}")):
        return body
    if inner[0].is_cs("mathrm", "operatorname", "textrm", "text") and inner[1].is_char("{"):
        word = [t for t in inner[2:] if t.kind not in ("space",)]
        if word[-1].is_char("}") and all(t.kind == "letter" for t in word[:-1]):
            return inner
    return body


def _def(tokens, i):
    name, i = tokens[i].text, i + 1
    params = 0
    while tokens[i].kind == "param":
        params, i = params + 1, i + 1
    body, i = _group(tokens, i)
    return (name, Macro(params, body)), i


def _operator(tokens, i):
    name, i = _name(tokens, i)
    body, i = _group(tokens, i)
    word = "".join(t.text for t in body)
    return (name, Macro(0, (Tok("cs", "operatorname", 0), *lex("{" + word + "}")))), i


def _paired(tokens, i):
    name, i = _name(tokens, i)
    left, i = _group(tokens, i)
    right, i = _group(tokens, i)
    body = (Tok("cs", "left", 0), *left, Tok("param", "1", 0), Tok("cs", "right", 0), *right)
    return (name, Macro(1, body, paired=True)), i


DEFINERS = {
    **dict.fromkeys(DEFINITIONS, _newcommand),
    "def": _def,
    "DeclareMathOperator": _operator,
    "DeclarePairedDelimiter": _paired,
}


NOTE_WORDS = ("text", "mathrm", "textrm", "textit", "textbf", "mbox", "mathit", "mathbf", "operatorname")
BRACES = {"underbrace": "_", "overbrace": "^", "underbracket": "_", "overbracket": "^"}  # and the note's side


# --- the stream the parser reads ---------------------------------------------------------


class Stream:
    """Tokens read one by one, macros expanded on the way (counted and bounded)."""

    def __init__(self, source: Text, macros: Macros | None):
        text = source.value
        if len(text) > MAX_LENGTH:
            message = f"expression is too long ({len(text)} characters; the limit is {MAX_LENGTH})"
            raise SpecError(message, source.at(0))
        self.source, self.macros = source, macros or Macros()
        self.stack = list(reversed(lex(text)))  # the next token last
        self.end = Tok("end", "", len(text))
        self.read = self.expansions = 0

    def error(self, message: str, token: Tok) -> SpecError:
        return SpecError(message, self.source.at(min(token.pos, len(self.source.value))))

    def peek(self) -> Tok:
        while self.stack:
            token = self.stack[-1]
            if token.kind == "cs" and token.text in BRACES:
                self.unbrace(self.stack.pop())
                continue
            macro = self.macros.get(token.text) if token.kind == "cs" else None
            if macro is None:
                return token
            self.expand(self.stack.pop(), macro)
        return self.end

    def next(self) -> Tok:
        token = self.peek()
        if self.stack:
            self.stack.pop()
            self.read += 1
            if self.read > MAX_TOKENS:
                raise self.error(f"expression is too long (more than {MAX_TOKENS} tokens)", token)
        return token

    def push(self, tokens) -> None:
        self.stack.extend(reversed(tuple(tokens)))

    def expand(self, token: Tok, macro: Macro) -> None:
        self.expansions += 1
        if self.expansions > MAX_EXPANSIONS:
            message = f"too many macro expansions (more than {MAX_EXPANSIONS}): is \\{token.text} recursive?"
            raise self.error(message, token)
        if macro.paired:
            self.skip_size()
        args = []
        if macro.default is not None:
            args.append(self.optional() or macro.default)
        while len(args) < macro.params:
            args.append(self.raw_argument(token))
        body = []
        for t in macro.body:  # the body at the macro's own position, the arguments at theirs
            if t.kind != "param":
                body.append(Tok(t.kind, t.text, token.pos))
            elif int(t.text) <= len(args):
                body.extend(args[int(t.text) - 1])
            else:
                raise self.error(f"\\{token.text} uses #{t.text} but takes {len(args)} arguments", token)
        if len(body) + len(self.stack) > MAX_TOKENS:
            raise self.error(f"expression is too long (more than {MAX_TOKENS} tokens)", token)
        self.push(body)

    def unbrace(self, token: Tok) -> None:
        """``\\underbrace{a - b}_{\\text{why}}``: the tokens a - b in place, the note dropped. The brace
        groups nothing: ``x - \\underbrace{a - b}`` reads x - a - b, as printed."""
        body = self.raw_argument(token)
        if self.stack and self.stack[-1].is_char(BRACES[token.text]):
            self.stack.pop()
            note = self.raw_argument(token)
            if note and note[0].is_cs(*NOTE_WORDS) and self.stack and self.stack[-1].is_char("{"):
                self.raw_argument(token)  # _\text{const}: the word's own argument is the note's
        self.push(body)

    def skip_size(self) -> None:
        """``\\norm*{x}``, ``\\norm[\\big]{x}``: the size of a paired delimiter does not matter."""
        if self.stack and self.stack[-1].is_char("*"):
            self.stack.pop()
        else:
            self.optional()

    def optional(self) -> tuple[Tok, ...] | None:
        """``[…]`` if the next raw token opens one."""
        if not (self.stack and self.stack[-1].is_char("[")):
            return None
        return self.balanced("[", "]", self.stack[-1])

    def raw_argument(self, macro: Tok) -> tuple[Tok, ...]:
        """A macro's argument, unexpanded: a braced group or one token."""
        if not self.stack:
            raise self.error(f"\\{macro.text} needs an argument", macro)
        if self.stack[-1].is_char("{"):
            return self.balanced("{", "}", macro)
        return (self.stack.pop(),)

    def balanced(self, opening: str, closing: str, where: Tok) -> tuple[Tok, ...]:
        self.stack.pop()
        depth, out = 1, []
        while self.stack:
            token = self.stack.pop()
            depth += token.is_char(opening) - token.is_char(closing)
            if depth == 0:
                return tuple(out)
            out.append(token)
            if len(out) > MAX_MACRO_ARGUMENT:
                break
        message = f"expected {quote(closing)} to close the {quote(opening)} of a macro argument"
        raise self.error(message, where)
