"""LaTeX math → the spec grammar's AST: formulas as authors write them, read by our own parser.

Never ``eval``, never SymPy's LaTeX parser: letters are matrices that do not commute. ``XY`` is
the product of X and Y (TeX sets two letters); ``\\mathrm{xy}``, ``\\operatorname{…}`` and macros
give names of several letters. The result is the AST of `gen.expr.parser` (positions are offsets in
the LaTeX), so the lowering, the shape checks and the numeric verification apply unchanged.
Tables, not branches: what each control sequence means is a row of `gen.expr.texnames` or a handler
of `gen.expr.texcontrol`; the tokens and macros are `gen.expr.texlex`'s, the words `gen.expr.texwords`'.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace

from ..errors import SpecError
from ..spec.reader import Text
from .functions import FUNCTIONS
from .parser import BinOp, Call, Name, Neg, Num, Postfix
from .texbars import ELISIONS, bar_ahead, evaluated, refused
from .texcontrol import CONTROL, CORE, indicator, indicator_ahead, inner
from .texelided import only_dots, summed_out
from .texindex import INDEX_CONTROL, entry
from .texlex import Macros, Stream, Tok, macros_from
from .texmatrix import MatrixLiteral, from_rows
from .texnames import (
    BOLD,
    CLOSER_NAMES,
    CLOSERS,
    DROPPED_WITH_ARGUMENT,
    EXPONENTIAL,
    GREEK_NAMES,
    OPENINGS,
    PRIMED_FUNCTIONS,
    PROSE,
    REFUSED,
    SIZES,
    SPACES,
    TIMES,
    TRANSPOSES,
    WORD_STYLES,
    as_written,
    layer_index,
    raised,
)
from .texoperators import applied_map, linear_map, refuse_undefined
from .texscripts import (
    one_index_ahead,
    ones_of_size,
    script_after_transpose,
    scripted_number,
    transposed_name,
)
from .texwords import Words

__all__ = ["CORE", "Macros", "macros_from", "parse_tex"]

PRIMED_TRANSPOSE = re.compile(r"'\s*\^\s*\{?\s*(?:\\top|\\intercal|T)")  # Σ'^⊤: the prime marks a name
NONE: Mapping = {}  # no function the text defines
MAX_DEPTH = 50  # levels of nesting (a level is a dozen Python frames: well inside the recursion limit)


class _Parser(Words):
    """Precedence climbing: sum < A : B < product (juxtaposition too) < unary minus < scripts < atom."""

    def __init__(
        self, source: Text, macros: Macros | None, names: Collection[str], functions: Mapping, by: str | None
    ):
        self.source, self.names, self.functions = source, names, functions
        self.by = by  # the variable of a \nabla written without one (`gen.expr.texgradient.gradient_of`)
        self.stream = Stream(source, macros)
        self.depth = 0
        self.bars = 0  # inside |…|: a '|' closes, never opens
        self.primes_mark = PRIMED_TRANSPOSE.search(source.value) is not None

    # --- tokens -------------------------------------------------------------------------------

    def error(self, message: str, token: Tok | None = None) -> SpecError:
        return self.stream.error(message, token or self.peek())

    def peek(self) -> Tok:
        """The next token that means something: spacing, sizes (\\left, \\bigl), labels skipped."""
        while True:
            token = self.stream.peek()
            if token.kind == "cs" and token.text in SPACES:
                self.stream.next()
            elif token.kind == "cs" and token.text in SIZES:
                self.stream.next()
                if self.stream.peek().is_char("."):
                    self.stream.next()  # \left. : no delimiter
            elif token.kind == "cs" and token.text in DROPPED_WITH_ARGUMENT:
                self.stream.next()
                if self.stream.peek().is_char("*"):  # \tag*{…}
                    self.stream.next()
                self.group_tokens()
            elif token.kind == "char" and token.text in ("~", "&"):
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
        if self.prose_ahead():  # "\quad\text{by (3)}": the author's reason, not the expression
            return node
        if self.peek().kind != "end":
            raise self.error(f"unexpected {self.peek().shown()}")
        return node

    def sum(self):
        node = self.colon()
        terms = [(None, node)]  # (the sum before, the term) of each term added since a minus sign
        while True:
            if bar_ahead(self):  # F\Big|_{y = g}: the sum so far, composed with y = g
                node, terms = evaluated(self, node), []
            elif (op := self.accept("+", "-")) and op.text == "+" and (dots := self.elision_ahead()):
                node, terms = summed_out(self, terms, dots), []
            elif op:
                term = self.colon()
                terms = [*terms, (node, term)] if op.text == "+" else []
                node = BinOp(op.text, node, term, op.pos)
            else:
                return node

    def elision_ahead(self) -> Tok | None:
        """The dots of ``a_1 + a_2 + \\dots + a_n`` where they come next, between two plus signs."""
        stack = self.stream.stack
        typed = len(stack) > 3 and all(t.is_char(".") for t in stack[-3:])  # ... typed as three periods
        named = len(stack) > 1 and stack[-1].kind == "cs" and stack[-1].text in ELISIONS
        width = 3 if typed else 1
        if not (typed or named) or not stack[-1 - width].is_char("+"):
            return None
        return [self.next() for _ in range(width)][-1]

    def colon(self):
        """``A : B``, the Frobenius inner product ``tr(AᵀB)``."""
        node = self.product()
        while op := self.accept(":"):
            node = inner(node, self.product(), op.pos)
        return node

    def product(self):
        """Factors joined by an operator (``\\cdot``, ``/``, ``\\odot``, ``\\oslash``, ``\\otimes``);
        juxtaposition binds tighter: ``x \\odot Wy`` is ``x ∘ (Wy)``, ``1/2x`` is ``1/(2x)``."""
        node = self.juxtaposed()
        while (token := self.peek()).kind in ("char", "cs") and token.text in TIMES or self.julia_dot(False):
            op = ".*" if self.julia_dot() else TIMES[self.next().text]  # \mathbin{.*}: Julia's x .* y
            right = self.nested(self.juxtaposed)
            if op == "./":  # A \oslash B: A ∘ B^{∘-1}
                op, right = ".*", Postfix(".^", right, token.pos, Num("-1", token.pos))
            if op == "kron":
                node = Call("kron", (node, right), token.pos)
            else:
                node = BinOp(op, node, right, token.pos, dot=token.is_cs("cdot"))
        return node

    def juxtaposed(self):
        node = self.unary()
        while self.starts_atom(token := self.peek()):
            if isinstance(node, Name) and self.raised_argument():  # \Sigma(x)^{-1}: of x, not Σ x⁻¹
                name = as_written(node.name)
                message = f"{name}(…) with a power or transpose after it: a function the text does not define"
                raise refused(self, f"{message} (define {name}(…))", token)
            node = BinOp("*", node, self.nested(self.postfix), token.pos)
        return node

    def raised_argument(self) -> bool:
        """Whether ``(x)^`` comes next, one letter in parentheses then a superscript: after a name, an
        argument (``\\Sigma(x)^{-1}``, ``A(\\theta)^T``), which a product would never be written as."""
        ahead = self.stream.stack[-4:][::-1]
        return (
            len(ahead) == 4
            and ahead[0].is_char("(")
            and (ahead[1].kind == "letter" or ahead[1].kind == "cs" and ahead[1].text in GREEK_NAMES)
            and ahead[2].is_char(")")
            and ahead[3].is_char("^")
        )

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
            if token.is_char("'") and self.primed_name(node):
                self.next()  # \Sigma' and \Sigma'^{\top}: another matrix, and its transpose
                node = Name(self.resolve((f"{node.name}prime", f"{node.name}_prime")), node.pos)
            elif token.is_char("'"):
                refuse_undefined(self, node)  # f'(x)[v] of an f the text does not define
                node = self.primed(node, self.next())
            elif token.is_char("^"):
                self.next()
                node = self.superscript(node, token)
                named = isinstance(node, Postfix) and isinstance(node.operand, Name)
                if named and self.peek().is_char("(", "["):  # x^T(n), f^T(x): x(n)ᵀ, f(x)ᵀ
                    node = replace(node, operand=self.applied(node.operand, token))
                elif isinstance(node, Name) and node.name in self.functions and self.peek().is_char("("):
                    node = self.applied(node, token)  # g^{[L]}(Z): the layer's function g_L, applied
            elif token.is_char("[") and linear_map(node):  # (A \otimes B)[X]: a linear map applied
                node = applied_map(self, node)
            elif token.is_char("_") and isinstance(node, Num | Call) and scripted_number(node):
                node = ones_of_size(self, node, token)  # 1_n, \mathbf{1}_n, \bold{1_n}: the vector of ones
            elif token.is_char("_") and transposed_name(node) and one_index_ahead(self.stream.stack):
                node = script_after_transpose(self, node)  # K^T_k is K_k^T
            elif token.is_char("_"):  # (AB)_{ij}: an entry
                node = entry(self, node, self.next())
            else:
                return node

    def primed(self, node, prime: Tok):
        """``node'``: a function's derivative applied (σ'(z) of the text's σ, the sigmoid's; refused for
        another function the text does not define), else a transpose (X', a matrix's)."""
        if self.defined_prime(node):  # σ'(z) of a σ the text defines: read where σ is known
            return Call(f"{node.name}'", self.arguments(node.name, prime), prime.pos)
        if self.function_prime(node) and node.name == "sigma" and "sigma" not in self.functions:
            return self.sigmoid_prime(prime)
        if self.function_prime(node):
            message = f"{node.name}'(…) is the derivative of the function {node.name}: write it out"
            message += " (\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))), or declare it any smooth function"
            raise refused(self, f"{message} (% derivtex: {as_written(node.name)}: function)", prime)
        return Postfix("T", node, prime.pos, primed=True)

    def primed_name(self, node) -> bool:
        """Whether the ``'`` after a name marks another symbol, not the transpose: a transpose follows
        a prime somewhere in the expression (``\\Sigma' + \\Sigma'^{\\top}``), or the primed name is
        a symbol."""
        if not isinstance(node, Name):
            return False
        return self.primes_mark or any(n in self.names for n in (f"{node.name}prime", f"{node.name}_prime"))

    def sigmoid_prime(self, prime: Tok):
        """``\\sigma'(z)``, the sigmoid's derivative σ(z) ∘ (1 - σ(z)), entry by entry: written
        hadamard(σ(z), σ(-z)), the same, with no 1 to size (and z's indices once, as a call's)."""
        args = self.arguments("sigma", prime)
        if len(args) != 1:
            raise self.error("\\sigma'(…) takes one argument", prime)
        return sigmoid_derivative(args[0], prime.pos)

    def defined_prime(self, node) -> bool:
        """Whether ``node'`` is the derivative of a function the text defines, applied (``g'(z)``)."""
        defined = isinstance(node, Name) and node.name in self.functions and self.functions[node.name] is None
        return defined and self.peek().is_char("(")

    def function_prime(self, node) -> bool:
        """Whether ``node'`` is a function's derivative applied to an argument (``\\sigma'(z)``,
        ``\\phi'\\!\\left(z\\right)``, ``f'(x)``, a layer's ``{g^{[L]}}'(z)``), not a transpose
        (``X'(Y + Z)``, a matrix's)."""
        function = node.name.split("_")[0] in PRIMED_FUNCTIONS if isinstance(node, Name) else False
        return function and node.name not in self.names and self.peek().is_char("(")

    def superscript(self, base, caret: Tok):
        bare_minus = self.peek().is_char("-")
        written = self.group_tokens()
        tokens = [t for t in undropped(written) if not (t.kind == "cs" and t.text in SPACES)]
        if bare_minus and self.peek().kind == "digit":  # X^-1 as typed: X^{-1} (P_k^-H^T: a prior P_k^-)
            tokens.append(self.next())
        texts = tuple(t.text for t in tokens if not t.is_char("{", "}"))
        texts = ("prime",) if texts == ("'",) else texts  # w^{'}: w^{\prime}
        if not texts and written:  # x_i^{\phantom{1}}: nothing typeset
            return base
        if not texts:
            raise self.error("expected an exponent after '^' (\\top, -1, a number), found nothing", caret)
        if texts == ("prime",) and self.primed_name(base):  # \Sigma^{\prime} is \Sigma': a symbol here
            return Name(self.resolve((f"{base.name}prime", f"{base.name}_prime")), base.pos)
        if texts == ("prime",) and (self.defined_prime(base) or self.function_prime(base)):
            return self.primed(base, caret)  # g^{'}(a^Tx), g^{\prime}(z): g'(z), as LaTeX typesets it
        closing = {"(": ")", "[": "]", "<": ">", "langle": "rangle"}.get(texts[0])
        if closing in texts:  # W^{(1)}, W^{[1]}, a^{<t>}, \Delta^{(\ell)\top}: an index, part of the name
            close = next(i for i, t in enumerate(tokens) if t.text == closing and not t.is_char("{", "}"))
            base = self.indexed(base, tokens[: close + 1], caret)
            tokens = tokens[close + 1 :]
            texts = tuple(t.text for t in tokens if not t.is_char("{", "}"))
            if not texts:
                return base
        if isinstance(base, Name) and (layered := self.layer_name(base, tokens)):
            return layered  # W^l, a^{l-1}: a layer's symbol, declared so (never a power)
        # e^t, e^H: powers of e, unless the text has a symbol e (e(t)^H); \lambda^t where the text
        # declares t (a time): a power, never a transpose
        exponential = base == Name("e", base.pos) and "e" not in self.names and not self.argument_ahead(base)
        power = texts in EXPONENTIAL and exponential or texts == ("t",) and "t" in self.names
        if texts in TRANSPOSES and not power:
            return Postfix("T", base, caret.pos, caret=TRANSPOSES[texts])
        if texts[:1] == ("-",) and texts[1:] in TRANSPOSES:
            return Postfix("-T", base, caret.pos, caret=TRANSPOSES[texts[1:]])
        if texts == ("-", "1"):
            return Postfix("-1", base, caret.pos)
        if texts in DECORATIONS and isinstance(base, Name) and (name := self.decorated(base, texts)):
            return Name(name, base.pos)  # x^*, \hat{x}_k^-, P_k^+: names of their own
        if texts[:1] in DECORATIONS and texts[1:] in TRANSPOSES and isinstance(base, Name):  # X^{*T}
            if name := self.decorated(base, texts[:1]):
                return Postfix("T", Name(name, base.pos), caret.pos, caret=TRANSPOSES[texts[1:]])
        if texts == ("+",):
            raise self.error("A^{+}, the pseudo-inverse, is not supported: write (A^T A)^{-1} A^T", caret)
        if tokens[0].is_cs("circ"):
            if len(tokens) == 1 and isinstance(base, Call):  # \lvert X\rvert^{\circ}: entry by entry
                return replace(base, entrywise=True)
            if len(tokens) == 1:
                message = "'^{\\circ}' (entry by entry) goes after a function's name: \\exp^{\\circ}(X)"
                raise self.error(message, caret)
            return Postfix(".^", base, caret.pos, self.sub_parse(tokens[1:], where=caret))
        return Postfix("^", base, caret.pos, self.sub_parse(tokens, where=caret))

    def layer_name(self, base: Name, tokens: list[Tok]) -> Name | None:
        """``W^l``, ``a^{l-1}``, ``\\delta^L``, ``x^{k+1}``, ``W^{xh}``, ``w^1`` where the text declares the
        layer's (the iterate's, the label's) symbol (W_l, a_lm1, x_kp1): an index letter with a step ±1
        at most, a label of two or three letters, or a number (declared: else a power)."""
        parts = [layer_index(t) for t in tokens if not t.is_char("{", "}")]
        index = "".join(p for p in parts if p is not None)
        if None in parts or not re.fullmatch(r"(?:[A-SU-Za-z]|[A-Za-z]{2,3}|ell|tau)(?:[mp]\d)?|\d+", index):
            return None
        if (name := raised(base.name, index)) in self.names:  # x^k, H^{k+1}: declared so
            return Name(name, base.pos)
        if not re.fullmatch(r"(?:l|L|ell)(?:[mp]\d)?", index):
            return None
        name = self.resolve((f"{base.name}_{index}", f"{base.name}{index}"))
        return Name(name, base.pos) if name in self.names else None

    def decorated(self, base: Name, texts: tuple) -> str | None:
        """The name of ``x^*`` (an optimum), ``\\hat{x}_k^-`` (a prior estimate), ``P_k^+``: the word
        before the subscript (``xstar``, ``xhatminus_k``); ``+`` only where a symbol has that name (else
        the pseudo-inverse)."""
        main, script, sub = base.name.partition("_")
        spellings = tuple(f"{main}{DECORATIONS[texts]}{joint}{sub}" for joint in ("_", "")) if script else ()
        spellings = spellings or (f"{main}{DECORATIONS[texts]}",)
        name = self.resolve(spellings)
        return name if texts != ("+",) or name in self.names else None

    def indexed(self, base, tokens: list[Tok], caret: Tok) -> Name:
        """``W^{(1)}``, ``W^{[1]}``, ``x^{(i)}``: a layer's or a sample's own symbol (``W_1`` or ``W1``),
        never a power (``W^{(2)}W^{(1)}`` is not ``W^2``)."""
        parts = [layer_index(t) for t in tokens[1:-1]]
        if not isinstance(base, Name) or not parts or None in parts:
            raise self.error("an index ^{(k)} goes on a symbol's name: W^{(1)}, A^{(\\ell-1)}", caret)
        index = "".join(parts)
        main, _, sub = base.name.partition("_")
        if re.fullmatch(r"[a-z](,?[a-z])?", sub):  # z_j^{[2]}, x_j^{(i)}, \xi_k^{(a)}: z_2_j, xi_a_k: a
            layered = self.resolve((f"{main}_{index}", f"{main}{index}"))  # symbol if declared, else
            return Name(f"{layered}_{sub.replace(',', '')}", base.pos)  # the entry j of z_2 (texcheck)
        return Name(self.resolve((f"{base.name}_{index}", f"{base.name}{index}")), base.pos)

    def prose_ahead(self) -> bool:
        """Whether ``\\text{…}`` of words (spaced or punctuated, not a name such as ``tr``) comes next."""
        token, stack = self.peek(), self.stream.stack
        if not (token.kind == "cs" and token.text in PROSE) or len(stack) < 3 or not stack[-2].is_char("{"):
            return False
        inside = []
        for t in reversed(stack[:-2]):
            if t.is_char("}"):
                break
            inside.append(t)
        words = all(t.kind in ("letter", "digit") for t in inside)
        return not words or any(b.pos - a.pos > 1 for a, b in zip(inside, inside[1:]))

    def starts_atom(self, token: Tok) -> bool:
        if bar_ahead(self) or self.julia_dot(consume=False):
            return False
        if token.kind in ("letter", "digit"):
            return True
        if token.kind == "char":
            return token.text in "([{" or token.text == "|" and not self.bars
        if token.text in ("|", "Vert", "vert", "mid"):
            return not self.bars
        if token.kind == "cs" and token.text in PROSE and self.prose_ahead():
            return False
        return token.kind == "cs" and token.text not in TIMES and token.text not in CLOSERS

    def braced_letter(self) -> bool:
        """Whether ``{x}`` (a letter or a Greek letter alone in braces) comes next, followed by a
        subscript or superscript: braces TeX draws nothing for, around a symbol's name."""
        stack = self.stream.stack
        if len(stack) < 4 or not stack[-3].is_char("}") or not stack[-4].is_char("_", "^"):
            return False
        letter = stack[-2]
        return letter.kind == "letter" or letter.kind == "cs" and letter.text in GREEK_NAMES

    def atom(self):
        token = self.peek()
        if token.text == "1" and self.indicator_braced():  # 1\{x > 0\}: CS229's indicator
            return indicator(self, self.next())
        if token.kind == "digit" or token.is_char("."):
            return self.number()
        if token.kind == "letter":
            return self.letters()
        if token.is_char("{") and self.old_style_differential():
            return self.differential(token)
        if token.is_char("{") and self.braced_letter():  # {e}_{t}^{-}: the letter e, scripted
            stack = self.stream.stack
            letter = stack[-2]
            del stack[-3:]
            self.stream.push([letter])
            return self.atom()
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
            handler = CONTROL.get(token.text) or INDEX_CONTROL.get(token.text)
            if handler is not None:
                return handler(self, token)
            if token.text in GREEK_NAMES:
                return self.greek(token)
            if token.text in REFUSED:
                raise self.error(REFUSED[token.text], token)
            raise self.error(f"'\\{token.text}' is not understood (define it with \\newcommand)", token)
        raise self.error(f"expected a symbol, a number or '(', found {token.shown()}")

    def indicator_braced(self) -> bool:
        """Whether ``1\\{…\\}`` comparing two sides comes next (the indicator as Ng's notes write it)."""
        stack = self.stream.stack
        return len(stack) > 2 and stack[-2].is_cs("{", "lbrace") and indicator_ahead(stack[:-1])

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
        if closing == "]" and (cells := self.elided_row()):  # [x_1, \dots, x_n], [x_1 \cdots x_n]
            return from_rows(self, [cells], opening)
        bars, self.bars = self.bars, 0
        cells = [self.nested(self.sum)]
        while closing == "]" and self.accept(","):  # [a, b, c]: a row, its blocks side by side
            cells.append(self.nested(self.sum))
        self.bars = bars
        self.close(closing, opening)
        return cells[0] if len(cells) == 1 else MatrixLiteral(tuple(cells), len(cells), opening.pos)

    def elided_row(self) -> list[list[Tok]] | None:
        """The cells of a bracketed row with an elided cell (consumed up to its ``]``): ``[x_1, \\dots,
        x_n]`` (cells between commas) or ``[x_1 \\hdots x_n]`` (one symbol on each side of the dots),
        the columns of a matrix as ``\\begin{bmatrix} x_1 & \\cdots & x_n \\end{bmatrix}`` writes them.
        None (nothing consumed) for anything else."""
        ahead, depth = [], 0
        for token in reversed(self.stream.stack):
            if token.kind == "end" or depth == 0 and token.is_char("]"):
                break
            depth += token.is_char("(", "[", "{") - token.is_char(")", "]", "}")
            ahead.append(token)
        else:
            return None
        if token.kind == "end" or not any(t.kind == "cs" and t.text in ELISIONS for t in ahead):
            return None
        cells, cell, depth = [], [], 0
        for token in ahead:
            depth += token.is_char("(", "[", "{") - token.is_char(")", "]", "}")
            if depth == 0 and token.is_char(","):
                cells, cell = [*cells, cell], []
            else:
                cell.append(token)
        cells.append(cell)
        if len(cells) == 1:  # [x_1 \hdots x_n]: a symbol, the dots, a symbol
            dots = [k for k, t in enumerate(ahead) if t.kind == "cs" and t.text in ELISIONS]
            cells = [ahead[: dots[0]], ahead[dots[0] : dots[0] + 1], ahead[dots[0] + 1 :]]
            if len(dots) != 1 or not all(self.one_symbol(c) for c in cells[::2]):
                return None
        if not all(cells) or not any(only_dots(c) for c in cells):
            return None
        del self.stream.stack[len(self.stream.stack) - len(ahead) - 1 :]  # the row and its ], as written
        return cells

    def one_symbol(self, tokens: list[Tok]) -> bool:
        saved = list(self.stream.stack)
        try:
            return bool(tokens) and isinstance(self.sub_parse(tokens, where=tokens[0]), Name)
        except SpecError:
            self.stream.stack = saved
            return False

    def close(self, closing: str, opening: Tok) -> None:
        if not self.accept(closing, *CLOSER_NAMES.get(closing, ())):
            where, found = self.stream.source.at(opening.pos).col, self.peek().shown()
            message = f"expected '{closing}' to close the {opening.shown()} at column {where}, found {found}"
            raise self.error(message)

    def arguments(self, name: str, word: Tok) -> tuple:
        """``(a, b)`` after a function's name."""
        opening = self.next()
        closing = OPENINGS[opening.text]
        given = lone_bar(self.stream.stack)  # \pi(a | s, \theta): a bar conditions, as a comma separates
        bars, self.bars = self.bars, int(given)  # then a bar ends an argument, as |…|'s closing one would
        args = [self.nested(self.sum)]
        while self.accept(",", ";", *(("|", "mid", "vert") if given else ())):  # f(x; \theta): parameters
            args.append(self.nested(self.sum))
        self.bars = bars
        self.close(closing, opening)
        return tuple(args)


