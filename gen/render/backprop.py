"""The proof by backpropagation as parts of the document: the forward pass, one line per δ from the
output back, then every gradient read off (Goodfellow et al. §6.5)."""

from __future__ import annotations

from ..engine.backprop import OUTPUT, Backprop
from ..engine.derive import Derivation
from ..engine.proof import Chain, Proof
from ..engine.simplify import softmaxes
from ..expr.latex import latex
from ..verify.checks import ProofChecks
from .chains import Part, gradient_symbol, line, part, rule_lines


def forward_pass(backprop: Backprop) -> str:
    """``$a = W_1x + b_1$, $h = \\tanh(a)$, …, $f = -y^{\\top}\\log\\operatorname{softmax}(z)$``."""
    pieces = [f"${latex(n)} = {latex(softmaxes(d))}$" for n, d in backprop.named.pairs]
    return ", ".join([*pieces, f"$f = {latex(softmaxes(backprop.function))}$"])


def adjoints_defined(backprop: Backprop) -> str:
    """``$\\delta_z = \\nabla_z f$ and $\\delta_a = \\nabla_a f$``."""
    pieces = [f"${latex(a.delta)} = \\nabla_{{{latex(a.name)}}} f$" for a in backprop.adjoints]
    return ", ".join(pieces[:-1]) + " and " * (len(pieces) > 1) + pieces[-1]


def through(backprop: Backprop, names: tuple) -> str:
    """``from $z = W_2h$, $h = \\tanh(a)$`` (``from $f$``): the definitions a value passes back through."""
    definitions = dict(backprop.named.pairs)
    pieces = [
        "$f$" if u is OUTPUT else f"${latex(u)} = {latex(softmaxes(definitions[u]))}$"
        for u in dict.fromkeys(names)
    ]
    return "from " + ", ".join(pieces)


def backprop_parts(derivation: Derivation, proof: Proof, checks: ProofChecks) -> tuple[Part, ...]:
    backprop = proof.backprop
    intro = (
        f"Forward pass: {forward_pass(backprop)}. Backward pass: the adjoint "
        r"$\delta_v = \nabla_v f$ of each quantity $v$, from the output back, is "
        r"$\sum_u \nabla_v\langle\delta_u, u(v)\rangle$ over the quantities $u$ that use $v$, with "
        r"$\delta_u$ held constant"
    )
    written_out = len(backprop.adjoints) < len(backprop.named.pairs)  # some names have no δ of their own
    intro += " (an activation's adjoint written out where it is used):" if written_out else ":"
    brief = f"Forward pass: {forward_pass(backprop)}. Backward pass:"  # the notes explain the method once
    adjoints = tuple(
        line(latex(a.delta), step, through(backprop, a.through), f"adjoint of {a.name}", check)
        for a, step, check in zip(backprop.adjoints, proof.chain.steps, checks.chain)
    )
    then = (
        r"Each gradient is read off from the quantities its variable enters, "
        r"$\nabla_W f = \sum_u \nabla_W\langle\delta_u, u(W)\rangle$:"
    )
    lines = []
    read_off = (checks.identification,) * (1 + len(proof.partials))  # one check for every variable
    simplified = (checks.gradient, *checks.partials)
    chains = ((proof.variable, proof.gradient), *proof.partials)
    for (W, chain), entered, first, rest in zip(chains, backprop.uses, read_off, simplified):
        symbol = gradient_symbol(derivation, numerator=False, variable=W)
        head, *tail = chain.steps
        lines.append(line(symbol, head, through(backprop, entered[1]), "backpropagated gradient", first))
        lines += rule_lines(Chain(None, tuple(tail)), "", rest)
    return part(intro, adjoints, brief), part(then, tuple(lines), "The gradients:")
