"""Each link of a chain checked numerically, as author ``steps`` are: both sides evaluated at random
points (``dX`` a random direction), at two assignments of distinct sizes ≥ 2 to the dimensions.

Exactly one status per link: ok, does not follow, cannot check, not understood, shape error, skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..errors import SpecError
from ..expr.functions import FUNCTIONS
from ..expr.parser import BinOp, Call, Name, Num, Postfix
from ..expr.texbars import PROBABILITY_WORDS, Notation, Uncheckable
from ..expr.texgradient import GRADIENT as GRADIENT_VALUE
from ..expr.texgradient import entry
from ..expr.texindex import Entry, as_entry_name
from ..expr.texmatrix import MatrixLiteral
from ..expr.texnames import GRADIENT_NAME, REFUSED, WORDS, as_written, optimum_kind
from ..spec.keys import ENTRIES
from ..spec.reader import Text
from .abstract import abstracted
from .applied import DECLARATIONS
from .conditions import APART, NOT_IMPLIED
from .conventions import on_link, represented, unstated
from .densities import (
    KNOWN,
    by_square,
    conditioned,
    density_value,
    is_density,
    log_density,
    log_density_definition,
    same_density,
    squared_variable,
    undeclared_density,
)
from .einstein import literal_free
from .expectations import SAMPLE, averaged, more_draws
from .indexfamilies import Member
from .indexnodes import Derivative, bare, split
from .indexnodes import nodes as index_nodes
from .indices import (
    Indexed,
    capitalised,
    check_link,
    defined_in_index_notation,
    entry_defined,
    marked,
    one_sided_family,
)
from .inverses import by_inverses, inverse_variable
from .jacobians import by_transpose, identified, is_vector, negated, negation, undecided_layouts
from .library import library_function, primed_applied
from .roots import factored
from .rows import BECAUSE, CHECKED, Chain, closing
from .second import TWICE, TWO, SecondOrder, introduced, paired, read_second
from .shapes import GREEK, Conflict, children, convention, infer, kind_of, names_in
from .symmetry import symmetric_in
from .undefined import undefined_letter
from .values import UNDEFINED, Sides, compare, written_zero

OK, FALSE, CANNOT, NOT_UNDERSTOOD, SHAPE, SKIPPED = (
    "ok",
    "does not follow",
    "cannot check",
    "not understood",
    "shape error",
    "skipped",
)
CONSTANTS = ("I", "pi", "e")
# the constants no text defines: ``e = y - X\beta`` alone on a side names a residual, not Euler's e
UNDEFINABLE = ("I", "pi")
# A reason column saying so: the two sides are equal only under a convention (a symmetric variable's
# gradient, directions restricted to symmetric ones, a change of layout or of variable)
CONVENTION_CHANGES = (
    "gradient within symmetric matrices",
    "symmetric gradient",
    "symmetric directions",
    "numerator layout",
    "denominator layout",
    "change of variable",
)
STATUSES = (OK, FALSE, CANNOT, NOT_UNDERSTOOD, SHAPE, SKIPPED)
# the values an index takes, written after the chain (``, \quad i = 1, 2, \ldots, N``, ``j=0,1,...,p``)
RANGE = re.compile(r"\s*-?[0-9]+\s*,[^=]*(?:\\[lc]?dots|\\cdots|\.\.\.)")


@dataclass(frozen=True)
class Outcome:
    """One link's status, with what the report shows."""

    path: str
    line: int
    status: str
    message: str
    left: str
    right: str
    relation: str
    reason: str = ""
    figure: float | None = None  # the largest relative error over the samples
    conventions: tuple[str, ...] = ()
    in_words: str = ""  # a failing link a relation the text states in words could make true: why

    def decided(self) -> Outcome:
        """The outcome as reported: a failure ``in_words`` explains cannot be checked (applied once
        the text's equations and conditions have been read: it may be one of those)."""
        if self.status != FALSE or not self.in_words:
            return self
        return replace(self, status=CANNOT, message=self.in_words, figure=None)


def check_chain(chain: Chain, scope, parse) -> tuple[list[Outcome], dict, frozenset]:
    """The outcome of every link of ``chain`` under ``scope`` (what the paper declared so far), and
    the definitions it makes (``\\Sigma = L L^T``: a name alone on one side); ``parse(text, span)
    -> AST`` reads one side. A link undefined at every point is read again with more values of the
    random symbols (a covariance of three samples is singular past 2 × 2: `expectations`)."""
    outcomes, defined, varied = read_chain(chain, scope, parse)
    undefined = [o.message.startswith(UNDEFINED) for o in outcomes]
    if any(undefined) and (draws := more_draws(scope)) > scope.draws:
        again, *_ = read_chain(chain, replace(scope, draws=draws), parse)
        outcomes = [a if u else o for o, a, u in zip(outcomes, again, undefined)]
    return outcomes, defined, varied


def read_chain(chain: Chain, scope, parse) -> tuple[list[Outcome], dict, frozenset]:
    sides = [chain.links[0].left, *(link.right for link in chain.links)]
    raw = [read(parse, chain.source, s, scope) for s in sides]
    if sized_d(raw, scope):  # \frac{1}{d\sigma} beside ∂L/∂x_j, x ∈ R^d: d times σ
        unsized = parse
        parse = lambda text, span, more=frozenset(), by=None: unsized(text, span, more | {"d"}, by=by)  # noqa: E731
        raw = [read(parse, chain.source, s, scope) for s in sides]
    if by := chain_variable(raw, scope, [applied_under_nabla(parse, chain.source, s) for s in sides]):
        by_it = lambda text, span, more=frozenset(): parse(text, span, more, by=by)  # noqa: E731
        raw = [read(by_it, chain.source, s, scope) if unsubscripted(t) else t for s, t in zip(sides, raw)]
    raw, scope = by_inverses(raw, scope, chain.source.span(sides[0].offset))  # ∂/∂Σ^{-1}: Σ := (Σ^{-1})^{-1}
    raw = capitalised(raw, scope)  # w_{ab} of W
    read_trees, abstract = raw, frozenset()
    if not any(isinstance(t, SecondOrder) for t in read_trees):  # first derivatives only: L ≈ tr(Gᵀa)
        read_trees, scope, abstract = abstracted(read_trees, scope, Gradient)  # an L never written out
    read_trees = marked(read_trees, scope)  # index notation
    strict = without_equations(scope, read_trees, abstract)
    through = through_definitions(read_trees, strict)
    strict, loose = replace(strict, through=through), replace(scope, through=through)
    kept = frozenset(t.variable for t in read_trees if isinstance(t, Gradient))  # ∇_L, L := S⁻¹: L stays
    trees = [expanded_side(t, strict, kept) for t in read_trees]
    # a link that differentiates nothing reads through the text's equations, in any chain
    plain = [not (differentiates(a) or differentiates(b)) for a, b in zip(read_trees, read_trees[1:])]
    through_equations = [expanded_side(t, loose, kept) for t in read_trees] if any(plain) else trees
    trees, through_equations = factored([trees, through_equations])  # √R^{-T}: any root of R
    scopes = [loose if p else strict for p in plain]
    pairs = [
        linked(*(through_equations if plain[k] else trees)[k : k + 2], on_link(scopes[k], c.reason))
        for k, c in enumerate(chain.links)
    ]
    scope = strict
    outcomes = [first_look(chain, k, link, pairs, scopes[k]) for k, link in enumerate(chain.links)]
    outcomes = [named_gradient(chain, k, raw, o) for k, o in enumerate(outcomes)]
    pending = [k for k, o in enumerate(outcomes) if o.status == "pending"]
    for group in runs(pending):
        outcomes = checked_run(chain, group, pairs, scope, outcomes)

    def run(trial: list, k: int) -> Outcome:  # link k of the pairs ``trial``, as the chain would read it
        if any(isinstance(side, Indexed) for side in trial[k]):
            status, message, figure = check_link(*trial[k], scope)
            return outcome(chain, k, status, message, figure=figure)
        return checked_run(chain, [k], trial, scope, outcomes)[k]

    outcomes = unstated(outcomes, trees, pairs, scope, linked, run)
    by_vector = lambda t, s: isinstance(t, Gradient) and is_vector(t.variable, s)  # noqa: E731
    outcomes = undecided_layouts(outcomes, trees, pairs, scope, linked, run, by_vector)
    brought = frozenset().union(*(introduced(trees[k], trees[k + 1], pairs[k]) for k in range(len(pairs))))
    outcomes = [unwritten(o, brought) for o in outcomes]  # a run's conventions are inferred over its links
    outcomes = implied(chain, outcomes, pairs, run)
    outcomes = [in_words(o, pairs[k], trees[k : k + 2], scope) for k, o in enumerate(outcomes)]
    outcomes = [one_sided_gradient(o, trees[k : k + 2], scope) for k, o in enumerate(outcomes)]
    outcomes = [other_optima(o, trees[k : k + 2]) for k, o in enumerate(outcomes)]
    varied = varied_in(read_trees)
    return (
        outcomes,
        definitions(chain, pairs, raw, outcomes, replace(scope, varied=scope.varied | varied)),
        varied,
    )


