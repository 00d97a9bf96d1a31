"""Each method's proof as parts of the document: a sentence, then its chain of checked lines."""

from __future__ import annotations

from dataclasses import replace

import sympy as sp
from markupsafe import Markup

from ..engine.derive import Derivation
from ..engine.jacobians import differential_of_variable
from ..engine.proof import Chain, Proof, Step
from ..engine.registry import REGISTRY
from ..engine.simplify import softmaxes
from ..expr import ir
from ..expr.latex import group, latex, subscript
from ..verify.checks import ProofChecks, Report
from .backprop import backprop_parts
from .chains import (
    Part,
    ProofView,
    chain_lhs,
    gradient_symbol,
    hessian_symbol,
    line,
    linear_form_latex,
    named_function,
    part,
    rule_lines,
    space,
)
from .templates import escape_latex
from .where import write_sentence

METHOD_TITLES = {
    "steps": "Proof (the author's derivation)",
    "differential": "Proof by differentials",
    "directional": "Proof by the directional derivative",
    "entrywise": "Proof entry by entry",
    "backprop": "Proof by backpropagation",
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

SYMMETRIC_JACOBIAN = (
    r"As $@X$ is symmetric, only symmetric directions $\mathrm{d}@X$ count, and the Jacobian is the one "
    r"within symmetric matrices, whose rows are gradients within symmetric matrices, "
    r"$\tfrac{1}{2}(G + G^{\top})$ (Srinivasan and Panda)"
)

LEMMA_TITLES = {
    "elementwise": "entrywise function",
    "Hadamard product": "entrywise product",
    "Kronecker product": "Kronecker product",
    "scalar power": "power",
}


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


def proof_view(derivation: Derivation, index: int, report: Report) -> ProofView:
    proof, checks = derivation.proofs[index], report.proofs[index]
    parts = PROOF_PARTS[proof.method](derivation, proof, checks)
    if derivation.change is not None:  # the change of variable, said first
        first, *rest = parts
        said = change_sentence(derivation, proof.method != "directional")  # which writes f(Λ) itself
        parts = (replace(first, text=Markup(f"{said} {first.text}")), *rest)
    if derivation.named:  # the names the lines are written in, introduced before them
        first, *rest = parts
        parts = (replace(first, text=Markup(f"{write_sentence(derivation)} {first.text}")), *rest)
    return ProofView(proof.method, METHOD_TITLES[proof.method], parts)


def change_sentence(derivation: Derivation, with_function: bool = True) -> str:
    """``Write Λ = Σ⁻¹; then Σ = Λ⁻¹, and f, as a function of Λ, is f(Λ) = …``."""
    change = derivation.change
    new, old = latex(change.new), latex(change.old)
    det = change.written.has(sp.Determinant(change.old))
    then = [f"${old} = {new}^{{-1}}$", *[rf"$\det {old} = 1/\det {new}$"] * det]
    if with_function:
        then.append(f"$f$, as a function of ${new}$, is $f({new}) = {latex(derivation.function)}$")
    listed = ", ".join(then[:-1]) + ", and " * (len(then) > 1) + then[-1]
    return (
        f"Write ${new} = {old}^{{-1}}$; then {listed}. We differentiate with respect to ${new}$, and "
        f"write the result back with ${old}$ last."
    )


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
        if not derivation.kind.by_number
        else f"The differential now has the form ${form}$, and ${form[0]}$ is the derivative:"
    )
    if derivation.partials:
        then = f"The differential now has the form ${form}$, from which the identification theorem reads off"
        then += " each gradient:"
    if derivation.kind.jacobian:
        form = rf"J\,{latex(differential_of_variable(derivation.variable))}"
        intro = f"We take the differential and bring it into the form ${form}$; each line is justified"
        intro += " on the right."
        then = f"The differential now has the form ${form}$, from which the Jacobian is read off:"
    X = latex(derivation.variable)
    if (convention := derivation.convention) is not None:
        then = (
            then[:-1]
            + ". "
            + (SYMMETRIC_JACOBIAN if derivation.kind.jacobian else CONVENTIONS[convention]).replace("@X", X)
            + ":"
        )
    if derivation.layout == "numerator":
        then = then[:-1] + (
            f". In numerator layout the derivative of a number with respect to ${X}$ has the shape of "
            f"${X}^{{\\top}}$: it is the transpose of the gradient, taken last:"
        )
    brief = f"We bring the differential into the form ${form}$:"
    return (
        part(intro, rule_lines(proof.chain, chain_lhs(derivation, proof), checks.chain), brief),
        part(then, gradient_lines(derivation, proof, checks), read_off(derivation)),
        *second_parts(derivation, proof, checks),
    )


BRIEFLY = {  # what a symmetric variable's gradient is, in the notes (their introduction says why)
    "sym": "within symmetric matrices, as ${X}$ is symmetric",
    "cookbook": "in the Matrix Cookbook's convention for a symmetric ${X}$",
}


