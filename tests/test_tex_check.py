"""``derivtex check FILE.tex``: the corpus of real chains, mutations, derivtex's own appendix, the
report and the exit codes, and each stage (blocks, rows, shapes, diagnoses) on small documents."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import DERIVATIONS, invoke

from gen.expr.parser import BinOp, Call, Name, Neg, Num, Postfix
from gen.expr.texgradient import GRADIENT
from gen.texcheck import links
from gen.texcheck.check import Problem, Reading, check_file, reading
from gen.texcheck.document import read_events
from gen.texcheck.rows import chains

CORPUS = sorted((Path(__file__).parent / "tex_corpus").glob("*.tex"))
STATUS = "|".join(links.STATUSES)
STATUSES = rf"(?:{STATUS})(?:,\s*(?:{STATUS}))*"
EXPECT = re.compile(rf"%\s*expect:\s*(?P<expect>{STATUSES})\s*(?:%\s*known:\s*(?P<known>{STATUSES})\s*)?$")


def expectations(path: Path) -> tuple[dict, dict]:
    """Line → the statuses written by hand for the links whose right-hand side starts there, and
    line → what the checker says today where it differs (``% known:``, a reading of the front end
    the file's header explains; never an ok where the hand wrote something else)."""
    expected, known = {}, {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if match := EXPECT.search(line):
            expected[number] = [s.strip() for s in match.group("expect").split(",")]
            if match.group("known"):
                known[number] = [s.strip() for s in match.group("known").split(",")]
    return expected, known


def statuses(result) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for o in result.outcomes:
        found.setdefault(o.line, []).append(o.status)
    return found


def document(tmp_path: Path, body: str, name: str = "paper.tex") -> Path:
    path = tmp_path / name
    path.write_text(body)
    return path


def outcomes_of(tmp_path: Path, body: str) -> list:
    return list(check_file(document(tmp_path, body)).outcomes)


# --- the corpus of real chains --------------------------------------------------------------


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_corpus_statuses_are_the_ones_written_by_hand(path):
    result = check_file(path)
    (expected, known), found = expectations(path), statuses(result)
    assert expected, "each corpus file writes the expected status of its links"
    pairs = [(line, g, e) for line, got in found.items() for g, e in zip(got, expected.get(line, []))]
    false_ok = [line for line, g, e in pairs if g == "ok" != e]
    assert not false_ok, f"a link reported ok that a careful reading rejects, at lines {false_ok}"
    # a known reading may keep an ok only where the hand wrote ok for that link of the line
    assert all(k != "ok" or e == "ok" for line, got in known.items() for k, e in zip(got, expected[line]))
    assert found == {**expected, **known}


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_corpus_files_cite_their_source(path):
    header = path.read_text().split("\n\\documentclass")[0]
    assert re.search(r"Source: [\w.-]+/[\w.-]+, \S+,\s+(?:% )?commit [0-9a-f]{40}", header)


def negated(tree):
    return Neg(tree, 0)


def doubled(tree):
    return BinOp("*", Num("2", 0), tree, 0)


def first(tree, test, change):
    """``tree`` with ``change`` applied to its first node (depth first) that passes ``test``."""
    if test(tree):
        return change(tree), True
    for field in ("operand", "left", "right"):
        child = getattr(tree, field, None)
        if child is not None:
            new, done = first(child, test, change)
            if done:
                return replace(tree, **{field: new}), True
    if isinstance(tree, Call) and tree.name != GRADIENT:  # ∂L/∂a written inside: L is a number, a a variable
        for i, arg in enumerate(tree.args):
            new, done = first(arg, test, change)
            if done:
                return replace(tree, args=(*tree.args[:i], new, *tree.args[i + 1 :])), True
    return tree, False


def matrix_leaf(tree) -> bool:
    return isinstance(tree, Name) and tree.name[:1].isupper() and tree.name != "I"


def swappable(tree) -> bool:
    return (
        isinstance(tree, BinOp)
        and tree.op == "*"
        and not isinstance(tree.left, Num)
        and (matrix_leaf(tree.left) or matrix_leaf(tree.right) or isinstance(tree.left, Postfix))
    )


MUTATIONS = {  # each breaks a true link: the checker must say it does not follow
    "flip the sign": negated,
    "double it": doubled,
    "swap two factors": lambda t: first(t, swappable, lambda p: replace(p, left=p.right, right=p.left))[0],
    "invert a matrix": lambda t: first(t, matrix_leaf, lambda n: Postfix("-1", n, 0))[0],
    "transpose a matrix product": lambda t: first(
        t, lambda p: swappable(p), lambda p: replace(p, left=Postfix("T", p.left, 0))
    )[0],
}
CAUGHT = {"does not follow", "shape error"}  # a transposed or inverted factor may not fit at all
SHAPES_MAY_CHANGE = ("swap two factors", "invert a matrix", "transpose a matrix product")


@functools.cache
def walked(path: Path) -> tuple[Reading, list]:
    """A corpus file's reading and (event, scope before it, its chains' outcomes) for each event:
    walked once for all the mutations, each of which re-checks only the display it changes."""
    read = reading(path)
    return read, [(event, before, found(done)) for event, before, done in read.walk()]


def found(done) -> list:
    return [o for item in done if not isinstance(item, Problem) for o in item[1]]


def ok_links():
    for path in CORPUS:
        read, steps = walked(path)
        for event, before, outcomes in steps:
            for o in outcomes:
                if o.status == "ok":
                    yield path, o, (read, event, before)


def checked_again(display, target) -> list:
    """The outcomes of ``target``'s link when its display is checked again from the scope before it
    (what the file's earlier events declared and defined; nothing after it bears on the link)."""
    read, event, before = display
    outcomes = found(read.step(before, event)[1])
    return [o for o in outcomes if o.line == target.line and o.right == target.right]


def unchanged(original, mutated, scope) -> bool | None:
    """Whether the mutation left the side's value as it was (a scalar factor swapped, a symmetric
    matrix transposed, a side that is 0 negated): both trees evaluated at the same random points."""
    from gen.expr.texelided import same
    from gen.texcheck.indices import Indexed, check_link, marked
    from gen.texcheck.values import Sides, compare

    if same(symmetric_untransposed(original, scope), symmetric_untransposed(mutated, scope)):
        return True  # Σ⁻¹ transposed, Σ declared symmetric: the same matrix, wherever a sum's range is set
    pair = marked([original, mutated], scope)
    if any(isinstance(t, Indexed) for t in pair):  # index notation: compared entry by entry
        try:
            return check_link(*pair, scope)[0] == "ok"
        except KeyError:  # an elided literal expanded twice (A := [a_1 ⋯ a_n]) loses a family's size:
            return False  # undecided here, so the mutated link itself must be caught
    try:
        sides = Sides(links.typed([(original, mutated)], scope), scope)
    except links.Conflict:
        return False
    status, message = compare(sides, original, mutated, lambda status, message, **__: (status, message))
    if message.startswith("undefined"):
        return None  # no point where both are defined: undecided here (the link's own points decide)
    if message.startswith("cannot tell the size of I") and "I" not in scope.declared:  # σ²I, Iσ²
        return unchanged(*(with_matrix_for_identity(t) for t in (original, mutated)), with_probe(scope))
    return status == "ok" or message.startswith("both sides are 0")  # -d(AA⁻¹) is d(AA⁻¹): both 0


PROBE = "Iprobe"  # a square matrix in place of an I nothing sizes: unchanged for it, unchanged for I


def with_matrix_for_identity(tree):
    from gen.texcheck.indexnodes import mapped

    return mapped(tree, lambda t: Name(PROBE, t.pos) if isinstance(t, Name) and t.name == "I" else t)


def with_probe(scope):
    from gen.texcheck.symbols import Declared

    return replace(scope, declared={**scope.declared, PROBE: Declared(("nprobe", "nprobe"), (), "", ())})


def symmetric_untransposed(tree, scope):
    """``tree`` with the transposes of declared symmetric matrices (and of their inverses) dropped."""
    from gen.texcheck.indexnodes import mapped

    def symmetric(node) -> bool:
        node = node.operand if isinstance(node, Postfix) and node.op == "-1" else node
        declared = isinstance(node, Name) and scope.lookup(node.name)
        return bool(declared) and bool({"symmetric", "spd", "diagonal"} & set(declared.assume))

    return mapped(
        tree, lambda n: n.operand if isinstance(n, Postfix) and n.op == "T" and symmetric(n.operand) else n
    )


def unfitting(message: str) -> bool:
    """Whether ``message`` says a link's sizes conflict (a shape conflict the checker would not call
    the author's, because a size in it was inferred: in index notation, of undeclared symbols)."""
    conflicts = ("would have to agree", "the size of a block matrix", "the sides have the shapes")
    return any(c in message for c in conflicts)


def keeps_value(display, target, tree, mutate, monkeypatch) -> bool:
    """Whether the link's right side and its mutation are equal in the chain's own reading (which
    names vary is the chain's): the link checked again with the original side on its left."""
    original_read = links.read

    def read(parse, source, side, scope):
        if source.line(side.offset) == target.line and side.text in (target.left, target.right):
            return tree if side.text == target.left else mutate(tree)
        return original_read(parse, source, side, scope)

    monkeypatch.setattr(links, "read", read)
    outcomes = checked_again(display, target)
    monkeypatch.setattr(links, "read", original_read)
    return any(o.left == target.left and o.status == "ok" for o in outcomes)


@pytest.mark.parametrize("name", MUTATIONS)
def test_every_mutation_of_an_ok_link_is_caught(name, monkeypatch):
    mutate, original_read, checked = MUTATIONS[name], links.read, 0
    for path, target, display in list(ok_links()):
        seen, raw = [], []

        def read(parse, source, side, scope, target=target, seen=seen, raw=raw):
            tree = original_read(parse, source, side, scope)
            here = side.text == target.right and source.line(side.offset) == target.line
            if here and not isinstance(tree, (str, Num, links.Gradient)):  # a side written 0 has no sign
                seen.append((links.expanded(tree, scope), links.expanded(mutate(tree), scope), scope))
                raw.append(tree)
                return mutate(tree)
            return tree

        monkeypatch.setattr(links, "read", read)
        mutated = checked_again(display, target)
        monkeypatch.setattr(links, "read", original_read)
        same = None if not seen else seen[0][0] == seen[0][1] or unchanged(*seen[0])
        if not seen or same:
            continue  # nothing to change in this side, or a change that keeps its value
        # a display going on with "=" reads on from the side that decides it: the mutated link may
        # be read from another side, and must still be caught
        link = next((o for o in mutated if o.left == target.left), None) or mutated[0]
        if link.status == "ok" and (
            same is None or keeps_value(display, target, raw[0], mutate, monkeypatch)
        ):
            continue  # equal where the chain reads it (its other names held fixed, only dz written; or
            # where the sides are defined only at the link's sizes: both sides equal to the same left side)
        allowed = CAUGHT if name in SHAPES_MAY_CHANGE else {"does not follow"}
        # a mutation that makes the side singular (S_b⁻¹ of rank 1, (X A Xᵀ)⁻¹ of X tall) is defined nowhere
        singular = link.status == "cannot check" and "undefined" in link.message
        # where the prose says the text solves ("such that"), an equation that fails is a condition the
        # text imposes, not a claim: the mutated link is read so, never as ok
        solving = link.status == "skipped" and link.message.startswith("a condition to solve")
        # a factor moved that no longer fits, among sizes the checker inferred (a family's, a block's
        # summed ones): it says the sizes conflict, not that the author erred; never ok
        unfit = name in SHAPES_MAY_CHANGE and link.status != "ok" and unfitting(link.message)
        # an optimum (\min_x F) is compared only with another, by the objectives: 2 min_x F = min_x F holds
        # where the minimum is 0, and objectives that differ may have one minimiser; never ok
        said = ("an optimum over a variable", "the objectives differ")
        optimum = link.status == "cannot check" and any(s in link.message for s in said)
        assert link.status in allowed or singular or solving or unfit or optimum, (
            name,
            path.name,
            target.line,
            link,
        )
        checked += 1
    assert checked >= 5


# --- derivtex's own appendix, \\input twice ------------------------------------------------------


def test_a_paper_inputting_two_appendix_snippets_checks_clean(tmp_path):
    specs = [DERIVATIONS / "det.yaml", DERIVATIONS / "bilinear_form.yaml"]
    built = invoke("build", *specs, "--to", "tex", "--template", "appendix", "-o", tmp_path)
    assert built.exit_code == 0, built.output
    inputs = "\\appendix\n\\input{det}\n\\input{bilinear_form}\n"
    document(tmp_path, f"\\documentclass{{article}}\n\\begin{{document}}\n{inputs}\\end{{document}}\n")
    result = invoke("check", "--strict", tmp_path / "paper.tex")
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("paper.tex: 9 links: 9 verified")
    files = {o.path for o in check_file(tmp_path / "paper.tex").outcomes}
    assert files == {str(tmp_path / "det.tex"), str(tmp_path / "bilinear_form.tex")}


# --- the report and the exit codes -----------------------------------------------------------------

SLIPS = r"""\documentclass{article}
\begin{document}
% derivtex: X: n x n invertible
\begin{align}
f &= \operatorname{tr}(X^{-1} A) \\
  &= \operatorname{tr}(A X^{-1}) && \text{cyclic} \\
  &= \operatorname{tr}(X^{-\top} A) \\
  &= \operatorname{tr}(A X^{-1}) \\
  &= 2\operatorname{tr}(A X^{-1})
\end{align}
\[ AB = BA \]
\[ -\operatorname{tr}(AB) = \operatorname{tr}(BA) \]
\[ x^\top A x = x^\top A^\top x \approx x^\top x \]
\[ A + x^\top x = A \]
\[ g(X) = g(X^\top) \]
\end{document}
"""


def test_the_report_names_each_problem_at_its_line_with_a_diagnosis(tmp_path):
    path = document(tmp_path, SLIPS)
    result = invoke("check", path)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    said = {
        line.split(": ", 1)[0].rsplit(":", 1)[-1]: line
        for line in lines
        if ": " in line and "chain" not in line
    }
    assert "the slip is in line 7: line 8 equals line 6" in said["7"]
    assert "holds if X is symmetric" in said["7"]
    assert "follows from line 6, not from line 7" in said["8"]
    assert "off by a factor of 2" in said["9"]
    assert "does not follow" in said["11"]  # matrices never commute
    assert "the sign differs" in said["12"]
    assert "shape error" in said["14"] and "1×1" in said["14"]
    assert "g(...) is not defined" in said["15"] and "% derivtex: g(X) :=" in said["15"]
    assert lines[lines.index(said["9"]) + 1].strip() == "&= 2\\operatorname{tr}(A X^{-1})"  # the source line
    assert f"{path}:5: chain of 5 links: 1 verified, 3 do not follow, 1 not checked" in lines
    assert lines[-1] == f"{path}: 11 links: 2 verified, 5 do not follow, 1 shape error, 3 not checked"
    assert any("conventions applied: A: a matrix (uppercase)" in line for line in lines)


def test_json_lists_every_link(tmp_path):
    result = invoke("check", "--json", document(tmp_path, SLIPS))
    links_ = [link for f in json.loads(result.output)["files"] for link in f["links"]]
    assert len(links_) == 11 and {"file", "line", "status", "message", "relative_error"} <= set(links_[0])
    assert {link["status"] for link in links_} <= set(links.STATUSES)
    approx = next(link for link in links_ if link["relation"] == "\\approx")
    assert approx["status"] == "skipped" and approx["line"] == 13
    cyclic = next(link for link in links_ if link["line"] == 6)
    assert cyclic["reason"] == "cyclic" and cyclic["within"] == 1e-7 and cyclic["relative_error"] is None
    assert next(link for link in links_ if link["line"] == 9)["relative_error"] == 0.5  # 2a against a


def test_strict_fails_on_anything_not_checked(tmp_path):
    body = "\\[ \\operatorname{tr}(AB) = \\operatorname{tr}(BA) = \\frac{\\partial h}{\\partial A} \\]\n"
    path = document(tmp_path, body)
    assert invoke("check", path).exit_code == 0
    assert invoke("check", "--strict", path).exit_code == 1


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    missing = invoke("check", tmp_path / "absent.tex")
    assert missing.exit_code == 2 and len(missing.stderr.strip().splitlines()) == 1
    # a bad annotation is one problem at its place, as a bad row is; the rest of the file is checked
    path = document(tmp_path, "% derivtex: X: n by n\n\\[ X = X \\]\n")
    bad = invoke("check", "--strict", path)
    assert bad.exit_code == 1
    assert bad.stdout.startswith(f"{path}:1:13: a bad annotation: expected a shape")
    assert "1 verified" in bad.stdout
    # one bad item of an annotation is left out, its other items hold
    path = document(tmp_path, "% derivtex: \\frac{a}{b}: n; X: n x n, symmetric\n\\[ X^T = X \\]\n")
    bad = invoke("check", path)
    assert bad.stdout.startswith(f"{path}:1:13: a bad annotation: expected a symbol's name")
    assert "1 verified" in bad.stdout
    # a definition of Cov or Var: they are read as moments already, and the error says what to declare
    path = document(
        tmp_path, "% derivtex: x: n, random; \\text{Cov}(X) := E[X X^T]\n\\[ Cov(x) = Cov(x)^T \\]\n"
    )
    bad = invoke("check", path)
    assert bad.stdout.startswith(f"{path}:1:27: a bad annotation: Cov(…) is read as the covariance")
    assert "declare what is random" in bad.stdout and "1 verified" in bad.stdout
    assert invoke("check", "--json", DERIVATIONS / "det.yaml").exit_code == 2


def test_specs_are_checked_as_before():
    result = invoke("check", DERIVATIONS / "det.yaml")
    assert result.exit_code == 0 and result.output.startswith("ok  ")


# --- the stages ----------------------------------------------------------------------------------


def test_blocks_skip_comments_and_verbatim_and_follow_inputs(tmp_path):
    document(tmp_path, "\\[ \\operatorname{tr}(AB) = \\operatorname{tr}(BA) \\]\n\\input{main}\n", "part.tex")
    body = (
        "% \\[ A = B \\]\n\\begin{verbatim}\n\\[ A = B \\]\n\\end{verbatim}\n"
        "\\input{part}\n\\begin{gather}\nA = A\n"
    )
    result = check_file(document(tmp_path, body, "main.tex"))
    assert [(Path(o.path).name, o.line, o.status) for o in result.outcomes] == [("part.tex", 1, "ok")]
    problems = [(Path(p.path).name, p.line, p.message) for p in result.problems]
    assert ("part.tex", 2, "\\input cycle: main is already being read") in problems
    assert ("main.tex", 6, "\\begin{gather} is never ended: skipped") in problems


def test_rows_continue_at_a_relation_or_an_operator_and_keep_the_reason(tmp_path):
    body = (
        "\\begin{align}\n\\operatorname{tr}(ABC) &\\stackrel{(a)}{=} \\operatorname{tr}(BCA) \\\\\n"
        "&= \\operatorname{tr}(CAB) \\nonumber \\\\\n&\\quad + 0 && \\text{by (b)} \\label{x}\\\\\n"
        "\\operatorname{tr}(A) &= \\operatorname{tr}(A^\\top)\n\\end{align}\n"
    )
    found = [c.links for c in chains(read_events(document(tmp_path, body))[1])]
    assert [len(c) for c in found] == [2, 1]
    assert found[0][0].reason == "(a)" and found[0][1].reason == "by (b)"
    assert found[0][1].right.text.split() == ["\\operatorname{tr}(CAB)", "+", "0"]
    assert [o.status for o in outcomes_of(tmp_path, body)] == ["ok", "ok", "ok"]


def test_no_dimension_collapses_to_one(tmp_path):
    body = "\\[ X^\\top X = X X^\\top \\]\n"
    body += "\\[ \\operatorname{tr}(X^\\top X) = \\operatorname{tr}(X X^\\top) \\]\n"
    assert [o.status for o in outcomes_of(tmp_path, body)] == ["does not follow", "ok"]
    vector = outcomes_of(tmp_path, "\\[ x x^\\top y = y x^\\top x \\]\n")
    assert vector[0].status == "does not follow"  # a vector is never 1×1


def test_a_vector_is_never_read_as_a_number_to_make_a_link_fit(tmp_path):
    (o,) = outcomes_of(tmp_path, "\\[ c X = X c \\]\n")
    assert o.status == "shape error" and "if c is a number, declare % derivtex: c: scalar" in o.message
    (o,) = outcomes_of(tmp_path, "% derivtex: c: scalar\n\\[ c X = X c \\]\n")
    assert o.status == "ok"


def test_prose_declarations_and_definitions(tmp_path):
    body = (
        "Let $S \\in \\mathbb{S}^{n}$ and $A \\in \\mathbb{R}^{n \\times n}$.\n"
        "\\[ S x = S^\\top x \\]\n"
        "\\[ B = A + A^\\top \\]\n"
        "\\[ B = B^\\top \\]\n"
        "\\[ \\mathrm{d}f = \\operatorname{tr}(A\\,\\mathrm{d}X) \\]\n"
    )
    statuses_ = [(o.status, o.message.split(":")[0]) for o in outcomes_of(tmp_path, body)]
    assert statuses_[0] == ("ok", "")  # S is symmetric: the prose says so
    assert statuses_[1] == ("skipped", "a definition of B, used to the end of the section")
    assert statuses_[2] == ("ok", "")
    assert statuses_[3][0] == "cannot check" and "f :=" in outcomes_of(tmp_path, body)[3].message


def test_only_the_differentiated_symbols_vary(tmp_path):
    body = "\\[ \\mathrm{d}(AXB) = A\\,\\mathrm{d}X\\,B \\]\n\\[ \\mathrm{d}(X^{-1} X) = 0 \\]\n"
    assert [o.status for o in outcomes_of(tmp_path, body)] == ["ok", "ok"]


def test_a_continuation_typed_as_equals(tmp_path):
    body = "\\begin{align}\n\\mathrm{d}(x^\\top a) &= a^\\top \\mathrm{d}x \\\\\n&= a\n\\end{align}\n"
    first, second = outcomes_of(tmp_path, body)
    assert first.status == "ok"
    assert second.status == "shape error" and "a continuation typed as '='?" in second.message


def test_annotations_hold_to_the_end_of_their_section_and_a_sidecar_throughout(tmp_path):
    body = (
        "\\section{A}\n% derivtex: c: scalar\n\\[ c X = X c \\]\n"
        "\\section{B}\n\\[ c X = X c \\]\n\\[ S x = S^\\top x \\]\n"
    )
    path = document(tmp_path, body)
    assert [o.status for o in check_file(path).outcomes] == ["ok", "shape error", "does not follow"]
    sidecar = "symbols:\n  S: {shape: [n, n], assume: [symmetric]}\ndefine:\n  c: \\operatorname{tr}(S)\n"
    (tmp_path / "paper.derivtex.yaml").write_text(sidecar)
    assert [o.status for o in check_file(path).outcomes] == ["ok", "ok", "ok"]


def test_annotations_before_the_first_section_hold_throughout(tmp_path):
    # at the document's head, as an author annotates once: c a number and S symmetric in every section;
    # what a section declares still ends with it
    head = "% derivtex: c: scalar; S: n x n symmetric\n"
    body = (
        "\\section{A}\n% derivtex: B: symmetric\n\\[ c X = X c \\]\n\\section{B}\n\\[ S x = S^\\top x \\]\n"
    )
    statuses = [
        o.status for o in check_file(document(tmp_path, head + body + "\\[ B x = B^\\top x \\]\n")).outcomes
    ]
    assert statuses == ["ok", "ok", "does not follow"]


def test_eqnarray_skip_and_numerator_layout(tmp_path):
    body = (
        "\\begin{eqnarray}\n\\operatorname{tr}(AB) &=& \\operatorname{tr}(BA) \\\\\n"
        "&=& \\operatorname{tr}(A^\\top B^\\top)\n\\end{eqnarray}\n"
        "% derivtex: skip\n\\[ AB = BA \\]\n\\[ AB = BA \\]\n"
        "% derivtex: layout numerator\n\\[ \\nabla_X \\operatorname{tr}(AX) = A \\]\n"
    )
    found = [(o.line, o.status) for o in outcomes_of(tmp_path, body)]
    assert found == [(2, "ok"), (3, "ok"), (6, "skipped"), (7, "does not follow"), (9, "ok")]


def test_a_continuation_typed_as_equals_that_drops_the_differential(tmp_path):
    rows = "\\mathrm{d}\\operatorname{tr}(AX) &= \\operatorname{tr}(A\\,\\mathrm{d}X) \\\\\n"
    rows += "&= \\operatorname{tr}(A)"
    body = f"\\begin{{align}}\n{rows}\n\\end{{align}}\n"
    first, second = outcomes_of(tmp_path, body)
    assert (first.status, second.status) == ("ok", "does not follow")
    assert second.message.endswith("a continuation typed as '='?")


def test_a_partial_derivative_alone_on_a_side_is_a_gradient(tmp_path):
    body = (
        "\\[ \\frac{\\partial \\operatorname{tr}(AX)}{\\partial X} = A^\\top \\]\n"
        "\\[ \\frac{\\partial}{\\partial x} x^\\top A x = (A + A^\\top) x \\]\n"
        "\\[ \\frac{\\partial \\operatorname{tr}(AX)}{\\partial X} = A \\]\n"
        "\\[ \\frac{\\partial f}{\\partial X} = A^\\top \\]\n"
    )
    found = [(o.status, o.message) for o in outcomes_of(tmp_path, body)]
    assert [s for s, _ in found] == ["ok", "ok", "does not follow", "cannot check"]
    assert "% derivtex: f :=" in found[3][1]


def test_the_prose_states_assumptions_after_a_declaration(tmp_path):
    body = (
        "Let $A \\in \\mathbb{R}^{n\\times n}$, and let $S \\in \\mathbb{R}^{n\\times n}$ be symmetric.\n"
        "\\[ S x = S^\\top x \\]\n\\[ A x = A^\\top x \\]\n"
        "Let $x \\in \\mathbb{R}^{n}$ be entrywise positive.\n"
        "\\[ \\mathrm{d}(\\mathbf{1}^\\top \\sqrt{x}) "
        "= \\tfrac{1}{2}(\\sqrt{x}^{\\circ -1})^\\top \\mathrm{d}x \\]\n"
    )
    assert [o.status for o in outcomes_of(tmp_path, body)] == ["ok", "does not follow", "ok"]


def test_a_reason_that_changes_convention_is_not_an_equality(tmp_path):
    body = (
        "\\begin{align}\n\\nabla_S f &= S^{-1} && \\text{identification} \\\\\n"
        "&= 2S^{-1} - \\operatorname{diag}(\\operatorname{diag}(S^{-1}))"
        " && \\text{Cookbook symmetric gradient}\n"
        "\\end{align}\n"
    )
    statuses_ = [(o.status, o.message) for o in outcomes_of(tmp_path, body)]
    assert statuses_[1] == ("skipped", "the reason says the step changes convention (symmetric gradient)")
