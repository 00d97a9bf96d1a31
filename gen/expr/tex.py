"""LaTeX math → the spec grammar's AST: formulas as authors write them, read by our own parser.

Never ``eval``, never SymPy's LaTeX parser: letters are matrices that do not commute. ``XY`` is
the product of X and Y (TeX sets two letters); ``\\mathrm{xy}``, ``\\operatorname{…}`` and macros
give names of several letters. The result is the AST of `gen.expr.parser` (positions are offsets in
the LaTeX), so the lowering, the shape checks and the numeric verification apply unchanged.
Tables, not branches: what each control sequence means is a row below.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from ..errors import SpecError
from ..spec.reader import Text
from .functions import FUNCTIONS
from .latex import GREEK
from .parser import BinOp, Call, Name, Neg, Num, Postfix
from .texlex import Macros, Stream, Tok, macros_from

__all__ = ["CORE", "Macros", "macros_from", "parse_tex"]

MAX_DEPTH = 100

# \alpha → alpha; \varepsilon → epsilon or eps (whichever the symbols have), \lambda → lambda or lam
GREEK_NAMES: dict[str, tuple[str, ...]] = {}
for _name, _letter in GREEK.items():
    GREEK_NAMES[_letter] = (*GREEK_NAMES.get(_letter, ()), _name)
for _name in [n for n in GREEK if n not in GREEK_NAMES and n not in ("eps", "lam")]:
    GREEK_NAMES[_name] = GREEK_NAMES[GREEK[_name]]
GREEK_NAMES |= {"vartheta": ("theta",), "varrho": ("rho",), "varsigma": ("sigma",), "varpi": ("pi",)}

# words that name a function: the grammar's names and aliases, and the words LaTeX sets them with
WORDS = {name: name for name in FUNCTIONS if name not in ("d", "I")}
WORDS |= {alias: f.name for f in FUNCTIONS.values() for alias in f.aliases}
WORDS |= {"Tr": "tr", "Diag": "diag", "Det": "det", "logdet": "logdet", "arctan": "atan"}
FUNCTION_CS = ("exp", "log", "ln", "sin", "cos", "tan", "tanh", "arctan", "det", "max", "min", "tr", "Tr")
STARTS_FUNCTION = ("operatorname", "mathrm", "langle")
CONVENIENCE = ("trace", "diag", "softmax", "sgn", "tr", "Tr")  # usual macros: a document may define them
FUNCTION_CS += CONVENIENCE
# letters typed before a parenthesis that read as a function: tr(X), det(A), logdet(X)
LETTER_FUNCTIONS = ("logdet", "softmax", "trace", "diag", "tr", "Tr", "det", "log", "exp", "vec")
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
TIMES = {"*": "*", "cdot": "*", "times": "*", "ast": "*", "/": "/", "div": "/", "odot": ".*", "circ": ".*"}
TIMES |= {"otimes": "kron", "bullet": "*"}
SIZES = frozenset("left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr".split())
SWITCHES = frozenset("rm bf it sf tt boldmath mathversion".split())  # {\bf X}: the style of what follows
SPACES = frozenset(", ; : ! \\  quad qquad enspace thinspace medspace thickspace negthinspace".split())
SPACES |= {" ", "displaystyle", "textstyle", "scriptstyle", "nonumber", "notag", "pause", "limits"}
SPACES |= {"nolimits", "relax", "allowbreak", "nobreak"} | SWITCHES
DROPPED_WITH_ARGUMENT = frozenset("label tag color phantom hphantom vphantom hspace vspace mspace".split())
UNWRAPPED = frozenset("boxed cancel bcancel xcancel underline mathstrut smash displaylines".split())
UNWRAPPED_SECOND = frozenset("textcolor colorbox underset overset stackrel".split())  # \textcolor{red}{x}
BRACES = {"underbrace": "_", "overbrace": "^", "underbracket": "_", "overbracket": "^"}
WORD_STYLES = frozenset("mathrm mathit text textrm textit mathsf textsf mathtt texttt operatorname".split())
BOLD = frozenset("mathbf boldsymbol bm mathbfit pmb vec".split())
ACCENTS = {"hat": "hat", "widehat": "hat", "tilde": "tilde", "widetilde": "tilde", "bar": "bar"}
ACCENTS |= {"overline": "bar", "dot": "dot", "check": "check"}
OPENINGS = {"(": ")", "[": "]", "lbrack": "]", "{": "}", "lparen": ")", "lbrace": "}"}
REFUSED = {
    "partial": "a partial derivative cannot be checked: write the derivative out",
    "nabla": "a gradient \\nabla cannot be checked: write the gradient out",
    "sum": "a sum over an index is not supported: write it with matrices (1^T x, tr(X))",
    "prod": "a product over an index is not supported",
    "int": "an integral is not supported",
    "lim": "a limit is not supported",
    "cdots": "'\\cdots' cannot be checked: write the expression out",
    "ldots": "'\\ldots' cannot be checked: write the expression out",
    "dots": "'\\dots' cannot be checked: write the expression out",
    "infty": "infinity is not a number derivtex can check",
    "pm": "'\\pm' is two expressions: write each",
    "mp": "'\\mp' is two expressions: write each",
}


class _Parser:
    """Precedence climbing: sum < A : B < product (juxtaposition too) < unary minus < scripts < atom."""

    def __init__(self, source: Text, macros: Macros | None, names: Collection[str]):
        self.source, self.names = source, names
        self.stream = Stream(source, macros)
        self.depth = 0
        self.bars = 0  # inside |…|: a '|' closes, never opens

    # --- tokens -------------------------------------------------------------------------------

    def error(self, message: str, token: Tok | None = None) -> SpecError:
        return self.stream.error(message, token or self.peek())

    def peek(self) -> Tok:
        """The next token that means something: spacing, sizes (\\left, \\bigl), labels skipped."""
        while True:
            token = self.stream.peek()
            if token.kind == "cs" and (token.text in SPACES or token.text in SIZES):
                self.stream.next()
                if token.text in SIZES and self.stream.peek().is_char("."):
                    self.stream.next()  # \left. : no delimiter
            elif token.is_cs(*DROPPED_WITH_ARGUMENT):
                self.stream.next()
                self.group_tokens()
            elif token.is_char("~", "&"):
                self.stream.next()
            else:
                return token

    def next(self) -> Tok:
        token = self.peek()
        return self.stream.next() if token.kind != "end" else token

    def accept(self, *texts: str) -> Tok | None:
        token = self.peek()
        if token.kind in ("char", "letter", "digit", "cs") and token.text in texts:
            return self.next()
        return None

    def expect(self, text: str, what: str) -> Tok:
        token = self.accept(text)
        if token is None:
            raise self.error(f"expected {what}, found {self.peek().shown()}")
        return token

    def group_tokens(self) -> list[Tok]:
        """A TeX argument: the tokens of a braced group (macros expanded), or one token (with its
        own argument when it is a style such as ``\\mathsf T``)."""
        first = self.stream.next()
        if first.kind == "end":
            raise self.error("expected an argument, found the end of the expression", first)
        if not first.is_char("{"):
            if first.kind == "cs" and (first.text in WORD_STYLES or first.text in BOLD):
                return [first, *self.group_tokens()]
            return [first]
        depth, out = 1, []
        while True:
            token = self.stream.next()
            if token.kind == "end":
                raise self.error("expected '}' to close the '{'", first)
            depth += token.is_char("{") - token.is_char("}")
            if depth == 0:
                return out
            out.append(token)

    def sub_parse(self, tokens: list[Tok], parse: Callable | None = None, where: Tok | None = None):
        """Parse ``tokens`` (a group already read) as a whole expression."""
        if not tokens:
            raise self.error("expected an expression inside the braces, found nothing", where)
        stop = Tok("stop", "", tokens[-1].pos + len(tokens[-1].text))
        self.stream.push([*tokens, stop])
        node = self.nested(parse or self.sum)
        if self.peek().kind != "stop":
            raise self.error(f"unexpected {self.peek().shown()}")
        self.stream.next()
        return node

    def nested(self, parse: Callable, *args):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression is nested too deeply (more than {MAX_DEPTH} levels)")
        try:
            return parse(*args)
        finally:
            self.depth -= 1

    def resolve(self, candidates: tuple[str, ...]) -> str:
        """The first of the spellings a name may have (``sigma_1``, ``sigma1``) that is a symbol."""
        return next((c for c in candidates if c in self.names), candidates[0])

    # --- the grammar ------------------------------------------------------------------------

    def parse(self):
        if self.peek().kind == "end":
            raise self.error("empty expression")
        node = self.sum()
        while self.peek().is_char(".", ",", ";"):  # "= 2A^T(Ax - b)." ends a sentence
            self.next()
            if self.peek().kind != "end":
                raise self.error(f"unexpected {self.peek().shown()}")
        if self.peek().kind != "end":
            raise self.error(f"unexpected {self.peek().shown()}")
        return node

    def sum(self):
        node = self.colon()
        while op := self.accept("+", "-"):
            node = BinOp(op.text, node, self.colon(), op.pos)
        return node

    def colon(self):
        """``A : B``, the Frobenius inner product ``tr(AᵀB)``."""
        node = self.product()
        while op := self.accept(":"):
            node = inner(node, self.product(), op.pos)
        return node

    def product(self):
        """Factors joined by an operator (``\\cdot``, ``/``, ``\\odot``, ``\\otimes``); juxtaposition
        binds tighter: ``x \\odot Wy`` is ``x ∘ (Wy)``, ``1/2x`` is ``1/(2x)``."""
        node = self.juxtaposed()
        while (token := self.peek()).kind in ("char", "cs") and token.text in TIMES:
            self.next()
            right = self.nested(self.juxtaposed)
            if TIMES[token.text] == "kron":
                node = Call("kron", (node, right), token.pos)
            else:
                node = BinOp(TIMES[token.text], node, right, token.pos)
        return node

    def juxtaposed(self):
        node = self.unary()
        while self.starts_atom(token := self.peek()):
            node = BinOp("*", node, self.nested(self.postfix), token.pos)
        return node

    def unary(self):
        if op := self.accept("-"):
            return Neg(self.nested(self.unary), op.pos)
        if self.accept("+"):
            return self.nested(self.unary)
        return self.postfix()

    def postfix(self):
        node = self.atom()
        while True:
            token = self.peek()
            if token.is_char("'"):
                node = Postfix("T", node, self.next().pos)
            elif token.is_char("^"):
                self.next()
                node = self.superscript(node, token)
            elif token.is_char("_"):
                raise self.error("a subscript here is not understood (entries X_{ij} are not supported)")
            else:
                return node

    def superscript(self, base, caret: Tok):
        tokens = [t for t in self.group_tokens() if not (t.kind == "cs" and t.text in SPACES)]
        texts = tuple(t.text for t in tokens if not t.is_char("{", "}"))
        if texts[:1] == ("(",) and texts[-1:] == (")",):  # W^{(1)}: an index, part of the name
            return self.indexed(base, tokens, caret)
        if texts in TRANSPOSES:
            return Postfix("T", base, caret.pos, caret=TRANSPOSES[texts])
        if texts[:1] == ("-",) and texts[1:] in TRANSPOSES:
            return Postfix("-T", base, caret.pos, caret=TRANSPOSES[texts[1:]])
        if texts == ("-", "1"):
            return Postfix("-1", base, caret.pos)
        if tokens[0].is_cs("circ"):
            if len(tokens) == 1:
                message = "'^{\\circ}' (entry by entry) goes after a function's name: \\exp^{\\circ}(X)"
                raise self.error(message, caret)
            return Postfix(".^", base, caret.pos, self.sub_parse(tokens[1:], where=caret))
        return Postfix("^", base, caret.pos, self.sub_parse(tokens, where=caret))

    def indexed(self, base, tokens: list[Tok], caret: Tok) -> Name:
        """``W^{(1)}``, ``x^{(i)}``: a layer's or a sample's own symbol (``W_1`` or ``W1``), never a
        power (``W^{(2)}W^{(1)}`` is not ``W^2``)."""
        index = "".join(t.text for t in tokens[1:-1] if t.kind in ("letter", "digit"))
        if not isinstance(base, Name) or not index or len(index) != len(tokens) - 2:
            raise self.error("an index ^{(k)} goes on a symbol's name: W^{(1)}", caret)
        return Name(self.resolve((f"{base.name}_{index}", f"{base.name}{index}")), base.pos)

    def starts_atom(self, token: Tok) -> bool:
        if token.kind in ("letter", "digit"):
            return True
        if token.kind == "char":
            return token.text in "([{" or token.text == "|" and not self.bars
        if token.text in ("|", "Vert", "vert"):
            return not self.bars
        return token.kind == "cs" and token.text not in TIMES and token.text not in CLOSERS

    def atom(self):
        token = self.peek()
        if token.kind == "digit" or token.is_char("."):
            return self.number()
        if token.kind == "letter":
            return self.letters()
        if token.is_char("{") and self.old_style_differential():
            return self.differential(token)
        if token.kind == "char" and token.text in OPENINGS:
            return self.parenthesised()
        if token.is_char("|"):
            stack = self.stream.stack
            if len(stack) > 1 and stack[-2].is_char("|") and stack[-2].pos == token.pos + 1:  # ||x||
                self.next()
                return self.norm(self.next(), double=True)
            return self.bar()
        if token.kind == "cs":
            self.next()
            handler = CONTROL.get(token.text)
            if handler is not None:
                return handler(self, token)
            if token.text in GREEK_NAMES:
                return self.greek(token)
            if token.text in REFUSED:
                raise self.error(REFUSED[token.text], token)
            raise self.error(f"'\\{token.text}' is not understood (define it with \\newcommand)", token)
        raise self.error(f"expected a symbol, a number or '(', found {token.shown()}")

    def number(self) -> Num:
        first, digits = self.peek(), ""
        while (token := self.stream.peek()).kind == "digit" or token.is_char(".") and "." not in digits:
            digits += self.stream.next().text
        if digits == ".":
            raise self.error("expected a number, found '.'", first)
        return Num(digits, first.pos)

    def old_style_differential(self) -> bool:
        """``{\\rm d}X``: the upright d of plain TeX (consumed when it is one)."""
        raw = self.stream.stack[-4:][::-1]
        words = [t.text for t in raw]
        if (
            len(raw) == 4
            and words[1] in ("rm", "mathrm")
            and words[2:] == ["d", "}"]
            and "d" not in self.names
        ):
            if self.differentiable(
                self.stream.stack[-5] if len(self.stream.stack) > 4 else Tok("end", "", 0)
            ):
                for _ in raw:
                    self.stream.next()
                return True
        return False

    def parenthesised(self):
        opening = self.next()
        closing = OPENINGS[opening.text]
        bars, self.bars = self.bars, 0
        node = self.nested(self.sum)
        self.bars = bars
        self.close(closing, opening)
        return node

    def close(self, closing: str, opening: Tok) -> None:
        if not self.accept(closing, *CLOSER_NAMES.get(closing, ())):
            where, found = self.stream.source.at(opening.pos).col, self.peek().shown()
            message = f"expected '{closing}' to close the {opening.shown()} at column {where}, found {found}"
            raise self.error(message)

    def arguments(self, name: str, word: Tok) -> tuple:
        """``(a, b)`` after a function's name."""
        opening = self.next()
        closing = OPENINGS[opening.text]
        bars, self.bars = self.bars, 0
        args = [self.nested(self.sum)]
        while self.accept(","):
            args.append(self.nested(self.sum))
        self.bars = bars
        self.close(closing, opening)
        return tuple(args)

    # --- names and letters ------------------------------------------------------------------

    def letters(self):
        """A letter, or a function's name typed as letters before '(' (``tr(X)``), or ``dX``."""
        first = self.peek()
        for word in LETTER_FUNCTIONS:
            if word not in self.names and self.spelled(word) and self.opens(len(word)):
                for _ in word:
                    self.stream.next()
                return self.function(WORDS[word], first)
        self.next()
        if first.text == "d" and "d" not in self.names and self.differentiable(self.peek()):
            return self.differential(first)
        return self.named((first.text,), first)

    def spelled(self, word: str) -> bool:
        """Whether the next raw tokens are the letters of ``word``, typed together."""
        stack, start = self.stream.stack, self.peek().pos
        if len(stack) < len(word):
            return False
        tokens = stack[len(stack) - len(word) :][::-1]
        spelled = zip(tokens, word, range(len(word)))
        return all(t.kind == "letter" and t.text == c and t.pos == start + i for t, c, i in spelled)

    def opens(self, skip: int) -> bool:
        stack = self.stream.stack
        after = stack[-skip - 1] if len(stack) > skip else None
        return after is not None and (after.is_char("(") or after.is_cs("left", "bigl", "Bigl", "big", "Big"))

    def differentiable(self, token: Tok) -> bool:
        """What may follow a differential's d: a letter, a Greek letter, a name, a parenthesis."""
        if token.kind == "letter" or token.is_char("("):
            return True
        tables = (GREEK_NAMES, WORD_STYLES, SIZES, FUNCTION_CS, BOLD)  # d\mathbf{x}
        return token.kind == "cs" and any(token.text in t for t in tables)

    def differential(self, d: Tok):
        """``dX`` (the grammar's name of X's differential) or ``d(F)``."""
        operand = self.nested(self.atom)
        if not isinstance(operand, Name):
            return Call("d", (operand,), d.pos)
        differential = Name("d" + operand.name, d.pos)
        if not self.peek().is_char("^"):
            return differential
        raised = self.superscript(differential, self.next())  # dX^T is (dX)^T, as d(X^T) is
        if isinstance(raised, Postfix) and raised.op != "T":
            message = f"is this the differential of a power or a power of d{operand.name}? write "
            raise self.error(message + "\\mathrm{d}(X^{-1}) or (\\mathrm{d}X)^{-1}", raised)
        return raised

    def named(self, bases: tuple[str, ...], token: Tok):
        """A name, with its subscript: ``W_{1}`` is ``W_1`` or ``W1`` (whichever is a symbol)."""
        if not self.peek().is_char("_"):
            return Name(self.resolve(bases), token.pos)
        self.next()
        tokens = self.group_tokens()
        if bases[0] == "I" and not any(n.startswith("I") and n != "I" for n in self.names):
            return Call("I", (as_size(self.sub_parse(tokens, where=token)),), token.pos)  # I_{n}, I_{n^2}
        self.stream.push([Tok("char", "{", token.pos), *tokens, Tok("char", "}", token.pos)])
        sub = self.subscript_text()
        spellings = tuple(s for b in bases for s in (f"{b}_{sub}", f"{b}{sub}"))
        if not any(s in self.names for s in spellings):
            special = self.subscripted(bases[0], sub, token)
            if special is not None:
                return special
        if not sub.replace("_", "").isalnum():
            raise self.error(f"the subscript '{sub}' of '{bases[0]}' is not understood", token)
        return Name(self.resolve(spellings), token.pos)

    def subscripted(self, base: str, sub: str, token: Tok):
        """``\\lambda_{\\max}(X)``, ``I_{n}``, ``K_{mn}``, ``L_{\\exp}(X, E)``: functions the printer sets
        with a subscript."""
        call = self.peek().is_char("(") or self.peek().is_cs("left", "bigl", "Bigl")
        if call and (base, sub) in SUBSCRIPTED:
            return Call(SUBSCRIPTED[(base, sub)], self.arguments(base, token), token.pos)
        if call and base in INDEXED and sub.isdigit():
            return Call(INDEXED[base], (*self.arguments(base, token), Num(sub, token.pos)), token.pos)
        if call and base in ("L", "K") and sub in FRECHET:
            suffix = "_frechet" if base == "L" else "_kronecker"
            return Call(FRECHET[sub] + suffix, self.arguments(base, token), token.pos)
        sizes = tuple(Name(c, token.pos) if c.isalpha() else Num(c, token.pos) for c in sub.split(",") if c)
        if base == "K" and (len(sub) == 2 or sub.count(",") == 1):
            pair = sizes if "," in sub else (Name(sub[0], token.pos), Name(sub[1], token.pos))
            return Call("commutation", pair, token.pos)
        return None

    def subscript_text(self) -> str:
        """A subscript as the text of a name: ``1``, ``max``, ``ij``, ``alpha`` (``\\alpha``)."""
        parts = []
        for token in self.group_tokens():
            if token.kind in ("letter", "digit") or token.is_char(",", "*"):
                parts.append(token.text)
            elif token.kind == "cs" and token.text in GREEK_NAMES:
                parts.append(GREEK_NAMES[token.text][0])
            elif token.kind == "cs" and token.text in FUNCTION_CS + ("max", "min"):
                parts.append(token.text)
            elif token.text in WORD_STYLES or token.text in SPACES or token.is_char("{", "}"):
                continue
            else:
                raise self.error(f"the subscript {token.shown()} is not understood", token)
        return "".join(parts)

    def greek(self, token: Tok):
        names = GREEK_NAMES[token.text]
        call = LETTER_CALLS.get(names[0])
        after = self.peek()
        opens = after.is_char("(") or after.is_cs("left", "bigl", "Bigl") or self.entrywise_mark()
        if call and names[0] not in self.names and opens:
            return self.function(call, token)
        return self.named(names, token)

    # --- functions ----------------------------------------------------------------------------

    def entrywise_mark(self) -> bool:
        """Whether ``^{\\circ}`` comes next (``\\sigma^{\\circ}(X)``; ``\\sigma^2`` is a power)."""
        raw = [t for t in self.stream.stack[-4:][::-1] if not t.is_char("{")]
        return len(raw) > 1 and raw[0].is_char("^") and raw[1].is_cs("circ")

    def function(self, name: str, word: Tok):
        """``\\exp(x)``, ``\\exp^{\\circ}(X)`` (entry by entry), ``\\log\\det X``, ``\\log|X|``,
        ``\\operatorname{tr} AB`` (without parentheses: the product that follows)."""
        entrywise = False
        if self.peek().is_char("^"):
            caret = self.next()
            tokens = self.group_tokens()
            if not (len(tokens) == 1 and tokens[0].is_cs("circ")):
                raise self.error(f"a power of {word.shown()} before its argument is not supported", caret)
            entrywise = True
        params = ()
        if self.peek().is_char("_"):  # \operatorname{huber}_{\delta}(x): a parameter
            self.next()
            params = (self.sub_parse(self.group_tokens(), self.postfix),)
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
        if not self.accept("|", "rVert", "Vert") or (double and not self.accept("|")):
            raise self.error(f"expected the norm's closing bars, found {self.peek().shown()}")
        kind = "norm"
        if self.accept("_"):
            sub = self.subscript_text()
            kinds = {"2": "norm2", "F": "norm", "*": "nuclear", "": "norm", "fro": "norm"}
            if sub not in kinds:
                raise self.error(f"the norm ||·||_{sub} is not supported (2, F or *)", opening)
            kind = kinds[sub]
        return Call(kind, (node,), opening.pos)


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


