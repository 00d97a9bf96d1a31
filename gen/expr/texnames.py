"""The tables of the LaTeX front end (`gen.expr.tex`): what each control sequence, word and
superscript means. Adding a notation is a row here (and a handler in `gen.expr.texcontrol` when it
needs one)."""

from __future__ import annotations

import re

from .functions import FUNCTIONS
from .greek import GREEK
from .texlex import SIZES as SIZES  # \left, \bigl, …: the sizes, known to the lexer too
from .texlex import Tok

# \alpha → alpha; \varepsilon → epsilon or eps (whichever the symbols have), \lambda → lambda or lam
GREEK_NAMES: dict[str, tuple[str, ...]] = {}
for _name, _letter in GREEK.items():
    GREEK_NAMES[_letter] = (*GREEK_NAMES.get(_letter, ()), _name)
for _name in [n for n in GREEK if n not in GREEK_NAMES and n not in ("eps", "lam")]:
    GREEK_NAMES[_name] = GREEK_NAMES[GREEK[_name]]
GREEK_NAMES |= {"vartheta": ("theta",), "varrho": ("rho",), "varsigma": ("sigma",), "varpi": ("pi",)}
GREEK_NAMES |= {  # amsmath's italic capitals: \varLambda is Λ
    f"var{n}": GREEK_NAMES[n]
    for n in ("Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega")
    if n in GREEK_NAMES
}
GREEK_NAMES["ell"] = ("ell",)  # \ell: a log-likelihood's letter, a name as a Greek letter is

BLACKBOARD = "bb"  # \mathbb{X}: the name Xbb, where the text declares it (a matrix, never \mathbb{R})
# \mathbf{y}_{m+1} := [\mathbf{y}_m; y_{m+1}], \vec z_t := [\vec z_{t-1}; z_t^T]: the bold letter a symbol of
# its own, ybf_mp1, where the text defines it from the plain one (elsewhere \mathbf{x} is x)
BOLD_OWN = "bf"
# words that name a function: the grammar's names and aliases, and the words LaTeX sets them with
WORDS = {name: name for name in FUNCTIONS if name not in ("d", "I")}
WORDS |= {alias: f.name for f in FUNCTIONS.values() for alias in f.aliases}
WORDS |= {"Tr": "tr", "Diag": "diag", "Det": "det", "logdet": "logdet", "arctan": "atan"}
FUNCTION_CS = ("exp", "log", "ln", "sin", "cos", "tan", "tanh", "arctan", "det", "max", "min", "tr", "Tr")
STARTS_FUNCTION = ("operatorname", "mathrm", "langle")
CONVENIENCE = ("trace", "diag", "softmax", "sgn", "tr", "Tr")  # usual macros: a document may define them
FUNCTION_CS += CONVENIENCE
# letters typed before a parenthesis that read as a function: tr(X), det(A), logdet(X)
WORDS_TYPED = (  # longest first
    *("logdet", "softplus", "softmax", "sigmoid", "trace", "tanh", "relu"),
    *("diag", "tr", "Tr", "det", "log", "exp", "vec", "max", "min", "cos", "sin"),
)
LETTER_FUNCTIONS = {c: tuple(w for w in WORDS_TYPED if w[0] == c) for c in {w[0] for w in WORDS_TYPED}}
# \sigma(x) is the sigmoid (as the printer sets it), \Phi(A) Murray's Φ, unless a symbol has the name
LETTER_CALLS = {"sigma": "sigmoid", "Phi": "tril_half"}
# base_{sub}(X): the spectral functions as the printer sets them
SUBSCRIPTED = {
    ("lambda", "max"): "lambda_max",
    ("lambda", "min"): "lambda_min",
    ("q", "max"): "eigvec_max",
    ("q", "min"): "eigvec_min",
    ("sigma", "max"): "sigma_max",
    ("u", "1"): "svd_u",
    ("v", "1"): "svd_v",
}
INDEXED = {"lambda": "eig", "q": "eigvec"}  # \lambda_{k}(X): the k-th smallest eigenvalue
# L_{\exp}(X, E), K_{\exp}(X): the Fréchet derivative and its Kronecker form, by the subscript
FRECHET = {
    f.frechet.strip("\\").removeprefix("mathrm{").rstrip("}"): f.name for f in FUNCTIONS.values() if f.frechet
}
TRANSPOSES = {("T",): True, ("top",): False, ("intercal",): False, ("prime",): False, ("mathsf", "T"): False}
TRANSPOSES |= {("mathrm", "T"): False, ("sf", "T"): False, ("rm", "T"): False, ("text", "T"): False}
TRANSPOSES |= {("textsf", "T"): False, ("textrm", "T"): False, ("mathbf", "T"): False, ("t",): False}
# the conjugate transpose (A^\dagger, A^{\mathsf{H}}, A^H): of a real matrix, the transpose
HERMITIAN = ("mathsf", "mathrm", "text", "sf", "rm", "textsf", "textrm", "mathbf")
TRANSPOSES |= {("dagger",): False, ("H",): False} | {(style, "H"): False for style in HERMITIAN}
EXPONENTIAL = {("t",), ("H",)}  # e^t, e^H: powers of e, never its transpose
TIMES = {"*": "*", "cdot": "*", "times": "*", "ast": "*", "/": "/", "div": "/", "odot": ".*", "circ": ".*"}
TIMES |= {"otimes": "kron", "bullet": "*", "oslash": "./"}  # ./: A ⊘ B, read A ∘ B^{∘-1}
SWITCHES = frozenset("rm bf it sf tt boldmath mathversion".split())  # {\bf X}: the style of what follows
SWITCHES |= frozenset("tiny scriptsize footnotesize small normalsize large Large LARGE huge Huge".split())
SPACES = frozenset(", ; : ! \\  quad qquad enspace thinspace medspace thickspace negthinspace".split())
SPACES |= {" ", "displaystyle", "textstyle", "scriptstyle", "nonumber", "notag", "pause", "limits"}
SPACES |= {"nolimits", "relax", "allowbreak", "nobreak", "space"} | SWITCHES
DROPPED_WITH_ARGUMENT = frozenset("label tag color phantom hphantom vphantom hspace vspace mspace".split())
UNWRAPPED = frozenset("boxed cancel bcancel xcancel underline mathstrut smash displaylines mathord".split())
UNWRAPPED |= {"mathrlap", "mathllap", "mathclap", "rlap", "llap", "clap"}  # placement only
UNWRAPPED_SECOND = frozenset("textcolor colorbox underset overset stackrel".split())  # \textcolor{red}{x}
WORD_STYLES = frozenset("mathrm mathit text textrm textit mathsf textsf mathtt texttt operatorname".split())
PROSE = frozenset("text textrm textit mbox intertext shortintertext".split())  # a reason in words
# \bold: MathJax's \mathbf (Markdown notes write \bold{V_T}).
BOLD = frozenset(
    "mathbf boldsymbol bm mathbfit pmb vec Vec overrightarrow bold textbf".split()
)  # \textbf{w}: typed
ACCENTS = {"hat": "hat", "widehat": "hat", "tilde": "tilde", "widetilde": "tilde", "bar": "bar"}
ACCENTS |= {"overline": "bar", "dot": "dot", "check": "check"}
ACCENTS |= {
    "Hat": "hat",
    "Tilde": "tilde",
    "Bar": "bar",
    "Dot": "dot",
    "Check": "check",
}  # amsmath's capitals
ACCENTS |= {"mathcal": "cal", "cal": "cal", "mathscr": "scr"}  # \mathcal{L}, {\cal L}: Lcal, not L