def implied(chain: Chain, outcomes: list, pairs: list, run) -> list:
    """The equations a chain states after ``… = D = 0 \\implies``: each ``a = b`` that fails as an
    identity is an equation being solved where a − b is D times a number (``2X^TXw - 2X^Ty = 0
    \\implies X^TXw = X^Ty``); where it is not, it does not follow from D = 0 (a sign lost)."""
    zero = next((j for j, (a, b) in enumerate(pairs) if written_zero(b) and not isinstance(a, str)), None)
    if zero is None or not differentiates(pairs[0][0]) and not any(map(differentiates, pairs[zero])):
        return outcomes
    out = list(outcomes)
    for k in range(zero + 1, len(pairs)):
        a, b = pairs[k]
        after = any(chain.links[j].relation in IMPLICATIONS for j in range(zero + 1, k + 1))
        apart = out[k].status == CANNOT and out[k].message.startswith(APART)  # w_j = y_j: no symbol shared
        if not after or out[k].status != FALSE and not apart or isinstance(a, str) or isinstance(b, str):
            continue
        trial = [*pairs[:k], (difference_of(a, b), pairs[zero][0]), *pairs[k + 1 :]]
        versus = run(trial, k)
        if versus.status == OK or "off by a factor" in versus.message:
            out[k] = replace(out[k], status=SKIPPED, message=f"{EQUATION}, implied by the one set to zero")
        else:
            said = "" if apart else out[k].message  # w_j = -y_j: a sign lost, whatever the symbols
            out[k] = replace(out[k], status=FALSE, message="; ".join(m for m in (said, NOT_IMPLIED) if m))
    return out


def in_words(o: Outcome, pair: tuple, sides: list, scope) -> Outcome:
    """A failing link whose sides a relation said in words could make equal (`Outcome.decided`)."""
    if o.status != FALSE or any(isinstance(t, str) for t in pair):
        return o
    return replace(o, in_words=constant_in(sides, scope) or one_sided_family(*pair, scope))


def one_sided_gradient(o: Outcome, sides: list, scope) -> Outcome:
    """A failing link with the gradient of an f the text never writes out (``\\nabla f(x_k)``, not
    declared) on one side only, its definitions read: whether it holds depends on what f is."""
    if o.status != FALSE or any(isinstance(t, str) for t in sides):  # a shape error stands: f's gradient
        return o  # has its point's shape
    left, right = ({n.name for n in index_nodes(t) if unwritten_f_gradient(n, scope)} for t in sides)
    if not (apart := left ^ right):
        return o
    f = GRADIENT_NAME.fullmatch(name := min(apart))["f"]
    said = f"{as_written(name)} is on one side only, of {f}, which the text does not write out"
    return replace(o, status=CANNOT, message=f"{said}; define % derivtex: {f}(x) := <LaTeX>")


def unwritten_f_gradient(node, scope) -> bool:
    """Whether ``node`` is ``\\nabla f(x_k)`` of an f never written out, not declared as a symbol."""
    named = isinstance(node, Name) and GRADIENT_NAME.fullmatch(node.name)
    return bool(named) and not (scope.declared.get(node.name) or scope.prose.get(node.name))


def constant_in(sides: list, scope) -> str:
    """Why ``∂E/∂W = G`` fails where E, its definitions replaced, does not contain W and moves
    along no rate (``E := \\sum_q E^q``, each E^q declared): the text says in words how E
    depends on W; as written, the derivative is 0."""
    derivatives = [s for s in sides if isinstance(s, Gradient)]
    derivatives += [
        n for s in sides if isinstance(s, Indexed) for n in index_nodes(s) if isinstance(n, Derivative)
    ]
    for d in derivatives:
        names = {n.name for n in index_nodes(d.f) if isinstance(n, (Name, Member))}
        whole = (split(d.variable) or (d.variable,))[0]  # ∂p_i/∂a_i: by an entry of a
        if names & {d.variable, f"d{d.variable}", whole, f"d{whole}"} or moving((d.f,), scope):
            continue
        shown, symbols = as_written(d.variable), sorted(map(as_written, names - {"pi", "e"}))
        said = f"define it: % derivtex: {symbols[0]} := <LaTeX>" if symbols else "f is a constant"
        return f"∂f/∂{shown}: f as the text defines it does not contain {shown} (said in words? {said})"
    return ""


def difference_of(a, b):
    """``a - b``, in index notation where a side is (`Indexed`)."""
    if not (isinstance(a, Indexed) or isinstance(b, Indexed)):
        return BinOp("-", a, b, 0)
    trees = [t.tree if isinstance(t, Indexed) else t for t in (a, b)]
    names = tuple(n for t in (a, b) if isinstance(t, Indexed) for n in t.args)
    order = next((t.order for t in (a, b) if isinstance(t, Indexed) and t.order), ())
    return Indexed(BinOp("-", *trees, 0), names, order)


IMPLICATIONS = ("\\implies", "\\Rightarrow", "\\Longrightarrow", "\\iff", "\\Leftrightarrow", "=>")
EQUATION = "an equation to solve, not an identity"


def unwritten(o: Outcome, names: frozenset) -> Outcome:
    """``o`` without the conventions about names the check introduced (a Hessian's second direction)."""
    kept = tuple(c for c in o.conventions if c.split(": ")[0] not in names)
    return replace(o, conventions=kept) if names else o


@dataclass(frozen=True)
class Gradient:
    """``\\nabla_X f``: checked against the other side G by the identification theorem,
    ``d f = tr(Gᵀ dX)`` (``tr(G dX)`` in numerator layout) with only X varying."""

    variable: str
    f: object
    pos: int
    squared: bool = False  # by σ², written \partial \sigma^2 (`gen.texcheck.densities.by_square`)


GRADIENT = re.compile(
    r"\\nabla\s*_\s*(\{|\\(?:mathbf|boldsymbol|bm|textbf|vec|hat|tilde|bar)\s*\{[^{}]*\}|\\?[A-Za-z]+)"
)  # ∇_{X} (to its closing brace), ∇_\mathbf{w}, ∇_\textbf{x}, ∇_\hat{w}


def whole_gradient(text: str) -> re.Match | None:
    """``\\nabla_X`` opening the side, not ``\\nabla_X^2`` (a Hessian: a value, `gen.expr.texgradient`)."""
    match = GRADIENT.match(text)
    end = (closing(text, match.end()) if match.group(1) == "{" else match.end()) if match else 0
    return match if match and not text[end:].lstrip().startswith("^") else None


# \mathbf{\nabla_W} f: the bold only styles the operator
BOLD_NABLA = re.compile(r"\\(?:mathbf|boldsymbol|bm)\s*\{(?=\s*\\nabla)")


def unbolded(side):
    """``side`` with a bold wrapper around its leading ``\\nabla_W`` blanked (offsets kept)."""
    if not (match := BOLD_NABLA.match(side.text)):
        return side
    end = closing(side.text, match.end())
    text = side.text[: end - 1] + " " + side.text[end:]
    lead = len(match.group())
    return replace(
        side,
        text=text[lead:].lstrip(),
        offset=side.offset + lead + len(text[lead:]) - len(text[lead:].lstrip()),
    )


def chain_variable(trees: list, scope, applied: list) -> str | None:
    """The one variable a chain's gradients are by, where a side writes ``\\nabla`` without one
    (``\\nabla f = -\\frac{\\beta}{2} \\nabla \\|\\Phi W - T\\|^2``: by W); with none, the one the
    prose says, where a side written out uses it ("with respect to $X$"); else the one vector or
    matrix the text declares among the arguments of the functions a ``\\nabla`` applies to (``\\nabla
    \\ln \\pi(a | s, \\theta)``, ``\\nabla \\hat v(S_t, w_t)``: the others are labels or numbers).
    ``applied``: for each side, the arguments of the functions it applies (`applied_under_nabla`)."""
    if not any(map(unsubscripted, trees)):
        return None
    variables = {t.variable for t in trees if isinstance(t, Gradient)}
    if not variables and scope.respect is not None:
        used = {n for t in trees if not isinstance(t, (str, Gradient)) for n in names_in(t)}
        variables = {scope.respect} & used
    if not variables:
        arguments = {n for t, names in zip(trees, applied) if unsubscripted(t) for n in names}
        variables = {n for n in arguments if (d := scope.lookup(n)) is not None and d.shape not in ((), None)}
    return next(iter(variables)) if len(variables) == 1 else None


