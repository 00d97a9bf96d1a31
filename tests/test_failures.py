"""Failures keep earlier work: a failed build never replaces a good .tex or .pdf.

A LaTeX error exits 3 and shows TeX's message, its context in the source, and where
the .tex was kept. The tests that run LaTeX are skipped without TeX, except under CI.
"""

from pathlib import Path

import pytest
from helpers import invoke, snapshot

from gen.render.pdf import first_error

SPEC = "symbols:\n  X: {shape: [n, n], assume: [invertible]}\nfunction: tr(X^-1)\nwrt: X\n"


def good_build(tmp_path: Path, to: str, template: str = "article") -> tuple[Path, Path, dict]:
    """A spec built once, successfully: the spec, the output directory, and what is in it."""
    spec = tmp_path / "doc.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("build", "--to", to, "--template", template, "-o", out, spec)
    assert result.exit_code == 0, result.stderr
    return spec, out, snapshot(out)


@pytest.mark.usefixtures("latex_tools")
@pytest.mark.parametrize("template", ["article", "notes"])
def test_a_latex_error_keeps_the_earlier_pdf_and_shows_the_log(tmp_path, template):
    spec, out, before = good_build(tmp_path, "pdf", template)
    name = "notes" if template == "notes" else "doc"
    assert {f"{name}.tex", f"{name}.pdf"} <= set(before)
    spec.write_text("notes: Before \\undefinedmacro{} after.\n" + SPEC, encoding="utf-8")
    result = invoke("build", "--to", "pdf", "--template", template, "-o", out, spec)
    assert result.exit_code == 3
    kept = out / ".build" / f"{name}.tex"
    lines = kept.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if "\\undefinedmacro" in line)
    *_, first, context, rest, where = result.stderr.splitlines()  # notes: "ok  doc.yaml" comes first
    assert first == f"{kept}:{number}:1: LaTeX failed: Undefined control sequence."
    assert context == f"  l.{number} Before \\undefinedmacro"
    assert rest.strip() == "{} after."
    assert where == f"  the .tex is kept at {kept}; no earlier output was replaced"
    assert snapshot(out) == {**before, f".build/{name}.tex": kept.read_bytes()}


@pytest.mark.parametrize(
    ("change", "exit_code"),
    [
        (lambda spec: spec.replace("wrt: X", "wrt: Y"), 2),
        (lambda spec: spec.replace("tr(X^-1)", "tr(X^-1"), 2),
        (lambda spec: spec + "claim: (X^-2)^T\n", 1),
        (lambda spec: "\x00", 2),
    ],
    ids=["bad-spec", "bad-expression", "false-claim", "binary"],
)
@pytest.mark.parametrize("to", ["tex", "pdf"])
def test_a_failed_check_keeps_the_earlier_output(request, tmp_path, change, exit_code, to):
    if to == "pdf":
        request.getfixturevalue("latex_tools")
    spec, out, before = good_build(tmp_path, to)
    spec.write_text(change(SPEC), encoding="utf-8")
    result = invoke("build", "--to", to, "-o", out, spec)
    assert result.exit_code == exit_code and len(result.stderr.splitlines()) == 1
    assert snapshot(out) == before


def test_first_error_of_a_log():
    context = ["l.42 Before \\undefinedmacro", " " * 28 + "{} after."]
    log = (
        "(./document.tex\nLaTeX2e <2023-11-01>\n"
        "./document.tex:42: Undefined control sequence.\n"
        f"{context[0]}\n{context[1]}\n\n"
        "./document.tex:50: Emergency stop.\n"
    )
    assert first_error(log) == (42, ["Undefined control sequence.", *context])


def test_first_error_without_a_file_line_takes_the_line_from_the_context():
    log = "! LaTeX Error: File `x.sty' not found.\n\nType X to quit.\n\nl.3 \\usepackage\n  {x}\n"
    assert first_error(log) == (3, ["LaTeX Error: File `x.sty' not found.", "l.3 \\usepackage", "  {x}"])
    assert first_error("This is pdfTeX\nOutput written on document.pdf\n") == (None, [])


def test_a_box_dumped_in_a_warning_is_no_error_even_where_a_line_of_it_begins_with_a_bang():
    log = "Overfull \\hbox (425.9pt too wide) in paragraph at lines 34--34\n []\\T1/lmr x\n!$$7!$$\\OML/lmm\n"
    assert first_error(log) == (None, [])
