"""What the paper says about its symbols: ``% derivtex:`` lines, a sidecar ``FILE.derivtex.yaml``,
and the prose's ``X \\in \\mathbb{R}^{m\\times n}`` (the nearest preceding statement wins).

An annotation holds to the end of its section; the sidecar and the prose's statements hold on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import Span, SpecError, quoted_tex
from ..expr.parser import Call, Name
from ..expr.texbars import MOMENTS
from ..expr.texgradient import GRADIENT
from ..expr.texindex import Entry
from ..expr.texnames import BOLD_OWN, GRADIENT_NAME, RAISED, as_written
from ..expr.texoperators import KRON_APPLIED
from ..spec.keys import ASSUMPTIONS
from ..spec.reader import Text
from .applied import applicable, known_forms
from .expectations import DRAWS, RANDOM, base
from .indexnodes import bare, mapped, nodes
from .undefined import BOLD_LETTER, applying_undefined, undefined_applied_in, unknown_applied

REAL = r"(?:\\mathbb\s*\{?\s*R\s*\}?|\\R\b|\\RR\b|\\Real\b|\\reals\b|\\mathbb\s*\{?\s*S\s*\}?)"
# names \in R^{dims}: a list of LaTeX names (the last may be written with its arguments, z(w, x, b)),
# the set, and its exponent (braced or one token)
MEMBERSHIP = re.compile(
    r"(?P<names>(?:\\?[A-Za-z]+(?:\s*\{[^{}$]*\})?(?:_\{?[A-Za-z0-9]+\}?)?\s*,\s*)*"
    r"\\?[A-Za-z]+(?:\s*\{[^{}$]*\})?(?:_\{?[A-Za-z0-9]+\}?)?)(?:\s*\([^()$]*\))?"
    r"\s*\\in\s*(?P<set>" + REAL + r")"
    r"(?P<sub>_\{?\s*\+\+?\s*\}?)?(?:\s*\^\s*(?P<dims>\{[^{}]*\}|[A-Za-z0-9]))?(?P<sub2>_\{?\s*\+\+?\s*\}?)?"
)


@dataclass(frozen=True)
class Declared:
    """A symbol as declared: its shape (None if only assumptions are given) and assumptions."""

    shape: tuple | None
    assume: tuple[str, ...]
    where: str  # "line 4" (an annotation), "the prose, line 7", "the sidecar"
    random: tuple[str, ...] = ()  # "random", "independent", "zero mean" (gen.texcheck.expectations)


@dataclass(frozen=True)
class Definition:
    params: tuple[str, ...]
    body: Text
    tree: object  # the body's AST
    equation: bool = False  # the text's equation for a declared symbol: used where nothing is differentiated
    written: object = None  # a display's body as written, before the definitions it uses (Scope.body)
    displayed: bool = False  # made by a display (X = [...]): a later declaration of X declares X anew
    earlier: tuple = ()  # the letter's definitions under other arguments (P(x_i|θ), then P(X|θ)): applied
    derivative: object = None  # g' of a function declared any (g: function): its stand-in's derivative


@dataclass(frozen=True)
class Scope:
    """What holds at one point of the paper."""

    declared: dict = field(default_factory=dict)  # name → Declared (annotations and sidecar)
    prose: dict = field(default_factory=dict)  # name → Declared (from the prose)
    defined: dict = field(default_factory=dict)  # name → Definition
    stated: dict = field(default_factory=dict)  # name → (text, AST): the prose's $NAME = …$ (symmetry.py)
    layout: str | None = None  # None: not stated (denominator where the layouts agree; jacobians.py)
    gradient: str = "within"  # of a symmetric variable: "within" or "cookbook" (conventions.py)
    skip: bool = False  # the next display block is not checked
    summation: bool = False  # repeated indices summed (gen.texcheck.einstein)
    through: frozenset = frozenset()  # a chain's names that vary as a defined name does (dΛ, Λ := Σ⁻¹: Σ)
    solving: str = ""  # why the text is solving equations here, not stating identities (conditions.py)
    unknowns: tuple = ()  # what it solves for, where a derivative set to zero says (conditions.unknowns_of)
    draws: int = DRAWS  # the values each random symbol takes in an expectation (expectations.more_draws)
    earlier: tuple = ()  # (file, running side, last side, its chain's head): what "= …" goes on from
    varied: frozenset = frozenset()  # the names the section differentiates by (links.model_equation)
    remarked: frozenset = frozenset()  # declared first by the display being read (links.first_look)
    bolded: frozenset = (
        frozenset()
    )  # declared with a bold subscript, \Sigma_{\mathbf{xy}} (applied.known_forms)
    upstream: dict = field(default_factory=dict)  # L → (y, …): ∂L/∂y declared, a loss's upstream gradients
    respect: str | None = None  # "the gradient with respect to $X$": a \nabla without subscript is by X
    head: dict | None = None  # what the annotations before the first section hold: the whole document
    notes: tuple = ()  # those annotations (events), until the first section
    sections: tuple = ()  # (level, what held where it began) of each section open here (check.on_section)

    def lookup(self, name: str) -> Declared | None:
        name = base(name)  # a value drawn of a random symbol is declared as the symbol is
        declared, said = self.declared.get(name), self.prose.get(name)
        if declared and said and said.shape is None:  # "$u^T u = 1$" of a u annotated u: D
            shape = declared.shape
            square = shape is None or len(shape) == 2 and shape[0] == shape[1]
            fits = [a for a in said.assume if square or a == "orthogonal"]  # orthonormal columns: any shape
            return replace(declared, assume=tuple(dict.fromkeys((*declared.assume, *fits))))
        return declared or said or abstract_gradient(name, self)

    def dimensions(self) -> set:
        """The dimensions named in the declarations (``n`` of ``X: n x n``)."""
        shapes = [d.shape for d in (*self.declared.values(), *self.prose.values()) if d.shape]
        return {dim for shape in shapes for dim in shape if isinstance(dim, str)}

    def parsed(self, name: str):
        return self.defined[name].tree

    def body(self, definition: Definition, kept) -> object:
        """A definition's body as expanded where it was made (later definitions do not change it), or,
        where it was written with a name kept, itself or through the definitions it names (∂L/∂z with
        L := ℓ(a), a := σ(z) and z := Wx + b: L by z), as written."""
        return definition.written if self.reaches(definition, kept, 0) else definition.tree

    def reaches(self, definition: Definition, kept, depth: int) -> bool:
        """Whether a definition as written names a kept name, itself or through the definitions it
        names; not through one that applies a letter nothing defines (a := g^{[l]}(z), g times z?)."""
        written = definition.written
        if written is None or isinstance(written, str) or depth > 20:  # 20: as deep as definitions expand
            return False
        if unknown_applied(definition.body.value, self):
            return False
        names = {n.name for n in nodes(written) if isinstance(n, Name)}
        through = (self.defined[n] for n in names if n in self.defined)
        return not names.isdisjoint(kept) or any(self.reaches(d, kept, depth + 1) for d in through)

    def applied(self, tree) -> Definition:
        """The definition ``tree``, a defined name alone or applied, uses. A letter the text defines
        under several argument lists is several functions (a data set's likelihood ``P(X|θ) := ∏_i
        P(x_i|θ)`` of a sample's density ``P(x_i|θ) := …``): the one written with these arguments, else
        the last with as many (none for the name alone)."""
        last = self.defined[tree.name]
        args = tuple(a.name if isinstance(a, Name) else None for a in getattr(tree, "args", ()))
        every = (last, *last.earlier)
        exact = next((d for d in every if d.params == args), None)
        return exact or next((d for d in every if len(d.params) == len(args)), last)


def abstract_gradient(name: str, scope: Scope) -> Declared | None:
    """``\\nabla f(x_k)`` of an f the text never writes out (`gen.expr.texgradient.declared_gradient`),
    undeclared: shaped as its point (the Hessian n × n, symmetric: f twice differentiable). Any value
    of that shape may be the gradient, so a link that holds for every one holds for it."""
    if (match := GRADIENT_NAME.fullmatch(name)) is None:
        return None
    point = scope.lookup(match["at"])
    shape = point.shape if point is not None else None
    what = "Hessian" if match["order"] else "gradient"
    where = f"the {what} of {match['f']}, which the text does not write out"
    if not match["order"]:
        return Declared(shape, (), where) if shape is not None else None
    rows = shape[0] if shape is not None and len(shape) == 1 else None
    return Declared((rows, rows) if rows is not None else None, ("symmetric",), where)


def refers_to(tree, name: str, defined: dict) -> bool:
    """Whether ``tree`` uses ``name`` (or its differential), itself or through the definitions it
    uses: recorded as the definition of ``name``, it would define name through itself."""
    todo, seen = [tree], set()
    while todo:
        tree = todo.pop()
        used = (
            set() if isinstance(tree, str) else {n.name for n in nodes(tree) if isinstance(n, (Name, Call))}
        )
        for n in used - seen:
            spelled = (n, n[1:]) if n[:1] == "d" else (n,)  # dX: X varies
            if name in spelled:
                return True
            seen.add(n)
            todo += [defined[m].tree for m in spelled if m in defined]
    return False


def applying(parse, scope):
    """``parse(text, span)`` that reads the applications of the functions ``scope`` defines, the
    names declared with a time step (``x(n)``: a symbol, not x applied to n), and a derivative by a
    declared subscripted symbol as one by it (`by_declared`)."""
    functions, names = applicable(scope.defined), known_forms(scope)
    return lambda text, span, more=frozenset(), by=None: by_declared(
        parse(text, span, functions=functions, names=names | more, by=by), scope
    )


def by_declared(tree, scope):
    """``tree`` with each derivative by what reads as an entry (``∂f/∂K_k``, the front end's (k)
    entry of ∂f/∂K) taken by the symbol where the text declares ``K_k`` (a Kalman gain at step k)
    and f uses it, itself or through definitions (``\\operatorname{tr}(P_k)``, P_k := … K_k …). An
    f that does not (a loss L, y_i one of a family) keeps the index reading."""

    def declared(node):
        if not (isinstance(node, Entry) and isinstance(f := node.operand, Call) and f.name == GRADIENT):
            return node
        variable = f.args[1]
        written = f"{variable.name}_{''.join(node.indices)}" if isinstance(variable, Name) else None
        if written is None or scope.lookup(written) is None:
            return node
        if not refers_to(f.args[0], written, scope.defined):
            return node
        return replace(f, args=(f.args[0], Name(written, variable.pos), *f.args[2:]))

    return mapped(tree, declared)


def split_items(body: str) -> list[tuple[int, str]]:
    """The ``;``-separated items of an annotation with their offsets (``\\;`` is not a separator,
    nor a ``;`` inside brackets: ``p(x; \\theta) := …``)."""
    items, start, depth = [], 0, 0
    for at, char in enumerate(body + ";"):
        depth += (char in "([{") - (char in ")]}") if body[at - 1 : at] != "\\" else 0
        if char == ";" and depth <= 0 and body[at - 1 : at] != "\\":
            items.append((start, body[start:at]))
            start = at + 1
    return [(at + len(text) - len(text.lstrip()), text.strip()) for at, text in items if text.strip()]


def annotate(scope: Scope, body: str, span: Span, name_of, parse) -> tuple[Scope, list[SpecError]]:
    """``scope`` with one ``% derivtex:`` line's items added (``name_of`` reads a LaTeX name), and
    the errors of the items that could not be read: each is left out, the others hold (of a list
    of names, ``a, v^{\\text{old}}: d``, the names that can be read)."""
    errors = []
    for at, item in split_items(body):
        here = Span(span.path, span.line, span.col + at)
        try:
            scope = annotated_item(scope, item, here, name_of, parse)
        except SpecError as error:
            errors.append(error.at(here))
            for name in one_by_one(item):
                try:
                    scope = annotated_item(scope, name, here, name_of, parse)
                except SpecError:
                    continue
    return scope, errors


def one_by_one(item: str) -> list[str]:
    """``a, b: d`` as ``a: d`` and ``b: d`` (nothing for a definition or a single name)."""
    if ":=" in item or ":" not in item:
        return []
    names, what = item.split(":", 1)
    return [f"{name}:{what}" for name in listed(names)] if len(listed(names)) > 1 else []


def annotated_item(scope: Scope, item: str, span: Span, name_of, parse) -> Scope:
    if item == "skip":
        return replace(scope, skip=True)
    if match := re.fullmatch(r"layout\s+(numerator|denominator)", item):
        return replace(scope, layout=match.group(1))
    if item == "summation convention":
        return replace(scope, summation=True)
    if match := re.fullmatch(r"gradient\s+(within|cookbook)", item):
        return replace(scope, gradient=match.group(1))
    if ":=" in item:
        head, body = item.split(":=", 1)
        offset = item.index(":=") + 2 + len(body) - len(body.lstrip())
        text = Text(body.strip(), Span(span.path, span.line, span.col + offset))
        squared = SQUARED.fullmatch(head.strip())
        if squared and square(squared, numbered([head], scope, name_of, span)):  # \sigma_B^2 := …: σ_B
            head = squared.group(1) + (squared.group(2) or "")  # \sigma^2_B: σ_B too
            text = Text(f"\\sqrt{{{text.value}}}", replace(text.span, col=text.span.col - len("\\sqrt{")))
        name, params = defined_name(head.strip(), span, name_of)
        if name in MOMENTS and params:  # Cov(X) := E[…]: read so already, by the symbols declared random
            message = f"{name}(…) is read as the covariance E[x y^T] - E[x] E[y]^T of the symbols declared"
            raise SpecError(f"{message} random: it needs no definition (declare what is random)", span)
        tree = parse(
            text.value, text.span, functions=applicable(scope.defined), names=known_forms(scope)
        )  # f := x^T \diagm(x) x
        if BOLD_LETTER.match(head.strip()) and not params and refers_to(tree, name, {}):
            base, _, sub = name.partition("_")  # \vec z_t := [\vec z_{t-1}; z_t^T]: not z_t
            name = f"{base}{BOLD_OWN}_{sub}" if sub else f"{base}{BOLD_OWN}"
        itself = Call(name, tuple(Name(p, 0) for p in params), 0) if params else Name(name, 0)
        if bare(tree) == bare(itself):  # x_i := \mathbf{x}_i, tr(Z) := \operatorname{tr}(Z): one name, twice
            return scope
        if by := said_in_words(tree, scope):  # J_i := dK/d\theta_i, K declared: J_i stays as declared
            said = f"{as_written(name)} := ∂{by[0]}/∂{by[1]}: {by[0]} is declared, not defined in terms"
            said += f" of {by[1]} (a dependence said in words); {as_written(name)} stays as declared"
            raise SpecError(said, span)
        scope = with_bolded(scope, {name: head.strip()})
        defined = scope.defined  # y := Xθ + ε after the text's ε = y - Xθ: the annotation holds, not a loop
        loop = {
            k for k, d in defined.items() if refers_to(tree, k, defined) and refers_to(d.tree, name, defined)
        }
        kept = {k: d for k, d in defined.items() if k not in loop}
        before = (kept[name], *kept[name].earlier) if name in kept else ()
        earlier = tuple(d for d in before if d.params != params)  # P(X|θ) after P(x_i|θ): both hold
        if letter := undefined_applied_in(text.value, scope, params):  # a := g(z), g undefined: not g times z
            tree = applying_undefined(name, letter)
        return replace(scope, defined={**kept, name: Definition(params, text, tree, earlier=earlier)})
    if ":" in item:
        names, what = item.split(":", 1)
        if ANY_FUNCTION.fullmatch(what.strip()):  # g: function, an activation the text leaves open
            functions = {name_of(n.strip(), span): any_function(span, parse) for n in listed(names)}
            return replace(scope, defined={**scope.defined, **functions})
        declared = declaration(what, span, f"line {span.line}")
        names = [n for n in listed(names) if not ones_sized(n, declared, parse, span)]  # 1: n
        sized = [root(n, declared, numbered(names, scope, name_of, span)) for n in names]
        scope, sized = upstream_declared(scope, sized, declared, name_of, span)
        written = {name_of(n.strip(), span): n.strip() for n in sized}
        added = dict.fromkeys(written, declared)
        kept = {k: d for k, d in scope.defined.items() if k not in written or not d.displayed}
        scope = with_bolded(
            replace(scope, defined=kept), written
        )  # X: m x n after the text's X = [...]: anew
        if identity(added.get("I")):  # I: n x n, the identity's size: still the identity, sized so
            added.pop("I")
        return replace(scope, declared={**scope.declared, **merged(scope.declared, added)})
    message = "expected 'NAME: shape and assumptions', 'NAME := LaTeX', 'layout numerator',"
    message += " 'gradient cookbook', 'summation convention' or 'skip'"
    raise SpecError(f"{message}, not {quoted_tex(item)}", span)


ANY_FUNCTION = re.compile(r"(?:any\s+)?(?:smooth\s+|differentiable\s+)?function")
# the stand-in of a function of a number the text leaves open (an activation g, a cost's φ), applied
# entry by entry: sin and exp, so no identity of its own (g' = g(1 - g) of σ, g' = 1 - g² of tanh) holds
STAND_IN_BODY = ("\\sin(1.3 t) + \\exp(0.4 t)", "1.3 \\cos(1.3 t) + 0.4 \\exp(0.4 t)")


def any_function(span: Span, parse) -> Definition:
    """The definition of a function declared any (``g: function``): a step holding for every smooth
    function of a number holds for this one, a generic one, and a slip (g'(z) dropped, g(z)
    for g'(z)) fails for it as for almost every other; g'(z) is its derivative."""
    each = lambda n: replace(n, entrywise=True) if isinstance(n, Call) else n  # noqa: E731 — g(X): g of each entry
    body, derivative = (mapped(parse(latex, span), each) for latex in STAND_IN_BODY)
    return Definition(("t",), Text(STAND_IN_BODY[0], span), body, derivative=derivative)


def said_in_words(tree, scope) -> tuple[str, str] | None:
    """(f, x), as written, where ``tree`` is the derivative of a declared matrix or vector f by
    another symbol x, or its entry (∂K/∂θ_i, K declared): a dependence the text states in words,
    which no value computes."""
    entry = isinstance(tree, Entry)
    call = tree.operand if entry else tree
    if not (isinstance(call, Call) and call.name == GRADIENT and all(isinstance(a, Name) for a in call.args)):
        return None
    f, variable = (a.name for a in call.args)
    variable = f"{variable}_{''.join(tree.indices)}" if entry else variable
    declared = scope.lookup(f) if f != variable and f not in scope.defined else None
    matrix = declared is not None and declared.shape not in (None, ())  # a scalar L: a loss (abstract.py)
    return (as_written(f), as_written(variable)) if matrix else None


def upstream_declared(scope: Scope, names: list[str], declared: Declared, name_of, span: Span):
    """The scope knowing the upstream gradients among ``names`` (``\\frac{\\partial L}{\\partial y}:
    N x H``: L is a loss the text never writes out, its gradient by y any matrix of that shape,
    `gen.texcheck.abstract`), and the names left to declare, y among them unless declared already
    (then with the gradient's shape)."""
    rest = []
    for latex in names:
        if not (match := UPSTREAM.fullmatch(latex.strip())):
            rest.append(latex)
            continue
        loss, variable = name_of(match.group(1), span), name_of(match.group(2), span)
        known = scope.lookup(variable)
        if known is None or known.shape is None:
            rest.append(match.group(2))
        elif known.shape != declared.shape:
            message = f"∂{as_written(loss)}/∂{as_written(variable)} has the shape of {as_written(variable)}"
            raise SpecError(f"{message}, declared {known.where}", span)
        scope = replace(scope, upstream={**scope.upstream, loss: (*scope.upstream.get(loss, ()), variable)})
    return scope, rest


def listed(names: str) -> list[str]:
    """The names of a list, at its commas outside brackets (``p_{n,n-1}, r_n``, ``x(s,a), x(s,b)``:
    two names each)."""
    out, depth, start = [], 0, 0
    for k, char in enumerate(names):
        depth += (char in "{([") - (char in "})]")
        if char == "," and depth == 0:
            out.append(names[start:k])
            start = k + 1
    return [*out, names[start:]]


BOLD_SUBSCRIPT = re.compile(r"_\s*(?:\{[^{}]*)?\\(?:mathbf|boldsymbol|bm)\b")  # Σ_{\mathbf{xy}}, K_\mathbf{u}


def with_bolded(scope: Scope, written: dict) -> Scope:
    """``scope`` with the names of ``written`` (name → LaTeX) that were written with a bold subscript."""
    found = {name for name, latex in written.items() if BOLD_SUBSCRIPT.search(latex)}
    return replace(scope, bolded=scope.bolded | found) if found else scope


def root(latex: str, declared: Declared, labelled: frozenset = frozenset()) -> str:
    """The name a declaration of ``latex`` declares: ``\\sigma^2: scalar`` (a variance) declares σ, a
    number whose square is written; ``w^2: d`` is a symbol labelled 2 (never a vector squared), and so
    is ``z^2`` beside ``z^1`` (the bases of ``labelled``: numbered above, layer by layer)."""
    squared = SQUARED.fullmatch(latex.strip())
    if not squared or declared.shape != () or not square(squared, labelled):
        return latex
    return squared.group(1) + (squared.group(2) or "")


def square(squared: re.Match, labelled: frozenset) -> bool:
    """Whether a name written squared (`SQUARED`) is a square, a variance's: not where its base is
    numbered above otherwise too (``z^2`` beside ``z^1``: the second layer's z)."""
    return squared.group(2) is not None or squared.group(1).strip() not in labelled


def numbered(names: list[str], scope: Scope, name_of, span) -> frozenset:
    """The bases (as written) of the names numbered above in ``names`` that are labels: beside a number
    other than 2 in ``names``, or declared numbered above in the scope: ``z^1, z^2`` number z's
    layers, so z^2 is the second layer's z, not z squared."""
    matches = [m for n in names if (m := NUMBERED.fullmatch(n.strip()))]
    found = [(m.group(1).strip(), m.group(2) or m.group(3)) for m in matches]
    bases = {base for base, number in found if number != "2"}
    declared = {n.split(RAISED)[0] for n in scope.declared if re.fullmatch(rf".+\{RAISED}\d+", n)}
    return frozenset(bases | {b for b, _ in found if name_of(b, span) in declared})


def ones_sized(latex: str, declared: Declared, parse, span) -> bool:
    """Whether ``latex`` is the vector of ones given a column's size (``\\mathbf{1}: n``): still the
    vector of ones, sized where it is used as the identity is."""
    try:
        tree = parse(latex.strip(), span)
    except SpecError:
        return False
    column = declared.shape is not None and len(declared.shape) == 1 and not declared.assume
    return column and isinstance(tree, Call) and tree.name == "ones" and not tree.args


def identity(declared: Declared | None) -> bool:
    """Whether a declaration of ``I`` says only the identity's (square) size."""
    shape = declared.shape if declared is not None else None
    return bool(shape) and len(shape) == 2 and shape[0] == shape[1] and not declared.assume


def merged(old: dict, added: dict) -> dict:
    """A later declaration of assumptions only (``B: symmetric``) keeps a known shape."""
    out = {}
    for name, new in added.items():
        before = old.get(name)
        if new.shape is None and before is not None:
            assume = tuple(dict.fromkeys(before.assume + new.assume))
            random = tuple(dict.fromkeys(before.random + new.random))
            new = replace(new, shape=before.shape, assume=assume, random=random)
        out[name] = new
    return out


# an upstream gradient declared: \frac{\partial L}{\partial y}, \frac{dL}{dy}, \frac{d\mathcal{L}}{dy}
UPSTREAM = re.compile(r"\\frac\s*\{\s*(?:\\partial|d)\s*(.+?)\s*\}\s*\{\s*(?:\\partial|d)\s*(.+?)\s*\}")
NUMBERED = re.compile(r"(.+?)\s*\^\s*(?:\{\s*(\d+)\s*\}|(\d))")  # w^1, W^{2}: numbered above
SQUARED = re.compile(r"(.+?)\s*\^\s*(?:2|\{\s*2\s*\})\s*(_.+)?")  # a name squared: σ², σ_B^{2}, σ^2_B
# between a function's parameters: a comma, or a density's bar or semicolon (p(x \mid \mu, \Sigma))
PARAMETERS = re.compile(r",|;|\\mid\b|\\vert\b|\|")
KRON_APPLIED_HEAD = re.compile(r"\(\s*(.+?)\s*\\otimes\s*(.+?)\s*\)\s*\[\s*(.+?)\s*\]")


def defined_name(head: str, span: Span, name_of) -> tuple[str, tuple[str, ...]]:
    """``f(X, Y)`` → ("f", ("X", "Y")); ``B`` → ("B", ()); ``(A \\otimes B)[X]`` → ("kron_applied", ("A",
    "B", "X")), the convention of a Kronecker product applied (`gen.expr.texoperators`)."""
    if match := KRON_APPLIED_HEAD.fullmatch(head):
        return KRON_APPLIED, tuple(name_of(match.group(k), span) for k in (1, 2, 3))
    if match := re.fullmatch(r"(.+?)\s*\((.*)\)", head):
        params = tuple(name_of(p.strip(), span) for p in PARAMETERS.split(match.group(2)))
        return name_of(match.group(1), span), params
    return name_of(head, span), ()


NOUNS = ("vector", "matrix")  # y: C probability vector, W: n x n orthogonal matrix: the words a reader adds


def declaration(what: str, span: Span, where: str) -> Declared:
    """``n x n invertible``, ``n``, ``scalar``, ``symmetric``: a shape and assumptions."""
    what = re.sub(r"\bzero[\s-]+mean\b", "zero-mean", what.replace(",", " ").replace("one-hot", "onehot"))
    what = re.sub(r"\bpositive[\s-]+definite\b", "spd", what)  # as the prose says it
    # positive semidefinite: drawn positive definite, an open set of symmetric matrices, where an identity
    # that holds holds wherever its sides are defined (they are analytic in the entries)
    what = re.sub(r"\b(?:positive[\s-]+semi[\s-]?definite|psd)\b", "spd", what)
    what = re.sub(r"\bsym\b", "symmetric", what)
    what = re.sub(r"\b(?:unit|orthonormal)\b", "orthogonal", what)  # u: n unit, W: n x k orthonormal
    words = [w for w in what.replace("\\times", " x ").replace("×", " x ").split() if w not in NOUNS]
    assume = tuple(w for w in words if w in ASSUMPTIONS)
    random = tuple(w.replace("-", " ") for w in words if w.replace("-", " ") in RANDOM)
    rest = [w for w in words if w not in ASSUMPTIONS and w.replace("-", " ") not in RANDOM]
    if rest == ["scalar"] or rest == ["number"]:
        return Declared((), assume, where, random)
    if not rest:
        return Declared(None, assume, where, random)
    if len(rest) == 1 or (len(rest) == 3 and rest[1] == "x"):
        return Declared(tuple(dimension(w, span) for w in rest[::2]), assume, where, random)
    known = ", ".join(ASSUMPTIONS)
    written = quoted_tex(what.strip())
    message = f"expected a shape ('scalar', 'n' or 'm x n') and assumptions ({known}, random,"
    message += f" independent, zero mean), or 'function', not {written}"
    raise SpecError(message, span)


ONE_APART = re.compile(r"([A-Za-z])([-+])([0-9]+)")


def one_apart(name: str) -> tuple[str, int] | None:
    """A dimension written as another's plus or minus a number (``n+1``, ``n-1``): (``n``, ±1); its size
    follows the other's (one more than n, whatever n's size). None for any other dimension."""
    if match := ONE_APART.fullmatch(name):
        return match[1], int(match[2] + match[3])
    return None


def dimension(word: str, span: Span):
    if word.isdigit() and int(word) > 0:
        return int(word)
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", word):
        return word
    if match := re.fullmatch(r"([A-Za-z][A-Za-z0-9]*)_\{([A-Za-z0-9]+(?:[-+][0-9]+)?)\}", word):  # m_{l-1}
        return f"{match.group(1)}_{match.group(2).replace('-', 'm').replace('+', 'p')}"
    if one_apart(bare := re.sub(r"^[{(]|[})]$|\s+", "", word)):  # n+1: a size of its own
        return bare
    message = f"a dimension must be a name such as n or a positive integer, not {quoted_tex(word)}"
    raise SpecError(message, span)


# "\\lim_{t \\to 0}", "as $h \\to 0^+$": a letter that tends to a number is a number
TENDS = re.compile(r"(?<![\\A-Za-z])(?P<name>[A-Za-z])\s*\\(?:to|rightarrow)\s*(?:[0-9]+|\\infty)(?![0-9.])")


def harvested(text: str, name_of, where, span_at) -> dict:
    """The prose's ``x, y \\in \\mathbb{R}^{n}`` statements and the letters it lets tend to a number
    (``t \\to 0``): name → Declared (later ones win; a membership wins over a limit)."""
    found = {m.group("name"): Declared((), (), where(m.start())) for m in TENDS.finditer(text)}
    for match in MEMBERSHIP.finditer(text):
        shape = prose_shape(match.group("dims"))
        if shape is None:
            continue
        symmetric = "S" in match.group("set") and len(shape) == 1
        spd = symmetric and "++" in (match.group("sub") or "") + (match.group("sub2") or "")
        assume = ("spd",) if spd else ("symmetric",) if symmetric else ()
        shape = (shape[0], shape[0]) if symmetric else shape
        for name in listed(match.group("names")):
            try:
                found[name_of(name.strip(), span_at(match.start()))] = Declared(
                    shape, assume, where(match.start())
                )
            except SpecError:
                continue
    from .properties import properties_stated  # "$\\Sigma$ symmetric positive definite"

    found = properties_stated(text, found, name_of, span_at, where, Declared)
    return assumed(text, found, name_of, span_at)


# "let $X \in \mathbb{R}^{n\times n}$ be symmetric positive definite": the words after the formula
BE = re.compile(r"\$([^$]*)\$\s*be\s+([A-Za-z -]+)")
ASSUMED = (  # the first phrase the words start with
    ("symmetric positive definite", "spd"),
    ("positive definite", "spd"),
    ("symmetric", "symmetric"),
    ("invertible", "invertible"),
    ("orthogonal", "orthogonal"),
    ("diagonal", "diagonal"),
    ("entrywise positive", "positive"),
    ("positive", "positive"),
    ("one-hot", "onehot"),
    ("binary", "binary"),
    ("a probability vector", "probability"),
    ("row-stochastic", "probability"),  # a matrix whose rows are probability vectors
    ("row stochastic", "probability"),
)


def assumed(text: str, found: dict, name_of, span_at) -> dict:
    """``found`` with the assumptions the prose states after each declaration (``… be invertible``)."""
    found = dict(found)
    for match in BE.finditer(text):
        words = " ".join(match.group(2).split())
        assumption = next((a for phrase, a in ASSUMED if words.startswith(phrase)), None)
        inner = MEMBERSHIP.search(match.group(1))
        if assumption is None or inner is None:
            continue
        for name in listed(inner.group("names")):
            try:
                key = name_of(name.strip(), span_at(match.start()))
            except SpecError:
                continue
            if key in found and assumption not in found[key].assume:
                found[key] = replace(found[key], assume=(*found[key].assume, assumption))
    return found


def prose_shape(dims: str | None) -> tuple | None:
    """``{m\\times n}`` → ("m", "n"); ``n`` → ("n",); none → () (a number); None if unreadable."""
    if dims is None:
        return ()
    words = [w for w in re.split(r"\\times|\\cdot|×|\s+|[{}()]", re.sub(r"\s*([-+])\s*", r"\1", dims)) if w]
    if (
        not all(re.fullmatch(r"[A-Za-z]|[A-Za-z]_?\{?\w\}?|\d+", w) or one_apart(w) for w in words)
        or not 1 <= len(words) <= 2
    ):
        return None
    shape = tuple(int(w) if w.isdigit() else w.replace("_", "").replace("{", "") for w in words)
    if shape == (1,) or (len(shape) == 2 and shape[1] == 1):
        return () if shape[0] == 1 else (shape[0],)
    return shape


def sidecar(path: Path, name_of, parse) -> Scope:
    """``paper.derivtex.yaml`` beside ``paper.tex``: ``symbols:`` as in a spec, ``define:`` name → LaTeX."""
    from ..spec.keys import _symbols
    from ..spec.reader import Source
    from ..spec.validators import _pairs

    side = path.with_name(path.stem + ".derivtex.yaml")
    if not side.is_file():
        return Scope()
    src = Source(str(side), side.read_text(encoding="utf-8"))
    node, scope = src.compose(), Scope()
    for key, value in _pairs(node, src) if node is not None else ():
        if key.value == "symbols":
            declared = {
                s.name: Declared(s.shape, s.assume, "the sidecar") for s in _symbols("symbols", value, src)
            }
            scope = replace(scope, declared={**scope.declared, **declared})
        elif key.value == "define":
            for name, body in _pairs(value, src):
                span = src.span(name)
                defined, params = defined_name(name.value, span, name_of)
                text = src.text_of(body)
                scope.defined[defined] = Definition(params, text, parse(text.value, text.span))
        else:
            raise src.error(f"unknown key {key.value!r} in the sidecar (expected symbols, define)", key)
    return scope