def _frac(p: _Parser, token: Tok):
    numerator, denominator = p.group_tokens(), p.group_tokens()
    if derivative(numerator, denominator):
        message = "a derivative \\frac{\\partial …}{\\partial …} cannot be checked: write it out"
        raise p.error(message, token)
    top = p.sub_parse(numerator, where=token)
    bottom = p.sub_parse(denominator, where=token)
    return BinOp("/", top, bottom, token.pos)


def derivative(numerator: list[Tok], denominator: list[Tok]) -> bool:
    """Whether ``\\frac{…}{…}`` is a derivative: ``∂f/∂X``, ``\\mathrm{d}f/\\mathrm{d}t``, ``df/dt``."""

    def differential(tokens: list[Tok]) -> bool:
        words = [t.text for t in tokens if not t.is_char("{", "}")][:2]
        return words[:1] in (["partial"], ["nabla"]) or words == ["mathrm", "d"] or words[:1] == ["d"]

    return (
        bool(denominator)
        and denominator[0].is_cs("partial", "nabla")
        or (differential(numerator) and differential(denominator))
    )


def _partial(p: _Parser, token: Tok):
    """``\\partial X``, ``\\partial(X^{-1})``: the differential, as the Matrix Cookbook writes it (§2.2)."""
    if not p.differentiable(p.peek()):
        raise p.error(REFUSED["partial"], token)
    return p.differential(token)


