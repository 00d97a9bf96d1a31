"""What each control sequence means to the LaTeX front end (`gen.expr.tex`): one handler each,
called with the parser and the control sequence's token, returning the AST of what it writes.

``CORE``: the commands the parser reads, which a document's macros may not redefine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from .parser import BinOp, Call, Name, Neg, Num, Postfix
from .texbars import (
    ELISIONS,
    SIZED_OPENINGS,
    Notation,
    elided,
    expectation,
    moment,
    moment_ahead,
    refuse_probability_word,
)
from .texgradient import derivative_value, gradient_of
from .texlex import Tok
from .texmatrix import environment
from .texnames import (
    ACCENTS,
    BLACKBOARD,
    BOLD,
    BOLD_OWN,
    CLOSERS,
    COMPARED,
    CONVENIENCE,
    DROPPED_WITH_ARGUMENT,
    FUNCTION_CS,
    GREEK_NAMES,
    OPTIMA,
    REFUSED,
    SIZES,
    SPACES,
    TIMES,
    UNWRAPPED,
    UNWRAPPED_SECOND,
    WORD_STYLES,
    WORDS,
    optimum_kind,
)


def inner(a, b, pos: int) -> Call:
    """``⟨A, B⟩`` and ``A : B``: ``tr(AᵀB)``."""
    return Call("tr", (BinOp("*", Postfix("T", a, pos), b, pos),), pos)


def as_size(node):
    """A size as the grammar writes it: ``n^{2}`` is ``n*n`` (a size is a product of dimensions)."""
    if isinstance(node, Postfix) and node.op == "^" and isinstance(node.exponent, Num):
        power = int(node.exponent.text) if node.exponent.text.isdigit() else 0
        if 1 <= power <= 8:
            product = node.operand
            for _ in range(power - 1):
                product = BinOp("*", product, node.operand, node.pos)
            return product
    return node


# --- what each control sequence means -------------------------------------------------------


def _frac(p, token: Tok):
    numerator, denominator = unbraced(p.group_tokens()), unbraced(p.group_tokens())
    if len(numerator) > 2 and numerator[0].is_char("-") and numerator[1].is_cs("partial"):
        return Neg(  # \frac{-\partial f}{\partial x}: -∂f/∂x
            fraction(p, numerator[1:], denominator, token), token.pos
        )
    return fraction(p, numerator, denominator, token)


def fraction(p, numerator: list[Tok], denominator: list[Tok], token: Tok):
    """``\frac{numerator}{denominator}``: a derivative's value, or a quotient."""
    if bare_operator(numerator) and denominator and not denominator[0].is_cs("partial"):
        denominator = [numerator[0], *denominator]  # \frac{\partial}{x_k}, as typed: \partial/\partial x_k
    if derivative(numerator, denominator):
        if value := leibniz(p, numerator, denominator, token):
            return value  # df/dX inside an expression: its value, as ∂f/∂X's
        by_partial = numerator[0].is_cs("partial")
        if by_partial and (value := derivative_value(p, numerator[1:], denominator[1:], token)):
            return value  # ∂f/∂X inside an expression: its value (gen.texcheck.gradients)
        message = "a derivative \\frac{\\partial …}{\\partial …} cannot be checked: write it out"
        raise p.error(message, token)
    top = p.sub_parse(numerator, where=token)
    bottom = p.sub_parse(denominator, where=token)
    return BinOp("/", top, bottom, token.pos)


def unbraced(tokens: list[Tok]) -> list[Tok]:
    """``tokens`` without braces around all of them: ``{ {\\partial L} }`` (MathType's, Mathpix's) is
    ``\\partial L``; ``{\\partial {z_{c,i} } }`` keeps the braces inside."""
    while len(tokens) >= 2 and tokens[0].is_char("{") and closes_at(tokens) == len(tokens) - 1:
        tokens = tokens[1:-1]
    return tokens


def closes_at(tokens: list[Tok]) -> int:
    """The index of the ``}`` that closes the ``{`` at ``tokens[0]``."""
    depth = 0
    for k, t in enumerate(tokens):
        depth += t.is_char("{") - t.is_char("}")
        if depth == 0:
            return k
    return -1


