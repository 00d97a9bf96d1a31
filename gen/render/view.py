"""View: a derivation and its report as plain strings, for templates and JSON.

Strings marked ``Markup`` are LaTeX (math or trusted prose); every other string
is plain text that the renderer escapes in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from markupsafe import Markup

from ..engine.derive import Derivation
from ..engine.registry import REGISTRY
from ..engine.simplify import softmaxes
from ..expr import ir
from ..expr.forms import in_authors_order, of_matrix
from ..expr.latex import broken, entrywise_operator, latex
from ..expr.line_breaks import DISPLAY, MEASURE, width
from ..spec.keys import ENTRIES
from ..spec.model import CheckSettings
from ..verify.checks import Report, assignment_text, by_complex_step
from ..verify.sample import (
    needs_positive,
    positive_by_construction,
    positive_part,
    size_assignments,
)
from . import piecewise
from .backprop import adjoints_defined
from .chains import Line as Line  # re-exported: templates, JSON and notes take them from here
from .chains import Part as Part
from .chains import (
    ProofView,
    figure,
    gradient_symbol,
    hessian_symbol,
    named_function,
    space,
)
from .checked import Checked, checked, to_within
from .piecewise import away_from_kinks
from .proofs import author_view, proof_view
from .spectral import notation
from .templates import escape_latex
from .title import Pieces, latex_title, pieces
from .where import definitions_latex

# what central finite differences of the function agree with, by the kind of result
COMPARED = {
    "gradient": "the gradient",
    "derivative": "the derivative",
    "jacobian": "the Jacobian",
    "hessian": "the gradient, and those of the gradient with the Hessian,",
    "second derivative": "the derivative, and those of the derivative with the second,",
}
ADJECTIVES = {
    "invertible": "invertible",
    "symmetric": "symmetric",
    "spd": "symmetric positive definite",
    "positive": "entrywise positive",
    "orthogonal": "orthogonal",
    "diagonal": "diagonal",
    "positive_det": "invertible with $\\det {symbol} > 0$",
    "positive_eigenvalues": "invertible with real positive eigenvalues",
    "nonnegative": "entrywise nonnegative",
    "probability": "row-stochastic (each row a probability vector: entries $\\geq 0$ summing to $1$)",
    "onehot": "one-hot by rows (in each row one entry $1$, the others $0$)",
    "binary": "binary (entries in $\\{{0, 1\\}}$)",
}
OF_A_VECTOR = {  # where a vector's adjective differs from a matrix's
    "probability": "a probability vector (entries $\\geq 0$ summing to $1$)",
    "onehot": "one-hot (one entry $1$, the others $0$)",
}
# adjectives other ones already say: a one-hot vector is a binary probability vector, both nonnegative
IMPLIED = {
    "invertible": ("positive_det", "positive_eigenvalues", "spd", "orthogonal"),
    "symmetric": ("spd",),
    "nonnegative": ("positive", "probability", "onehot", "binary"),
    "probability": ("onehot",),
    "binary": ("onehot",),
}


@dataclass(frozen=True)
class DocumentView:
    id: str
    label: str  # safe inside \label{}
    title: Markup  # LaTeX: the text escaped, the formulas printed
    title_pieces: Pieces  # (text, formula as written, its LaTeX): the title in the other outputs
    notes: Markup
    hypothesis: Markup
    statement: Markup
    proofs: tuple[ProofView, ...]
    remarks: tuple[Markup, ...]
    verification: Markup
    rules: tuple[tuple[str, Markup, str], ...]  # (name, identity, reference) of every rule used
    checked: Checked | None = None  # the checks' figures (the notes' one-line summary)


def hypothesis(derivation: Derivation) -> Markup:
    """``Let $x \\in \\mathbb{R}^{n}$, and let $X \\in \\mathbb{R}^{n\\times n}$ be invertible.``

    Symbols without assumptions come first, so that an adjective never seems to cover them.
    """
    symbols = derivation.symbol_map
    plain, assumed = [], {}  # symbols of one space and the same adjectives (det X > 0: X's own) said once
    for s in derivation.spec.symbols:
        part = f"${latex(symbols[s.name])} \\in {space(symbols[s.name])}$"
        if s.assume:
            said = [a for a in s.assume if not set(IMPLIED.get(a, ())) & set(s.assume)]
            symbol = latex(symbols[s.name])
            adjectives = " and ".join(adjective(a, s.shape, symbol) for a in said)
            alone = symbol if adjectives.startswith("a ") else ""  # "a probability vector": one only
            assumed.setdefault((space(symbols[s.name]), adjectives, alone), []).append(symbol)
        else:
            plain.append(part)
    groups = [f"${', '.join(names)} \\in {where}$ be {said}" for (where, said, _), names in assumed.items()]
    sentence = "Let " + ", and let ".join(filter(None, (listing(plain), listing(groups))))
    change = derivation.change
    function = change.written if change else derivation.function  # in Σ, as the spec writes it
    unfolded = derivation.named.unfold(function)  # a name's conditions are its definition's
    conditions = dict.fromkeys([f"${latex(p)} > 0$" for p in conditions_positive(derivation, unfolded)])
    conditions.update(dict.fromkeys(away_from_kinks(derivation)))  # each clause once
    if conditions:
        sentence += ", such that " + " and ".join(conditions)
    named_f = named_function(derivation)
    if named_f:
        arguments = ", ".join(latex(v) for v, _ in derivation.results)
        named = softmaxes(function)  # softmax(z) = e^z / 1ᵀe^z, so that a result may say it
        definition = f"{latex(named)} = " * (named != function)
        sentence += f". Write $f({arguments}) = {definition}{latex(function)}$"
    if derivation.named:  # the result is stated in the names: the theorem defines them
        sentence += f"{', where' if named_f else '. Write'} {definitions_latex(derivation)}"
    sentence += layers_sentence(derivation)
    if change:  # the variable: after f's definition, or a sentence of its own
        written = f"${latex(change.new)} = {latex(sp.Inverse(change.old))}$"
        sentence += f"{', where' if named_f else '. Write'} {written}"
    defined = (
        entrywise_notation(derivation) + row_notation(derivation) + piecewise.notation(shown(derivation))
    )
    defined += notation(derivation)
    return Markup(sentence + "." + defined)


def layers_sentence(derivation: Derivation) -> str:
    """``. With the forward pass $a = …$, $h = …$, $z = …$, write $\\delta_z = \\nabla_z f$ …``: when the
    results are stated in the names and adjoints of the proof by backpropagation."""
    backprop = derivation.proofs[0].backprop if derivation.proofs else None
    if backprop is None:
        return ""
    deltas = adjoints_defined(backprop)
    if derivation.named:  # the forward pass is the spec's names, defined already
        return f"; write {deltas}, each of $f$ as a function of it"
    layers = ", ".join(f"${latex(n)} = {latex(softmaxes(d))}$" for n, d in backprop.named.pairs)
    return f". With the forward pass {layers}, write {deltas}, each of $f$ as a function of it"


def conditions_positive(derivation: Derivation, function) -> list:
    """What must be positive for ``function`` to be defined, less what the assumptions already say:
    ``α > 0`` for α assumed positive, ``det Σ > 0`` for Σ spd, ``1ᵀe^{x} > 0`` by construction."""
    assumed = {derivation.symbol_map[s.name]: set(s.assume) for s in derivation.spec.symbols}
    nodes = sp.preorder_traversal(function)
    positive = dict.fromkeys(positive_part(a) for a in nodes if needs_positive(a))
    return [p for p in positive if not positive_by_construction(p) and not implied_positive(p, assumed)]


def implied_positive(e, assumed: dict) -> bool:
    """Whether the assumptions say ``e > 0``: a symbol assumed positive (entrywise), the determinant
    of one assumed spd or of positive determinant, a sum of terms none negative and one positive
    (``‖x‖²/n + ε`` for ε positive)."""
    if isinstance(e, sp.Determinant):
        return bool({"spd", "positive_det"} & assumed.get(e.arg, set()))
    if isinstance(e, sp.Add):
        return all(nonnegative(a, assumed) for a in e.args) and any(
            positive_by_construction(a) or implied_positive(a, assumed) for a in e.args
        )
    if isinstance(e, sp.Mul):
        return all(positive_by_construction(a) or implied_positive(a, assumed) for a in e.args)
    return "positive" in assumed.get(e, set()) or e.is_positive is True  # a dimension, 1/n


def nonnegative(e, assumed: dict) -> bool:
    """Whether ``e ≥ 0`` whatever the values: a norm, an even power, a symbol assumed nonnegative,
    products of such, or anything positive."""
    if positive_by_construction(e) or implied_positive(e, assumed) or isinstance(e, ir.Norm):
        return True
    if isinstance(e, sp.Pow):
        return (e.exp.is_even is True) or nonnegative(e.base, assumed) and e.exp.is_real is True
    if isinstance(e, sp.Mul):
        return all(nonnegative(a, assumed) for a in e.args)
    return "nonnegative" in assumed.get(e, set())


def adjective(assumption: str, shape: tuple, symbol: str) -> str:
    """What ``assumption`` says of a symbol of ``shape``: a number is positive or nonnegative."""
    if not shape:
        return assumption
    phrase = OF_A_VECTOR.get(assumption) if len(shape) == 1 or shape[1] == 1 else None
    return (phrase or ADJECTIVES[assumption]).format(symbol=symbol)


def entrywise_notation(derivation: Derivation) -> str:
    """`` Here $\\exp^{\\circ}$ applies $\\exp$ to each entry of a matrix.``, once, when the document
    shows a function of a matrix's entries (else ``exp(X)`` would read as the matrix exponential)."""
    names = dict.fromkeys(
        n.name
        for e in shown(derivation)
        for n in sp.preorder_traversal(e)
        if isinstance(n, ir.Elementwise) and of_matrix(n)
    )
    if not names:
        return ""
    marked, plain = ([f"${o}$" for o in operators] for operators in zip(*map(entrywise_operator, names)))
    verb = "applies" if len(names) == 1 else "apply"
    return f" Here {listing(marked)} {verb} {listing(plain)} to each entry of a matrix."