RAISED = "^"  # x^k, H^kp1: an iterate's symbol, declared with its index above (not x_k, an entry of x)


def raised(base: str, index: str) -> str:
    """The name of ``base`` with the index above (``x``, ``kp1``: ``x^{k+1}``)."""
    return f"{base}{RAISED}{index}"


def gradient_name(f: str, order: str, at: str) -> str:
    """The symbol a text declares for ``\\nabla f(x_k)`` (``\\nabla^2 f(x_k)``): the gradient (the
    Hessian) of an abstract f at a point, a vector (a matrix) of its own: ``nabla_f(x_k)``."""
    return f"nabla{order}_{f}({at})"


GRADIENT_NAME = re.compile(r"nabla(?P<order>2?)_(?P<f>[A-Za-z])\((?P<at>.+)\)")  # gradient_name's
# how a text writes one: \nabla f(x_k), \nabla^{2} f\left(x^{k}\right) (a value at a point, not ∇_x f)
GRADIENT_AT = re.compile(
    r"\\nabla\s*(?:\^\s*\{?\s*(?P<order>2)\s*\}?)?\s*(?P<f>[A-Za-z])\s*(?:\\left\s*)?\((?P<at>(?:[^()]|\([^()]*\))*)\)"
)


STAND_IN = "§∂"  # the gradient of a loss never written out, as the check names it (`gen.texcheck.abstract`)