def read_off(derivation: Derivation) -> str:
    """``The identification theorem reads off the gradient:``, the notes' sentence for it."""
    kind = derivation.kind
    what = "the Jacobian" if kind.jacobian else "the derivative" if kind.by_number else "the gradient"
    what = "each gradient" if derivation.partials else what
    X = latex(derivation.variable)
    if derivation.convention is not None:
        convention = "sym" if kind.jacobian else derivation.convention
        what += f" ({BRIEFLY[convention].format(X=X)})"
    if derivation.layout == "numerator":
        what += ", transposed last for numerator layout"
    return f"The identification theorem reads off {what}:"


def second_parts(derivation: Derivation, proof: Proof, checks: ProofChecks) -> tuple[Part, ...]:
    """Order 2: the differential of the gradient, ``d(∇f) = H dx``, and the Hessian read off."""
    if not proof.second:
        return ()
    chain, hessian, bilinear = proof.second
    count = len(chain.steps)
    if derivation.kind.by_number:  # a number t: d(f') = f'' dt
        dt = latex(ir.d(derivation.variable))
        once_more = (
            f"Differentiating the derivative once more brings $\\mathrm{{d}}f'$ to the form $g\\,{dt}$:"
        )
        return (
            part(once_more, rule_lines(chain, latex(chain.lhs), checks.second[:count])),
            part(
                "So the second derivative is:",
                rule_lines(hessian, hessian_symbol(derivation), checks.second[count:]),
            ),
        )
    dx = latex(differential_of_variable(derivation.variable))
    vector = derivation.variable.shape[1] == 1
    gradient = r"\mathrm{d}(\nabla f)" if vector else r"\mathrm{d}\operatorname{vec}(\nabla f)"
    once_more = f"Differentiating the gradient once more brings ${gradient}$ to the form $H\\,{dx}$:"
    if not named_function(derivation):  # the proof speaks of f: say which
        X = latex(derivation.variable)
        once_more = f"Write $f({X}) = {latex(derivation.function)}$. {once_more}"
    dx_row = dx if vector else group(dx)
    within = " within symmetric matrices" if derivation.convention else ""
    then = rf"So $\mathrm{{d}}^{{2}}f = {dx_row}^{{\top}}H\,{dx}$, and $H$ is the Hessian{within}:"
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
        rf"In two{' symmetric' * bool(within)} directions ${U}, {V} \in {space(derivation.variable)}$, "
        rf"with $\mathrm{{d}}^{{2}}f[{U}, {V}] = "
        rf"\operatorname{{vec}}({V})^{{\top}} H \operatorname{{vec}}({U})$:"
    )
    lines = rule_lines(bilinear, latex(bilinear.lhs), checks.second[count + len(hessian.steps) :])
    return (*parts, part(in_two, lines))


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
    brief = f"Write $f({X}) = {latex(derivation.function)}$, and let ${U} \\in {space(Xs)}$ be any direction."
    return (
        part(intro, (), brief),
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
        part(intro, rule_lines(proof.chain, chain_lhs(derivation, proof), checks.chain, notation), unit),
        part(then, gradient_lines(derivation, proof, checks), "So the gradient is the matrix of partials:"),
    )


PROOF_PARTS = {
    "differential": differential_parts,
    "directional": directional_parts,
    "entrywise": entrywise_parts,
    "backprop": backprop_parts,
}


def author_view(derivation: Derivation, report: Report) -> ProofView:
    """The author's lines with the author's reasons, each checked against the line before."""
    df = softmaxes(ir.d(derivation.function))  # as the author's lines name it
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
    last, form, name, rule = author_identification(derivation)
    then = (
        f"{last} equals ${form}$ for ${name} = {latex(derivation.result)}$, so by the identification theorem:"
    )
    identification = Step(derivation.result, rule.name)
    why = f"{rule.name}: ${rule.identity}$"
    final = line(gradient_symbol(derivation), identification, why, rule.summary, report.author_identification)
    said = Markup("Each line below is the author's, with the author's reason on the right.")
    parts = (Part(said, chain, brief=Markup("The author's lines and reasons:")),)
    return ProofView("steps", METHOD_TITLES["steps"], (*parts, Part(Markup(then), (final,))))


def author_identification(derivation: Derivation) -> tuple:
    """What the author's last line is read as: (the line, its form, the name of the derivative in it,
    the identification rule): ``tr(Gᵀ dX)``, ``gᵀ dx``, ``g dt``; ``J dx``, or ``J d vec X`` of its vec."""
    variable, function = derivation.variable, derivation.function
    if derivation.kind.jacobian:
        vectors = function.shape[1] == 1 and variable.shape[1] == 1
        form = rf"J\,{latex(differential_of_variable(variable))}"
        rule = REGISTRY["Jacobian identification" if vectors else "vec Jacobian identification"]
        return ("The last line" if vectors else r"The $\operatorname{vec}$ of the last line"), form, "J", rule
    matrix_valued = ir.is_matrix(function) and not ir.is_one_by_one(function)
    form = linear_form_latex(variable, matrix_valued)
    by_number = not ir.is_matrix(variable)
    name = "G" if (matrix_valued if by_number else variable.shape[1] != 1) else "g"
    return "The last line", form, name, REGISTRY["derivative" if by_number else "identification"]
