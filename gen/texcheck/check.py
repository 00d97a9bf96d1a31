"""``derivtex check FILE.tex``: the events of each file walked in reading order, the scope of
declarations kept up to date, each display block's chains checked."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import SpecError, quoted_tex
from ..expr.parser import Call, Name
from ..expr.texnames import BLACKBOARD, GRADIENT_AT, gradient_name, raised
from .applied import applicable, known_forms
from .conditions import as_conditions, prose_cue, solving_after, unknowns_of
from .conventions import stated as convention_stated
from .document import Event, Source, read_events
from .jacobians import layout_stated
from .links import FALSE, NOT_UNDERSTOOD, SHAPE, SKIPPED, Outcome, check_chain
from .properties import with_shapes_kept
from .prose import defined_in_braces, defined_in_prose
from .rows import chains, last_side, mathematics, statements_of
from .shapes import names_in
from .symbols import Scope, annotate, applying, harvested, sidecar
from .symmetry import stated
from .undefined import explained


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str
    column: int = 0  # where it is known (a bad annotation): path:line:column


@dataclass(frozen=True)
class FileResult:
    path: str
    outcomes: tuple[Outcome, ...]
    problems: tuple[Problem, ...]
    chains: tuple[tuple[int, tuple[Outcome, ...]], ...]  # (line of the chain, its outcomes)
    sources: dict  # path → Source, for the lines shown under the messages


def reader(macros):
    """``parse(text, span) -> AST``: one side of an equation through the LaTeX front end."""
    from ..expr.tex import parse_tex
    from ..spec.reader import Text

    return lambda text, span, functions={}, names=(), by=None: parse_tex(
        Text(text, span), macros, names=names, functions=functions, by=by
    )


PRIME = re.compile(r"\s*\^\s*(?:\\prime|\{\s*\\prime\s*\})$")
PLUS = re.compile(r"(.+?)\s*\^\s*(?:\+|\{\s*\+\s*\})")  # a name with a + above, declared
VARIATION = re.compile(r"\\(delta|Delta)(?![A-Za-z])\s*([^\s^_].*)")  # \delta Y, \Delta x_k^s: one symbol
# a layer's (an iterate's) symbol declared with its index above, W^l, a^{l-1}, \delta^L, x^{k+1}
INDEX = r"(?:[A-SU-Za-z]|\\ell\b|\\tau\b)"  # a letter, not T (a transpose)
LABEL = r"(?:[A-Za-z]{2,3})"  # W^{xh}, W^{hy}: a weight's label, braced
NUMBER = r"\d+"  # w^1, W^{2}: a label numbered above (a layer's weights, a component), declared so
LAYER = re.compile(rf"(.+?)\s*\^\s*(?:\{{\s*({INDEX}\s*(?:[-+]\s*1)?|{LABEL}|{NUMBER})\s*\}}|({INDEX}|\d))")
BOLD_WHOLE = re.compile(r"\\(?:mathbf|boldsymbol|bm)\s*\{(.*)\}")  # \mathbf{W^{xh}}: the name inside
# a bold variable in a subscript (\Sigma_{\mathbf{x}\mathbf{y}}): the letters name the symbol where declared
BOLD_SUBSCRIPT = re.compile(r"\\(?:mathbf|boldsymbol|bm)\s*(?:\{\s*([^{}]*?)\s*\}|(\\?[A-Za-z]+))")
# the gradient (the Hessian) of an abstract f at a point, declared as a symbol: \nabla f(x_k), \nabla^2 f(x)
BLACKBOARD_LETTER = re.compile(r"\\mathbb\s*\{\s*([A-Za-z])\s*\}")
STYLED_WORD = re.compile(r"\\(?:text|textrm|mathrm|operatorname|mathit)\s*\{\s*([A-Za-z]{2,})\s*\}")
# a name with its time step, x(n), x[n] (in brackets a step only: P[r \vert x] is a density)
ARGUMENT = re.compile(r"(.+?)\s*(?:\(((?:[^()]|\([^()]*\))*)\)|\[([A-Za-z0-9+\-\s]*)\])")  # H(x^{(i)}) too


def name_reader(parse):
    """A name as the grammar writes it (``sigma``, ``W_1``), or in LaTeX (``\\Sigma``, ``\\mathbf{x}``)
    as the front end names it."""

    def name_of(latex: str, span):
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", latex.strip()):  # a name as the grammar writes it
            return latex.strip()
        if match := STYLED_WORD.fullmatch(latex.strip()):  # \text{softmax}, \operatorname{net}: the word
            return match.group(1)
        if match := BLACKBOARD_LETTER.fullmatch(latex.strip()):  # \mathbb{X}: a symbol of its own
            return match.group(1) + BLACKBOARD
        latex = PRIME.sub("'", latex.strip())  # w_k^{\prime} is w_k'
        if latex.endswith("'") and not latex.endswith("''"):  # S', \Sigma': a symbol
            return f"{name_of(latex[:-1], span)}prime"
        if match := PLUS.fullmatch(latex.strip()):  # x^+, x_q^{+}: the next iterate, a symbol (not A⁺)
            main, _, sub = name_of(match.group(1), span).partition("_")
            return f"{main}plus_{sub}" if sub else f"{main}plus"
        if match := VARIATION.fullmatch(latex.strip()):  # \delta Y, \delta \hat{A}: the gradient by Y's name
            return f"{match.group(1)}{name_of(match.group(2), span)}"
        if match := GRADIENT_AT.fullmatch(
            latex.strip()
        ):  # \nabla f(x_k): the gradient at the iterate, a symbol
            return gradient_name(match["f"], match["order"] or "", name_of(match["at"], span))
        if (match := BOLD_WHOLE.fullmatch(latex.strip())) and balanced(match.group(1)):
            return name_of(match.group(1), span)
        if match := LAYER.fullmatch(latex.strip()):
            index = match.group(2) or match.group(3)
            if re.fullmatch(r"(?:[lL]|\\ell)\s*(?:[-+]\s*1)?", index):  # W^l, a^{l-1}: a layer's, as W^{(l)}
                return name_of(f"{match.group(1)}^{{({index})}}", span)
            spelled = "".join(index.split()).replace("\\", "").replace("+", "p").replace("-", "m")
            return raised(name_of(match.group(1), span), spelled)  # x^k, H^{k+1}: an iterate's symbol
        if match := ARGUMENT.fullmatch(latex.strip()):  # x(n), x(k+1): a time step's symbol
            step = match.group(2) if match.group(2) is not None else match.group(3)
            brackets = "()" if match.group(2) is not None else "[]"
            return f"{name_of(match.group(1), span)}{brackets[0]}{''.join(step.split())}{brackets[1]}"
        try:
            tree = parse(latex, span)
        except SpecError:
            if not BOLD_SUBSCRIPT.search(latex):
                raise
            plain = BOLD_SUBSCRIPT.sub(unbolded, latex)  # Σ_{\mathbf{xy}}: Σ_{xy}; K_\mathbf{uf}: K_{uf}
            tree = parse(plain, span)
        if commuting := commutation_named(tree):  # K_{fu}: a kernel matrix the text declares
            return commuting
        if not isinstance(tree, Name):
            raise SpecError(f"expected a symbol's name, not {quoted_tex(latex)}", span)
        return tree.name

    return name_of


def balanced(latex: str) -> bool:
    """Whether ``latex``'s braces pair up (``h_{t-1}`` does, ``x} + \\mathbf{y`` does not)."""
    depth = 0
    for c in latex:
        depth += (c == "{") - (c == "}")
        if depth < 0:
            return False
    return depth == 0