def _sqrt(p: _Parser, token: Tok):
    root = p.stream.optional()
    radicand = p.sub_parse(p.group_tokens(), where=token)
    if root is None:
        return Call("sqrt", (radicand,), token.pos)
    index = p.sub_parse(list(root), where=token)
    return Postfix("^", radicand, token.pos, BinOp("/", Num("1", token.pos), index, token.pos))


def _word(p: _Parser, token: Tok):
    """``\\mathrm{tr}``, ``\\operatorname{diag}``: a function; ``\\mathrm{d}``: the differential;
    ``\\mathit{xy}``: a name of several letters."""
    tokens = p.group_tokens()
    word = "".join(t.text for t in tokens if t.kind in ("letter", "digit") or t.is_char("_"))
    if not word or len(word) != len([t for t in tokens if not t.is_char("{", "}")]):
        if len(tokens) == 1 and tokens[0].kind == "cs" and tokens[0].text in GREEK_NAMES:
            return p.greek(tokens[0])
        raise p.error(f"expected a word inside \\{token.text}{{…}}", token)
    if word == "d" and "d" not in p.names and p.differentiable(p.peek()):
        return p.differential(token)
    if word in WORDS and word not in p.names:
        return p.function(WORDS[word], token)
    return p.named((word,), token)


def _bold(p: _Parser, token: Tok):
    """``\\mathbf{x}`` is x; ``\\mathbf{1}`` the vector of ones (``ones()``: the lowering sizes it by
    its neighbours, `gen.expr.ones`)."""
    tokens = [t for t in p.group_tokens() if not t.is_char("{", "}")]
    if [t.text for t in tokens] == ["1"]:
        return Call("ones", (), token.pos)
    p.stream.push(tokens)
    return p.atom()


