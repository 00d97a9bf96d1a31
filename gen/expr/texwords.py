"""Names, functions, bars and norms for the LaTeX parser (`gen.expr.tex`): the parser's methods
that read words (``W_{1}``, ``\\lambda_{\\max}(X)``, ``tr(``, ``\\log\\det X``, ``\\|x\\|_2``)."""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import groupby

from ..errors import SpecError
from .parser import BinOp, Call, Name, Num, Postfix
from .texbars import MOMENTS, conditioned, density_ahead, expectation, moment
from .texbars import SIZED_OPENINGS as OPENING_SIZES
from .texcontrol import as_size
from .texdensity import GAMMA_FUNCTION, density, density_arguments, known_density_ahead, logged_density_ahead
from .texlex import Tok
from .texnames import (
    ACCENTS,
    BOLD,
    FRECHET,
    FUNCTION_CS,
    GREEK_NAMES,
    INDEXED,
    LETTER_CALLS,
    LETTER_FUNCTIONS,
    OPENINGS,
    RAISED,
    REFUSED,
    SIZES,
    SPACES,
    STARTS_FUNCTION,
    SUBSCRIPTED,
    WORD_STYLES,
    WORDS,
    optimum_name,
)
from .texoperators import applied_derivative, primed_ahead
from .texscripts import signed_subscript

JULIA_DOT = ("mathbin", "operatorname", "mathrm", "mathop")  # x \mathbin{.*} y: x ∘ y
TERM_OPENINGS = ("frac", "dfrac", "tfrac", "sum", "prod")  # d\frac{1}{N}\sum_i …: d of the whole term


def uses(names: frozenset, name: str) -> bool:
    """Whether a definition whose body uses ``names`` is written with ``name``: one of them, or a
    family of them (x for the x_i of ℓ := \\sum_i (x_i - μ)ᵀ Σ⁻¹ (x_i - μ), written ℓ(μ, Σ | x))."""
    return name in names or any(n.startswith(name + "_") for n in names)