def as_written(name: str) -> str:
    """A name as the text wrote it, for a message: ``Lcal`` → ``\\mathcal{L}``, ``sigma`` → ``\\sigma``."""
    from .latex import name_latex

    if gradient := GRADIENT_NAME.fullmatch(name):
        order = "^2" if gradient["order"] else ""
        return f"\\nabla{order} {gradient['f']}({as_written(gradient['at'])})"
    if STAND_IN in name:  # h§∂l_t, the check's stand-in of an undefined loss's gradient: ∂l_t/∂h
        base, f = name.split(STAND_IN, 1)
        return f"\\frac{{\\partial {as_written(f)}}}{{\\partial {as_written(base)}}}"
    if RAISED in name:
        base, index = name.split(RAISED, 1)
        index = re.sub(r"([mp])(\d)$", lambda m: {"m": "-", "p": "+"}[m.group(1)] + m.group(2), index)
        return f"{as_written(base)}^{{{index}}}"
    if "_[" in name:  # X_{[i]}, u_{[N-1]}: a label in brackets, as written
        base, label = name.split("_[", 1)
        label = re.sub(r"([mp])(\d)\]", lambda m: {"m": "-", "p": "+"}[m.group(1)] + m.group(2) + "]", label)
        return f"{as_written(base)}_{{[{label}}}"

    for accent, suffix in (
        ("mathcal", "cal"),
        ("mathscr", "scr"),
        ("mathbb", BLACKBOARD),
        ("mathbf", BOLD_OWN),
        ("hat", "hat"),
        ("tilde", "tilde"),
        ("bar", "bar"),
    ):
        if name.endswith(suffix) and len(name) > len(suffix) and name[: -len(suffix)].isalpha():
            return f"\\{accent}{{{name_latex(name[: -len(suffix)])}}}"
    return name_latex(name)


def noted(name: str) -> str:
    """A name as a report's notes print it: itself, but an abstract gradient as written."""
    return as_written(name) if GRADIENT_NAME.fullmatch(name) else name


# \min_x f, \max_\theta f: an optimum over a variable, not min(a, b), the smaller: the call
# optimum_name(kind, variable) of the objective alone (the variable as written, compared as text)
OPTIMA = ("min", "max", "argmin", "argmax")


def optimum_name(kind: str, variable: str) -> str:
    return f"{kind}_over|{variable}"


def optimum_kind(name: str) -> str | None:
    """The kind (``min``, ``max``, ``argmin``, ``argmax``) if ``name`` is an optimum's (`optimum_name`)."""
    kind, over, _ = name.partition("_over|")
    return kind if over and kind in OPTIMA else None


def optimum_unvalued(kind: str) -> str:
    """Why an optimum (``\\min_x f``, ``\\arg\\max_x f``) has no value to evaluate."""
    shown = kind.replace("arg", "arg\\")  # argmin: \arg\min
    message = f"\\{shown}_x f, an optimum over a variable, has no value here: it is compared only"
    return f"{message} with another over the same variable (equal objectives)"


OPENINGS = {"(": ")", "[": "]", "lbrack": "]", "{": "}", "lparen": ")", "lbrace": "}"}
REFUSED = {
    "partial": "a partial derivative cannot be checked: write the derivative out",
    "nabla": "a gradient \\nabla cannot be checked: write the gradient out",
    "sum": "a sum over an index is not supported: write it with matrices (1^T x, tr(X))",
    "prod": "a product over an index is not supported",
    "int": "an integral is not supported",
    "lim": "a limit is not supported",
    "mid": "'\\mid' (a conditional, p(x \\mid y)) is probability notation, not a matrix expression",
    "Pr": "'Pr' (a probability) is probability notation, not a matrix expression derivtex can check",
    "infty": "infinity is not a number derivtex can check",
    "pm": "'\\pm' is two expressions: write each",
    "mp": "'\\mp' is two expressions: write each",
    "eqref": "a reference to an equation (\\eqref) stands for its value: write the expression",
    "ref": "a reference to an equation (\\ref) stands for its value: write the expression",
}

CLOSER_NAMES = {")": ("rparen",), "]": ("rbrack",), "}": ("rbrace", "}"), "|": ("rvert", "vert")}
# an indicator's comparisons (``\mathbb{1}[x \geq c]``): ≥ and ≤ read as > and <, which differ only
# where the sides are equal; as control sequences they end the side before them, as closers do
COMPARED = {
    **dict.fromkeys((">", "gt", "geq", "ge", "geqslant"), ">"),
    **dict.fromkeys(("<", "lt", "leq", "le", "leqslant"), "<"),
}
CLOSERS = frozenset({"rVert", "rvert", "rangle", "rbrace", "rbrack", "rparen", "}", "right"}) | {
    c for c in COMPARED if c.isalpha()
}


# The letters papers name an activation or a scalar function with: f'(x) is its derivative
PRIMED_FUNCTIONS = frozenset("f g h sigma phi psi varphi rho eta".split())


def layer_index(token: Tok) -> str | None:
    """One token of a layer's index as a name's characters: ``\\ell-1`` gives ``ellm1``, ``\\ell+1``
    ``ellp1`` (a sign spelled out, as a name has no sign); None for what an index does not hold."""
    if token.kind in ("letter", "digit"):
        return token.text
    if token.kind == "cs" and token.text in INDEX_LETTERS:
        return token.text
    return {"-": "m", "+": "p"}.get(token.text) if token.kind == "char" else None


INDEX_LETTERS = frozenset("ell l i j k n m t tau".split())