def _accent(p: _Parser, token: Tok):
    """``\\hat{y}``: the symbol ``yhat`` (or ``y_hat``)."""
    tokens = [t for t in p.group_tokens() if not t.is_char("{", "}")]
    if len(tokens) != 1 or not (tokens[0].kind == "letter" or tokens[0].text in GREEK_NAMES):
        raise p.error(f"\\{token.text}{{…}} of more than a letter is not understood", token)
    base = tokens[0].text if tokens[0].kind == "letter" else GREEK_NAMES[tokens[0].text][0]
    accent = ACCENTS[token.text]
    return p.named((f"{base}{accent}", f"{base}_{accent}"), token)


def _unwrap(p: _Parser, token: Tok):
    return p.sub_parse(p.group_tokens(), where=token)


def _unwrap_second(p: _Parser, token: Tok):
    p.group_tokens()
    return _unwrap(p, token)


def _brace(p: _Parser, token: Tok):
    """``\\underbrace{x}_{\\text{why}}``: x, the note dropped."""
    node = _unwrap(p, token)
    if p.peek().is_char(BRACES[token.text]):
        p.next()
        p.group_tokens()
    return node


def _langle(p: _Parser, token: Tok):
    a = p.nested(p.sum)
    p.expect(",", "',' between the two sides of \\langle A, B\\rangle")
    b = p.nested(p.sum)
    p.expect("rangle", "\\rangle to close \\langle")
    return inner(a, b, token.pos)