def unbolded(match: re.Match) -> str:
    """A bold variable's letters; braced where it is a whole subscript (``K_\\mathbf{uf}``: ``K_{uf}``)."""
    letters = match.group(1) or match.group(2)
    return f"{{{letters}}}" if match.string[: match.start()].rstrip().endswith("_") else letters


def commutation_named(tree) -> str | None:
    """The name of ``K_{fu}`` that the front end reads as the commutation matrix K_{mn} unless the
    text declares it (`applied.known_forms`): a kernel matrix's, K_fu."""
    pair = isinstance(tree, Call) and tree.name == "commutation" and len(tree.args) == 2
    if pair and all(isinstance(a, Name) and len(a.name) == 1 for a in tree.args):
        return f"K_{tree.args[0].name}{tree.args[1].name}"
    return None


@dataclass(frozen=True)
class Reading:
    """A file's events and the readers its displays are parsed with (its own macros, its sidecar)."""

    events: list[Event]
    parse: Callable  # (text, span, functions=, names=) -> AST: the LaTeX front end with the document's macros
    name_of: Callable[[str, object], str]  # a LaTeX name -> the name the front end gives it
    base: Scope

    def step(self, scope: Scope, event: Event):
        """(scope after ``event``, what it found: problems and (line, outcomes) of its chains)."""
        return STEPS[event.kind](scope, event, self.base, self.parse, self.name_of)

    def walk(self):
        """(event, scope before it, what it found) for every event, in reading order; a display
        followed by prose that explains it ("where $S = (A - BD^{-1}C)^{-1}$", "where $W \\in
        \\mathbb{R}^{m \\times n}$") is read with what that prose says."""
        scope = self.base
        for event, ahead in zip(self.events, [*self.events[1:], None]):
            if event.kind == "block" and explains(ahead):
                scope, _ = self.step(scope, ahead)
            after, done = self.step(scope, event)
            yield event, scope, done
            scope = after