def bare_operator(tokens: list[Tok]) -> bool:
    """Whether ``tokens`` are ``\\partial`` alone (the numerator of an operator ∂/∂x)."""
    return unbraced_texts(tokens) == ["partial"]


def derivative(numerator: list[Tok], denominator: list[Tok]) -> bool:
    """Whether ``\\frac{…}{…}`` is a derivative: ``∂f/∂X``, ``\\mathrm{d}f/\\mathrm{d}t``, ``df/dt``."""

    def differential(tokens: list[Tok]) -> bool:
        words = unbraced_texts(tokens)[:2]
        return words[:1] in (["partial"], ["nabla"]) or words == ["mathrm", "d"] or words[:1] == ["d"]

    return (
        bool(denominator)
        and denominator[0].is_cs("partial", "nabla")
        or (differential(numerator) and differential(denominator))
    )


def leibniz(p, numerator: list[Tok], denominator: list[Tok], token: Tok):
    """``\\frac{dy}{dx}`` inside an expression: the value of the derivative, as ∂y/∂x's
    (gen.expr.texgradient.derivative_value); None if the fraction is written with ∂. Where the
    side goes on with the differential dx (``dy = \\frac{dy}{dx}\\,dx``) the fraction of a name is
    Leibniz's notation being introduced, not a value."""
    top, bottom = after_d(numerator), after_d(denominator)
    if top is None or bottom is None:
        return None
    where = p.stream.source.at(token.pos)
    named = top and not top[0].is_char("^") and isinstance(p.sub_parse(top, where=token), Name)
    if named and differential_follows(p, bottom):
        message = "\\frac{dy}{dx} as a factor is Leibniz's notation for a derivative, not a value"
        raise Notation(f"{message} (it introduces the notation, as in dy = \\frac{{dy}}{{dx}}\\,dx)", where)
    if value := derivative_value(p, top, bottom, token):
        return value
    message = "a derivative \\frac{d …}{d …} inside an expression cannot be checked: write it out"
    raise p.error(message, token)


def differential_follows(p, variable: list[Tok]) -> bool:
    """Whether the tokens still to read hold the differential of ``variable`` (d x, \\mathrm{d}x)."""
    ahead = list(reversed(p.stream.stack))
    written = unbraced_texts(variable)
    return any(
        (rest := after_d(ahead[k:])) is not None
        and unbraced_texts(rest)[: len(written)] == written
        and [t.text for t in ahead[max(k - 2, 0) : k]] not in (["frac", "{"], ["}", "{"])  # in dx/dt
        for k in range(len(ahead))
    )


def unbraced_texts(tokens: list[Tok]) -> list[str]:
    """The tokens' texts, braces left out."""
    return [t.text for t in tokens if not t.is_char("{", "}")]


def after_d(tokens: list[Tok]) -> list[Tok] | None:
    """The tokens after a leading differential's d (``d``, ``\\mathrm{d}``, ``{\\rm d}``), or None."""
    words = [t.text for t in tokens[:4]]
    if tokens and tokens[0].is_char("d"):
        return tokens[1:]
    if words[:1] in (["mathrm"], ["operatorname"], ["text"]) and words[1:4] == ["{", "d", "}"]:
        return tokens[4:]
    if words[:1] == ["mathrm"] and tokens[1:2] and tokens[1].is_char("d"):  # \mathrm d\tr(P): unbraced
        return tokens[2:]
    if words[:1] == ["{"] and words[1:2] in (["rm"], ["mathrm"]) and words[2:4] == ["d", "}"]:
        return tokens[4:]
    return None


def _partial(p, token: Tok):
    """``\\partial X``, ``\\partial(X^{-1})``: the differential, as the Matrix Cookbook writes it (§2.2);
    ``\\partial L / \\partial x_i``, written on one line, the derivative, as ``\\frac{\\partial L}{\\partial
    x_i}`` (never a ratio of two differentials)."""
    if not p.differentiable(p.peek()):
        raise p.error(REFUSED["partial"], token)
    f, differential = read_off(p, lambda: p.differential(token))
    stack = p.stream.stack
    if not (p.peek().is_char("/") and len(stack) > 1 and stack[-2].is_cs("partial")):
        return differential
    p.next()
    below = p.next()
    if not p.differentiable(p.peek()):
        raise p.error(REFUSED["partial"], below)
    by, _ = read_off(p, lambda: p.differential(below))
    if value := derivative_value(p, f, by, token):
        return value
    raise p.error("a derivative \\partial f / \\partial x cannot be checked: write it out", token)