ROW_WISE = {ir.RowSoftmax: "\\operatorname{softmax}", ir.RowLogSumExp: "\\operatorname{logsumexp}"}


def row_notation(derivation: Derivation) -> str:
    """`` Here $\\operatorname{softmax}$ applies to each row of a matrix.``, once, when the document shows
    a softmax or a log-sum-exp of a matrix (taken row by row, as for a batch of logits)."""
    kinds = {type(n) for e in shown(derivation) for n in sp.preorder_traversal(e)}
    names = [f"${name}$" for kind, name in ROW_WISE.items() if kind in kinds]
    if not names:
        return ""
    verb = "applies" if len(names) == 1 else "apply"
    return f" Here {listing(names)} {verb} to each row of a matrix."


def shown(derivation: Derivation):
    """The expressions the document shows: the function, its results, the compared values, the
    author's lines and the proofs (a claim only when false, in a remark: not here)."""
    stated = (derivation.function, *(r for _, r in derivation.results), *(v for _, v in derivation.compare))
    yield from (e for e in (*stated, *derivation.steps) if isinstance(e, sp.Basic))
    for chain in chains(derivation):
        yield from (e for e in (chain.lhs, *(step.expr for step in chain.steps)) if isinstance(e, sp.Basic))


def chains(derivation: Derivation):
    """The chains of every proof: the derivative, the gradient, the lemmas, the second order, the partials."""
    for p in derivation.proofs:
        pieces = (p.chain, p.gradient, *(m.chain for m in p.lemmas), *p.second, *(g for _, g in p.partials))
        yield from (c for c in pieces if c is not None)