def _function(p: _Parser, token: Tok):
    return p.function(WORDS.get(token.text, token.text), token)


def _indicator(p: _Parser, token: Tok):
    r"""``\mathbb{I}[x > c]`` (``\mathbb{I}^{\circ}[…]``): the step ``step(x, c)``."""
    letter = "".join(t.text for t in p.group_tokens())
    if letter != "I":
        raise p.error(f"\\mathbb{{{letter}}} is not understood here", token)
    if p.peek().is_char("^"):
        p.next()
        p.group_tokens()
    p.expect("[", "'[' after the indicator \\mathbb{I}")
    x = p.nested(p.sum)
    p.expect(">", "'>' in the indicator \\mathbb{I}[x > c]")
    c = p.nested(p.sum)
    p.expect("]", "']' to close the indicator")
    return Call("step", (x, c), token.pos)


def _transpose_alone(p: _Parser, token: Tok):
    raise p.error("'\\top' goes in a superscript: X^{\\top}", token)


CONTROL: dict[str, Callable] = {
    **dict.fromkeys(("frac", "tfrac", "dfrac", "cfrac"), _frac),
    "sqrt": _sqrt,
    **dict.fromkeys(WORD_STYLES, _word),
    **dict.fromkeys(BOLD, _bold),
    **dict.fromkeys(ACCENTS, _accent),
    **dict.fromkeys(UNWRAPPED, _unwrap),
    **dict.fromkeys(UNWRAPPED_SECOND, _unwrap_second),
    **dict.fromkeys(BRACES, _brace),
    **dict.fromkeys(FUNCTION_CS, _function),
    "langle": _langle,
    "partial": _partial,
    **dict.fromkeys(("lVert", "Vert", "|"), _Parser.norm),
    **dict.fromkeys(("lvert", "vert"), lambda p, t: Call("abs", (_closed_bar(p, t),), t.pos)),
    "mathbb": _indicator,
    **dict.fromkeys(("top", "intercal"), _transpose_alone),
    "lbrace": lambda p, t: _group(p, t, "}"),
    "{": lambda p, t: _group(p, t, "}"),
    "lbrack": lambda p, t: _group(p, t, "]"),
    "lparen": lambda p, t: _group(p, t, ")"),
}