def read_off(p, parse) -> tuple[list[Tok], object]:
    """The tokens ``parse()`` reads from the stream, and what it makes of them."""
    before = list(p.stream.stack)
    node = parse()
    return list(reversed(before[len(p.stream.stack) :])), node


def _sqrt(p, token: Tok):
    root = p.stream.optional()
    radicand = p.sub_parse(p.group_tokens(), where=token)
    if root is None:
        return Call("sqrt", (radicand,), token.pos)
    index = p.sub_parse(list(root), where=token)
    return Postfix("^", radicand, token.pos, BinOp("/", Num("1", token.pos), index, token.pos))


def _word(p, token: Tok):
    """``\\mathrm{tr}``, ``\\operatorname{diag}``: a function; ``\\mathrm{d}``: the differential;
    ``\\mathit{xy}``: a name of several letters."""
    p.accept("*")  # \operatorname*{argmin}
    tokens = [t for t in p.group_tokens() if not (t.is_char("~") or t.is_cs(*SPACES))]  # \mathrm{~s}: a tie
    word = "".join(t.text for t in tokens if t.kind in ("letter", "digit") or t.is_char("_"))
    if not word or len(word) != len([t for t in tokens if not t.is_char("{", "}")]):
        if len(tokens) == 1 and tokens[0].kind == "cs" and tokens[0].text in GREEK_NAMES:
            return p.greek(tokens[0])
        raise p.error(f"expected a word inside \\{token.text}{{…}}", token)
    if word == "d" and "d" not in p.names and p.differentiable(p.peek()):
        return p.differential(token)
    opens = p.peek().is_char("[", "(", "_") or p.peek().is_cs(*SIZED_OPENINGS)
    if word == "E" and "E" not in p.names and opens:
        return expectation(p, token)  # \operatorname{E}[x], \mathrm{E}(x)
    if word == "E" and "E" not in p.names and token.text == "operatorname":  # \operatorname E w w^T
        return Call("expect", (p.nested(p.juxtaposed),), token.pos)  # the product that follows, as tr AB
    if moment_ahead(p, word):
        return moment(p, word, token)  # \operatorname{Var}(x), \text{Cov}[x, y]
    if len(word) > 1 or p.peek().is_char("["):  # \operatorname{Pr}(A)
        refuse_probability_word(p, word, token)
    if word in OPTIMA[2:] and word not in p.names:  # \operatorname{argmin}_x f
        return p.optimum(word, token)
    if word in WORDS and word not in p.names:
        return p.function(WORDS[word], token)
    return p.named((word,), token)


def _bold(p, token: Tok):
    """``\\mathbf{x}`` is x; ``\\mathbf{1}`` the vector of ones (``ones()``: the lowering sizes it by
    its neighbours, `gen.expr.ones`)."""
    tokens = unbraced(p.group_tokens())  # \mathbf{h_{t-1}}: the braces inside are the subscript's
    if [t.text for t in tokens] == ["1"]:
        return indicator(p, token) if indicator_ahead(p.stream.stack) else Call("ones", (), token.pos)
    own = f"{tokens[0].text}{BOLD_OWN}" if len(tokens) == 1 and tokens[0].kind == "letter" else None
    if own and any(n == own or n.startswith(f"{own}_") for n in p.names):  # \mathbf{y}_{m+1}, its own
        node = p.named((own, tokens[0].text), token)
        if isinstance(node, Name) and node.name.startswith(own) and node.name not in p.names:
            return replace(node, name=tokens[0].text + node.name[len(own) :])  # \mathbf{y}_m: y_m
        return node
    p.stream.push(tokens)
    return p.atom()


