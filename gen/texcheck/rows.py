"""A display block's body → chains of sides: rows at ``\\\\``, columns at ``&``, relations between.

Offsets are kept: what is not mathematics (labels, tags, ``&``, the reason column, a
``\\quad\\text{…}`` remark) is replaced by spaces, so every side is a slice of the file.
A row that starts with a relation or an operator, or follows a row that ends with one (``+ \\\\``),
continues the row before; any other row starts a new chain. Only ``=`` links are checked; the
other relations separate sides whose links are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..expr.texbars import MOMENTS
from ..expr.texnames import WORDS
from .conditions import after_condition
from .document import Event
from .matrixrows import inside_matrices, layout_arrays

# Dropped: they mark the equation, not the mathematics (an argument in braces goes with them); a
# reference only where it ends the row, as a remark (\eqref{3} - (…) uses the equation's value: kept,
# and not understood).
DROPPED = re.compile(
    r"\\(?:label|tag\*?)\s*\{[^{}]*\}|\\(?:nonumber|notag|pause|displaystyle|allowbreak|nobreak|qedhere|whybelow|whylast)\b"
    r"|\\(?:eqref|ref)\s*\{[^{}]*\}(?=[\s).,;]*(?:$|\\\\|&|\\(?:quad|qquad|text|tag|label)\b))"  # a remark
    r"|\\begin\s*\{alignedat\*?\}\s*\{[^{}]*\}"  # its column count; {e}_t after aligned is mathematics
    r"|\\(?:begin|end)\s*\{(?:aligned|alignedat|split|gathered)\*?\}(?:\s*\[[a-z]\])?"
    r"|\\setcounter\s*\{[^{}]*\}\s*\{[^{}]*\}|\\(?:vspace|phantom)\*?\s*\{[^{}]*\}"
    r"|(?<!\\)\\(?:hfill|qquad|quad|[,;:! ]|hspace\*?\s*\{[^{}]*\})"
)
ROW_BREAK = re.compile(r"\\\\\*?(?:\s*\[[^\]]*\])?|\\(?:newline|cr)\b")
# A statement's start in the middle of a row: ``\\therefore`` (the line after it is its own statement,
# ``a = b \\therefore c = d``) and, outside brackets, a ``\\because`` that gives the step's reason
# (``&= b ~\\because \\text{Woodbury}``: it starts a row of its own, an aside).
STATEMENT = re.compile(r"\\therefore\b|(?=\\because\b)")
INTERTEXT = re.compile(r"\\(?:intertext|shortintertext)\s*\{")
# Unwrapped: they place their argument (``\\mathrlap{…}`` overlaps the column; ``\\boxed{A = B}`` frames
# a chain whose relations are links), the argument stays.
STRAY = re.compile(r"(?<=(?<!\\)\\\\)\\(?=\s)")
# {\textstyle …} as a group of its own, not an argument (\frac{1}{\displaystyle \sum …}, x^{\textstyle …})
STYLED = re.compile(r"(?<![\\}\w^_])\{(?=\s*\\(?:textstyle|displaystyle|scriptstyle)\b)")
# wrappers: \boxed{a = b}, \color{red}{a = b}, \displaylines{a = b \\ c = d}, \cancel{- x}
OVERLAPS = re.compile(
    r"\\(?:mathrlap|mathllap|mathclap|rlap|llap|clap|boxed|fbox|displaylines|cancel|bcancel|xcancel)\s*\{"
    r"|\\(?:textcolor|color|colorbox)\s*\{[^{}]*\}\s*\{"
)
MATH_SHIFT = re.compile(r"(?<!\\)\$")  # $…$ inside a display: a box's own mathematics, the same
ACRONYM = re.compile(r"[A-Z][A-Z0-9]+")  # MSE, RSS, ELBO: a name, not a remark
# a word differentiated by or multiplied (\partial \text{attn}, \text{attn} \cdot V): a name, not a remark
OPERAND_BEFORE = re.compile(r"\\partial\s*$")
OPERAND_AFTER = re.compile(r"\s*(?:\\(?:cdot|odot|times|circ|oslash)(?![A-Za-z])|[*/])")
EMPTY_SCRIPT = re.compile(r"[_^]\s*\{\s*(?:\\[hv]?phantom\s*\{[^{}]*\}\s*)?\}")  # x_i^{ }, x^{\phantom{1}}
BREAK = "\x00"  # where an \intertext was: the row ends there
REMARK = re.compile(r"\\(?:text|mbox|textrm|textit|textnormal|hbox)\s*\{")
# a row's label in a cell of its own: \text{Mah Distance}:, \mathrm{Parallel\ training:}
LABEL = re.compile(r"\\(?:text|mbox|textrm|textit|textbf|textnormal|mathrm|hbox)\s*\{[^{}]*\}\s*[:：]?")
WHY = re.compile(r"\\why\s*\{")  # derivtex's reason column
# \text{tr}, \text{softmax}(x): a function's name, not a remark (blanked, softmax(x) would read as x)
OPERATOR_NAMES = frozenset({*"tr Tr det diag vec logdet rank etr E".split(), *WORDS, *MOMENTS})
PUNCTUATION = re.compile(r"[.,;]\s*$")
CHECKED = "="
# The relations, longest first (typed as Unicode characters too, ≤ ≥ ≠ …); those other than = only
# separate sides (their links are skipped);
# < and > not after \left or \big (⟨x⟩ typed \left< x \right>).
RELATIONS = re.compile(
    r"\\(?:stackrel|overset)\s*\{(?P<why>[^{}]*(?:\{[^{}]*\}[^{}]*)*)\}\s*\{\s*=\s*\}"
    r"|(?P<other>:=|=:|\\coloneqq|\\eqqcolon|\\triangleq|\\equiv|\\(?:Long|long)?(?:right|left|leftright)arrow\b"
    r"|\\(?:Long|long)?(?:Right|Left|LeftRight|Leftright)arrow\b|\\implies\b|\\impliedby\b|\\iff\b"
    r"|\\approx\b|\\simeq\b|\\sim\b|\\cong\b|\\propto\b|\\leq?\b|\\geq?\b|\\leqslant\b|\\geqslant\b"
    r"|\\neq?\b|\\to\b|\\mapsto\b|\\in\b|\\ll\b|\\gg\b|\\(?:pre|suc)c(?:eq|curlyeq)?\b|[≤≥≠≈∈→⇒⟹∝≡]"
    r"|(?<!\\left)(?<!\\right)(?<!\\big)(?<!\\Big)(?<!\\bigl)(?<!\\bigr)(?<!\\Bigl)(?<!\\Bigr)[<>])"
    r"|(?P<eq>=)"
)
# Two statements on one line: ``A = B,\quad C = D`` (a comma, then a wide space), or a wide space
# alone between two relations (``f = \|Y\|^2 \quad Y = XW``); spaces typed one by one, ``\ \ \ ``, too,
# and a word typed after them (``\ \ where \ E[\epsilon] = 0``: not w·h·e·r·e times E[ε]); \enspace
# is one too (``x_i \enspace , \enspace i=1,2,...,N``).
SEPARATOR = re.compile(
    r"(?:\\enspace\b\s*)*(?P<comma>,\s*(?:~|\\,|\\;|\\\s)*)?(?=\\q?quad\b|\\enspace\b|\\ \s*\\ )"
    r"(?:(?:\\q?quad\b|\\enspace\b|\\ )\s*)+"
    r"(?:(?:where|for|with|and|if|since)(?![A-Za-z])(?:\s|\\ |\\,|\\;|~)*)?"
)
BECAUSE = "\\because"  # the relation of a reason's links: skipped (gen.texcheck.links.first_look)
ASIDE = re.compile(r"\s*\\(?:because|since)\b")  # a row giving the reason of the step below
# a row that starts with an operator goes on the side above (``{-}``: a minus braced for its spacing)
OPERATOR = re.compile(r"\s*(?:[-+]|\{\s*[-+]\s*\}|\\cdot\b|\\times\b|\\odot\b|\\otimes\b|\\circ\b)")
# A row that ends with an operator goes on below: ``V = \frac{1}{2} X^T C X + \\ X^T c`` is one side
# (a long side broken with ``\\`` outside ``aligned``, as Markdown notes write it).
TRAILING_OPERATOR = re.compile(r"(?:(?<![\^_{])[-+]|\\cdot|\\times)\s*$")


def trailing(text: str) -> bool:
    """Whether a row ends with an operator or an equals sign: its side goes on in the row below
    (``A = \\\\ B``: eqnarray*'s rows broken after the relation; an arrow ending a row is a step of
    its own, ``… \\\\ \\rightarrow \\\\ e = …``)."""
    end = len(text.rstrip())
    equals = (m for m in RELATIONS.finditer(text) if m.group("eq") or m.group("why") is not None)
    return bool(TRAILING_OPERATOR.search(text)) or any(m.end() == end for m in equals)


@dataclass(frozen=True)
class Side:
    text: str
    offset: int  # in the file


@dataclass(frozen=True)
class Link:
    """Two consecutive sides of a chain and the relation between them."""

    left: Side
    right: Side
    relation: str  # "=" or the relation as written
    reason: str  # the reason column or the \stackrel text, for the report
    row_start: bool  # the relation begins its row (``&= …``)


@dataclass(frozen=True)
class Chain:
    source: object
    links: tuple[Link, ...]
    env: str
    lone: Side | None = None  # a statement without a relation: the expression a later "= …" goes on from

    @property
    def continues(self) -> bool:
        """Whether the chain starts with a relation (``= …``): it goes on from an earlier display."""
        return bool(self.links) and not self.links[0].left.text


def blank(text: str, start: int, end: int) -> str:
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def closing(text: str, at: int) -> int:
    """The offset after the group whose ``{`` is at ``at - 1`` (the end of text if unclosed)."""
    depth = 1
    for i in range(at, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0) * (i == 0 or text[i - 1] != "\\")
        if depth == 0:
            return i + 1
    return len(text)


def top_level(text: str) -> list[bool]:
    """Whether each character is outside every brace group and every matrix literal."""
    depth, out, matrix = 0, [], inside_matrices(text)
    for i, char in enumerate(text):
        escaped = i > 0 and text[i - 1] == "\\"
        depth -= char == "}" and not escaped
        out.append(depth == 0 and not matrix[i])
        depth += char == "{" and not escaped
    return out


def depths(text: str) -> list[int]:
    """How many brackets (``(``, ``[`` and ``\\{``: the ``>`` of ``1\\{h > 0\\}``) are open before
    each character."""
    depth, out = 0, []
    for i, char in enumerate(text):
        escaped = i > 0 and text[i - 1] == "\\"
        depth -= char in ")]" or char == "}" and escaped
        out.append(depth)
        depth += char in "([" or char == "{" and escaped
    return out


def unbraced(body: str) -> str:
    """A display written as one brace group (``{\\frac{\\partial F}{\\partial L} = R^T R - I = 0}``):
    the group only wraps it, its relations are the chain's."""
    start = len(body) - len(body.lstrip())
    if body[start : start + 1] != "{":
        return body
    end = closing(body, start + 1)
    return blank(blank(body, end - 1, end), start, start + 1) if not body[end:].strip() else body


def operand_words(body: str) -> set[str]:
    """The words ``\\text{…}`` writes as a quantity somewhere in ``body`` (`OPERAND_BEFORE`,
    `OPERAND_AFTER`): names wherever written, not remarks."""
    found = set()
    for match in REMARK.finditer(body):
        end = closing(body, match.end())
        inside = body[match.end() : end - 1].strip()
        operand = OPERAND_BEFORE.search(body[: match.start()]) or OPERAND_AFTER.match(body[end:])
        if inside.isalpha() and operand:
            found.add(inside)
    return found


def open_at_end(text: str) -> bool:
    """Whether a bracket opened in ``text`` is still open at its end (the row goes on below)."""
    return (depths(text + " ")[-1]) > 0


def cleaned(body: str) -> tuple[str, list[str]]:
    """``body`` with what is not mathematics blanked, and the remarks taken out (in order)."""
    remarks, at = [], 0
    body = EMPTY_SCRIPT.sub(lambda m: " " * len(m.group()), body)  # before a remark leaves S^{ } too
    body = STRAY.sub(" ", body)  # kramdown's "\\\ " row break: the third backslash is a space
    operands = operand_words(body)
    for pattern in (INTERTEXT, REMARK):
        while match := pattern.search(body, at if pattern is REMARK else 0):
            end = closing(body, match.end())
            before = body[: match.start()].rstrip()  # \lambda_\textrm{max}, L_{\text{NLL}}: a name
            word = len(body[match.end() : end - 1].split()) == 1  # S^{\text{repeated row}}: a remark
            in_script = before.removesuffix("{").rstrip().endswith(("_", "^"))
            scripted = word and (in_script or re.match(r"\s*[_^]", body[end:]))  # \text{ net }_{t}: a name
            inside = body[match.end() : end - 1].strip()
            acronym = ACRONYM.fullmatch(inside)  # \text{MSE} = …, \nabla_w \text{MSE}: a quantity's name
            if pattern is REMARK and (inside in OPERATOR_NAMES or scripted or acronym or inside in operands):
                at = end  # \textrm{tr}[…]: an operator's name, read by the front end
                continue
            remarks.append(body[match.end() : end - 1].strip())
            marker = BREAK if pattern is INTERTEXT else " "  # an \intertext breaks the chain
            body = blank(body, match.start(), end)
            body = body[: match.start()] + marker + body[match.start() + 1 :] if marker != " " else body
    while match := STYLED.search(body):  # {\textstyle \begin{aligned}…\end{aligned}}: the group only styles
        end = closing(body, match.start() + 1)
        body = blank(blank(body, end - 1, end), match.start(), match.start() + 1)
    body = MATH_SHIFT.sub(" ", unbraced(body))
    while match := OVERLAPS.search(body):
        end = closing(body, match.end())
        body = blank(blank(body, end - 1, end), match.start(), match.end())
    for match in DROPPED.finditer(body):
        body = blank(body, match.start(), match.end())
    for start, end in layout_arrays(body):
        body = blank(body, start, end)
    return body, remarks


def rows(body: str) -> list[tuple[int, int]]:
    """The (start, end) of each row, split at top-level ``\\\\`` (and at an ``\\intertext``, a
    ``\\therefore`` and a ``\\because`` outside brackets)."""
    outside, depth, bounds, at = top_level(body), depths(body), [], 0
    breaks = [m for m in ROW_BREAK.finditer(body) if outside[m.start()]]
    breaks += [m for m in STATEMENT.finditer(body) if outside[m.start()] and depth[m.start()] <= 0]
    for match in sorted(breaks, key=lambda m: m.start()):
        bounds.append((at, match.start()))
        at = match.end()
    bounds.append((at, len(body)))
    split = []
    for start, end in bounds:
        pieces = [start, *(i + 1 for i in range(start, end) if body[i] == BREAK), end]
        split += list(zip(pieces, pieces[1:]))
    return split


def first_pair_continues(body: str, start: int, end: int) -> bool:
    """Whether the row goes on with a chain in its first pair of columns (``&= …`` as its first
    cells): the rows above keep their second pair as before (a reason, unchecked), since a chain
    per pair of columns (P̃ &= … & q̃ &= … \\\\ &= … & &= …) is not read."""
    cells = body[start:end].split("&")
    filled = next((k for k, cell in enumerate(cells) if cell.strip()), None)
    return filled is not None and filled <= 1 and bool(RELATIONS.match(cells[filled].lstrip()))


def columns(
    body: str, raw: str, start: int, end: int, env: str, pairing: bool = True
) -> tuple[str, str, list[int]]:
    """The row with its ``&`` blanked and the reason column (past the second column, as after
    ``&&``; past the third in eqnarray) blanked too; the reason as text; the ``&`` that part a
    second equation of the row from the first (``a &= b, & c &= d``, align's pairs of columns)."""
    outside = top_level(body)
    cuts = [i for i in range(start, end) if body[i] == "&" and outside[i] and not escaped(body, i)]
    if lead := labelled(body, start, cuts, end):  # \text{Mahalanobis}: && && \Delta^2 &= …: a label
        body, start, cuts = blank(body, start, cuts[lead - 1] + 1), cuts[lead - 1] + 1, cuts[lead:]
    kept = 3 if env.startswith("eqnarray") or relation_cell(body, cuts) else 2
    limit, pairs = kept, []
    while len(cuts) >= limit and relation_after(body, start, cuts[limit - 1], end):
        limit += 1  # &\delta V &&= \hat{A}^T \delta Y: a column that starts with '=' goes on the chain
    while (
        pairing and kept == 2 and len(cuts) > limit and equation_at(body, cuts[limit - 1], cuts[limit], end)
    ):
        pairs.append(cuts[limit - 1])  # a &= b, & c &= d: the second pair of columns, an equation
        limit += 2
    reason = remark(raw[cuts[limit - 1] + 1 : end]) if len(cuts) >= limit else ""
    if len(cuts) >= limit:
        body = blank(body, cuts[limit - 1], end)
    for cut in cuts[: limit - 1]:
        body = body[:cut] + " " + body[cut + 1 :]
    return body, reason, pairs


def labelled(body: str, start: int, cuts: list[int], end: int) -> int:
    """How many of the row's first cells are a label (``\\text{Product}:``, its words blanked) or
    empty before the equation the cells after hold: a table of formulas (``\\text{Sum}: && && C &=
    A + B``, and its next row ``&& && D &= …``). None where the row goes on a chain (``& &= x``) or
    its first cell is mathematics."""
    cells = [body[a:b] for a, b in zip([start, *(cut + 1 for cut in cuts)], cuts)]
    label = lambda cell: not cell.strip(" \t\n:：") or LABEL.fullmatch(cell.strip())  # noqa: E731
    k = next((j for j, cell in enumerate(cells) if not label(cell)), len(cells))
    rest = body[cuts[k - 1] + 1 if k else start : end].replace("&", " ").strip()
    equation = bool(rest) and not RELATIONS.match(rest) and bool(RELATIONS.search(rest))
    named = any(cell.strip() for cell in cells[:k])
    return k if equation and (k >= 2 or named) else 0


def equation_at(body: str, cut: int, then: int, end: int) -> bool:
    """Whether the columns after ``cut`` hold an equation: a side up to ``then``, a relation after."""
    side = body[cut + 1 : then]
    return (
        bool(side.strip())
        and not RELATIONS.search(side)
        and not REMARK.match(side.strip())
        and bool(RELATIONS.match(body[then + 1 : end].replace("&", " ").lstrip()))
    )


def escaped(body: str, i: int) -> bool:
    """Whether the character at ``i`` is escaped (``\\&``): an odd number of backslashes before it
    (``\\\\&``, a row break then a column, is not)."""
    k = i
    while k > 0 and body[k - 1] == "\\":
        k -= 1
    return (i - k) % 2 == 1


def relation_after(body: str, start: int, cut: int, end: int) -> bool:
    """Whether the row's columns after ``cut`` start with a relation that finishes a statement the
    columns before begin (``&\\delta V &&= \\hat{A}^T \\delta Y``: a side there, and no relation yet) or
    go on with the chain above (``& & &= x^T(A^T + A) dx``: nothing before, alignat's later columns)."""
    before = body[start:cut].replace("&", " ")
    return not RELATIONS.search(before) and bool(
        RELATIONS.match(body[cut + 1 : end].replace("&", " ").lstrip())
    )


def relation_cell(body: str, cuts: list[int]) -> bool:
    """Whether the row's second cell holds only a relation: ``a &=& b``, as eqnarray and
    ``array{rcl}`` set a chain (three columns of mathematics, then the reason)."""
    return len(cuts) >= 2 and RELATIONS.fullmatch(body[cuts[0] + 1 : cuts[1]].strip()) is not None


def remark(text: str) -> str:
    """A reason column as plain words: ``\\text{by (3)}`` gives ``by (3)``."""
    text = REMARK.sub("", text.replace("&", " "))
    return " ".join(DROPPED.sub(" ", text).replace("}", " ").split())


def mathematics(block: Event) -> str:
    """The block's text with its words blanked (``\\text{…}``, derivtex's ``\\why{…}``, an
    ``\\intertext``): a reason's ``tr(a) = a for a \\in \\mathbb{R}`` speaks of its identity's
    letters, while a column of mathematics (``&& X \\in \\mathbb{R}^{n\\times d}``) declares."""
    body, _ = cleaned(block.text)
    while match := WHY.search(body):
        body = blank(body, match.start(), closing(body, match.end()))
    return body


def chains(block: Event) -> list[Chain]:
    """The chains of one display block."""
    return [c for c in statements_of(block) if c.links]


def last_side(block: Event) -> Side | None:
    """The side a display ends with (a lone expression's, or its last chain's last): what a display
    that starts with ``=`` goes on from."""
    found = statements_of(block)
    if not found:
        return None
    last = found[-1]
    return last.links[-1].right if last.links else last.lone


def statements_of(block: Event) -> list[Chain]:
    """Every statement of one display block as a chain, a lone expression one without links."""
    body, _ = cleaned(block.text)
    lines, rowed, asides = [], [], []  # logical lines (start, end); each row (start, end, reason)
    pairs: list[int] = []  # the & between two equations of a row (a &= b, & c &= d)
    bounds = rows(body)
    body = body.replace(BREAK, " ")  # the rows are split: an \intertext's mark is a space again
    for k, (start, end) in enumerate(bounds):
        goes_on = k + 1 < len(bounds) and first_pair_continues(body, *bounds[k + 1])
        body, reason, paired = columns(body, block.text, start, end, block.env, pairing=not goes_on)
        pairs += paired
        text = body[start:end]
        if not text.strip():
            continue
        if aside := ASIDE.match(text):  # \because tr(a) = a, between the rows of a chain: its own
            asides.append((start + aside.end(), end))
            rowed.append((start + aside.end(), end, reason))
            continue
        unclosed = lines and open_at_end(body[lines[-1][0] : lines[-1][1]])
        starts = RELATIONS.match(text.lstrip()) or OPERATOR.match(text)
        starts = starts and not (lines and after_condition(body[lines[-1][0] : lines[-1][1]], text))
        dangling = lines and trailing(body[lines[-1][0] : lines[-1][1]])  # "… + \\", "… = \\"
        continues = starts or unclosed or dangling or block.env.startswith("multline")
        lines[-1:] = [(lines[-1][0], end)] if lines and continues else [*lines[-1:], (start, end)]
        rowed.append((start, end, reason))
    main = body
    for start, end in asides:  # the chain reads on over them
        main = blank(main, start - len("\\because"), end)
    pieces = [piece for start, end in lines for piece in statements(main, block.text, start, end, pairs)]
    chains = [chain_of(block, main, start, end, rowed) for start, end in pieces]
    reasons = [chain_of(block, body, start, end, rowed) for start, end in asides]
    return chains + [replace(c, links=tuple(replace(k, relation=BECAUSE) for k in c.links)) for c in reasons]


def statements(body: str, raw: str, start: int, end: int, pairs=()) -> list[tuple[int, int]]:
    """A logical line split into its statements at the top-level separators: the results that a
    document sets side by side, ``\\nabla_W f = G,\\quad \\nabla_b f = g``, are two chains, and so are
    an align row's pairs of columns (``a &= b, & c &= d``: ``pairs``, the & between them). (The
    spacing is blanked in ``body``; ``raw``, the block as written, still has it at the same places.)"""
    outside, depth = top_level(body), depths(body[start:end])
    found = SEPARATOR.finditer(raw, start, end)
    cuts = [
        (m.start(), m.end())
        for m in found
        if outside[m.start()]
        and depth[m.start() - start] <= 0
        and (m.group("comma") or between_relations(body, outside, m, start, end))
    ]
    cuts += [(at, at + 1) for at in pairs if start <= at < end and not any(a <= at < b for a, b in cuts)]
    bounds = [start, *(x for cut in sorted(cuts) for x in cut), end]
    return list(zip(bounds[::2], bounds[1::2]))


def between_relations(body: str, outside: list, m: re.Match, start: int, end: int) -> bool:
    """Whether the wide space ``m`` separates two statements: a relation on each side of it, and
    inside a row (not starting or ending one, nor before an operator or a relation that goes on:
    ``&\\quad + b``, ``a \\qquad \\\\ &= b``)."""
    related = lambda a, b: any(outside[r.start()] for r in RELATIONS.finditer(body, a, b))  # noqa: E731
    before, after = ROW_BREAK.split(body[start : m.start()])[-1], ROW_BREAK.split(body[m.end() : end])[0]
    going_on = RELATIONS.match(after.lstrip()) or OPERATOR.match(after)
    inside = before.strip() and after.strip() and not going_on
    return bool(inside) and related(start, m.start()) and related(m.end(), end)


def chain_of(block: Event, body: str, start: int, end: int, rowed: list) -> Chain:
    """The links of one logical line: its sides split at the top-level relations."""
    outside, depth = top_level(body), depths(body[start:end])
    found = RELATIONS.finditer(body, start, end)
    leading = lambda m: not body[next(r[0] for r in rowed if r[0] <= m.start() < r[1]) : m.start()].strip()  # noqa: E731
    # not in I[a > 0]; a relation that starts a row splits even after a bracket a typo left open
    cuts = [m for m in found if outside[m.start()] and (depth[m.start() - start] <= 0 or leading(m))]
    bounds = [start, *(x for m in cuts for x in (m.start(), m.end())), end]
    sides = [side(block, body, a, b) for a, b in zip(bounds[::2], bounds[1::2])]
    if not cuts:
        return Chain(block.source, (), block.env, sides[0] if sides[0].text else None)
    links = []
    for k, m in enumerate(cuts):
        row_start = next(r[0] for r in rowed if r[0] <= m.start() < r[1])
        reach = bounds[2 * k + 3]  # where the right-hand side ends: its rows' reasons are the link's
        reason = "; ".join(r[2] for r in rowed if r[2] and r[1] > m.start() and r[0] < reach)
        relation = CHECKED if m.group("eq") or m.group("why") is not None else m.group().strip()
        why = (m.group("why") or "").strip() or reason
        first = not body[row_start : m.start()].strip()
        links.append(Link(sides[k], sides[k + 1], relation, why, first))
    return Chain(block.source, tuple(links), block.env)


def side(block: Event, body: str, start: int, end: int) -> Side:
    """One side, its trailing punctuation dropped, positioned at its first character."""
    text = PUNCTUATION.sub(lambda m: " " * len(m.group()), body[start:end])
    matrix = inside_matrices(text)  # a matrix literal's \\ separates its rows: kept
    text = ROW_BREAK.sub(lambda m: m.group() if matrix[m.start()] else " " * len(m.group()), text)
    lead = len(text) - len(text.lstrip())
    return Side(text.strip(), block.offset + start + lead)