def applied_under_nabla(parse, source, side) -> set[str]:
    """The names a side that writes ``\\nabla`` passes as arguments to a function (``\\pi(a | s,
    \\theta)``: a, s, θ), read with the operators taken out; none where it does not parse."""
    if "\\nabla" not in side.text:
        return set()
    try:
        tree = parse(BARE_GRADIENT.sub(" ", side.text), source.span(side.offset))
    except SpecError:
        return set()
    return set(applied_arguments(tree))


def applied_arguments(tree) -> list[str]:
    calls = [tree] if isinstance(tree, Call) and tree.name not in FUNCTIONS else []
    found = [a.name for call in calls for a in call.args if isinstance(a, Name)]
    return found + [n for child in children(tree) for n in applied_arguments(child)]


def unsubscripted(tree) -> bool:
    """Whether a side was refused for a ``\\nabla`` that does not say its variable."""
    return type(tree) is str and REFUSED["nabla"] in tree


def read(parse, source, side, scope):
    """The side's AST (a Gradient for ``\\nabla_X f``), or why it was not understood
    (``reason (line L, column C)``)."""
    side = unbolded(side)
    try:
        if second := read_second(parse, source, side, scope):
            return second
        if LIMIT.match(side.text):
            return Limit("a limit cannot be checked at random points: write the derivative as a differential")
        if DIRECTIONAL.search(side.text):
            raise Uncheckable("a directional derivative D_U f cannot be checked: write it as d f with dX = U")
        derivatives = (Gradient, Jacobian)
        if (rest := negation(side)) and (minus := negated(read(parse, source, rest, scope), derivatives)):
            return minus  # -\frac{\partial f}{\partial x}: the derivative of -f
        if (match := whole_gradient(side.text)) and side.text.count("\\nabla") == 1:
            end = closing(side.text, match.end()) if match.group(1) == "{" else match.end()
            braced = match.group(1) == "{"
            subscript = side.text[match.start(1) + braced : end - braced]
            variable = parse(subscript, source.span(side.offset + match.start(1) + braced))
            name = inverse_variable(variable) or isinstance(variable, Name) and variable.name
            if not name and not vectorised(variable):
                raise SpecError("\\nabla_X f: the subscript must be a symbol", source.span(side.offset))
            body = side.text[end:]
            start = side.offset + end + len(body) - len(body.lstrip())
            f = applied_body(parse, source, replace(side, text=body.strip(), offset=start), scope)
            return Gradient(name, f, 0) if name else Jacobian(vectorised(variable), f, 0)  # ∇_{A^T} f
        if bare := by_its_argument(parse, source, side, scope):
            return bare
        if derivative := partial(parse, source, side):
            return derivative
        if applied := application(parse, source, side, scope):
            return applied
        return parse(side.text, source.span(side.offset))
    except Uncheckable as error:
        return Reason(error.message)
    except Notation as error:
        return Skip(error.message)
    except SpecError as error:
        where = f" (line {error.span.line}, column {error.span.col})" if error.span else ""
        return f"{error.message}{where}"


class Reason(str):
    """Why a side that was read cannot be checked (a plain string: why it was not understood)."""


class Skip(str):
    """Why a side is notation, not a value (``\\frac{dy}{dx}`` as a factor): the link is skipped."""


SIDE_STATUS = ((Reason, CANNOT), (Skip, SKIPPED))  # any other str: not understood


class Limit(Reason):
    """A side that is a limit: a derivative's definition where the reason column says so."""


LIMIT = re.compile(r"\s*\\lim(?![A-Za-z])")
DIRECTIONAL = re.compile(r"\\(?:mathrm|operatorname)\s*\{\s*D\s*\}")  # D f(X)[U], D_U f


# \partial, or the d of \frac{\mathrm{d}}{\mathrm{d}t} (a derivative by a number: the same check)
OPERATOR = r"(?:\\partial\b|\\mathrm\s*\{\s*d\s*\}|\\operatorname\s*\{\s*d\s*\}|d)"  # d: dy/dx too


PARTIAL = re.compile(r"\\(?:d|t)?frac\s*\{\s*" + OPERATOR)
SECOND = re.compile(r"\s*\^\s*\{?\s*2")
AT_A_POINT = re.compile(r"(?:(?<![\\|])\||\\r?vert)\s*_")  # \Big|_{t=0}, \right\vert_{…}; not \|x\|_2


def partial(parse, source, side):
    """``\\frac{\\partial f}{\\partial X}`` (or ``\\frac{\\partial}{\\partial X} f``) alone on a side:
    the gradient of f, as ``\\nabla_X f`` (None if the side is something else)."""
    if not (match := PARTIAL.match(side.text)):
        return None
    top_end = closing(side.text, side.text.index("{", match.start()) + 1)
    if SECOND.match(side.text, match.end()):
        if (by_entries := second_by_entries(parse, source, side)) is not None:
            return by_entries
        raise Uncheckable("a second derivative cannot be checked: write its differential out")
    if AT_A_POINT.search(side.text):
        raise Uncheckable("a derivative evaluated at a point (|_{…}) cannot be checked: write it out")
    bottom = re.match(r"\s*\{\s*" + OPERATOR + r"\s*", side.text[top_end:])
    if not bottom and not side.text[match.end() : top_end - 1].strip() and match.group().endswith("partial"):
        bottom = re.match(r"\s*\{\s*", side.text[top_end:])  # \frac{\partial}{o_k}(…) as typed: ∂/∂o_k
    if not bottom:
        return None
    bottom_end = closing(side.text, top_end + bottom.end())
    variable = side.text[top_end + bottom.end() : bottom_end - 1]
    top = (match.end(), top_end - 1)
    rest = (bottom_end, len(side.text))
    if side.text[top[0] : top[1]].strip() and side.text[rest[0] : rest[1]].strip():
        return None  # \frac{\partial f}{\partial X} g: a product, not a gradient
    start, end = top if side.text[top[0] : top[1]].strip() else rest
    name = as_entry_name(parse(variable, source.span(side.offset + top_end + bottom.end())))
    lead = len(side.text[start:end]) - len(side.text[start:end].lstrip())
    if vectorised(name):  # ∂f/∂xᵀ, ∂/∂xᵀ (Qx - c): the Jacobian, rows by f's entries
        return Jacobian(
            vectorised(name), parse(side.text[start:end].strip(), source.span(side.offset + start + lead)), 0
        )
    squared, inverse = squared_variable(name), inverse_variable(name)  # ∂/∂σ², ∂/∂Σ^{-1}
    if not isinstance(name, Name) and not squared and not inverse and side.text[top[0] : top[1]].strip():
        return None  # ∂ ln(1 - P)/∂(1 - P): by an expression, the front end's (`texgradient.by_expression`)
    if not isinstance(name, Name) and not squared and not inverse:
        raise SpecError("\\frac{\\partial f}{\\partial X}: X must be a symbol", source.span(side.offset))
    f = parse(side.text[start:end].strip(), source.span(side.offset + start + lead))
    return Gradient(squared or inverse or name.name, f, 0, squared=bool(squared))


def second_by_entries(parse, source, side):
    """``\\frac{\\partial^2 f}{\\partial x_j \\partial x_k}`` (or ``\\frac{\\partial^2}{…} f``): the (j, k)
    entry of the Hessian, ∂/∂x_j of the entry k of ∂f/∂x, checked in index notation; None unless both
    are entries of one name by one letter each (a Hessian by x written ∂x ∂xᵀ is `second.fraction`'s)."""
    text = side.text
    top = closing(text, text.index("{") + 1)
    if not (opening := re.match(r"\s*\{", text[top:])):
        return None
    bottom = closing(text, top + opening.end())
    numerator = re.sub(r"^" + TWO, "", text[PARTIAL.match(text).end() : top - 1])
    rest = text[bottom:]
    twice = TWICE.fullmatch(text[top + opening.end() : bottom - 1])
    if not twice or twice["a"] is None or bool(numerator.strip()) == bool(rest.strip()):
        return None
    at = source.span(side.offset + top + opening.end())
    outer, inner = (as_entry_name(parse(twice[k].strip(), at)) for k in "ab")
    parts = [split(n.name) if isinstance(n, Name) else None for n in (outer, inner)]
    if None in parts or parts[0][0] != parts[1][0] or {len(p[1]) for p in parts} != {1}:
        return None
    written = numerator if numerator.strip() else rest
    f = parse(written.strip(), source.span(side.offset + text.index(written)))
    derivative = Entry(Call(GRADIENT_VALUE, (f, Name(parts[1][0], 0)), 0), parts[1][1], 0)
    return Gradient(outer.name, derivative, 0)