EXPLAINING = re.compile(r"(?:\s|\$\$|\\\]|\\end\s*\{[^}]*\})*[,.;]?\s*where\b", re.I)


def explains(event: Event | None) -> bool:
    """Whether ``event`` is prose that, just after a display (its closing first), explains its symbols."""
    return event is not None and event.kind == "prose" and bool(EXPLAINING.match(event.text))


def reading(path: Path, shown: str | None = None) -> Reading:
    events = read_events(path, shown)
    parse = reader(macros_of(events))
    name_of = name_reader(parse)
    return Reading(events, parse, name_of, sidecar(path, name_of, parse))


def check_file(path: Path, shown: str | None = None) -> FileResult:
    """Every chain of ``path`` (and of the files it inputs) checked."""
    read = reading(path, shown)
    problems, found = [], []
    for *_, done in read.walk():
        for item in done:
            (problems if isinstance(item, Problem) else found).append(item)
    outcomes = tuple(o for _, chain in found for o in chain)
    sources = {e.source.path: e.source for e in read.events}
    return FileResult(str(shown or path), outcomes, tuple(problems), tuple(found), sources)


def macros_of(events: list[Event]):
    """The document's own macros, from every file read, after those of the packages it loads that
    define notation (`PACKAGES`): its own definitions win."""
    from ..expr.tex import macros_from

    texts = {e.source.path: e.source.blank for e in events}
    loaded = {
        name for text in texts.values() for m in USEPACKAGE.finditer(text) for name in m.group(1).split(",")
    }
    packages = [PACKAGES[name.strip()] for name in sorted(loaded) if name.strip() in PACKAGES]
    return macros_from("\n".join([*packages, *texts.values()]))


USEPACKAGE = re.compile(r"\\usepackage\s*(?:\[[^\]]*\])?\s*\{([^{}]*)\}")
# the notation of the physics package (its delimiters and derivatives), as a document would define it
PACKAGES = {
    "physics": "\n".join(
        (
            r"\newcommand{\pqty}[1]{\left(#1\right)}",
            r"\newcommand{\bqty}[1]{\left[#1\right]}",
            r"\newcommand{\vqty}[1]{\left|#1\right|}",
            r"\newcommand{\qty}{}",
            r"\newcommand{\abs}[1]{\left|#1\right|}",
            r"\newcommand{\norm}[1]{\left\|#1\right\|}",
            r"\newcommand{\grad}{\nabla}",
            r"\newcommand{\vb}[1]{\mathbf{#1}}",
            r"\newcommand{\va}[1]{\vec{#1}}",
            r"\newcommand{\dv}[2]{\frac{\mathrm{d} #1}{\mathrm{d} #2}}",
            r"\newcommand{\pdv}[2]{\frac{\partial #1}{\partial #2}}",
            r"\newcommand{\mathopen}[1]{#1}",
            r"\newcommand{\mathclose}[1]{#1}",
        )
    ),
}