class Words:
    """Mixed into the parser: what it reads of names and functions (see `gen.expr.tex._Parser`)."""

    # --- names and letters ------------------------------------------------------------------

    def letters(self):
        """A letter, or a function's name typed as letters before '(' or '[' (``tr(X)``, ``tr[X]``),
        or ``dX``."""
        first = self.peek()
        if density_ahead(self):  # p(x \mid \mu): a density (`gen.expr.texdensity`)
            return density(self, first)
        if first.text == "a" and self.spelled("arg") and "arg" not in self.names and self.optimum_after_arg():
            for _ in "arg":
                self.stream.next()
            self.stream.push([Tok("cs", "arg", first.pos)])  # argmin_x f, arg\max typed: \arg\min
            return self.atom()
        for word in self.defined_words(first.text):  # RMS(x) of RMS(x) := …, typed as letters
            if word not in self.names and self.spelled(word) and self.opens(len(word)):
                for _ in word:
                    self.stream.next()
                return self.named((word,), first)
        for word in self.typed_names(first.text):  # cost := … declared, typed as letters: one name
            if self.spelled(word) and not self.letter_after(len(word)):
                for _ in word:
                    self.stream.next()
                return self.named((word,), first)
        for word in LETTER_FUNCTIONS.get(first.text, ()):
            if word not in self.names and self.spelled(word) and self.opens(len(word), word):
                for _ in word:
                    self.stream.next()
                return self.function(WORDS[word], first)
        for word in (w for w in MOMENTS if w[0] == first.text):  # Cov(x), Var[x] typed as letters
            if word not in self.names and self.spelled(word) and self.opens(len(word)):
                for _ in word[1:]:
                    self.stream.next()
                self.next()
                return moment(self, word, first)
        self.next()
        if (stepped := self.declared_with_argument(Name(first.text, first.pos))) is not None:
            return stepped  # d[n], E(k): a time step's symbol the text declares, not d(n) nor E[n]
        if first.text == "d" and "d" not in self.names and self.differentiable(self.peek()):
            return self.differential(first)
        given = self.peek().is_char("(") and conditioned(self.stream.stack)  # E(y | X): a mean, given X
        if first.text == "E" and "E" not in self.names and (self.bracket_ahead() or given):  # E[(x - a)…]
            return expectation(self, first)
        return self.named((first.text,), first)

    def defined_words(self, letter: str) -> list[str]:
        """The functions of several letters the text defines that start with ``letter``, longest first."""
        words = [f for f, body in self.functions.items() if body is None and len(f) > 1 and f.isalpha()]
        return sorted((w for w in words if w[0] == letter), key=len, reverse=True)

    def letter_after(self, skip: int) -> bool:
        """Whether a letter typed right after the next ``skip`` letters goes on the word (``costs``)."""
        stack = self.stream.stack
        if len(stack) <= skip:
            return False
        after, last = stack[-skip - 1], stack[-skip]
        return after.kind == "letter" and after.pos == last.pos + 1

    def typed_names(self, letter: str) -> list[str]:
        """The symbols of several letters the text declares or defines that start with ``letter``
        (``cost``, ``RSS``; not a Greek letter's name), longest first."""
        words = [n for n in self.names if len(n) > 1 and n.isalpha() and n not in GREEK_NAMES]
        return sorted((w for w in words if w[0] == letter), key=len, reverse=True)

    def bracket_ahead(self) -> bool:
        """Whether ``[`` (or ``\\left[``, ``\\big[``) comes next: after a bare ``E``, an expectation,
        equal in mean where the integrands differ (never a matrix E times a bracket)."""
        stack = self.stream.stack
        ahead = [t for t in stack[-2:][::-1]]
        if ahead and ahead[0].is_char("["):
            return True
        return len(ahead) == 2 and ahead[0].is_cs(*OPENING_SIZES) and ahead[1].is_char("[")

    def spelled(self, word: str) -> bool:
        """Whether the next raw tokens are the letters of ``word``, typed together."""
        stack, start = self.stream.stack, self.peek().pos
        if len(stack) < len(word):
            return False
        tokens = stack[len(stack) - len(word) :][::-1]
        spelled = zip(tokens, word, range(len(word)))
        return all(t.kind == "letter" and t.text == c and t.pos == start + i for t, c, i in spelled)

    def opens(self, skip: int, word: str = "") -> bool:
        """Whether an argument opens after the ``skip`` letters: a bracket; after log, exp or tr typed as
        letters none of which is a symbol, also a brace (``Tr{(V - WH)^T (V - WH)}``), after log or
        exp a digit, a fraction or a Greek letter (``log\\phi``, ``log{\\frac{\\phi}{1-\\phi}}``: no
        product l·o·g), and after tr a matrix's letter (``tr AB``: the product that follows)."""
        stack = self.stream.stack
        after = stack[-skip - 1] if len(stack) > skip else None
        if after is not None and word in ("log", "exp", "tr", "Tr") and not set(word) & set(self.names):
            if (
                after.is_char("{")
                or word in ("log", "exp")
                and (after.kind == "digit" or after.is_cs("frac", "dfrac", "tfrac", *GREEK_NAMES))
            ):
                return True
            matrix = (
                after.kind == "letter" and after.text.isupper() or after.is_cs(*GREEK_NAMES, *BOLD, *ACCENTS)
            )
            if word in ("tr", "Tr") and matrix:  # tr AB, trABA^TC, tr\theta^T X^T X\theta (CS229's notes)
                return True
        return after is not None and (after.is_char("(", "[") or after.is_cs(*OPENING_SIZES))

    def differentiable(self, token: Tok) -> bool:
        """What may follow a differential's d: a letter, a Greek letter, a name, a bracket or bar
        (``d(F)``, ``d[\\operatorname{tr} F]``, ``d|X|``, ``d\\|x\\|^2``, ``d\\langle a, b\\rangle``), a
        coefficient or a sum (``d\\frac{1}{N} \\sum_i``: of the whole term)."""
        if token.kind == "letter" or token.is_char("(", "[", "|") or token.is_cs(*TERM_OPENINGS):
            return True
        if token.is_cs("|", "vert", "lvert", "lVert", "Vert", "langle"):
            return True
        tables = (GREEK_NAMES, WORD_STYLES, SIZES, FUNCTION_CS, BOLD, ACCENTS)  # d\\mathbf{x}, d\\hat{y}
        return token.kind == "cs" and any(token.text in t for t in tables)

    def differential(self, d: Tok):
        """``dX`` (the grammar's name of X's differential) or ``d(F)``; before a coefficient or a sum, d
        of the term it opens (``d\\frac{1}{N}\\sum_i f_i``, as a reader takes it)."""
        if self.peek().is_cs(*TERM_OPENINGS):
            return Call("d", (self.nested(self.product),), d.pos)
        operand = self.nested(self.atom)
        if isinstance(operand, Call) and operand.name in ("norm", "abs") and self.peek().is_char("^"):
            operand = self.superscript(operand, self.next())  # d\|x\|^2: of the square, never (d\|x\|)^2
        if not isinstance(operand, Name):
            return Call("d", (operand,), d.pos)
        differential = Name("d" + operand.name, d.pos)
        if not self.peek().is_char("^"):
            return differential
        raised = self.superscript(differential, self.next())  # dX^T is (dX)^T, as d(X^T) is
        if differential.name in self.names or not isinstance(raised, Postfix) or raised.op == "T":
            return raised  # dx := m_x - x, a name of the text's: its power
        if raised.op in ("-1", "-T"):  # no differential is inverted: d\Sigma^{-1} is d(Σ⁻¹)
            return Call("d", (replace(raised, operand=operand),), d.pos)
        message = f"is this the differential of a power or a power of d{operand.name}? write "
        raise self.error(message + "\\mathrm{d}(X^{2}) or (\\mathrm{d}X)^{2}", raised)

    def identity_size(self, tokens: list[Tok], token: Tok):
        """The size in ``I_{n}``, ``I_{n^2}`` (n·n) or ``I_{p \\times p}`` (p: the rows times the
        columns, which must agree)."""
        sides = [list(g) for times, g in groupby(tokens, lambda t: t.is_cs("times")) if not times]
        if len(sides) == 1 or len(tokens) != sum(map(len, sides)) + 1:
            return as_size(self.sub_parse(tokens, where=token))
        rows, cols = ([(t.kind, t.text) for t in side] for side in sides)
        if rows != cols:
            raise self.error("an identity matrix is square: I_{n \\times n}", token)
        return self.sub_parse(sides[0], where=token)

    def glued_index(self, bases: tuple[str, ...], token: Tok) -> str | None:
        """``x2`` typed for the declared ``x_2`` (a letter, digits right after it): that name; the
        digits are read."""
        digits, end = "", token.pos + len(token.text)
        while token.kind == "letter" and (glued := self.stream.peek()).kind == "digit":
            if glued.pos != end + len(digits):  # x 2: a space between, a product
                break
            digits += self.stream.next().text
        name = next((f"{base}_{digits}" for base in bases if f"{base}_{digits}" in self.names), None)
        if digits and name is None:
            self.stream.push([Tok("digit", d, end + i) for i, d in enumerate(digits)])
        return name

    def named(self, bases: tuple[str, ...], token: Tok):
        """A name, with its subscript: ``W_{1}`` is ``W_1`` or ``W1`` (whichever is a symbol)."""
        if (glued := self.glued_index(bases, token)) is not None:
            return self.applied(Name(glued, token.pos), token)
        if not self.peek().is_char("_"):
            return self.applied(Name(self.resolve(bases), token.pos), token)
        self.next()
        tokens = self.group_tokens()
        if bases[0] == "I" and not any(n.startswith("I") and n != "I" for n in self.names):
            return Call("I", (self.identity_size(tokens, token),), token.pos)
        braced = [Tok("char", "{", token.pos), *tokens, Tok("char", "}", token.pos)]
        self.stream.push(braced)
        try:
            sub = self.subscript_text()
        except SpecError as error:  # \Sigma_{\mathbf{xy}}: a name only where the text declares it so
            if not any(t.text in BOLD for t in tokens):
                raise
            self.stream.push(braced)
            sub = self.subscript_text(bold=True)
            if not any(f"{b}_{sub}" in self.names or f"{b}{sub}" in self.names for b in bases):
                raise error
        spellings = tuple(s for b in bases for s in (f"{b}_{sub}", f"{b}{sub}"))
        if not any(s in self.names for s in spellings):
            special = self.subscripted(bases[0], sub, token)
            if special is not None:
                return special
        if not re.sub(r"[_,|\[\]]", "", sub).isalnum():
            raise self.error(f"the subscript '{sub}' of '{bases[0]}' is not understood", token)
        name = Name(self.resolve(spellings), token.pos)
        if any(t.text in BOLD for t in tokens) and self.peek().is_char("(") and name.name not in self.names:
            return Call(name.name, self.arguments(name.name, token), token.pos)  # R_{\mathbf A}(x): applied
        return self.applied(name, token)

    def declared_with_argument(self, node: Name) -> Name | None:
        """``x(n)``, ``x(k+1)``, ``x[n]`` where the text declares that name (% derivtex: x(n): M): a
        symbol, a time step's vector, not x applied to n (the argument's tokens as written, spaces
        dropped)."""
        found = self.argument_ahead(node)
        if found is None:
            return None
        name, length = found
        del self.stream.stack[len(self.stream.stack) - length :]
        return Name(name, node.pos)

    def argument_ahead(self, node) -> tuple[str, int] | None:
        """(the declared name, its argument's token count) where the tokens ahead make ``node`` a
        name declared with an argument (`declared_with_argument`), without reading them."""
        stack = self.stream.stack
        if not stack or not stack[-1].is_char("(", "[") or not isinstance(node, Name):
            return None
        opening = stack[-1].text
        closing = {"(": ")", "[": "]"}[opening]
        depth, texts = 0, []
        for token in reversed(stack):
            depth += token.is_char(opening) - token.is_char(closing)
            if depth == 0:
                break
            texts.append(f"\\{token.text}" if token.kind == "cs" else token.text)
        name = f"{node.name}{opening}{''.join(texts[1:])}{closing}"
        return None if depth or name not in self.names else (name, len(texts) + 1)

    def applied(self, node: Name, token: Tok):
        """``f(x)``, ``\\operatorname{diagm}(v)``, ``B(x)^{-1}``: a function the text defines, applied
        (a definition with parameters, ``g(v) := …``: to any arguments; one without, ``B := A
        \\diag(x) A^T``: to names its body uses, ``B(x)`` is B; anything else stays a product)."""
        if (indexed := self.declared_with_argument(node)) is not None:  # x(n): M, a signal's vector
            return indexed
        if known_density_ahead(self, node.name):  # \mathcal{N}(x \mid \mu, \Sigma)
            return Call(node.name, density_arguments(self, token), token.pos)
        accepted = self.functions.get(node.name, False)
        if accepted is not False and primed_ahead(self):  # f'(x)[dx]: the derivative of f applied
            return applied_derivative(self, node.name, token, parameterless=accepted is not None)
        if accepted is False and self.peek().is_char("(") and self.several_arguments_ahead():
            return Call(node.name, self.arguments(node.name, token), token.pos)  # Q(x, u): a function
        if accepted is False or not self.peek().is_char("("):
            return node
        saved = list(self.stream.stack)
        try:
            args = self.arguments(node.name, token)
        except SpecError:
            if accepted is None:
                raise
            self.stream.stack = list(saved)
            args = self.label()
        if accepted is None or args and all(isinstance(a, Name) and uses(accepted, a.name) for a in args):
            return Call(node.name, args, token.pos)
        self.stream.stack = saved
        return node

    def label(self) -> tuple | None:
        """``(\\mu, \\Sigma \\mid x)`` after a name the text defines without parameters (ℓ := …):
        the names it is written with, a bar or a semicolon between them as a comma (None if not so)."""
        opening = self.next()
        bars, self.bars = self.bars, 1  # a bar ends a name, as the closing one of |…| would
        try:
            args = [self.nested(self.sum)]
            while self.accept(",", ";", "|", "mid", "vert"):
                args.append(self.nested(self.sum))
            self.close(OPENINGS[opening.text], opening)
        except SpecError:
            return None
        finally:
            self.bars = bars
        return tuple(args)

    def several_arguments_ahead(self) -> bool:
        """Whether the parenthesis that comes next holds a comma at its own level: ``Q(x, u)`` of a
        name the text has not defined is a function of two arguments (no product has a pair)."""
        depth = 0
        for t in reversed(self.stream.stack):
            depth += t.is_char("(", "[", "{") - t.is_char(")", "]", "}")
            if depth == 0 or depth == 1 and t.is_char(","):
                return depth == 1
        return False

    def subscripted(self, base: str, sub: str, token: Tok):
        """``\\lambda_{\\max}(X)``, ``I_{n}``, ``K_{mn}``, ``L_{\\exp}(X, E)``: functions the printer sets
        with a subscript (K_{mn} the commutation matrix unless the text declares a K: then its entry)."""
        call = self.peek().is_char("(") or self.peek().is_cs("left", "bigl", "Bigl")
        if call and (base, sub) in SUBSCRIPTED:
            return Call(SUBSCRIPTED[(base, sub)], self.arguments(base, token), token.pos)
        if call and base in INDEXED and sub.isdigit():
            return Call(INDEXED[base], (*self.arguments(base, token), Num(sub, token.pos)), token.pos)
        if call and base in ("L", "K") and sub in FRECHET:
            suffix = "_frechet" if base == "L" else "_kronecker"
            return Call(FRECHET[sub] + suffix, self.arguments(base, token), token.pos)
        sizes = tuple(Name(c, token.pos) if c.isalpha() else Num(c, token.pos) for c in sub.split(",") if c)
        if base == "K" and base not in self.names and (len(sub) == 2 or sub.count(",") == 1):
            pair = sizes if "," in sub else (Name(sub[0], token.pos), Name(sub[1], token.pos))
            return Call("commutation", pair, token.pos)
        return None

    def subscript_text(self, bold: bool = False) -> str:
        """A subscript as the text of a name: ``1``, ``max``, ``ij``, ``alpha`` (``\\alpha``); with
        ``bold``, a bold variable's letters too (``\\Sigma_{\\mathbf{xy}}``, a name the text declares)."""
        parts, accent = [], None
        tokens = self.group_tokens()
        signs = [t.text for t in tokens if not t.is_char("{", "}")]
        if signs in (["-"], ["+"]):  # \Sigma_-, \mu_+: a symbol of its own (a prior's, a posterior's)
            return {"-": "minus", "+": "plus"}[signs[0]]
        if len(signs) > 2 and signs[0] == "[" and signs[-1] == "]":  # X_{[i]}, u_{[N-1]}: a label in brackets
            inner = [t for t in tokens if not t.is_char("{", "}")][1:-1]
            self.stream.push([Tok("char", "{", tokens[0].pos), *inner, Tok("char", "}", tokens[-1].pos)])
            return f"[{self.subscript_text(bold)}]"
        for at, token in enumerate(tokens):
            if (
                accent and token.kind == "letter"
            ):  # E_{\hat{\boldsymbol w}}: the hat of w, as \hat{w} names it
                parts.append(token.text + ACCENTS[accent])
                accent = None
            elif token.kind == "cs" and token.text in ACCENTS:
                accent = token.text
            elif accent and (token.text in BOLD or token.is_char("{", "}")):
                continue
            elif token.is_char("*") or token.is_cs("ast", "star"):  # k_{*}, k_{*,*}: a test point's
                parts.append("star")
            elif token.kind in ("letter", "digit") or token.is_char(","):
                parts.append(token.text)
            elif token.is_cs("ell"):  # X_{\ell k}: the index l, as written in a sum over \ell
                parts.append("l")
            elif parts and (token.is_char("|") or token.is_cs("mid", "vert")):  # P_{k|k-1}: given k - 1
                parts.append("|")
            elif parts and token.is_char("_") and tokens[at + 1 : at + 2]:  # \mu_{x_1}: x_1's mean
                parts.append("_")
            elif signed_subscript(token) and (
                parts or tokens[at + 1 : at + 2] and tokens[at + 1].kind == "digit"
            ):
                parts.append(signed_subscript(token))  # x_{k-1}, the step before; \mu_{-1}, a class's
            elif token.kind == "cs" and token.text in GREEK_NAMES:
                parts.append(GREEK_NAMES[token.text][0])
            elif token.kind == "cs" and token.text in FUNCTION_CS + ("max", "min"):
                parts.append(token.text)
            elif token.text in WORD_STYLES or token.text in SPACES or token.is_char("{", "}"):
                continue
            elif token.text in BOLD and bold_capitals(tokens[at + 1 :]):  # R_{\mathbf A}: a matrix's name
                continue
            elif token.text in BOLD and bold:
                continue
            elif token.text in BOLD:  # J_{\mathbf x}: a vector as subscript names a variable (a Jacobian)
                message = f"the subscript \\{token.text}{{…}} is a variable (a Jacobian's?) J_{{\\mathbf x}}"
                raise self.error(message, token)
            else:
                raise self.error(f"the subscript {token.shown()} is not understood", token)
        return "".join(parts)

    def greek(self, token: Tok):
        names = GREEK_NAMES[token.text]
        if names[0] in ("delta", "Delta") and (varied := self.variation(names[0])):
            return varied
        call = LETTER_CALLS.get(names[0])
        after = self.peek()
        opens = after.is_char("(") or after.is_cs(*OPENING_SIZES) or self.entrywise_mark()
        value = opens and self.bare_inside(token)  # σ(1 - σ): σ is a value here, times (1 - σ)
        if call and names[0] not in self.names and names[0] not in self.functions and opens and not value:
            return self.function(call, token)  # \sigma(z): the sigmoid, unless σ is a symbol or defined
        if names[0] == "Gamma" and "Gamma" not in self.names and opens:
            raise self.error(GAMMA_FUNCTION, token)
        return self.named(names, token)

    def bare_inside(self, token: Tok) -> bool:
        """Whether the bracket that comes next holds ``token`` (a Greek letter) not applied: σ(1 - σ)
        writes σ's value, σ = σ(z), so the bracket multiplies it."""
        stack, depth = self.stream.stack, 0
        for at in range(len(stack) - 1, -1, -1):
            t = stack[at]
            depth += t.is_char("(", "[", "{") - t.is_char(")", "]", "}")
            if depth <= 0:
                return False
            applied = at > 0 and (stack[at - 1].is_char("(") or stack[at - 1].is_cs(*OPENING_SIZES))
            if t.kind == "cs" and t.text == token.text and not applied:
                return True
        return False

    def variation(self, word: str) -> Name | None:
        """``\\delta Y``, ``\\delta \\hat{A}``, ``\\Delta x_k^s`` where the text declares or defines that
        name (a variation, the gradient by Y as backpropagation notes write it; an increment): one
        symbol, never δ times Y. The name is read here, its superscript (``^s``) after it."""
        if not any(n.startswith(word) and n != word for n in self.names):
            return None
        saved = list(self.stream.stack)
        try:
            operand = self.nested(self.atom) if self.starts_atom(self.peek()) else None
        except SpecError:
            operand = None
        name = f"{word}{operand.name}" if isinstance(operand, Name) else None
        if name and any(n == name or n.startswith(name + RAISED) for n in self.names):
            return Name(name, operand.pos)
        self.stream.stack = saved
        return None

    # --- functions ----------------------------------------------------------------------------

    def entrywise_mark(self) -> bool:
        """Whether ``^{\\circ}`` comes next (``\\sigma^{\\circ}(X)``; ``\\sigma^2`` is a power)."""
        raw = [t for t in self.stream.stack[-4:][::-1] if not t.is_char("{")]
        return len(raw) > 1 and raw[0].is_char("^") and raw[1].is_cs("circ")

    def julia_dot(self, consume: bool = True) -> bool:
        """Whether Julia's entrywise product ``.*`` comes next, set as an operator:
        ``\\mathbin{.*}`` or ``\\operatorname{.*}`` (consumed when ``consume``)."""
        token = self.peek()
        raw = self.stream.stack[-5:][::-1]
        texts = [t.text for t in raw[1:]]
        if not (token.is_cs(*JULIA_DOT) and raw[:1] == [token] and texts == ["{", ".", "*", "}"]):
            return False
        for _ in raw if consume else ():
            self.stream.next()
        return True

    def function(self, name: str, word: Tok):
        """``\\exp(x)``, ``\\exp^{\\circ}(X)`` (entry by entry), ``\\log\\det X``, ``\\log|X|``,
        ``\\operatorname{tr} AB`` (without parentheses: the product that follows)."""
        entrywise = False
        if self.peek().is_char("^"):
            caret = self.next()
            tokens = self.group_tokens()
            if tokens and all(t.kind == "digit" for t in tokens) and tokens[0].text != "0":
                exponent = self.sub_parse(tokens, where=caret)  # \tanh^2(x): (\tanh x)^2
                return Postfix("^", self.function(name, word), caret.pos, exponent)
            if not (len(tokens) == 1 and tokens[0].is_cs("circ")):
                raise self.error(
                    f"a power of {word.shown()} before its argument must be a whole number "
                    "(\\sin^2 x is (\\sin x)^2): write an inverse function or another power out",
                    caret,
                )
            entrywise = True
        if not entrywise and primed_ahead(self):  # \exp'(A)[dA]
            return applied_derivative(self, name, word)
        params = ()
        if name in ("min", "max") and self.optimum_ahead():  # \min_x f, \max f(x): not min(a, b)
            return self.optimum(name, word)
        if self.peek().is_char("_"):  # \operatorname{huber}_{\delta}(x): a parameter
            self.next()
            params = (self.sub_parse(self.group_tokens(), self.postfix),)
        if name == "log" and logged_density_ahead(self):  # \log p(x \mid \mu), \log p(x)
            return Call("log", (density(self, self.peek()),), word.pos)
        if name == "log" and (self.accept("det") or self.word_follows("det")):
            name = "logdet"
        if name in ("log", "logdet", "det") and self.peek().is_char("|") and not self.bars:
            name = "logdet" if name != "det" else "det"
            return Call(name, (self.bar_content(),), word.pos)
        token = self.peek()
        if token.kind in ("char", "cs") and token.text in OPENINGS:
            args = self.arguments(name, word)
        elif self.starts_atom(token):
            args = (self.bare_argument(),)
        else:
            raise self.error(f"expected the argument of {word.shown()}, found {token.shown()}")
        return Call(name, args + params, word.pos, entrywise=entrywise)

    def optimum_after_arg(self) -> bool:
        """Whether ``arg`` typed as letters is followed by min, max (letters or ``\\min``, ``\\max``,
        ``\\underset{x}{\\max}``): the minimiser (maximiser) written so."""
        after = self.stream.stack[-4::-1][:3]  # the tokens after "arg"
        typed = "".join(t.text for t in after if t.kind == "letter") in ("min", "max")
        return typed or bool(after) and after[0].is_cs("min", "max", "underset", *SPACES)

    def optimum_ahead(self) -> bool:
        """Whether ``\\min`` or ``\\max`` comes before a variable below (``\\min_x``) or before one
        argument, not a pair: an optimum, not the smaller of two values."""
        ahead = self.peek()
        pair = ahead.text in OPENINGS and not (ahead.is_char("(") and not self.several_arguments_ahead())
        return ahead.is_char("_") or not pair

    def optimum(self, name: str, word: Tok) -> Call:
        """``\\min_x f``, ``\\arg\\max_{\\theta} f``: the call `optimum_name` of f, the objective the rest
        of the side (``\\min_x \\|Ax - b\\|^2 + \\lambda\\|x\\|^2``: the whole sum). Its value is not
        computed: two optima over one variable are equal where their objectives are
        (`gen.texcheck.links.linked`)."""
        while self.accept(*SPACES):  # \min\limits_x
            pass
        variable = ""
        if self.accept("_"):
            kept = [
                t
                for t in self.group_tokens()
                if not (t.is_char("{", "}") or t.kind == "cs" and t.text in BOLD)
            ]
            variable = "".join(t.text for t in kept)  # \min_{\mathbf{x}}: as \min_x
        return Call(optimum_name(name, variable), (self.nested(self.sum),), word.pos)

    def word_follows(self, word: str) -> bool:
        if self.spelled(word):
            for _ in word:
                self.stream.next()
            return True
        return False

    def bare_argument(self):
        """A function's argument without parentheses: the product of the factors that follow, up to
        an operator or another function (``\\det X \\det Y`` is two determinants)."""
        node = self.nested(self.postfix)
        while self.starts_atom(token := self.peek()) and not self.is_function(token):
            node = BinOp("*", node, self.nested(self.postfix), token.pos)
        return node

    def is_function(self, token: Tok) -> bool:
        if token.kind != "cs":
            return False
        return token.text in FUNCTION_CS or token.text in REFUSED or token.text in STARTS_FUNCTION

    # --- bars, norms, brackets ------------------------------------------------------------------

    def bar(self):
        """``|x|``: the absolute value (of a square matrix, the lowering reads the determinant)."""
        token = self.peek()
        return Call("abs", (self.bar_content(),), token.pos)

    def bar_content(self):
        opening = self.next()
        self.bars += 1
        node = self.nested(self.sum)
        self.bars -= 1
        self.close("|", opening)
        return node

    def norm(self, opening: Tok, double: bool = False):
        """``\\|x\\|``, ``\\lVert X\\rVert_F``, ``||x||_2``: the Euclidean or Frobenius norm, ``_2`` the
        spectral norm (of a vector, its Euclidean norm), ``_*`` the nuclear norm."""
        self.bars += 1
        node = self.nested(self.sum)
        self.bars -= 1
        closing = ("vert",) if opening.is_cs("vert") else ("|", "rVert", "Vert")  # \vert\vert X \vert\vert
        if not self.accept(*closing) or (double and not self.accept("|", *closing)):
            raise self.error(f"expected the norm's closing bars, found {self.peek().shown()}")
        power = self.power_before_script()
        kind = "norm"
        if self.accept("_"):
            sub = self.subscript_text()
            kinds = {"2": "norm2", "F": "norm", "star": "nuclear", "": "norm", "fro": "norm"}
            if sub not in kinds:
                raise self.error(f"the norm ||·||_{sub} is not supported (2, F or *)", opening)
            kind = kinds[sub]
        self.stream.push(power)  # \|X\|^2_F: squared after all
        return Call(kind, (node,), opening.pos)

    def power_before_script(self) -> list[Tok]:
        """``^{2}`` where a subscript follows it (``\\|X\\|^2_F``, ``\\|x\\|^{2}_{2}``: the power written
        first): its tokens, read off to be put back after the subscript; none otherwise."""
        if not self.peek().is_char("^"):
            return []
        saved = list(self.stream.stack)
        self.next()
        try:
            self.group_tokens()
        except SpecError:
            pass
        if self.peek().is_char("_"):
            return saved[len(self.stream.stack) :][::-1]  # as read
        self.stream.stack = saved
        return []


def bold_capitals(after: list) -> bool:
    """Whether the group a bold command takes (the tokens ``after`` it) is capital letters: the
    name of a matrix, part of a name (``R_{\\mathbf A}``), never an index."""
    group = (
        after[1 : next((k for k, t in enumerate(after) if t.is_char("}")), 0)]
        if after[:1] and after[0].is_char("{")
        else after[:1]
    )
    return bool(group) and all(t.kind == "letter" and t.text.isupper() for t in group)