@dataclass(frozen=True)
class Jacobian:
    """``\\frac{\\partial \\operatorname{vec} F}{\\partial (\\operatorname{vec} X)^{\\top}}`` (the
    notation derivtex prints, or ``\\partial f / \\partial x^{\\top}``): checked against the other
    side J as ``d vec F = J d vec X`` (``d f = J dx``)."""

    direction: object  # vec dX or dx
    f: object  # vec F
    pos: int


def vectorised(tree):
    """The direction ``J`` multiplies if ``tree`` is ``(vec X)^T`` (``vec dX``) or ``x^T`` (``dx``)."""
    if not (isinstance(tree, Postfix) and tree.op == "T"):
        return None
    inner = tree.operand
    if isinstance(inner, Name):
        return Name("d" + inner.name, inner.pos)
    vec = isinstance(inner, Call) and inner.name == "vec" and len(inner.args) == 1
    if vec and isinstance(inner.args[0], Name):
        return Call("vec", (Name("d" + inner.args[0].name, inner.pos),), inner.pos)
    return None


BARE_GRADIENT = re.compile(r"\\nabla(?![A-Za-z])\s*(?![_^\s])")


def by_its_argument(parse, source, side, scope):
    """``\nabla L(w)`` with no subscript: the gradient by the one name L is applied to; ``\nabla f``
    of an f the text defines with one argument (f(x) = xᵀAx), by that argument."""
    if not (match := BARE_GRADIENT.match(side.text)):
        return None
    body = replace(side, text=side.text[match.end() :], offset=side.offset + match.end())
    call = application(parse, source, body, scope)
    if isinstance(call, Call) and len(call.args) == 1 and isinstance(call.args[0], Name):
        return Gradient(call.args[0].name, call, 0)
    try:
        f = parse(body.text.strip(), source.span(body.offset))
    except SpecError:
        return None
    if isinstance(f, Name) and f.name in scope.defined and len(params := scope.defined[f.name].params) == 1:
        return Gradient(params[0], Call(f.name, (Name(params[0], 0),), 0), 0)
    return None


# f(X, Y) alone on a side: a function the text defines (or not), not f times (X, Y)
APPLIED = re.compile(
    r"(?:\\(?:operatorname|mathrm|mathit)\s*\{([A-Za-z]+)\}|([A-Za-z]|\\ell\b)|\\mathcal\s*\{\s*([A-Za-z])\s*\})"
    r"(?P<script>\s*_\s*(?:\{[^{}]*\}|\\[A-Za-z]+|\w))?\s*(?:\\left\s*)?\("  # h_\theta(x): subscripted
)


def applied_body(parse, source, body, scope):
    """What ``\\nabla_A`` differentiates: ``f(A)`` of an f the text never writes out is f applied (not f
    times A, a false shape error; the link then names the definition it needs); anything else as read."""
    try:
        applied = application(parse, source, body, scope)
    except SpecError:  # \ell(x | \mu, \Sigma): the front end reads the bar
        applied = None
    return applied or parse(body.text, source.span(body.offset))


def application(parse, source, side, scope):
    """``f(X)`` (a lowercase letter or an ``\\operatorname`` not declared as a symbol, before
    parentheses that close at the end of the side) as a call of the function f."""
    match = APPLIED.match(side.text)
    name = match and (match.group(1) or match.group(2) or match.group(3) and f"{match.group(3)}cal")
    name = "ell" if name == "\\ell" else name
    if name and match["script"]:  # h_\theta(x), Ng's hypothesis: the name as the front end reads it
        head = parse(side.text[: match.start("script")] + match["script"], source.span(side.offset))
        name = head.name if isinstance(head, Name) and not match.group(1) else None
    read = name in FUNCTIONS or name in WORDS or name in PROBABILITY_WORDS or name == "d"  # \mathrm{Tr}(X)
    if not name or read or scope.lookup(name):
        return None
    if scope.lookup(re.sub(r"\s+", "", side.text)) is not None:  # K(t_f): a symbol declared with its step
        return None
    if name in scope.defined and not scope.defined[name].params:
        return (
            None  # \ell(\mu, \Sigma \mid x) of an \ell := …: the names it is written with (the front end's)
        )
    if conditioned(name, side.text):  # p(x \mid \mu): the front end reads it (`gen.expr.texdensity`)
        return None
    inner, depth, cuts = match.end(), 1, [match.end() - 1]
    for i in range(match.end(), len(side.text)):
        depth += {"(": 1, ")": -1}.get(side.text[i], 0)
        if depth == 1 and side.text[i] == ",":
            cuts.append(i)
        if depth == 0:
            break
    rest = re.sub(r"\\right\s*$", "", side.text[inner:i]) if depth == 0 else None
    if rest is None or side.text[i + 1 :].strip():
        return None
    cuts.append(inner + len(rest))
    pieces = zip(cuts, cuts[1:])
    args = tuple(parse(side.text[a + 1 : b], source.span(side.offset + a + 1)) for a, b in pieces)
    if (match.group(2) and name.isupper() or match["script"]) and not all(isinstance(a, Name) for a in args):
        return None  # A(x + y), z_i(1 - z_i): a product; L(w), J(\theta), h_\theta(x): a function of names
    return Call(name, args, 0)


def linked(left, right, scope) -> tuple:
    """The two trees a link compares: as written, or for ``\\nabla_X f = G`` the identification
    ``d f = tr(Gᵀ dX)``; for a Jacobian ``d vec F = J d vec X``; for a Hessian, `gen.texcheck.second`."""
    if objectives := optimised(left, right):  # \min_x F = \min_x G: equal where F = G
        return objectives
    if {type(left), type(right)} == {Indexed, SecondOrder}:
        return (Reason("a second derivative compared with index notation: write one of them out"),) * 2
    if {type(left), type(right)} == {Jacobian, SecondOrder}:  # ∂²f/∂x∂xᵀ = ∂/∂xᵀ (∇f): both derivatives
        return (Reason("a second derivative compared with a Jacobian: write one of them out"),) * 2
    if isinstance(left, Indexed) or isinstance(right, Indexed):
        return left, right  # compared entry by entry (gen.texcheck.indices)
    if isinstance(left, SecondOrder) or isinstance(right, SecondOrder):
        return paired(left, right, scope, expanded)
    if {type(left), type(right)} == {Gradient, Jacobian}:  # ∂f/∂X = (∂f/∂Xᵀ)ᵀ: their values
        values = tuple(gradient_value(t) for t in (left, right))
        return values if None not in values else ("a gradient compared with a Jacobian",) * 2
    for gradient, other, flipped in ((left, right, False), (right, left, True)):
        named = flipped and isinstance(other, Name) and isinstance(gradient, (Gradient, Jacobian))
        named = named and scope.lookup(other.name) is None and other.name not in scope.defined
        if named and not used(other.name, [gradient.f]) and (value := gradient_value(gradient)):
            return other, value  # g = ∂f/∂x, g written first and nowhere declared: its definition
        if isinstance(gradient, Jacobian) and not isinstance(other, (str, Gradient, Jacobian)):
            product = by_transpose(other, gradient.direction, scope, gradient.pos)
            pair = (Call("d", (gradient.f,), gradient.pos), product)
            return pair[::-1] if flipped else pair
        if isinstance(gradient, Jacobian):
            return ("a Jacobian compared with something other than a matrix",) * 2
        if not isinstance(gradient, Gradient):
            continue
        if isinstance(other, str):
            return other, other
        same = isinstance(other, Gradient) and other.squared == gradient.squared  # ∂/∂σ is not ∂/∂σ²
        if same and other.variable == gradient.variable:
            return Call("d", (left.f,), 0), Call("d", (right.f,), 0)  # equal gradients: equal differentials
        if isinstance(other, Gradient) and (entry(gradient.variable) or entry(other.variable)):  # ∂X_ii/∂X_kl
            return ("gradients by two different variables, one of them an entry",) * 2
        if isinstance(other, Gradient):  # ∇_A g = ∇_X h: their values (gradients.py)
            return gradient_value(left), gradient_value(right)
        dX = Name("d" + gradient.variable, gradient.pos)
        declared = scope.lookup(gradient.variable)
        number = declared.shape == () if declared and declared.shape is not None else None
        number = convention(gradient.variable)[0] == "scalar" if number is None else number
        if gradient.squared and not number:
            return (f"a derivative by the square of {gradient.variable}, not a number",) * 2
        other = by_square(gradient, other) if gradient.squared else other
        other = represented(other, symmetric_in(scope, gradient.variable), scope)
        by_number = BinOp("*", other, dX, gradient.pos)  # d f = G dt, whatever f's shape
        product = by_number if number else identified(other, dX, gradient.variable, scope, gradient.pos)
        pair = (Call("d", (gradient.f,), gradient.pos), product)
        return pair[::-1] if flipped else pair
    return left, right