def _group(p: _Parser, opening: Tok, closing: str):
    bars, p.bars = p.bars, 0
    node = p.nested(p.sum)
    p.bars = bars
    p.close(closing, opening)
    return node


def _closed_bar(p: _Parser, opening: Tok):
    node = p.nested(p.sum)
    p.expect("rvert", "\\rvert to close \\lvert") if opening.text == "lvert" else p.expect("vert", "\\vert")
    return node


CLOSER_NAMES = {")": ("rparen",), "]": ("rbrack",), "}": ("rbrace", "}"), "|": ("rvert", "vert")}
CLOSERS = frozenset({"rVert", "rvert", "rangle", "rbrace", "rbrack", "rparen", "}", "right"})
# the commands the parser reads: a document's macros may not redefine them
CORE = frozenset(CONTROL) - frozenset(CONVENIENCE) - {"vec", "bm"}
CORE |= SIZES | SPACES | CLOSERS | DROPPED_WITH_ARGUMENT | frozenset(TIMES)
CORE |= frozenset(GREEK_NAMES) | frozenset(REFUSED) | {"circ", "top", "intercal", "prime", "rangle"}


def latex_reading(name: str, entrywise: bool, args: list) -> str:
    """What a function written in LaTeX is, given its arguments: ``\\exp(X)``, ``\\log(X)`` of a
    square matrix the matrix function (Higham; ``\\exp^{\\circ}(X)`` is entry by entry), ``|X|`` its
    determinant, ``\\|x\\|_2`` of a vector the Euclidean norm."""
    from . import ir

    x = args[0] if args else None
    matrix = ir.is_matrix(x) and not ir.is_one_by_one(x)
    square = matrix and x.shape[0] == x.shape[1]
    if square and not entrywise and name == "abs":
        return "det"
    if square and not entrywise and name in FUNCTIONS and FUNCTIONS[name].matrix_function in FUNCTIONS:
        return FUNCTIONS[name].matrix_function
    if name == "norm2" and matrix and x.shape[1] == 1:
        return "norm"
    return name


def parse_tex(source: Text, macros: Macros | None = None, names: Collection[str] = ()):
    """Parse the LaTeX of one side of an equation into the spec grammar's AST.

    ``macros``: the document's definitions (`macros_from`); ``names``: the symbols, which decide
    between spellings the LaTeX does not (``W_{1}`` is ``W_1`` or ``W1``, ``\\varepsilon`` is
    ``epsilon`` or ``eps``) and keep ``\\sigma(x)`` a product when σ is a symbol.
    """
    return _Parser(source, macros, names).parse()