def on_note(scope: Scope, event: Event, base, parse, name_of):
    """The annotation's declarations added; a bad item is one problem at its place, and the rest
    of the file is checked without it (as a bad row is)."""
    scope, errors = annotate(scope, event.text, event.source.span(event.offset), name_of, parse)
    scope = replace(scope, notes=scope.notes + (event,)) if scope.head is None else scope
    bad = [(e.span, e.message) for e in errors]
    return scope, tuple(Problem(s.path, s.line, f"a bad annotation: {m}", s.col) for s, m in bad)


LEVELS = {"part": 0, "chapter": 1, "section": 2, "subsection": 3, "subsubsection": 4, "paragraph": 5}
HEAD = ("declared", "defined", "layout", "gradient", "bolded")  # what the annotations hold
HELD = (*HEAD, "prose")  # what a section's start restores


def on_section(scope: Scope, event: Event, base: Scope, parse, name_of):
    """An annotation holds to the end of its section, its subsections included; one before the first
    section, to the end of the document (the sidecar's and the prose's hold on). ``scope.sections``:
    each open section's level and what held where it began."""
    level = LEVELS[event.text]
    kept = scope.head or head_of(scope.notes, base, parse, name_of)
    fresh = dict(skip=False, solving="", unknowns=(), earlier=(), varied=frozenset(), respect=None)
    outer = tuple(s for s in scope.sections if s[0] < level)
    ended = [held for at, held in scope.sections if at >= level]
    if not outer:  # a section of the document's top level
        said = {n: d for n, d in scope.prose.items() if d.shape is not None}  # "$S$ symmetric": to its end
        held = {**kept, "prose": said}
    else:  # a subsection: what held where the first section it ends began, or what holds now
        held = ended[0] if ended else {f: getattr(scope, f) for f in HELD}
    return replace(scope, **held, **fresh, head=kept, sections=(*outer, (level, held))), ()


def head_of(notes: tuple, base: Scope, parse, name_of) -> dict:
    """What the annotations before the first section hold for the rest of the document (their
    declarations and definitions; the prose's own hold to the end of the first section, as before)."""
    scope = base
    for event in notes:
        scope = annotate(scope, event.text, event.source.span(event.offset), name_of, parse)[0]
    return {f: getattr(scope, f) for f in HEAD}


def on_prose(scope: Scope, event: Event, base, parse, name_of):
    source = event.source

    def where(offset: int) -> str:
        return f"the prose, line {source.line(event.offset + offset)}"

    def span_at(offset: int):
        return source.span(event.offset + offset)

    fresh = with_shapes_kept(harvested(event.text, name_of, where, span_at), scope.prose)
    if event.kind != "prose":  # a display's own X \\in \\mathbb{R}^{n}: its reasons state nothing
        return replace(scope, prose={**scope.prose, **fresh}), ()
    gradient = convention_stated(event.text) or scope.gradient
    kept = {n: s for n, s in scope.stated.items() if n not in fresh}  # a letter declared anew
    said = {**kept, **stated(event.text, parse, span_at)}
    solving = prose_cue(event.text) or scope.solving
    layout = layout_stated(event.text) or scope.layout
    respect = respect_stated(event.text, name_of, span_at) or scope.respect
    scope = replace(scope, prose={**scope.prose, **fresh}, stated=said, gradient=gradient)
    scope = replace(scope, solving=solving, layout=layout, respect=respect)
    return defined_in_prose(scope, event.text, parse, name_of, span_at), ()