def optimised(left, right) -> tuple | None:
    """The objectives of two optima of one kind over one variable (``\\min_x F = \\min_x G``): equal
    objectives have equal optima. None for anything else."""
    optima = [t for t in (left, right) if isinstance(t, Call) and optimum_kind(t.name)]
    return (left.args[0], right.args[0]) if len(optima) == 2 and left.name == right.name else None


def other_optima(o: Outcome, sides: list) -> Outcome:
    """Two optima whose objectives differ may still be equal (a constant dropped changes the minimum
    but not where it is; a factor, both): not a ``does not follow``."""
    if o.status != FALSE or optimised(*sides) is None:
        return o
    message = "the objectives differ; the optima may still agree (a constant or a factor dropped?)"
    return replace(o, status="cannot check", message=f"{message}: compare the objectives")


def gradient_value(tree):
    """``∇_X f`` as the value `gen.texcheck.gradients` evaluates; ``∂f/∂Xᵀ`` as its transpose
    (None for a Jacobian of vec's)."""
    if isinstance(tree, Gradient):
        return Call(GRADIENT_VALUE, (tree.f, Name(tree.variable, tree.pos)), tree.pos)
    name = getattr(tree.direction, "name", "")
    if not name.startswith("d"):
        return None
    return Postfix("T", Call(GRADIENT_VALUE, (tree.f, Name(name[1:], tree.pos)), tree.pos), tree.pos)


DEFINING = (":=", "\\coloneqq", "\\triangleq", "=:", "\\eqqcolon")  # what a display says defines
# a row the text opens with "Let" (\mbox{Let }\delta_3 = …): a definition, of a declared symbol too
LET = re.compile(r"\\(?:mbox|text|textrm|textnormal)\s*\{\s*(?:let|define|denote)\s*\}\s*$", re.IGNORECASE)


def definitions(chain: Chain, pairs: list, raw: list, outcomes: list, scope) -> dict:
    """The definitions the chain makes, as annotations would: name → Definition; and the model's
    equations for declared symbols (`random_model`)."""
    from .symbols import Definition, refers_to

    found = {}
    for k, o in enumerate(outcomes):
        said = chain.links[k].relation in DEFINING  # $$k := …$$: a definition, of a declared k too
        said = said or k == 0 and let(chain.source.text, chain.links[k].left.offset)
        equation = o.message.startswith("an equation for") and not said
        defines = said or o.status == SKIPPED and (o.message.startswith("a definition") or equation)
        named = named_gradients(*raw[k : k + 2])  # dz = ∂L/∂z: dz := ∂L/∂z, z's definition or not
        d = next(((name, (), as_value(raw[k + at])) for name, at in named.items()), None)  # as read
        if defines and (d := d or definition(*pairs[k], elsewhere(pairs, k), scope)):
            name, params, body = d
            if equation and not model_equation(name, pairs[k], scope):
                continue
            if refers_to(body, name, {**scope.defined, **found}):  # Ax* = b after x* := A⁻¹b: not one
                continue
            right = body is pairs[k][1]
            side = chain.links[k].right if right else chain.links[k].left
            written = (raw[k + 1] if right else raw[k]) if any(body is t for t in pairs[k]) else None
            stray = literal_free(body.tree) - set(indices_of(name)) if isinstance(body, Indexed) else ()
            body = written if isinstance(body, Indexed) else body  # read in index notation where used
            if squared_variable(pairs[k][0] if right else pairs[k][1]):  # σ² = …: σ := √…
                body = Call("sqrt", (body,), 0)
            if stray:  # μ_l := \frac1N \sum_p h_{pj}: read with j free, it would fail a right step
                said = f"{as_written(name)} is defined with the index {min(stray)} free"
                body = written = f"{said}, which it does not carry (a typo in its definition?)"
            text = Text(side.text, chain.source.span(side.offset))
            found[name] = Definition(params, text, body, equation, written, displayed=True)
    return found


def let(text: str, offset: int) -> bool:
    """Whether the row says "Let" (``\\mbox{Let }``) before the side at ``offset``."""
    return bool(LET.search(text, text.rfind("\n", 0, offset) + 1, offset))


def indices_of(name: str) -> tuple:
    """The indices a defined name carries (``mu_l``: l), none for a name alone."""
    return (split(name) or ("", ()))[1]


def model_equation(name: str, pair: tuple, scope) -> bool:
    """Whether the text's equation for a declared symbol defines it, as a model or a forward pass
    does (``z = Hx + v``, ``r = q / \\sigma``): used as a definition where nothing is
    differentiated. Not while the text solves, nor for a symbol the section differentiates by
    (``w = (X^TX)^{-1}X^Ty`` after ``\\nabla_w``: true at the optimum only; substituted into a
    later step about an iterate w, it would make a wrong step hold)."""
    return not (scope.solving or name in scope.varied) and not any(
        isinstance(t, (Indexed, str)) for t in pair
    )


def varied_in(trees: list) -> frozenset:
    """The names the sides differentiate by (∇_w, ∂/∂X_{ij}, dX)."""
    found = set()
    for tree in trees:
        if isinstance(tree, Gradient):
            found.add(tree.variable)
        if isinstance(tree, Indexed):
            found |= {n.variable for n in index_nodes(tree.tree) if isinstance(n, Derivative)}
        elif not isinstance(tree, str):
            found |= {n[1:] for n in names_in(tree) if is_differential(n, {})} | set(differentiated(tree))
    return frozenset(found)


def without_equations(scope, trees: list, through: frozenset = frozenset()):
    """``scope`` without the text's equations for declared symbols where a side differentiates:
    substituted, y = Xβ + ε would make the gradient by β of ‖y - Xβ‖² zero. Kept are the
    equations of the quantities an abstract loss is differentiated through (`gen.texcheck.abstract`:
    z = Wx + b before ∂L/∂b = ∂L/∂z)."""
    if not any(differentiates(t) for t in trees):
        return scope
    kept = {n: d for n, d in scope.defined.items() if not d.equation or n in through}
    return replace(scope, defined=kept)


def differentiates(tree) -> bool:
    if isinstance(tree, (Gradient, Jacobian, SecondOrder, Indexed, Limit)):
        return True
    if isinstance(tree, Name):
        return is_differential(tree.name, {})
    if isinstance(tree, Call) and tree.name in ("d", GRADIENT_VALUE):
        return True
    return not isinstance(tree, str) and any(differentiates(c) for c in children(tree))


def outcome(chain: Chain, k: int, status: str, message: str, **more) -> Outcome:
    link = chain.links[k]
    line = chain.source.line(link.right.offset)
    fields = dict(left=link.left.text, right=link.right.text, relation=link.relation, reason=link.reason)
    return Outcome(chain.source.path, line, status, message, **fields, **more)


def elsewhere(pairs: list, k: int) -> list:
    """The chain's sides other than link k's own, as the other links read them (what a name defined
    in link k must not occur in: ``… = 0 \\implies u^* = …`` defines u^*, the side the two share)."""
    sides = [(j + i, t) for j, pair in enumerate(pairs) for i, t in enumerate(pair)]
    return [t for at, t in sides if at not in (k, k + 1) and not isinstance(t, str)]


def named_gradients(left, right) -> dict:
    """{dz: the index of the side that is its gradient} where one side is ``dz`` and the other a
    derivative by z (``dz = \\frac{\\partial L}{\\partial z}``): the name deep-learning notes give the
    gradient, not z's differential."""
    for at, (lone, other) in enumerate(((left, right), (right, left))):
        name = lone_differential(lone) if isinstance(lone, Name) else None
        by = other.args[1] if isinstance(other, Call) and other.name == GRADIENT_VALUE else None
        by = Name(other.variable, 0) if isinstance(other, Gradient) else by
        if name and isinstance(by, Name) and by.name == name:
            return {lone.name: 1 - at}
    return {}


def as_value(tree):
    """A side ``\\nabla_X f`` as the value it stands for inside an expression (`gen.expr.texgradient`)."""
    if isinstance(tree, Gradient) and not tree.squared:
        return Call(GRADIENT_VALUE, (tree.f, Name(tree.variable, tree.pos)), tree.pos)
    return tree


def named_gradient(chain: Chain, k: int, raw: list, found: Outcome) -> Outcome:
    """Link k skipped where it names a gradient (`named_gradients`): a definition, used after it."""
    if found.status == SKIPPED or not (name := next(iter(named_gradients(*raw[k : k + 2])), None)):
        return found
    message = f"a definition of {name}: the gradient, as deep-learning notes name it (not a differential)"
    return outcome(chain, k, SKIPPED, message)