def undropped(tokens: list[Tok]) -> list[Tok]:
    """``tokens`` without what typesets nothing: ``\\phantom{1}``, ``\\label{…}`` and their arguments."""
    kept, skipping, depth = [], False, 0
    for token in tokens:
        if not skipping and token.kind == "cs" and token.text in DROPPED_WITH_ARGUMENT:
            skipping, depth = True, 0
            continue
        if skipping:
            depth += token.is_char("{") - token.is_char("}")
            skipping = depth > 0
            continue
        kept.append(token)
    return kept


def lone_bar(stack: list[Tok]) -> bool:
    """Whether the parenthesis that opened last holds one bar at its own level (``a | s``, ``a \\mid
    s``), not two (``|x|``): the tokens ahead are ``stack``, the next last."""
    depth, bars = 0, 0
    for token in reversed(stack):
        depth += token.is_char("(", "[", "{") - token.is_char(")", "]", "}")
        if depth < 0:
            break
        bars += depth == 0 and (token.is_char("|") or token.is_cs("mid", "vert"))
    return bars == 1


DECORATIONS = {("*",): "star", ("ast",): "star", ("star",): "star", ("-",): "minus", ("+",): "plus"}


def latex_reading(name: str, entrywise: bool, args: list) -> str:
    """What a function written in LaTeX is, given its arguments: ``\\exp(X)``, ``\\log(X)`` of a
    square matrix the matrix function (Higham; ``\\exp^{\\circ}(X)`` is entry by entry), ``|X|`` its
    determinant, ``|x|`` and ``\\|x\\|_2`` of a vector the Euclidean norm, of a number its absolute value."""
    from . import ir

    x = args[0] if args else None
    matrix = ir.is_matrix(x) and not ir.is_one_by_one(x)
    square = matrix and x.shape[0] == x.shape[1]
    if square and not entrywise and name == "abs":
        return "det"
    if square and not entrywise and name in FUNCTIONS and FUNCTIONS[name].matrix_function in FUNCTIONS:
        return FUNCTIONS[name].matrix_function
    if (name == "norm2" or name == "abs" and not entrywise) and matrix and x.shape[1] == 1:  # |x|: a length
        return "norm"
    if name == "norm2" and not matrix:  # ‖w^T μ₀ - w^T μ₁‖₂: a 1×1 quantity, a number
        return "abs"
    return name


def parse_tex(
    source: Text,
    macros: Macros | None = None,
    names: Collection[str] = (),
    functions: Mapping = NONE,
    by: str | None = None,
):
    """Parse the LaTeX of one side of an equation into the spec grammar's AST.

    ``macros``: the document's definitions (`macros_from`); ``names``: the symbols, which decide
    between spellings the LaTeX does not (``W_{1}`` is ``W_1`` or ``W1``, ``\\varepsilon`` is
    ``epsilon`` or ``eps``) and keep ``\\sigma(x)`` a product when σ is a symbol; ``functions``: the
    names the text defines as functions, applied before parentheses (`gen.expr.texwords.Words.applied`);
    ``by``: the variable of a ``\\nabla`` written without one, where the chain says it (``\\nabla f = …``).
    """
    return _Parser(source, macros, names, functions, by).parse()


def sigmoid_derivative(z, at: int) -> Call:
    """σ'(z) = σ(z) ∘ (1 - σ(z)), written hadamard(σ(z), σ(-z)): the same, with no 1 to size."""
    return Call("hadamard", (Call("sigmoid", (z,), at), Call("sigmoid", (Neg(z, at),), at)), at)
