"""The spec loader: good specs load with positions; each bad spec fails with its stated error."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import BAD_SPECS, expected_error

from gen.errors import Span, SpecError
from gen.pipeline import run
from gen.spec.keys import Text, load_spec, parse_spec
from gen.spec.model import CheckSettings, Compare, SymbolSpec

SEED = """\
title: Gradient of the trace of the inverse
symbols:
  X: {shape: [n, n], assume: [invertible]}
function: tr(X^-1)
wrt: X
methods: [differential, directional, entrywise]
claim: -(X^-2)^T
compare:
  - {expr: (X^-2)^T, label: the value stated in the question}
"""


@pytest.mark.parametrize("path", BAD_SPECS, ids=[p.stem for p in BAD_SPECS])
def test_bad_spec(path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        run(path)  # loading, or parsing the expressions (test_bad_input runs them through the CLI)
    assert str(caught.value) == f"{path}:{expected_error(path)}"
    assert caught.value.exit_code == 2


def test_enough_bad_specs() -> None:
    assert len(BAD_SPECS) >= 100


def test_seed_spec(tmp_path: Path) -> None:
    path = tmp_path / "trace_inverse.yaml"
    path.write_text(SEED, encoding="utf-8")
    spec = load_spec(path)
    assert spec.id == "trace_inverse"
    assert spec.path == str(path)
    assert spec.title == "Gradient of the trace of the inverse"
    assert spec.symbols == (SymbolSpec("X", ("n", "n"), ("invertible",), Span(str(path), 3, 3)),)
    assert spec.symbol("X") is spec.symbols[0]
    assert spec.symbol("Y") is None
    assert spec.function == Text("tr(X^-1)", Span(str(path), 4, 11))
    assert spec.wrt == (Text("X", Span(str(path), 5, 6)),)
    assert spec.methods == ("differential", "directional", "entrywise")
    assert spec.claim == Text("-(X^-2)^T", Span(str(path), 7, 8))
    assert spec.compare == (
        Compare(Text("(X^-2)^T", Span(str(path), 9, 12)), "the value stated in the question"),
    )
    assert (spec.order, spec.layout, spec.symmetric_gradient) == (1, "denominator", "sym")
    assert (spec.steps, spec.notes, spec.topic, spec.references) == ((), "", "", ())
    assert spec.check == CheckSettings(seed=0, samples=4, tolerance=1e-6)


def test_every_key() -> None:
    spec = parse_spec(
        """\
symbols:
  A: {shape: [n, m]}
  x: {shape: [m]}
  S: {shape: [3, 3], assume: [spd, diagonal]}
  s:
  t: {}
function: x^T*A^T*A*x + tr(S)*s
wrt: [x, S]
order: 2
layout: numerator
methods: directional
symmetric_gradient: cookbook
steps:
  - {expr: d(x^T*A^T*A*x), why: product rule}
  - expr: 2*x^T*A^T*A*dx