def _accent(p, token: Tok):
    """``\\hat{y}``, ``\\hat{\\mathbf p}``, ``\\tilde{\\mathrm T}``: the symbol ``yhat`` (or ``y_hat``);
    ``\\hat{y_k}`` is ``\\hat{y}_k``. ``\\dot{x}``, Newton's time derivative, is the differential
    ``dx`` (x's change along t: ``\\dot{J} = J \\operatorname{tr}(F^{-1}\\dot{F})`` is Jacobi's formula)."""
    group = p.group_tokens()
    script = next((k for k, t in enumerate(group) if t.is_char("_")), None)
    if script is not None:  # \hat{y_k}: the hat of y, with the subscript k (as \hat{y}_k)
        group, rest = group[:script], group[script:]
        p.stream.push(rest)
    bold = [t for t in group if not t.is_char("{", "}")]
    tokens = [t for t in bold if not (t.kind == "cs" and (t.text in BOLD or t.text in WORD_STYLES))]
    if len(tokens) != 1 or not (tokens[0].kind == "letter" or tokens[0].text in GREEK_NAMES):
        raise p.error(f"\\{token.text}{{…}} of more than a letter is not understood", token)
    base = tokens[0].text if tokens[0].kind == "letter" else GREEK_NAMES[tokens[0].text][0]
    accent = ACCENTS[token.text]
    opens = p.peek().is_char("[", "(") or p.peek().is_cs("{", *SIZED_OPENINGS)
    if f"{base}{accent}" == "Ecal" and not {"Ecal", "E_cal"} & {*p.names, *p.functions} and opens:
        return expectation(p, token)  # \mathcal{E}(x), the expectation in econometrics notes
    if accent == "dot":
        return p.named((f"d{base}",), token)
    return p.named((f"{base}{accent}", f"{base}_{accent}"), token)


def _unwrap(p, token: Tok):
    return p.sub_parse(p.group_tokens(), where=token)


def _unwrap_second(p, token: Tok):
    """``\\textcolor{red}{x}`` is x, and so is ``\\overset{(a)}{=}`` (a relation's label). A symbol set
    over a letter names a symbol of its own: ``\\overset{\\circ}{\\sigma}`` (a stress rate) is
    ``sigmacirc``, not σ. ``\\underset{x}{\\arg\\min}`` is ``\\arg\\min_{x}``."""
    over = [t for t in p.group_tokens() if not t.is_char("{", "}")]
    if token.is_cs("underset") and optimum_word(base := p.group_tokens()):
        below = [Tok("char", c, token.pos) for c in "_{"]
        p.stream.push([*base, *below, *over, Tok("char", "}", token.pos)])  # \arg\min_{x}
        return p.atom()
    if token.is_cs("underset"):  # not an optimum: the group read as before
        p.stream.push([Tok("char", "{", token.pos), *base, Tok("char", "}", token.pos)])
    marks = token.is_cs("overset", "stackrel") and len(over) == 1 and over[0].kind in ("cs", "char")
    inner = p.sub_parse(p.group_tokens(), where=token)
    return p.named((f"{inner.name}{over[0].text}",), token) if marks and isinstance(inner, Name) else inner


def optimum_word(tokens: list[Tok]) -> bool:
    """Whether ``tokens`` are an optimum's operator: ``\\min``, ``\\arg\\max``, ``\\operatorname{argmin}``."""
    styles = ("operatorname", "mathop", *WORD_STYLES)
    word = "".join(t.text for t in tokens if t.kind in ("letter", "cs") and t.text not in (*SPACES, *styles))
    return word in OPTIMA


def _arg(p, token: Tok):
    """``\\arg\\min_x f``, ``\\arg \\max``, ``\\arg\\underset{x}{\\max}``: the minimiser (maximiser)
    over x, the optimum that follows read as its argument's."""
    while p.accept(*SPACES):  # \arg\,\min
        pass
    if typed := next((w for w in ("min", "max") if p.spelled(w)), None):  # argmin typed as letters
        for _ in typed:
            p.stream.next()
        p.stream.push([Tok("cs", typed, token.pos)])
    found = p.atom() if p.peek().is_cs("min", "max", "underset") else None
    kind = optimum_kind(found.name) if isinstance(found, Call) else None
    if kind not in ("min", "max"):
        raise p.error("expected \\min or \\max after \\arg", token)
    return replace(found, name=f"arg{found.name}")