def first_look(chain: Chain, k: int, link, pairs: list, scope) -> Outcome:
    """What is decided before any number: skipped, not understood, cannot check (or "pending")."""
    if scope.skip:
        return outcome(chain, k, SKIPPED, "annotated skip")
    if link.relation == BECAUSE:
        return outcome(chain, k, SKIPPED, "the reason for the step below (\\because), not a step")
    if link.relation != CHECKED:
        return outcome(chain, k, SKIPPED, f"not an equality ({link.relation})")
    if RANGE.match(link.right.text):
        return outcome(chain, k, SKIPPED, "the values an index takes (i = 1, …, N), not an identity")
    if changed := next((c for c in CONVENTION_CHANGES if c in link.reason.lower()), None):
        return outcome(chain, k, SKIPPED, f"the reason says the step changes convention ({changed})")
    left, right = pairs[k]
    if Limit in (type(left), type(right)) and "definition" in link.reason.lower():
        return outcome(chain, k, SKIPPED, "the definition of a derivative as a limit, not an identity")
    for tree in (left, right):
        if isinstance(tree, str):
            status = next((s for kind, s in SIDE_STATUS if isinstance(tree, kind)), NOT_UNDERSTOOD)
            return outcome(chain, k, status, str(tree))
    if isinstance(left, Indexed) or isinstance(right, Indexed):
        root = squared_variable(left) if isinstance(right, Indexed) else None
        if root and scope.lookup(root) is None and not used(root, [right, *elsewhere(pairs, k)]):
            message = f"a definition of {root}, its square, not an identity (in index notation)"
            return outcome(chain, k, SKIPPED, message)
        if name := defined_in_index_notation(left, right, elsewhere(pairs, k), UNDEFINABLE):
            whole = (split(name) or (name,))[0]  # x̂_i of a declared x̂; y_j of ∂L/∂y declared: forward
            forward = any(whole in variables for variables in scope.upstream.values())
            declared = scope.lookup(name) or scope.lookup(whole) and not forward
            what = f"an equation for {name}, a declared symbol," if declared else f"a definition of {name},"
            return outcome(chain, k, SKIPPED, f"{what} not an identity (in index notation)")
        defined = definition(left, right, elsewhere(pairs, k), scope)  # k(x) = \sum_j θ_j x_j
        fresh = defined and defined[1] and defined[0] not in scope.defined  # a definition, not a restatement
        if fresh and known_body(getattr(defined[2], "tree", defined[2]), defined[1], scope):
            return outcome(chain, k, SKIPPED, f"a definition of {defined[0]}, used to the end of the section")
        if label := unknown_label((left, right), scope):
            return outcome(chain, k, CANNOT, label)
        status, message, figure = check_link(left, right, scope)
        return outcome(chain, k, status, message, figure=figure)
    others = elsewhere(pairs, k)
    rates = [rate_given(side, other) for side, other in ((link.left, right), (link.right, left))]
    for lone, other, rate in ((left, right, rates[0]), (right, left, rates[1])):
        name = lone_differential(lone)
        unknown = not used(name, [other, *others]) or scope.lookup(name) is None  # dσ/dz, σ only named
        if name and name not in scope.defined and unknown and name not in CONSTANTS and not rate:
            message = f"d{name}: the text does not define {name} here; declare % derivtex: {name} := <LaTeX>"
            return outcome(chain, k, CANNOT, message)
    if claimed := next(filter(None, (claimed_gradient(side, scope) for side in (left, right))), None):
        return outcome(chain, k, CANNOT, claimed)
    declared = (defined := definition(left, right, others, scope)) and scope.lookup(defined[0]) is not None
    if declared and defined[0] not in scope.remarked:  # P = softmax(Z), P ∈ R^{B×C}: a shape remarked
        return outcome(chain, k, SKIPPED, f"an equation for {defined[0]}, a declared symbol, not an identity")
    if defined:
        return outcome(chain, k, SKIPPED, f"a definition of {defined[0]}, used to the end of the section")
    if label := unknown_label((left, right), scope):
        return outcome(chain, k, CANNOT, label)
    defined_rate = any(  # d(x_a) of x_a's definition; not dx, nor an equation the text gave for it
        rate and not isinstance(side, Name) and differentiates(side)
        for rate, side in zip(rates, (left, right))
    )
    if defined_rate and not moving(pairs[k], scope):  # ẋ_a = A_a x_a, x_a := [x; x_d]: read through
        message = "the rate of a quantity the text defines: its dynamics, not an identity"
        return outcome(chain, k, SKIPPED, message)
    if any(isinstance(n, Gradient) for t in (left, right) for n in list(index_nodes(t))[1:]):
        message = "a derivative of a derivative of a function the text does not define cannot be checked"
        return outcome(chain, k, CANNOT, f"{message}: define it (% derivtex: J(x) := <LaTeX>)")
    if missing := undefined_call(left) or undefined_call(right):
        params = ", ".join(n for n in ("X", "Y", "Z")[: len(missing.args)])
        declare = DECLARATIONS.get(missing.name, f"% derivtex: {missing.name}({params}) := <LaTeX>")
        declare = undeclared_density(missing.name, len(missing.args)) if is_density(missing.name) else declare
        if len(missing.args) == 1 and not is_density(missing.name) and missing.name not in DECLARATIONS:
            declare += f", or % derivtex: {as_written(missing.name)}: function (any smooth one)"
        name, text = as_written(missing.name), f"{link.left.text}  {link.right.text}"
        only = undefined_letter(text, scope) == missing.name  # L(w), never L alone: not a product by L
        said = f"{name} is not defined, only applied" if only else f"{name}(...) is not defined"
        return outcome(chain, k, CANNOT, f"{said}: declare it, e.g. {declare}")
    return outcome(chain, k, "pending", "")


def unknown_label(trees, scope) -> str | None:
    """Why a link cannot be checked where a name with a bracketed subscript (``X_{[i]}``, a label)
    is one nothing declares or defines (``y_{[ij]}``: a label, or y's entry?); None if none is."""
    known = lambda n: scope.lookup(n) is not None or n in scope.defined  # noqa: E731
    names = (n for t in trees for n in names_in(t) if "_[" in n)
    label = next((n for n in names if not known(n) and not (n[:1] == "d" and known(n[1:]))), None)
    if label is None:
        return None
    shown = as_written(label)
    entry = shown.replace("{[", "{").replace("]}", "}")  # y_{i,j}
    said = f"{shown}: a subscript in brackets the text does not declare: a label (declare it,"
    return f"{said} e.g. % derivtex: {shown}: n), or an entry (write it {entry})"


def claimed_gradient(side, scope) -> str | None:
    """Why a side that is ``\\nabla f(x_k)`` alone, of an f the text neither writes out nor declares
    the gradient of, cannot be checked: the link claims what that gradient is (None if it is not)."""
    if not unwritten_f_gradient(side, scope):
        return None
    match = GRADIENT_NAME.fullmatch(side.name)
    what = "Hessian" if match["order"] else "gradient"
    said = f"{as_written(side.name)}: the {what} of {match['f']}, which the text does not write out"
    return f"{said}; define % derivtex: {match['f']}(x) := <LaTeX>"


def definition(left, right, others: list, scope):
    """(name, parameters, body) if one side is a name, or an undefined function of names, that
    occurs nowhere else in the chain: ``\\Sigma = L L^T``, ``f(X) = \\operatorname{tr}(X)``; or, on the
    left, the square of a name nothing declares (``\\sigma_B^2 = \\frac{1}{m}\\sum_i …``: σ_B its root)."""
    others = [t for t in others if not isinstance(t, str)]
    for lone, body in ((left, right), (right, left)):
        if found := log_density_definition(lone, [body, *others], undefined_call):  # \log p(x \mid \mu) = …
            return found
        if isinstance(lone, Name) and lone.name not in UNDEFINABLE and not used(lone.name, [body, *others]):
            return lone.name, (), body
        if lone is left and entry_defined(lone):  # y_j = γ_j x̂_j + β_j
            if entry := defined_in_index_notation(lone, body, others, UNDEFINABLE):
                return entry, (), body
        root = squared_variable(lone) if lone is left else None
        if root and scope.lookup(root) is None and not used(root, [body, *others]):
            return root, (), body
        if (
            isinstance(lone, Call)
            and lone.name not in FUNCTIONS
            and lone.name != GRADIENT_VALUE
            and all(isinstance(a, Name) for a in lone.args)
            and len({a.name for a in lone.args}) == len(lone.args)
            and not used(lone.name, [body, *others])  # J_S(H) = -J_S(…): the name is not being defined
            and not any(undefined_call(t) for t in (body, *others))
        ):
            return lone.name, tuple(a.name for a in lone.args), body
    return None


DOTTED = re.compile(  # \dot{x}, \dot\lambda, \dot{\mathbf{x}}_a, \dot{x}(t): one dotted symbol
    r"\\[dD]ot\s*(\{(?:[^{}]|\{[^{}]*\})*\}|\\?\w+)\s*(?:_\s*(?:\{[^{}]*\}|\w))?\s*(?:\(t\))?"
)