notes: Uses $\\mathrm{d}$.
topic: quadratic forms
references: magnus1999
check: {seed: 7, samples: 0x0a, tolerance: 1e-9}
""",
        "derivations/quadratic_form.yaml",
    )
    assert [(s.name, s.shape, s.assume) for s in spec.symbols] == [
        ("A", ("n", "m"), ()),
        ("x", ("m",), ()),
        ("S", (3, 3), ("spd", "diagonal")),
        ("s", (), ()),
        ("t", (), ()),
    ]
    assert [w.value for w in spec.wrt] == ["x", "S"]
    assert (spec.order, spec.layout, spec.methods) == (2, "numerator", ("directional",))
    assert spec.symmetric_gradient == "cookbook"
    assert [(s.expr.value, s.why, s.span.line, s.span.col) for s in spec.steps] == [
        ("d(x^T*A^T*A*x)", "product rule", 14, 5),
        ("2*x^T*A^T*A*dx", "", 15, 5),
    ]
    assert (spec.notes, spec.topic, spec.references) == (
        "Uses $\\mathrm{d}$.",
        "quadratic forms",
        ("magnus1999",),
    )
    assert spec.check == CheckSettings(seed=7, samples=10, tolerance=1e-9)
    assert spec.title == "Quadratic form"
    assert spec.id == "quadratic_form"


def test_default_title() -> None:
    text = "symbols: {X: {shape: [n, n]}}\nfunction: det(X)\nwrt: X\n"
    spec = parse_spec(text, "log_det_of_X.yaml")
    assert spec.title == "Log det of X"


@pytest.mark.parametrize(
    ("line", "col"),
    [
        ("function: tr(X) + det(X)", 11),
        ("function: 'tr(X) + det(X)'", 12),
        ('function: "tr(X) + det(X)"', 12),
        ("function:    tr(X) + det(X)   # comment", 14),
        ("function: !!str tr(X) + det(X)", 17),
        ('function: !!str "tr(X) + det(X)"', 18),
    ],
)
def test_expression_column(line: str, col: int) -> None:
    spec = parse_spec(f"symbols: {{X: {{shape: [n, n]}}}}\n{line}\nwrt: X\n", "s.yaml")
    assert spec.function.value == "tr(X) + det(X)"
    assert spec.function.span == Span("s.yaml", 2, col)
    assert spec.function.at(8) == Span("s.yaml", 2, col + 8)  # the "d" of det


@pytest.mark.parametrize(
    ("block", "first", "det"),
    [
        ("function: |\n  tr(X) +\n  det(X)\n", (3, 3), (4, 3)),
        ("function: >-  # folded\n  tr(X) +\n\n    det(X)\n", (3, 3), (5, 5)),
        ("function: tr(X) +\n  det(X)\n", (2, 11), (3, 3)),
        ("function:\n   tr(X)\n   + det(X)\n", (3, 4), (4, 6)),
    ],
)
def test_multiline_expression_positions(block: str, first: tuple, det: tuple) -> None:
    spec = parse_spec(f"symbols: {{X: {{shape: [n, n]}}}}\n{block}wrt: X\n", "s.yaml")
    text = spec.function
    assert text.span == Span("s.yaml", *first)
    assert text.at(0) == Span("s.yaml", *first)
    assert text.at(text.value.index("det")) == Span("s.yaml", *det)


def test_escaped_multiline_falls_back_to_start() -> None:
    spec = parse_spec('symbols: {X: {}}\nfunction: "X \\u002b\n  X"\nwrt: X\n', "s.yaml")
    assert spec.function.value == "X + X"
    assert spec.function.at(4) == Span("s.yaml", 2, 16)  # best effort: on the first line


def test_numbers_are_expressions_as_written() -> None:
    spec = parse_spec("symbols: {x: }\nfunction: 1.50\nwrt: x\nclaim: 0\n", "s.yaml")
    assert spec.function.value == "1.50"
    assert spec.claim == Text("0", Span("s.yaml", 4, 8))


def test_tolerance_spellings() -> None:
    base = "symbols: {x: }\nfunction: x\nwrt: x\ncheck: {tolerance: %s}\n"
    spellings = ("1e-8", "1.0e-8", "0.001", "'1e-8'", "+1E-8")
    tolerances = [parse_spec(base % t, "s.yaml").check.tolerance for t in spellings]
    assert tolerances == [1e-8, 1e-8, 1e-3, 1e-8, 1e-8]


@pytest.mark.parametrize("tolerance", ["1", "1000000", "1e-31", "0.0011", ".inf", ".nan"])
def test_a_tolerance_out_of_bounds_is_refused_at_its_position(tolerance) -> None:
    # 1e6 would pass a claim of the wrong sign; 1e-31 asks finite differences for more than
    # double precision has
    base = "symbols: {x: }\nfunction: x\nwrt: x\ncheck: {tolerance: %s}\n"
    with pytest.raises(SpecError) as caught:
        parse_spec(base % tolerance, "s.yaml")
    wanted = f"'check.tolerance' must be a number from 1e-10 to 0.001 such as 1e-6, not {tolerance}"
    assert str(caught.value) == f"s.yaml:4:20: {wanted}"


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ("[1:30, 2]", "2:27: a dimension must be a name such as n or a positive integer, not '1:30'"),
        ("[1_0, 2]", "2:27: a dimension must be a name such as n or a positive integer, not '1_0'"),
        ("[!!int n, 2]", "2:27: 'n' is tagged !!int but is not an integer"),
    ],
)
def test_integers_are_yaml_1_2(shape, message) -> None:
    # YAML 1.1 reads 1:30 as 90 (base 60) and 1_0 as 10; YAML 1.2 (the core schema) as text
    spec = "symbols:\n  X: {assume: [], shape: %s}\nfunction: tr(X^T*X)\nwrt: X\n"
    with pytest.raises(SpecError) as caught:
        parse_spec(spec % shape, "s.yaml")
    assert str(caught.value) == f"s.yaml:{message}"


def test_yaml_1_2_integer_spellings() -> None:
    spec = "symbols:\n  X: {shape: [%s, %s]}\nfunction: tr(X^T*X)\nwrt: X\n"
    pairs = [("010", "0x0a"), ("0o12", "+10")]
    shapes = [parse_spec(spec % pair, "s.yaml").symbols[0].shape for pair in pairs]
    assert shapes == [(10, 10), (10, 10)]  # 010 is ten in YAML 1.2 (eight in 1.1)


def test_a_matrix_assumption_on_a_number_is_refused() -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec("symbols:\n  a: {assume: [spd]}\nfunction: a\nwrt: a\n", "s.yaml")
    assert str(caught.value) == "s.yaml:2:3: 'spd' needs a square matrix, but 'a' is a number (no shape)"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert str(caught.value) == f"{path}:1:1: no such file"


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        load_spec(tmp_path)
    assert str(caught.value) == f"{tmp_path}:1:1: is a directory, not a spec file"


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    message = "binary file (it contains NUL bytes); expected YAML text"
    assert str(caught.value) == f"{path}:3:1: {message}"


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Gradient\nnotes: d\xe9riv\xe9e\n".encode("latin-1"))
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert str(caught.value) == f"{path}:2:9: not UTF-8 text (byte 0xe9); save the file as UTF-8"


def test_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "windows.yaml"
    text = "\ufefftitle: Dérivée\r\nsymbols: {X: {}}\r\nfunction: 'X*X'\r\nwrt: X\r\n"
    path.write_bytes(text.encode())
    spec = load_spec(path)
    assert spec.title == "Dérivée"
    assert spec.function.span == Span(str(path), 3, 12)


def test_alias_bomb_is_refused_before_it_grows(work_done) -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    names = "abcdefghijklmnopqrst"  # 9**19 "lol"s if the aliases were expanded
    lines += [f"{c}: &{c} [{', '.join(['*' + p] * 9)}]" for p, c in zip(names, names[1:])]
    with pytest.raises(SpecError, match="anchors and aliases") as caught:
        parse_spec("\n".join(lines), "bomb.yaml")
    assert caught.value.span == Span("bomb.yaml", 1, 4)  # the first anchor
    assert work_done["nodes"] == 3  # the document's mapping, the key a, and its value: refused


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec("function: " + "[" * 50_000 + "]" * 50_000 + "\n", "deep.yaml")
    assert str(caught.value).startswith("deep.yaml:")


def test_spec_is_frozen() -> None:
    spec = parse_spec(SEED, "trace_inverse.yaml")
    with pytest.raises(AttributeError):
        spec.title = "changed"  # type: ignore[misc]
    assert hash(spec.symbols) == hash(parse_spec(SEED, "trace_inverse.yaml").symbols)


def test_no_heavy_imports() -> None:
    import subprocess
    import sys

    code = "import sys, gen.spec.keys; print(sorted(m for m in ('sympy', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