def _langle(p, token: Tok):
    """``\\langle A, B \\rangle``: tr(AᵀB); ``\\langle x \\rangle``, the physicists' mean: E[x]."""
    a = p.nested(p.sum)
    if p.accept("rangle"):
        return Call("expect", (a,), token.pos)
    p.expect(",", "',' between the two sides of \\langle A, B\\rangle")
    b = p.nested(p.sum)
    p.expect("rangle", "\\rangle to close \\langle")
    frobenius_mark(p)
    return inner(a, b, token.pos)


FROBENIUS = (["F"], ["{", "F", "}"], ["{", "mathrm", "{", "F", "}", "}"], ["{", "text", "{", "F", "}", "}"])


def frobenius_mark(p) -> None:
    """Read the ``_F`` of ``\\langle A, B \\rangle_F`` (``_{F}``, ``_{\\mathrm{F}}``): the Frobenius
    inner product, which ⟨A, B⟩ already is."""
    if not p.peek().is_char("_"):
        return
    ahead = [t.text for t in reversed(p.stream.stack[-8:-1])]
    if written := next((w for w in FROBENIUS if ahead[: len(w)] == w), None):
        for _ in range(len(written) + 1):
            p.stream.next()


def _function(p, token: Tok):
    return p.function(WORDS.get(token.text, token.text), token)


def _indicator(p, token: Tok):
    r"""``\mathbb{I}[x > c]`` (``\mathbb{I}^{\circ}[…]``): the step ``step(x, c)``."""
    letter = "".join(t.text for t in p.group_tokens())
    if letter == "E" and "E" not in p.names:
        return expectation(p, token)
    if moment_ahead(p, letter):  # \mathbb{Var}(x)
        return moment(p, letter, token)
    if f"{letter}{BLACKBOARD}" in p.names:  # \mathbb{X}, a data matrix the text declares so
        return p.named((f"{letter}{BLACKBOARD}",), token)
    refuse_probability_word(p, letter, token)
    if letter == "1" and not indicator_ahead(p.stream.stack):  # \mathbb{1}^T x: the vector of ones
        return Call("ones", (), token.pos)
    if letter not in ("I", "1"):
        raise p.error(f"\\mathbb{{{letter}}} is not understood here", token)
    return indicator(p, token)


BRACKETS = {"[": "]", "(": ")", "{": "}", "lbrace": "rbrace", "lbrack": "rbrack"}


def indicator(p, token: Tok):
    r"""``\mathbb{I}[x > c]``, ``\mathbf{1}[z < 0]``, ``\mathbb{1}\{x \geq c\}``, ``\mathbb{1}_{x > c}``
    (``\mathbb{I}^{\circ}[…]`` too): the step, 1 where x is above c (below: where -x is above -c)."""
    if p.peek().is_char("^"):
        p.next()
        p.group_tokens()
    if p.accept("_"):  # the subscript's group, read to its end
        group = p.group_tokens()
        closing = Tok("stop", "", group[-1].pos + len(group[-1].text) if group else token.pos)
        p.stream.push([*group, closing])
    elif (opening := p.next()).text in BRACKETS and opening.kind in ("char", "cs"):
        closing = Tok(opening.kind, BRACKETS[opening.text], opening.pos)
    else:
        raise p.error(f"expected '[' after the indicator {token.shown()}, found {opening.shown()}", opening)
    x = p.nested(p.sum)
    compared = p.next()
    if compared.kind not in ("char", "cs") or compared.text not in COMPARED:
        raise p.error(f"expected '>' or '<' in the indicator {token.shown()}, found {compared.shown()}")
    c = p.nested(p.sum)
    if (shut := p.next()).kind != closing.kind or shut.text != closing.text:
        raise p.error(f"expected {closing.shown()} to close the indicator, found {shut.shown()}", shut)
    above = COMPARED[compared.text] == ">"
    return Call("step", (x, c) if above else (Neg(x, x.pos), Neg(c, c.pos)), token.pos)