def rate_given(side, other) -> bool:
    """Whether ``side`` is one dotted symbol alone and ``other`` holds no differential: the text
    gives a rate (``\\dot{x} = Ax + Bu``, ``\\dot{\\Theta} = R_z^T\\omega``), a definition of the
    dynamics, not a claim about a differential."""
    lone = DOTTED.fullmatch(side.text.strip().rstrip(",.;"))
    return bool(lone) and not isinstance(other, str) and not differentiates(other)


def moving(pair, scope) -> bool:
    """Whether some symbol of ``pair`` moves at a rate the text gives: the rate of a defined quantity
    is then worked out, not given."""
    return any(rate_of(n, scope) is not None for t in pair if not isinstance(t, str) for n in names_in(t))


def rate_of(name: str, scope):
    """The rate the text gives a symbol it does not define (``\\dot{x} = Ax + Bu``, a definition of
    dx), or None; not where dx names a gradient (``dw = \\frac{\\partial L}{\\partial w}``)."""
    rate = scope.defined.get(f"d{name}")
    if rate is None or rate.params or name in scope.defined or isinstance(rate.tree, str):
        return None
    return None if differentiates(rate.tree) else rate


def lone_differential(tree) -> str | None:
    """``N`` if ``tree`` is the differential of a name, ``dN`` or ``d(N)``."""
    if isinstance(tree, Call) and tree.name == "d" and len(tree.args) == 1 and isinstance(tree.args[0], Name):
        return tree.args[0].name
    if isinstance(tree, Name) and is_differential(tree.name, {}):
        return tree.name[1:]
    return None


def known_body(tree, params: tuple, scope) -> bool:
    """Whether a function's body in index notation applies no function nothing defines and writes no
    name but its parameters and what the text declares or defines (``\\ell(\\beta) = lnL(\\beta)``, ln
    typed as letters, is l times n: no definition)."""
    known = {*params, *CONSTANTS, *scope.defined}
    unknown = {n for n in names_in(tree) if n not in known and scope.lookup(n) is None}
    return not undefined_call(tree) and not unknown


def undefined_call(tree):
    if isinstance(tree, Call) and not (
        tree.name in {*FUNCTIONS, *KNOWN, GRADIENT_VALUE} or optimum_kind(tree.name)
    ):
        return tree
    return next((c for c in map(undefined_call, children(tree)) if c is not None), None)


def used(name: str, trees: list) -> bool:
    return any(name in names_in(t) or f"d{name}" in names_in(t) for t in trees)


def expanded_side(tree, scope, kept: frozenset = frozenset()):
    """A side with the defined names replaced, or why it cannot be checked (a definition the
    front end could not read is used). The ``kept`` names stay: the variable of a gradient is
    what varies, not its definition (``\nabla_L`` after ``L := S^{-1}`` is by L)."""
    bound = {name: Name(name, 0) for name in kept}
    if isinstance(tree, Name) and (equation := scope.defined.get(tree.name)) and equation.equation:
        return tree  # u = K x + k after u = -C^{-1} c: another equation for u, not a claim about it
    try:
        if isinstance(tree, (Gradient, Jacobian)):
            return replace(tree, f=averaged(substitute(tree.f, scope, bound, 0), scope))
        return tree if isinstance(tree, str) else averaged(substitute(tree, scope, bound, 0), scope)
    except Uncheckable as error:
        return Reason(error.message)


def defined_variable(tree, scope, bound: dict):
    """The variable's definition where ``tree`` is ∂f/∂z inside an expression by a z the text defines
    (without parameters, not kept): f is differentiated by z itself, z's value taken there."""
    if not (isinstance(tree, Call) and tree.name == GRADIENT_VALUE and len(tree.args) == 2):
        return None
    variable = tree.args[1]
    definition = scope.defined.get(variable.name) if isinstance(variable, Name) else None
    usable = definition is not None and not definition.params and not isinstance(definition.tree, str)
    return Name(variable.name, variable.pos) if usable and variable.name not in bound else None


def expanded(tree, scope, kept=frozenset()):
    """``tree`` with the defined names and functions replaced by their definitions (depth-bounded), but
    the ``kept`` names."""
    return substitute(tree, scope, {name: Name(name, 0) for name in kept}, 0)


def substitute(tree, scope, bound: dict, depth: int):
    if depth > 20:  # the text's definitions through each other (a := f(b), then b := g(a))
        raise Uncheckable("definitions nested more than 20 deep: does a definition use itself?")
    if isinstance(tree, str):  # a definition the front end could not read (symbols.Definition)
        raise Uncheckable(tree)
    if isinstance(tree, Name) and tree.name in bound:
        return bound[tree.name]
    kept = {n: b for n, b in bound.items() if b == Name(n, b.pos)}  # the variables kept, all the way down
    if (
        isinstance(tree, Name) and tree.name in scope.defined and not constant(tree, scope)
    ):  # f alone: f(params)
        return substitute(scope.body(scope.applied(tree), kept), scope, kept, depth + 1)
    base = tree.name[1:] if isinstance(tree, Name) and tree.name[:1] == "d" else None
    if base in scope.defined and tree.name not in scope.defined and base not in bound:
        return Call("d", (substitute(scope.parsed(base), scope, kept, depth + 1),), tree.pos)  # dY, Y := …
    same_density(tree, scope)  # p(μ) is not p(x | μ)
    if found := log_density(tree, scope) or density_value(tree, scope):  # log p(x | θ), N(x | μ, Σ)
        params, body, args = found
        args = [substitute(a, scope, bound, depth) for a in args]
        return substitute(body, scope, dict(zip(params, args)), depth + 1)
    if isinstance(tree, Call) and tree.name[-1:] == "'" and tree.name[:-1] in scope.defined:  # σ'(z)
        return substitute(primed_applied(tree, scope), scope, bound, depth + 1)
    if isinstance(tree, Call) and tree.name in scope.defined:
        definition = scope.applied(tree)
        if definition.params and len(tree.args) != len(definition.params):  # k(x_i, x^*) of k(x) := …
            shown = as_written(tree.name)
            raise Uncheckable(
                f"{shown} is defined with {len(definition.params)} argument(s) "
                f"and written with {len(tree.args)}"
            )
        args = [substitute(a, scope, bound, depth) for a in tree.args]
        if len(args) == 1 == len(definition.params) and (
            same := library_function(bare(definition.tree), *definition.params)
        ):
            return Call(same, tuple(args), tree.pos)  # \sigma(z) := 1/(1 + e^{-z}): entry by entry
        return substitute(definition.tree, scope, {**kept, **dict(zip(definition.params, args))}, depth + 1)
    if isinstance(tree, Call) and (at := defined_variable(tree, scope, bound)):  # ∂L/∂z, z := Wx + b
        variable = tree.args[1]
        f = substitute(tree.args[0], scope, {**bound, variable.name: variable}, depth)
        return Call(GRADIENT_VALUE, (f, variable, substitute(at, scope, bound, depth + 1)), tree.pos)
    parts = ("operand", "left", "right", "exponent", "body")  # body: a sum's (f(w) := \sum_i (w^T x_i)^2)
    fields = {f: getattr(tree, f) for f in parts if getattr(tree, f, None)}
    new = {f: substitute(v, scope, bound, depth) for f, v in fields.items()}
    if isinstance(tree, Call):  # ∂f/∂z written inside: z stays, defined or not; its value read
        variable = 1 if tree.name == GRADIENT_VALUE else None
        args = enumerate(tree.args)
        new["args"] = tuple(a if k == variable else substitute(a, scope, bound, depth) for k, a in args)
    if isinstance(tree, MatrixLiteral):  # [C_xx, C_xu; C_ux, C_uu] with C_xu := C_ux^T: its cells too
        new["cells"] = tuple(substitute(c, scope, bound, depth) for c in tree.cells)
    return without_zero(replace(tree, **new) if new else tree)


def constant(name: Name, scope) -> bool:
    """Whether ``name`` alone is the number π or e (or I, the identity) though the text defines a
    function of that letter (a policy π(a | s, θ) := … \\sqrt{2\\pi}): applied, the function; alone,
    the number."""
    return name.name in CONSTANTS and bool(scope.defined[name.name].params)


def without_zero(tree):
    """``a + 0`` and ``a - 0`` are ``a`` (a written 0 is the zero of any shape; the lowering would
    refuse to add a number to a vector)."""
    if (
        isinstance(tree, BinOp)
        and tree.op in "+-"
        and isinstance(tree.right, Num)
        and float(tree.right.text) == 0
    ):
        return tree.left
    if (
        isinstance(tree, BinOp)
        and tree.op == "+"
        and isinstance(tree.left, Num)
        and float(tree.left.text) == 0
    ):
        return tree.right
    return tree