# "the gradient with respect to $X$", "w.r.t. $X$", "the gradient is by $X$": the variable of a bare \nabla
RESPECT = re.compile(r"(?:with respect to|w\.r\.t\.?|gradient is (?:taken )?by)\s*\$([^$]+)\$", re.I)


def respect_stated(text: str, name_of, span_at) -> str | None:
    """The one variable the prose says gradients are with respect to (None if none, or several, or
    not a name: "with respect to $\\Sigma_k^{-1}$")."""
    found = set()
    for match in RESPECT.finditer(text):
        try:
            found.add(name_of(match.group(1), span_at(match.start(1))))
        except SpecError:
            return None
    return next(iter(found)) if len(found) == 1 else None


def on_block(scope: Scope, event: Event, base, parse, name_of):
    # X \\in \\mathbb{R}^{n} in a display too, outside its reason column
    before, scope = scope, on_prose(scope, replace(event, text=mathematics(event)), base, parse, name_of)[0]
    scope = replace(scope, remarked=frozenset(n for n in scope.prose if before.lookup(n) is None))
    span_at = lambda offset: event.source.span(event.offset + offset)  # noqa: E731
    scope = defined_in_braces(scope, event.text, applying(parse, scope), name_of, span_at)
    found, defined, solving, unknowns = [], dict(scope.defined), scope.solving, scope.unknowns
    made, failed = [], []  # each statement's definitions; (k, chain, scope) of those that failed
    every = chains(event)
    for k, chain in enumerate(every):
        here = replace(scope, defined=dict(defined), solving=solving)  # as it stands here: a copy
        outcomes, definitions, varied, checked = continued(
            chain, here, applying(parse, here), event, first=k == 0
        )
        scope = replace(scope, varied=scope.varied | varied)
        restating = (j for j, link in enumerate(chain.links) if names_defined(chain, link, here, name_of))
        defining = frozenset(restating) if solving else frozenset()  # read only while the text solves
        outcomes = as_conditions(checked, explained(chain, outcomes, here), solving, unknowns, defining)
        solving, before = solving_after(chain, outcomes, solving), solving
        unknowns = (unknowns_of(checked) or unknowns) if solving != before else unknowns if solving else ()
        found.append((event.source.line(chain.links[0].left.offset), tuple(outcomes)))
        defined.update(definitions)
        made.append(definitions)
        if any(o.status in (FALSE, NOT_UNDERSTOOD, SHAPE) for o in outcomes) and not solving:
            failed.append((k, chain, here))
    for k, chain, here in failed:  # f = \\|Y\\|^2 \\quad Y = XW: the statements beside say where Y is from
        beside = [made[j] for j in besides(k, every, [line for line, _ in found])]
        if later := {name: d for after in beside for name, d in after.items() if name not in here.defined}:
            where = replace(here, defined={**here.defined, **later})
            outcomes = continued(chain, where, applying(parse, where), event, first=k == 0)[0]
            found[k] = (found[k][0], tuple(explained(chain, outcomes, where)))
    found = [(line, tuple(o.decided() for o in outcomes)) for line, outcomes in found]
    defined = reread(defined, {n for d in made for n, f in d.items() if f.params}, parse, scope)
    earlier = going_on(scope.earlier, event)
    return replace(
        scope, skip=False, defined=defined, solving=solving, unknowns=unknowns, earlier=earlier
    ), found


def besides(k: int, every: list, lines: list) -> list[int]:
    """The statements after chain k on its line, or joined to it by a comma or a ``\\quad`` (``…],
    \\quad \\delta_j = …`` on the next line): where the symbols chain k uses are from."""
    out = []
    for j in range(k + 1, len(every)):
        if not (lines[j] == lines[k] or joined(every[j - 1], every[j])):
            break
        out.append(j)
    return out


# what joins a statement to the one before it as a "where" clause: a comma, \quad, \text{where}
WHERE = re.compile(r"(?:[\s,;]|\\q?quad\b|\\[,;:!]|\\text\s*\{\s*(?:where|with)\s*\}|%[^\n]*)*")


