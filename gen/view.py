"""View: a derivation and its report as plain strings, for templates and JSON.

Strings marked ``Markup`` are LaTeX (math or trusted prose); every other string
is plain text that the renderer escapes in one pass.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, replace

import sympy as sp
from markupsafe import Markup

from . import ir
from .engine import Derivation, structure
from .jacobians import differential_of_variable, is_jacobian
from .latex import DISPLAY, MEASURE, broken, group, latex, subscript, width
from .proof import Chain, Proof, Step
from .render import escape_latex
from .rules import REGISTRY
from .sampling import needs_positive, positive_by_construction, positive_part, sample_dims
from .verify import Check, ProofChecks, Report

ADJECTIVES = {
    "invertible": "invertible",
    "symmetric": "symmetric",
    "spd": "symmetric positive definite",
    "positive": "entrywise positive",
    "orthogonal": "orthogonal",
    "diagonal": "diagonal",
}
METHOD_TITLES = {
    "steps": "Proof (the author's derivation)",
    "differential": "Proof by differentials",
    "directional": "Proof by the directional derivative",
    "entrywise": "Proof entry by entry",
}
CONVENTIONS = {  # the sentence a symmetric variable's proof gives for its gradient
    "sym": r"As $@X$ is symmetric, its gradient is the one within symmetric matrices, "
    r"$\tfrac{1}{2}(G + G^{\top})$: the symmetric matrix that represents $\mathrm{d}f$ for every "
    r"symmetric $\mathrm{d}@X$ (Srinivasan and Panda); a spec may ask for the Matrix Cookbook's "
    r"$G + G^{\top} - \operatorname{diag}(G)$ instead",
    "cookbook": r"As $@X$ is symmetric and the spec asks for the Matrix Cookbook's convention, the "
    r"gradient is $G + G^{\top} - \operatorname{diag}(G)$, the derivatives with respect to the free "
    r"entries $@X_{ij} = @X_{ji}$, $i \le j$; the gradient within symmetric matrices would be "
    r"$\tfrac{1}{2}(G + G^{\top})$",
}
LEMMA_TITLES = {
    "elementwise": "entrywise function",
    "Hadamard product": "entrywise product",
    "Kronecker product": "Kronecker product",
    "scalar power": "power",
}
RELATIONS = {"=": "=", "->": r"\xrightarrow{t\to 0}"}
# In the directional proof, the linear rules are the limit passing through a linear map.
IN_WORDS = {
    "directional derivative": "the definition",
    "constant": "a constant has difference quotient 0",
    "linearity": "the limit of a sum is the sum of the limits",
    "constant factor": "constant factors come out of the limit",
    "trace": "the trace is linear and continuous",
    "transpose": "transposition is linear and continuous",
    "diagonal": "taking the diagonal is linear and continuous",
}


@dataclass(frozen=True)
class Line:
    lhs: Markup  # empty after the first line of a chain
    relation: Markup  # =, an arrow for a limit, \neq for a false line
    rhs: Markup
    rule: str
    identity: Markup
    justification: str  # plain text
    why: Markup  # the right-hand column: rule and identity, a lemma, or the author's reason
    check: Check | None
    rest: tuple[Markup, ...] = ()  # more rows of a right-hand side too long for one


@dataclass(frozen=True)
class Part:
    """A sentence, then a chain of equalities."""

    text: Markup
    lines: tuple[Line, ...]
    lhs_alone: bool = False  # the left-hand side on a line of its own: the chain is too wide beside it


@dataclass(frozen=True)
class ProofView:
    method: str
    title: str
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class DocumentView:
    id: str
    label: str  # safe inside \label{}
    title: str
    notes: Markup
    hypothesis: Markup
    statement: Markup
    proofs: tuple[ProofView, ...]
    remarks: tuple[Markup, ...]
    verification: Markup
    rules: tuple[tuple[str, Markup, str], ...]  # (name, identity, reference) of every rule used


def figure(x: float) -> str:
    """``4.2\\times 10^{-10}`` (LaTeX math); ``0.83`` for a figure near one."""
    if x == 0:
        return "0"
    if 0.01 <= x < 100:
        return f"{x:.2g}"
    mantissa, exponent = f"{x:.1e}".split("e")
    return f"{mantissa}\\times 10^{{{int(exponent)}}}"


def space(symbol) -> str:
    shape = ir.shape(symbol)
    if not shape:
        return r"\mathbb{R}"
    rows, cols = (latex(d) for d in shape)
    return rf"\mathbb{{R}}^{{{rows}}}" if cols == "1" else rf"\mathbb{{R}}^{{{rows}\times {cols}}}"


def hypothesis(derivation: Derivation) -> Markup:
    """``Let $x \\in \\mathbb{R}^{n}$, and let $X \\in \\mathbb{R}^{n\\times n}$ be invertible.``

    Symbols without assumptions come first, so that an adjective never seems to cover them.
    """
    symbols = derivation.symbol_map
    plain, assumed = [], []
    for s in derivation.spec.symbols:
        part = f"${latex(symbols[s.name])} \\in {space(symbols[s.name])}$"
        if s.assume:
            adjectives = (ADJECTIVES[a] if s.shape else a for a in s.assume)  # a number is just positive
            assumed.append(part + " be " + " and ".join(adjectives))
        else:
            plain.append(part)
    sentence = "Let " + ", and let ".join(filter(None, (listing(plain), listing(assumed))))
    nodes = sp.preorder_traversal(derivation.function)
    positive = dict.fromkeys(positive_part(a) for a in nodes if needs_positive(a))
    spd = {derivation.symbol_map[s.name] for s in derivation.spec.symbols if "spd" in s.assume}
    positive = [
        p
        for p in positive
        if not positive_by_construction(p) and not (isinstance(p, sp.Determinant) and p.arg in spd)
    ]
    if positive:
        sentence += ", such that " + " and ".join(f"${latex(p)} > 0$" for p in positive)
    if named_function(derivation):
        sentence += f". Write $f({latex(derivation.variable)}) = {latex(derivation.function)}$"
    return Markup(sentence + ".")


def listing(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


LONG = 16  # characters a function may show before it is called f in the statement and the proofs


def named_function(derivation: Derivation) -> bool:
    """Whether the function is long enough to be called f rather than written out each time (or a
    fraction, which would stand in the numerator of a Jacobian's ∂f/∂xᵀ)."""
    function = latex(derivation.function)
    visible = re.sub(r"\\[,;!]|[{}^_ ]", "", re.sub(r"\\[A-Za-z]+", "x", function))
    fraction = "\\frac" in function and is_jacobian(derivation.function, derivation.variable)
    return len(visible) > LONG or fraction


def function_latex(derivation: Derivation) -> str:
    """The function as a line of a chain shows it: ``f`` when it is long, else written out."""
    if named_function(derivation):
        return "f"
    function = latex(derivation.function)
    return group(function) if isinstance(derivation.function, (sp.Add, sp.MatAdd)) else function


def chain_lhs(derivation: Derivation, proof: Proof) -> str:
    """``d tr(X⁻¹)``, or ``d f`` (``∂f/∂X_ij``) when the function is called f."""
    if not named_function(derivation) or proof.method == "directional":
        return latex(proof.chain.lhs)
    if proof.method == "entrywise":
        variable, *indices = proof.chain.lhs.args[1:]
        entry = subscript(latex(variable), "".join(latex(i) for i in indices))
        return rf"\frac{{\partial f}}{{\partial {entry}}}"
    return r"\mathrm{d}\operatorname{vec}f" if isinstance(proof.chain.lhs.arg, ir.Vec) else r"\mathrm{d}f"


def gradient_symbol(derivation: Derivation, numerator: bool | None = None, variable=None) -> str:
    """``∇_X f``, ``∂f/∂X`` in numerator layout, or ``d f/dt`` for a scalar variable (``variable``:
    another of several)."""
    variable, function = latex(variable or derivation.variable), function_latex(derivation)
    if not ir.is_matrix(derivation.variable):
        return rf"\frac{{\mathrm{{d}}}}{{\mathrm{{d}}{variable}}} {function}"
    if is_jacobian(derivation.function, derivation.variable):
        if derivation.function.shape[1] != 1:
            function = rf"\operatorname{{vec}}{group(function) if function != 'f' else ' f'}"
        if derivation.variable.shape[1] != 1:
            variable = rf"(\operatorname{{vec}}{variable})"
        return rf"\frac{{\partial {function}}}{{\partial {variable}^{{\top}}}}"
    if derivation.spec.layout == "numerator" if numerator is None else numerator:
        return rf"\frac{{\partial}}{{\partial {variable}}} {function}"
    return rf"\nabla_{{{variable}}} {function}"


def line(lhs: str, step: Step, why: str, justification: str, check: Check | None) -> Line:
    rule = REGISTRY.get(step.rule)
    relation, why = RELATIONS[step.relation], Markup(why)
    if check is not None and not check.ok:  # only ever the author's: build refuses false engine lines
        relation = r"\neq"
        why += Markup(rf" \falsestep{{{figure(check.max_rel_error)}}}")
    first, *rest = broken(step.expr)
    return Line(
        Markup(lhs),
        Markup(relation),
        Markup(first),
        step.rule,
        Markup(rule.identity if rule else ""),
        justification,
        why,
        check,
        tuple(Markup(r) for r in rest),
    )


def part(text: str, lines: tuple[Line, ...]) -> Part:
    """A sentence and its chain; a line that reads exactly like the one before is not repeated.

    (Putting a trace around a 1×1 product, or taking it off, changes nothing visible.)
    Its check is kept: the line before carries the worse of the two.
    """
    kept: list[Line] = []
    for line_ in lines:
        same = kept and (line_.rhs, line_.rest) == (kept[-1].rhs, kept[-1].rest)
        if same and line_.relation == kept[-1].relation == "=":
            worse = max((kept[-1].check, line_.check), key=lambda c: -1 if c is None else c.max_rel_error)
            kept[-1] = replace(kept[-1], check=worse)
        else:
            kept.append(line_)
    wide = (
        kept
        and width(kept[0].lhs) + max(width(x.relation + r) for x in kept for r in (x.rhs, *x.rest)) > WIDE
    )
    return Part(Markup(text), tuple(kept), bool(wide))


WIDE = 44  # glyphs a chain's left and right sides may take together beside the justifications


def rule_lines(chain: Chain, lhs: str, checks, notation=lambda identity: identity) -> tuple[Line, ...]:
    """A chain whose lines are justified by their rules (identities in the method's notation)."""
    out = []
    for i, step in enumerate(chain.steps):
        rule = REGISTRY[step.rule]
        why = f"{rule.name}: ${notation(rule.identity)}$"
        out.append(line(lhs if i == 0 else "", step, why, first_line(rule.apply), checks[i]))
    return tuple(out)


def first_line(fn) -> str:
    """A rule's docstring summary as plain text (without reST literal markers)."""
    return (inspect.getdoc(fn) or "").splitlines()[0].replace("``", "")


def proof_view(derivation: Derivation, index: int, report: Report) -> ProofView:
    proof, checks = derivation.proofs[index], report.proofs[index]
    parts = PROOF_PARTS[proof.method](derivation, proof, checks)
    return ProofView(proof.method, METHOD_TITLES[proof.method], parts)


def gradient_lines(derivation: Derivation, proof: Proof, checks: ProofChecks, notation=None) -> tuple:
    """``∇_X f = …``; in numerator layout continued by ``∂f/∂X = (∇_X f)ᵀ = …`` on a new left side."""
    steps, notation = (checks.identification, *checks.gradient), notation or (lambda i: i)
    rules = [s.rule for s in proof.gradient.steps]
    cut = rules.index("numerator layout") if "numerator layout" in rules else len(rules)
    gradient = Chain(None, proof.gradient.steps[:cut])
    lines = rule_lines(gradient, gradient_symbol(derivation, numerator=False), steps[:cut], notation)
    if cut < len(rules):
        layout = Chain(None, proof.gradient.steps[cut:])
        lines += rule_lines(layout, gradient_symbol(derivation), steps[cut:], notation)
    for (variable, chain), partial in zip(proof.partials, checks.partials):  # one identification for all
        symbol = gradient_symbol(derivation, variable=variable)
        lines += rule_lines(chain, symbol, (checks.identification, *partial), notation)
    return lines


def differential_parts(derivation: Derivation, proof: Proof, checks: ProofChecks) -> tuple[Part, ...]:
    form = linear_form_latex(
        derivation.variable, ir.is_matrix(derivation.function) and not ir.is_one_by_one(derivation.function)
    )
    if derivation.partials:  # tr(G_Wᵀ dW) + g_bᵀ db
        form = " + ".join(linear_form_latex(v, subscript=latex(v)) for v, _ in derivation.results)
    intro = (
        f"We take the differential and bring it into the form ${form}$; each line is justified on the right."
    )
    then = (
        f"The differential now has the form ${form}$, "
        "from which the identification theorem reads off the gradient:"
        if ir.is_matrix(derivation.variable)
        else f"The differential now has the form ${form}$, and ${form[0]}$ is the derivative:"
    )
    if derivation.partials:
        then = f"The differential now has the form ${form}$, from which the identification theorem reads off"
        then += " each gradient:"
    if is_jacobian(derivation.function, derivation.variable):
        form = rf"J\,{latex(differential_of_variable(derivation.variable))}"
        intro = f"We take the differential and bring it into the form ${form}$; each line is justified"
        intro += " on the right."
        then = f"The differential now has the form ${form}$, from which the Jacobian is read off:"
    X = latex(derivation.variable)
    if (convention := structure(derivation.spec)) is not None:
        then = then[:-1] + ". " + CONVENTIONS[convention].replace("@X", X) + ":"
    if derivation.spec.layout == "numerator" and ir.is_matrix(derivation.variable):
        then = then[:-1] + (
            f". In numerator layout the derivative of a number with respect to ${X}$ has the shape of "
            f"${X}^{{\\top}}$: it is the transpose of the gradient, taken last:"
        )
    return (
        part(intro, rule_lines(proof.chain, chain_lhs(derivation, proof), checks.chain)),
        part(then, gradient_lines(derivation, proof, checks)),
        *second_parts(derivation, proof, checks),
    )


def second_parts(derivation: Derivation, proof: Proof, checks: ProofChecks) -> tuple[Part, ...]:
    """Order 2: the differential of the gradient, ``d(∇f) = H dx``, and the Hessian read off."""
    if not proof.second:
        return ()
    chain, hessian, bilinear = proof.second
    dx = latex(differential_of_variable(derivation.variable))
    count = len(chain.steps)
    vector = derivation.variable.shape[1] == 1
    gradient = r"\mathrm{d}(\nabla f)" if vector else r"\mathrm{d}\operatorname{vec}(\nabla f)"
    once_more = f"Differentiating the gradient once more brings ${gradient}$ to the form $H\\,{dx}$:"
    dx_row = dx if vector else group(dx)
    then = rf"So $\mathrm{{d}}^{{2}}f = {dx_row}^{{\top}}H\,{dx}$, and $H$ is the Hessian:"
    parts = (
        part(once_more, rule_lines(chain, latex(chain.lhs), checks.second[:count])),
        part(then, rule_lines(hessian, hessian_symbol(derivation), checks.second[count:])),
    )
    if bilinear is None:
        return parts
    U, V = (latex(d) for d in bilinear.lhs.args)
    X = latex(derivation.variable)
    in_two = (
        rf"As a bilinear form: ${X}$ is the variable, so $\mathrm{{d}}^{{2}}{X} = 0$ and only "
        rf"the coefficient $M$ of $\mathrm{{d}}f = \operatorname{{tr}}(M\,\mathrm{{d}}{X})$ varies. "
        rf"In two directions ${U}, {V} \in {space(derivation.variable)}$, "
        rf"with $\mathrm{{d}}^{{2}}f[{U}, {V}] = "
        rf"\operatorname{{vec}}({V})^{{\top}} H \operatorname{{vec}}({U})$:"
    )
    lines = rule_lines(bilinear, latex(bilinear.lhs), checks.second[count + len(hessian.steps) :])
    return (*parts, part(in_two, lines))


def hessian_symbol(derivation: Derivation) -> str:
    return rf"\nabla^{{2}}_{{{latex(derivation.variable)}}} {function_latex(derivation)}"


def directional_parts(derivation: Derivation, proof: Proof, checks: ProofChecks) -> tuple[Part, ...]:
    Xs, Us, ts = derivation.variable, proof.symbol["direction"], proof.symbol["t"]
    X, U, t = latex(Xs), latex(Us), latex(ts)
    notation = lambda identity: identity.replace(r"\mathrm{d}X", U)  # noqa: E731
    intro = (
        f"Write $f({X}) = {latex(derivation.function)}$, let ${U} \\in {space(Xs)}$ be any direction, and "
        f"for an expression $F$ in ${X}$ write "
        f"$\\mathrm{{D}}_{{{U}}}F = \\lim_{{{t}\\to 0}} (F({X} + {t}{U}) - F({X}))/{t}$. "
        "Linear maps (sums, constant factors, the trace, the transpose) commute with this limit"
    )
    intro += (
        f"; each nonlinear piece is a limit we prove first, at a finite ${t}$ and then as ${t} \\to 0$."
        if proof.lemmas
        else "."
    )
    parts, lemma_of = [], {}
    for k, (lemma, lemma_checks) in enumerate(zip(proof.lemmas, checks.lemmas), 1):
        label = lemma_of[lemma.rule, lemma.subject] = f"(L{k})"
        derivative = latex(ir.limit(lemma.chain.lhs, ts, lemma.subject, Us))
        title = LEMMA_TITLES.get(lemma.rule, lemma.rule)
        text = f"\\emph{{{label}}} The {title}: ${derivative}$ is the limit of{named(lemma, X, U, t)}"
        parts.append(part(text, rule_lines(lemma.chain, latex(lemma.chain.lhs), lemma_checks)))
    chain = []
    for i, (step, check) in enumerate(zip(proof.chain.steps, checks.chain)):
        lhs = latex(proof.chain.lhs) if i == 0 else ""
        if (label := lemma_of.get((step.rule, step.subject))) is not None:
            chain.append(line(lhs, step, f"by {label}", f"by lemma {label}", check))
        elif step.rule in IN_WORDS:
            reason = IN_WORDS[step.rule]
            chain.append(line(lhs, step, escape_latex(reason), reason, check))
        else:
            chain.extend(rule_lines(Chain(None, (step,)), lhs, (check,), notation))
    then = (
        f"So $\\mathrm{{D}}f({X})[{U}] = \\langle G, {U}\\rangle$ for every direction ${U}$, "
        f"which makes $G$ the gradient:"
    )
    return (
        part(intro, ()),
        *parts,
        part("Then:" if proof.lemmas else "", tuple(chain)),
        part(then, gradient_lines(derivation, proof, checks)),
    )


def named(lemma, X: str, U: str, t: str) -> str:
    """`` (with $g = …$ and $h = …$; $g_t$, $h_t$ are their values at $X + tU$):``."""
    if not lemma.names:
        return ":"
    pieces = [f"${latex(n)} = {latex(p)}$" for n, p in lemma.names]
    shifted = ", ".join(f"${latex(n)}_{{{t}}}$" for n, _ in lemma.names)
    where = ", ".join(pieces[:-1]) + " and " + pieces[-1] if len(pieces) > 1 else pieces[0]
    verb = "are their values" if len(pieces) > 1 else "is its value"
    return f" (with {where}; {shifted} {verb} at ${X} + {t}{U}$):"


def entrywise_parts(derivation: Derivation, proof: Proof, checks: ProofChecks) -> tuple[Part, ...]:
    X, J = latex(derivation.variable), latex(proof.symbol["unit"])
    indices = [latex(proof.symbol[k]) for k in ("row", "column") if k in proof.symbol]
    entry = subscript(X, "".join(indices))
    notation = lambda identity: identity.replace(r"\mathrm{d}X", J).replace(r"\mathrm{d}", "\\partial ")  # noqa: E731
    if len(indices) == 1:
        unit = f"Let ${J}$ be the ${indices[0]}$-th unit vector, so that "
        unit += f"$\\partial {X}/\\partial {entry} = {J}$."
        position = f"${indices[0]}$-th entry"
    else:
        unit = (
            f"Let ${J}$ be the matrix with a one in position $({', '.join(indices)})$ and zeros elsewhere, "
            f"so that $\\partial {X}/\\partial {entry} = {J}$."
        )
        position = f"$({', '.join(indices)})$ entry"
    intro = (
        f"{unit} The partial derivative $\\partial/\\partial {entry}$ is the differential in the direction "
        f"${J}$, so the rules of the differential hold for it, with $\\partial$ in place of $\\mathrm{{d}}$."
    )
    then = (
        f"So $\\partial f/\\partial {entry}$ is the {position} of $G$ for every entry: the gradient is the "
        f"matrix of partial derivatives,"
    )
    return (
        part(intro, rule_lines(proof.chain, chain_lhs(derivation, proof), checks.chain, notation)),
        part(then, gradient_lines(derivation, proof, checks)),
    )


PROOF_PARTS = {
    "differential": differential_parts,
    "directional": directional_parts,
    "entrywise": entrywise_parts,
}


def author_view(derivation: Derivation, report: Report) -> ProofView:
    """The author's lines with the author's reasons, each checked against the line before."""
    df = ir.d(derivation.function)
    steps = [Step(e) for e in derivation.steps]
    reasons = [s.why for s in derivation.spec.steps]
    checks = list(report.author)
    lhs = r"\mathrm{d}f" if named_function(derivation) else latex(df)
    if steps and steps[0].expr == df:  # the author starts from df itself: no need to say df = df
        lhs = latex(steps.pop(0).expr)
        reasons.pop(0), checks.pop(0)
    chain = tuple(
        line(lhs if i == 0 else "", step, escape_latex(why), why, check)
        for i, (step, why, check) in enumerate(zip(steps, reasons, checks))
    )
    G = latex(derivation.result)
    form = linear_form_latex(
        derivation.variable, ir.is_matrix(derivation.function) and not ir.is_one_by_one(derivation.function)
    )
    name = "G" if ir.is_matrix(derivation.variable) and derivation.variable.shape[1] != 1 else "g"
    then = f"The last line equals ${form}$ for ${name} = {G}$, so by the identification theorem:"
    identification = Step(derivation.result, "identification")
    rule = REGISTRY["identification"]
    why = f"{rule.name}: ${rule.identity}$"
    final = line(
        gradient_symbol(derivation), identification, why, first_line(rule.apply), report.author_identification
    )
    parts = (Part(Markup("Each line below is the author's, with the author's reason on the right."), chain),)
    return ProofView("steps", METHOD_TITLES["steps"], (*parts, Part(Markup(then), (final,))))


def linear_form_latex(variable, matrix_valued: bool = False, subscript: str = "") -> str:
    """``tr(Gᵀ dX)`` for a matrix variable, ``gᵀ dx`` for a vector, ``g dt`` (``G dt``) for a number
    (``G_X`` with a subscript, for one of several variables)."""
    dX = latex(ir.d(variable))
    index = f"_{{{subscript}}}" if subscript else ""
    if not ir.is_matrix(variable):
        return rf"{'G' if matrix_valued else 'g'}{index}\,{dX}"
    if variable.shape[1] == 1:
        return rf"g{index}^{{\top}}\,{dX}"
    return rf"\operatorname{{tr}}(G{index}^{{\top}}\,{dX})"


def remarks(derivation: Derivation, report: Report) -> tuple[Markup, ...]:
    """One sentence per compared value (and a false claim), naming its mistake."""
    stated = [(d, value, derivation.result) for d, (_, value) in zip(report.compare, derivation.compare)]
    if report.claim is not None and not report.claim.ok:  # only with --allow-false
        variable, value = next(
            ((v, value) for v, value in derivation.claims if v.name == report.claim_of),
            (derivation.variable, derivation.claim),
        )
        stated.append((report.claim_diagnosis, value, dict(derivation.results)[variable]))
    return tuple(diagnosis_sentence(*s) for s in stated)


def diagnosis_sentence(diagnosis, value, result) -> Markup:
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
    return Markup(sentence + ".")


def verification(derivation: Derivation, report: Report) -> Markup:
    dims = sample_dims(derivation)
    sizes = ", ".join(f"${latex(d)} = {v}$" for d, v in dims.items())
    where = f" with {sizes}" if sizes else ""
    methods = {p.method for p in derivation.proofs}
    sentence = (
        f"Each equality above was evaluated on both sides at {report.samples} random points{where}, "
        f"each variable drawn inside its domain and each differential taken in a random direction "
        "by the complex step"
    )
    if "entrywise" in methods:
        sentence += " (the partial derivatives at a random entry)"
    if "directional" in methods:
        sentence += (
            "; an equality at a finite $t$ was evaluated at a random small $t$, a limit by evaluating "
            "its argument at $t = \\pm 10^{-3}, \\pm 5\\times 10^{-4}, \\pm 2.5\\times 10^{-4}$ and "
            "extrapolating, and $\\mathrm{D}_U F$ itself by the complex step"
        )
    if derivation.proofs:
        sentence += (
            f". The largest relative error between consecutive lines is ${figure(report.max_step_error)}$"
        )
    if report.author:
        false = sum(not c.ok for c in report.author)
        worst = max(c.max_rel_error for c in report.author)
        if false:
            sentence += f". {false} of the author's lines do not follow from the line before (marked $\\neq$)"
        elif derivation.proofs:
            sentence += f"; between the author's lines it is ${figure(worst)}$"
        else:
            sentence += (
                f". The largest relative error between the author's consecutive lines is ${figure(worst)}$"
            )
    if derivation.spec.order == 2:
        compared = "of the function agree with the gradient, and those of the gradient with the Hessian,"
    elif is_jacobian(derivation.function, derivation.variable):
        compared = "of the function agree with the Jacobian"
    else:
        result = "gradient" if ir.is_matrix(derivation.variable) else "derivative"
        compared = f"of the function agree with the {result}{'s' * bool(derivation.partials)}"
    sentence += (
        f". Central finite differences {compared} to ${figure(report.finite_difference.max_rel_error)}$"
    )
    if report.claim is not None and report.claim.ok:
        claimed = (
            "the claimed values agree with them" if derivation.claims else "the claimed value agrees with it"
        )
        sentence += f", and {claimed} to ${figure(report.claim.max_rel_error)}$"
    return Markup(sentence + ".")


def statement(derivation: Derivation) -> Markup:
    """``∇_X f = G``, on several aligned rows when ``G`` is long (one equation per variable)."""
    rows = []  # per variable: its symbol, then the result's pieces
    for variable, result in derivation.results:
        order_2 = derivation.spec.order == 2
        symbol = hessian_symbol(derivation) if order_2 else gradient_symbol(derivation, variable=variable)
        rows.append((symbol, *broken(result, max(MEASURE, DISPLAY - width(symbol)))))
    if len(rows) == 1 and len(rows[0]) == 2:
        return Markup(" = ".join(rows[0]))
    lines = (
        rf"{symbol} &= {first}" + "".join(rf" \\ &\quad {r}" for r in rest) for symbol, first, *rest in rows
    )
    return Markup(r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}")


def document_view(derivation: Derivation, report: Report) -> DocumentView:
    spec = derivation.spec
    chains = (
        c
        for p in derivation.proofs
        for c in (p.chain, p.gradient, *(m.chain for m in p.lemmas), *p.second, *(g for _, g in p.partials))
        if c is not None
    )
    used = dict.fromkeys(s.rule for c in chains for s in c.steps)
    if derivation.steps:
        used["identification"] = None
    rules = tuple((n, Markup(REGISTRY[n].identity), REGISTRY[n].reference) for n in used)
    proofs = tuple(proof_view(derivation, i, report) for i in range(len(derivation.proofs)))
    if derivation.steps:
        proofs = (author_view(derivation, report), *proofs)
    return DocumentView(
        id=spec.id,
        label=re.sub(r"[^A-Za-z0-9]+", "-", spec.id),
        title=spec.title,
        notes=Markup(spec.notes),
        hypothesis=hypothesis(derivation),
        statement=statement(derivation),
        proofs=proofs,
        remarks=remarks(derivation, report),
        verification=verification(derivation, report),
        rules=rules,
    )