def indicator_ahead(stack: list[Tok]) -> bool:
    r"""Whether the bracket or subscript that opens next (the top of ``stack``) compares two sides at
    its own level: ``\mathbf{1}[z > 0]`` is an indicator; ``\mathbf{1}_n``, ``\mathbf{1}(x - y)`` not."""
    tokens = [t for t in reversed(stack) if not (t.kind == "cs" and t.text in SIZES)]
    if tokens[:1] and tokens[0].is_char("_"):
        tokens = tokens[1:]
    depth = 0
    for token in tokens:
        opens = token.kind in ("char", "cs") and token.text in BRACKETS
        depth += opens - (token.kind in ("char", "cs") and token.text in BRACKETS.values())
        if depth <= 0:
            return False
        if depth == 1 and token.kind in ("char", "cs") and token.text in COMPARED:
            return True
    return False


def _operator(p, token: Tok):
    """``\\mathop{\\mathrm{tr}}(X)``: the operator's name read where it stands, before its argument
    (``\\mathop\\text{tr}{…}``: the styled word, its group whole)."""
    if not p.peek().is_cs(*WORD_STYLES):
        p.stream.push(p.group_tokens())
    return p.atom()


def _transpose_alone(p, token: Tok):
    raise p.error("'\\top' goes in a superscript: X^{\\top}", token)


def _vert(p, opening: Tok):
    """``\\vert x \\vert``, the absolute value; ``\\vert\\vert X \\vert\\vert``, two bars typed so: the
    norm."""
    if p.peek().is_cs("vert"):
        p.next()
        return p.norm(opening, double=True)
    return Call("abs", (_closed_bar(p, opening),), opening.pos)


CONTROL: dict[str, Callable] = {
    **dict.fromkeys(("frac", "tfrac", "dfrac", "cfrac"), _frac),
    "sqrt": _sqrt,
    **dict.fromkeys(WORD_STYLES, _word),
    **dict.fromkeys(BOLD, _bold),
    **dict.fromkeys(ACCENTS, _accent),
    **dict.fromkeys(UNWRAPPED, _unwrap),
    **dict.fromkeys(UNWRAPPED_SECOND, _unwrap_second),
    **dict.fromkeys(FUNCTION_CS, _function),
    "langle": _langle,
    "arg": _arg,
    **dict.fromkeys(ELISIONS, elided),
    "partial": _partial,
    "nabla": gradient_of,  # \nabla_X f inside an expression: its value
    **dict.fromkeys(("lVert", "Vert", "|"), lambda p, t: p.norm(t)),
    "lvert": lambda p, t: Call("abs", (_closed_bar(p, t),), t.pos),
    "vert": _vert,
    "mathbb": _indicator,
    **dict.fromkeys(("top", "intercal"), _transpose_alone),
    "lbrace": lambda p, t: _group(p, t, "}"),
    "{": lambda p, t: _group(p, t, "}"),
    "lbrack": lambda p, t: _group(p, t, "]"),
    "lparen": lambda p, t: _group(p, t, ")"),
    "begin": environment,
    "mathop": _operator,  # a matrix literal (gen.expr.texmatrix)
}


def _group(p, opening: Tok, closing: str):
    bars, p.bars = p.bars, 0
    node = p.nested(p.sum)
    p.bars = bars
    p.close(closing, opening)
    return node


def _closed_bar(p, opening: Tok):
    p.bars += 1  # inside: a bar closes
    node = p.nested(p.sum)
    p.bars -= 1
    p.expect("rvert", "\\rvert to close \\lvert") if opening.text == "lvert" else p.expect("vert", "\\vert")
    return node


# the commands the parser reads: a document's macros may not redefine them
CORE = frozenset(CONTROL) - frozenset(CONVENIENCE) - {"vec", "bm"}
CORE |= SIZES | SPACES | CLOSERS | DROPPED_WITH_ARGUMENT | frozenset(TIMES)
CORE |= frozenset(GREEK_NAMES) | frozenset(REFUSED) | {"circ", "top", "intercal", "prime", "rangle"}