def joined(before, after) -> bool:
    last = before.links[-1].right
    between = before.source.text[last.offset + len(last.text) : after.links[0].left.offset]
    separated = "," in between or "quad" in between or "text" in between
    return separated and WHERE.fullmatch(between) is not None


def reread(defined: dict, functions: set, parse, scope: Scope) -> dict:
    """``defined`` with the definitions that were read before a function they apply was defined
    read again (``z := g(A x)`` annotated before the display ``g(\\xi) = …``: g applied, not g times Ax)."""
    if not functions:
        return defined
    out = dict(defined)
    for name, d in defined.items():
        if name in functions or not applies(d, functions):
            continue
        try:
            tree = parse(d.body.value, d.body.span, functions=applicable(defined), names=known_forms(scope))
        except SpecError:
            continue
        out[name] = replace(d, tree=tree, written=None)
    return out


def applies(definition, functions: set) -> bool:
    """Whether a definition's body applies one of ``functions``: as read, or by its text where it was
    left unread for a letter nothing defined then (``a := g(z)`` before the display defining g)."""
    if isinstance(definition.tree, str):
        letters = [f for f in functions if len(f) == 1]
        return any(re.search(rf"(?<![\\A-Za-z]){f}\s*\(", definition.body.value) for f in letters)
    return bool(functions & set(names_in(definition.tree)))


def names_defined(chain, link, scope: Scope, name_of) -> bool:
    """Whether a side of ``link`` is a name alone that the text has defined (``u_k^*`` after
    ``… = 0 \\implies u_k^* = …``): a claim about a known quantity, never an equation to solve."""
    for side in (link.left, link.right):
        try:
            if name_of(side.text, chain.source.span(side.offset)) in scope.defined:
                return True
        except SpecError:
            continue
    return False


def continued(chain, scope: Scope, parse, event: Event, first: bool):
    """``chain`` checked: its outcomes, definitions and varied names, and the chain as read (going on
    from the head of the derivation it continues, for what the head says: a derivative set to 0). A
    display's first chain that starts with ``=`` goes on from a side an earlier display of the
    section ended with: the running derivation's (a display that went on so, or a lone expression),
    or the last display's; where the two differ (a lemma displayed in between), the one its first
    link follows from, else the first that decides it."""
    file, running, last, head = scope.earlier or (None, None, None, None)
    starts = [s for s in dict.fromkeys((running, last)) if s is not None] if file == event.source.path else []
    if not (first and chain.continues and starts):
        return (*check_chain(chain, scope, parse), chain)
    tries = [replace(chain, links=(replace(chain.links[0], left=s), *chain.links[1:])) for s in starts]
    results = [check_chain(t, scope, parse) for t in tries]
    rank = {"ok": 0, "does not follow": 1, "shape error": 2}  # the reading that checks, else one that decides
    headed = replace(chain, links=(replace(chain.links[0], left=head), *chain.links[1:])) if head else chain
    return (*min(results, key=lambda r: rank.get(r[0][0].status, 3)), headed)


def going_on(earlier: tuple, event: Event) -> tuple:
    """(file, running side, last side, the head of the chain it ends) after ``event``: a display that
    went on from another, or a lone expression, is the running derivation."""
    side = last_side(event)
    if side is None:
        return earlier
    statements = statements_of(event)
    running = statements[0].continues or (len(statements) == 1 and not statements[0].links)
    file, before, _, head = earlier or (None, None, None, None)
    same = file == event.source.path
    last = statements[-1]
    if not (last.continues and len(statements) == 1):  # "= 0" alone goes on: the derivation's head stays
        head = last.links[0].left if last.links else None
    return (event.source.path, side if running else before if same else None, side, head if same else None)


def on_problem(scope: Scope, event: Event, base, parse, name_of):
    return scope, (Problem(event.source.path, event.source.line(event.offset), event.text),)


STEPS = {"note": on_note, "section": on_section, "prose": on_prose, "block": on_block, "problem": on_problem}
__all__ = ["FileResult", "Problem", "SKIPPED", "Source", "check_file"]