def runs(pending: list[int]) -> list[list[int]]:
    """Consecutive pending links, each run sharing its sides' shapes."""
    groups: list[list[int]] = []
    for k in pending:
        if groups and groups[-1][-1] == k - 1:
            groups[-1].append(k)
        else:
            groups.append([k])
    return groups


def checked_run(chain: Chain, group: list[int], pairs: list, scope, outcomes: list) -> list:
    """Shapes inferred over the run (link by link if the run conflicts), then each link evaluated."""
    outcomes = list(outcomes)
    try:
        parts = [(group, typed([pairs[k] for k in group], scope))]
    except Conflict:
        parts = []
        for k in group:
            try:
                parts.append(([k], typed([pairs[k]], scope)))
            except Conflict as error:
                hint = "; a continuation typed as '='?" if chain.links[k].row_start else ""
                outcomes[k] = outcome(chain, k, SHAPE, f"{error}{hint}")
    for links, inferred in parts:
        sides = Sides(inferred, scope)
        for k in links:
            outcomes[k] = compare(sides, *pairs[k], lambda *a, k=k, **m: outcome(chain, k, *a, **m))
            if outcomes[k].status == FALSE and chain.links[k].row_start and one_differential(*pairs[k]):
                message = "; ".join(m for m in (outcomes[k].message, "a continuation typed as '='?") if m)
                outcomes[k] = replace(outcomes[k], message=message)
    return slips(chain, outcomes, pairs, parts, scope)


def one_differential(left, right) -> bool:
    """Whether one side has a differential and the other none (df = tr(G dX), then "= G")."""
    has = [any(is_differential(n, {}) for n in names_in(t)) or bool(differentiated(t)) for t in (left, right)]
    return has[0] != has[1]


def typed(pairs: list, scope):
    trees = [t for pair in pairs for t in pair]
    names = {n for t in trees for n in names_in(t)}
    bases = {n[1:] for n in names if n[:1] == "d"}  # dβ of a declared β the sides do not contain
    looked_up = {n: scope.lookup(n) for n in names | bases}
    dimensions = scope.dimensions()  # n in 2/n: a declared dimension, as a number (declared one too)
    declared = {
        n: d.shape
        for n, d in looked_up.items()
        if d is not None and d.shape is not None and not (d.shape == () and n in dimensions)
    }
    sizes = dimensions - set(declared)
    differentials = frozenset(n for n in names if is_differential(n, declared))
    squares = [  # a symmetric or invertible symbol of no declared shape is square; a binary one need not be
        n
        for n in names
        if (d := scope.lookup(n)) is not None and d.shape is None and set(d.assume) - {"positive", *ENTRIES}
    ]
    inferred = None
    if kinds := defined_kinds(names - set(declared), declared, scope):  # ∂L/∂z, z := wᵀx + b: a number
        try:
            inferred = infer(pairs, declared, differentials, squares, frozenset(sizes), kinds)
        except Conflict:
            pass  # the definition and the sides disagree: the sides' own reading stands
    inferred = inferred or infer(pairs, declared, differentials, squares, frozenset(sizes))
    written = {n[1:] for n in differentials} | {n for t in trees for n in differentiated(t)}
    names = set(inferred.shapes)  # what varies: the names whose differential is written, else those a
    varying = written & names or scope.through & names or names  # written one stands for, else all
    if moving := {n for n in names if rate_of(n, scope) is not None}:
        varying = moving | {n[1:] for n in differentials} & names  # ẋ = Ax + Bu given: x moves, and
        # what the sides write the rate of (Ṗ); the rest stays (values.Sides.rates)
    return replace(
        inferred, shapes={**inferred.shapes, **sized_by(trees, sizes, inferred)}, varying=frozenset(varying)
    )


def defined_kinds(names: set, declared: dict, scope) -> dict:
    """{name: scalar, vector or matrix} for each name the sides keep though the text defines it (the
    variable of a derivative): its definition's kind, not the printed convention's."""
    found = {}
    for name in sorted(names):
        definition = scope.defined.get(name)
        if definition is None or definition.params or isinstance(definition.tree, str):
            continue
        body = expanded_side(definition.tree, scope)
        if isinstance(body, str):
            continue
        looked_up = {n: scope.lookup(n) for n in names_in(body)}
        shapes = {n: d.shape for n, d in looked_up.items() if d is not None and d.shape is not None}
        if (kind := kind_of(body, {**shapes, **declared})) is not None:
            found[name] = kind
    return found


def sized_by(trees: list, sizes: set, inferred) -> dict:
    """A stand-in of each declared dimension the sides use as a number or a size (1/N, I_N) that no
    symbol of theirs has: its own vector, so that N is sampled and the lowering knows it."""
    had = {d for shape in inferred.shapes.values() for d in shape}
    used = {n.name for t in trees for n in index_nodes(t) if isinstance(n, Name) and n.name in sizes}
    return {f"{n}{SAMPLE}size": (n,) for n in sorted(used - had)}


def sized_d(trees: list, scope) -> bool:
    r"""Whether the d the sides read as differentials (``\frac{1}{d\sigma}``, ``d\,\delta_j``) is the
    size d the text declares (``x: d``): the chain differentiates with ∂ or ∇, and none of the
    differentials is of what it differentiates by (dx beside ∂f/∂x: the identification, a differential)."""
    if "d" not in scope.dimensions() or scope.lookup("d") is not None or "d" in scope.defined:
        return False
    read = [t for t in trees if not isinstance(t, str)]
    variables = {(split(v) or (v,))[0] for v in varied_in([t for t in read if isinstance(t, Gradient)])}
    written = {n[1:] for t in read for n in names_in(t) if is_differential(n, {})}
    applied = any(isinstance(n, Call) and n.name == "d" for t in read for n in index_nodes(t))
    differentials = {(split(n) or (n,))[0] for n in written}
    return bool(variables) and bool(differentials or applied) and not differentials & variables


def is_differential(name: str, declared: dict) -> bool:
    """``dX``, ``dx``: the front end's name of a differential (``\\mathrm{d}X``), unless declared
    as a symbol or a Greek letter (``delta``). Declared with X's own shape beside X (``X, dX: m x n``),
    dX is X's differential, sized."""
    greek = name.split("_")[0] in GREEK  # \delta_{z} is delta_z, not d(elta_z)
    symbol = name in declared and declared.get(name[1:]) != declared[name]
    return name[:1] == "d" and name[1:2].isalpha() and not symbol and not greek


def through_definitions(trees: list, scope) -> frozenset:
    """The names that vary because the differential of a name the text defines is written: with
    ``\\Lambda = \\Sigma^{-1}`` defined, ``d\\Lambda`` is ``d(\\Sigma^{-1})``: Σ varies, X stays constant."""
    varying = set()
    for tree in trees:
        if isinstance(tree, (str, Gradient, Jacobian, SecondOrder)):
            continue
        written = [n[1:] for n in names_in(tree) if is_differential(n, {})] + differentiated(tree)
        for name in written:
            if name in scope.defined and not scope.defined[name].params:
                try:
                    varying |= set(names_in(expanded(Name(name, 0), scope)))
                except Uncheckable:
                    continue
    return frozenset(varying)


def differentiated(tree) -> list[str]:
    """The names whose differential ``d(X)`` is written in ``tree``."""
    if isinstance(tree, Call) and tree.name == "d" and len(tree.args) == 1 and isinstance(tree.args[0], Name):
        return [tree.args[0].name]
    return [n for child in children(tree) for n in differentiated(child)]


def slips(chain: Chain, outcomes: list, pairs: list, parts: list, scope) -> list:
    """ "The slip is in line k": links k and k+1 fail, but side k+1 equals side k−1."""
    for links, inferred in parts:
        for k in links:
            if k + 1 not in links or outcomes[k].status != FALSE or outcomes[k + 1].status != FALSE:
                continue
            sides = Sides(inferred, scope)
            bridged = compare(sides, pairs[k][0], pairs[k + 1][1], lambda *a, **m: a[0])
            lines = {chain.source.line(s.offset) for s in (chain.links[k].left, chain.links[k].right)}
            if bridged == OK and len(lines | {chain.source.line(chain.links[k + 1].right.offset)}) == 3:
                line = chain.source.line(chain.links[k].right.offset)
                before = chain.source.line(chain.links[k].left.offset)
                after = chain.source.line(chain.links[k + 1].right.offset)
                note = f"the slip is in line {line}: line {after} equals line {before}"
                message = "; ".join(m for m in (outcomes[k].message, note) if m)
                outcomes[k] = replace(outcomes[k], message=message)
                outcomes[k + 1] = replace(
                    outcomes[k + 1], message=f"follows from line {before}, not from line {line}"
                )
    return outcomes