def listing(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def remarks(derivation: Derivation, report: Report) -> tuple[Markup, ...]:
    """One sentence per compared value (and a false claim), naming its mistake."""
    stated = [(d, value, derivation.result) for d, (_, value) in zip(report.compare, derivation.compare)]
    if report.claim is not None and not report.claim.ok:  # only with --allow-false
        variable, value = next(
            ((v, value) for v, value in derivation.claims if v.name == report.claim_of),
            (derivation.variable, derivation.claim),
        )
        note = report.size_note(report.claim, lambda sizes: f"${assignment_text(sizes)}$")
        stated.append((report.claim_diagnosis, value, dict(derivation.results)[variable], note))
    return tuple(diagnosis_sentence(*s) for s in stated)


def diagnosis_sentence(diagnosis, value, result, note: str = "") -> Markup:
    """The stated ``value`` against the ``result`` it should equal."""
    label, explanation = escape_latex(diagnosis.label), escape_latex(diagnosis.explanation)
    if diagnosis.label == "claim":
        sentence = f"The claimed value ${latex(value)}$ is false: it {explanation}"
    else:
        sentence = f"The value ${latex(value)}$ ({label}) {explanation}"
    if diagnosis.diagnosis == "differs":
        sentence += f": their relative difference is ${figure(diagnosis.discrepancy)}$ at a random point"
    elif not diagnosis.ok:
        sentence += f"; the gradient is ${latex(result)}$"
    return Markup(sentence + note + ".")


NOT_ANALYTIC = "by the complex step where every function in it is analytic, else by central differences"


def verification(derivation: Derivation, report: Report) -> Markup:
    methods = {p.method for p in derivation.proofs}
    by_backprop_only = methods == {"backprop"}  # no differentials: each line against finite differences
    sentence = (
        f"Each equality above was evaluated at {report.samples} random points"
        f"{at_sizes(derivation, report.samples)}, each variable drawn over its whole declared domain"
        f"{' (determinants of both signs where the assumptions allow)' * signed(derivation)}"
    )
    if not by_backprop_only:
        sentence = sentence.replace("evaluated at", "evaluated on both sides at") + (
            " and each differential taken in a random direction "
            + ("by the complex step" if by_complex_step(derivation) else NOT_ANALYTIC)
        )
    if "entrywise" in methods:
        sentence += " (the partial derivatives at a random entry)"
    if "directional" in methods:
        sentence += (
            "; an equality at a finite $t$ was evaluated at a random small $t$, a limit by evaluating "
            "its argument at $t = \\pm 10^{-3}, \\pm 5\\times 10^{-4}, \\pm 2.5\\times 10^{-4}$ and "
            "extrapolating, and $\\mathrm{D}_U F$ itself by the complex step"
        )
    if "backprop" in methods:
        sentence += (
            "; each adjoint $\\delta$ and each gradient read off by backpropagation was compared with "
            "the derivatives of $f$ as a function of that quantity, entry by entry, taken as the "
            "differentials are"
        )
    sentence += lines_agree(derivation, report)
    compared = f"of the function agree with {COMPARED[derivation.kind.name]}{'s' * bool(derivation.partials)}"
    sentence += f". Central finite differences {compared} {to_within([report.finite_difference])}"
    if report.claim is not None and report.claim.ok:
        claimed = (
            "the claimed values agree with them" if derivation.claims else "the claimed value agrees with it"
        )
        sentence += f", and {claimed} {to_within([report.claim])}"
    return Markup(sentence + "." + tolerance_clause(derivation))


def tolerance_clause(derivation: Derivation) -> str:
    """`` The checks' tolerance is $10^{-8}$ (…)``, whenever the spec sets one other than the default."""
    tolerance = derivation.spec.check.tolerance
    if tolerance == CheckSettings.tolerance:
        return ""
    chosen, default = figure(tolerance), figure(CheckSettings.tolerance)
    return f" The tolerance of these checks is ${chosen}$, set by the spec (by default ${default}$)."


def signed(derivation: Derivation) -> bool:
    """Whether a square matrix is drawn with determinants of both signs (one not spd or positive_det,
    nor drawn by its entries: a probability or binary matrix's determinant takes the sign it happens to)."""
    definite = {"spd", "positive_det", "positive_eigenvalues", *ENTRIES}
    shapes = (
        (getattr(derivation.symbol_map[s.name], "shape", ()), s.assume) for s in derivation.spec.symbols
    )
    return any(len(shape) == 2 and shape[0] == shape[1] != 1 and not definite & set(a) for shape, a in shapes)


def at_sizes(derivation: Derivation, samples: int) -> str:
    """``, 2 with $n = 4, m = 2$ and 2 with $n = 5, m = 3$``: how many points at each assignment."""
    assignments = size_assignments(derivation)
    if not assignments[0]:
        return ""
    counts = (len(range(at, samples, len(assignments))) for at in range(len(assignments)))
    sizes = (", ".join(f"{latex(d)} = {v}" for d, v in dims.items()) for dims in assignments)
    return ", " + " and ".join(f"{count} with ${text}$" for count, text in zip(counts, sizes))


def lines_agree(derivation: Derivation, report: Report) -> str:
    """How closely consecutive lines agree: the bound they meet, never their measured error (rounding
    noise, whose digits vary with the machine and the sample)."""
    engine = [c for p in report.proofs for c in p.all]
    limits = [c for c in engine if c.kind == "->"]
    sentence = ""
    if derivation.proofs:
        backprop_only = {p.method for p in derivation.proofs} == {"backprop"}  # compared with differences
        lines = "Every line agrees" if backprop_only else "Consecutive lines agree"
        sentence = f". {lines} {to_within([c for c in engine if c.kind != '->'])} in relative error"
        sentence += f" (a limit with the line before it, {to_within(limits)})" if limits else ""
    if not report.author:
        return sentence
    false = sum(not c.ok for c in report.author)
    if false:
        return (
            sentence + f". {false} of the author's lines do not follow from the line before (marked $\\neq$)"
        )
    if derivation.proofs:
        return sentence + f"; the author's lines, {to_within(report.author)}"
    return f". The author's consecutive lines agree {to_within(report.author)} in relative error"


def statement(derivation: Derivation) -> Markup:
    """``∇_X f = G``, on several aligned rows when ``G`` is long (one equation per variable)."""
    rows = []  # per variable: its symbol, then the result's pieces
    for variable, result in derivation.results:
        order_2 = derivation.kind.order == 2
        symbol = hessian_symbol(derivation) if order_2 else gradient_symbol(derivation, variable=variable)
        rows.append((symbol, *broken(result, max(MEASURE, DISPLAY - width(symbol)))))
    if len(rows) == 1 and len(rows[0]) == 2:
        return Markup(" = ".join(rows[0]))
    equations = [" = ".join(row) for row in rows]
    if all(len(row) == 2 for row in rows) and width(" , ".join(equations)) <= DISPLAY:  # short: one row
        return Markup(r",\quad ".join(equations))
    lines = (
        rf"{symbol} &= {first}" + "".join(rf" \\ &\quad {r}" for r in rest) for symbol, first, *rest in rows
    )
    return Markup(r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}")


def label_of(name: str) -> str:
    """A spec's id as a piece of a ``\\label``, one to one: ASCII letters and digits as they are,
    ``_`` as ``-``, any other character as its code point in hex between dots (``x-y`` → ``x.2d.y``,
    ``x.y`` → ``x.2e.y``, ``x_y`` → ``x-y``); no dot comes from anything but an escape."""
    return "".join(c if c.isascii() and c.isalnum() else "-" if c == "_" else f".{ord(c):x}." for c in name)


@in_authors_order
def document_view(derivation: Derivation, report: Report) -> DocumentView:
    spec = derivation.spec
    title = pieces(spec)
    used = dict.fromkeys(s.rule for c in chains(derivation) for s in c.steps)
    if derivation.steps:
        used["identification"] = None
    rules = tuple((n, Markup(REGISTRY[n].identity), REGISTRY[n].reference) for n in used)
    proofs = tuple(proof_view(derivation, i, report) for i in range(len(derivation.proofs)))
    if derivation.steps:
        proofs = (author_view(derivation, report), *proofs)
    return DocumentView(
        id=spec.id,
        label=label_of(spec.id),
        title=latex_title(title),
        title_pieces=title,
        notes=Markup(spec.notes),
        hypothesis=hypothesis(derivation),
        statement=statement(derivation),
        proofs=proofs,
        remarks=remarks(derivation, report),
        verification=verification(derivation, report),
        rules=rules,
        checked=checked(derivation, report),
    )
