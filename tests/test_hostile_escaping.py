"""Hostile text (issue 14): no code from a name, no HTML in Markdown, no path or Python in templates.

Plain bad specs (control characters, characters pdflatex cannot set, forged lines) are in
tests/bad_specs/hostile_*.yaml and run through every command by test_bad_input.py; here are
the cases that need more than one command: an export that is run, documents that are read.
"""

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
import yaml
from helpers import (
    BAD_SPECS,
    earlier_output,
    expected_error,
    formulas,
    invoke,
    katex_errors,
    require_tools,
    snapshot,
)

from gen import derive
from gen.errors import SpecError, one_line, quote
from gen.render.templates import SYMBOLS
from gen.spec.text import MATH_CHARACTERS, TYPESET_RANGES, refusal

HOSTILE_SPECS = [p for p in BAD_SPECS if p.stem.startswith("hostile_")]
MORE_COMMANDS = {  # test_bad_input.py runs build, build --template notes, check and show --json
    "export": ("export", "-o", "{out}"),
    **{t: ("build", "--to", "tex", "--template", t, "-o", "{out}") for t in ("appendix", "beamer", "md")},
}
PWNED = '__import__("os").system("touch PWNED")'
SQUARE = "symbols:\n  X: {shape: [n, n], assume: [invertible]}\nfunction: tr(X^-1)\nwrt: X\n"
# label, why and title carry HTML, LaTeX, blank lines and a newline (a % comment's end)
HOSTILE = (
    'title: "A title\\n\\\\input{/etc/passwd} <script>alert(1)</script>"\n'
    + SQUARE
    + "compare:\n  - {expr: -(X^-2)^T, label: '<img src=x onerror=alert(1)>'}\n"
    'references: ["Petersen & Pedersen, The Matrix Cookbook, §2.5.4] x [y"]\n'
    'notes: "LaTeX, which a site shows as text: <script>alert(3)</script>"\n'
    "steps:\n"
    "  - {expr: d(tr(X^-1))}\n"
    '  - {expr: -tr(X^-2 * dX), why: "first\\n\\nsecond <script>alert(2)</script> & more"}\n'
)


NOWHERE = "in {folder} or among the built-in ones"


class Tags(HTMLParser):
    """The start tags an HTML parser (a browser, a Markdown renderer's raw HTML) would see."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def write(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "specs"
    folder.mkdir(exist_ok=True)
    (path := folder / name).write_text(text, encoding="utf-8")
    return path


def run_module(module: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, module.name], capture_output=True, text=True, cwd=module.parent, check=False
    )


@pytest.mark.parametrize(
    "name, title",
    [
        (f'm"""+str({PWNED})+""".yaml', "Trace"),
        ("title.yaml", f'x"""+str({PWNED})+"""'),
        ("quote.yaml", f"x'''+str({PWNED})+'''\\\\"),
    ],
    ids=["file name", "title", "single quotes"],
)
def test_an_exported_module_runs_nothing_from_the_spec(tmp_path, name, title):
    quoted = "'" + title.replace("'", "''") + "'"  # YAML's single quotes
    spec = write(tmp_path, name, f"title: {quoted}\n" + SQUARE)
    out = tmp_path / "out"
    result = invoke("export", "-o", out, spec)
    assert result.exit_code == 0, result.stderr
    (module,) = out.glob("*.py")
    run = run_module(module)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("the gradient agrees with central finite differences")
    assert not (out / "PWNED").exists() and not (tmp_path / "PWNED").exists()
    namespace: dict = {}
    exec(compile(module.read_text(encoding="utf-8"), str(module), "exec"), namespace)  # noqa: S102
    assert namespace["SPEC"] == str(spec) and namespace["MODULE"] == module.name  # text, as given


def test_a_symbol_named_float_does_not_shadow_the_builtin(tmp_path):
    spec = write(
        tmp_path,
        "shadow.yaml",
        "symbols:\n  float: {}\n  np: {}\n  x: {shape: [n]}\nfunction: float * np * x^T * x\nwrt: x\n",
    )
    out = tmp_path / "out"
    assert invoke("export", "-o", out, spec).exit_code == 0
    module = out / "shadow.py"
    assert run_module(module).returncode == 0
    namespace: dict = {}
    exec(compile(module.read_text(encoding="utf-8"), str(module), "exec"), namespace)  # noqa: S102
    x = np.array([1.0, 2.0, 3.0])
    # f = a b xᵀx, so ∇f = 2 a b x (written down, not read from the output)
    np.testing.assert_allclose(namespace["gradient"](float_=2.0, np_=3.0, x=x), 12.0 * x)
    assert namespace["function"](float_=2.0, np_=3.0, x=x) == pytest.approx(84.0)


def test_markdown_holds_no_html_from_the_spec(tmp_path):
    out = tmp_path / "out"
    result = invoke("build", "--to", "md", "-o", out, write(tmp_path, "hostile.yaml", HOSTILE))
    assert result.exit_code == 0, result.stderr
    md = (out / "hostile.md").read_text(encoding="utf-8")
    assert Tags(md).tags == []
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in md.splitlines()[0]  # shown, as text
    assert "\\textless{}img src=x onerror=alert(1)\\textgreater{}" not in md  # prose: entities
    assert "&lt;img src=x onerror=alert(1)&gt;" in md
    assert "text: &lt;script>alert(3)&lt;/script>" in md  # notes: no < opens a tag


def test_markdown_math_with_escaped_text_renders_in_katex(tmp_path):
    out = tmp_path / "out"
    assert invoke("build", "--to", "md", "-o", out, write(tmp_path, "hostile.yaml", HOSTILE)).exit_code == 0
    md = (out / "hostile.md").read_text(encoding="utf-8")
    assert "\\text{first second \\textless{}script\\textgreater{}" in md
    assert katex_errors(formulas(md)) == [None] * len(formulas(md))


@pytest.mark.parametrize("template", ["article", "appendix", "beamer", "notes"])
def test_latex_holds_the_text_as_text(tmp_path, template):
    out = tmp_path / "out"
    spec = write(tmp_path, "hostile.yaml", HOSTILE)
    result = invoke("build", "--to", "tex", "--template", template, "-o", out, spec)
    assert result.exit_code == 0, result.stderr
    (tex,) = out.glob("*.tex")
    source = tex.read_text(encoding="utf-8")
    assert "<img" not in source and "\\input{/etc" not in source  # (a PDF bookmark may hold <)
    assert "A title \\textbackslash{}input\\{/etc/passwd\\} \\textless{}script\\textgreater{}" in source
    assert "first second \\textless{}script" in source  # the blank line is one space
    if template == "article":  # a bracket in a citation's place does not end its [ ]
        assert "\\cite[§2.5.4{]} x {[}y]{petersen2012cookbook}" in source
    if template == "appendix":  # the header comment stays comments
        header = source.split("\\begin{derivtex}")[0].splitlines()
        assert all(line.startswith("% ") for line in header)


def test_the_hostile_spec_typesets_as_written(tmp_path):
    require_tools("latexmk", "pdflatex", "pdftotext")
    out = tmp_path / "out"
    result = invoke("build", "--to", "pdf", "-o", out, write(tmp_path, "hostile.yaml", HOSTILE))
    assert result.exit_code == 0, result.stderr
    run = subprocess.run(["pdftotext", out / "hostile.pdf", "-"], capture_output=True, text=True, check=True)
    text = " ".join(run.stdout.split())
    assert "A title \\input{/etc/passwd} <script>alert(1)</script>" in text
    assert "(<img src=x onerror=alert(1)>)" in text
    assert "Source: [1, §2.5.4] x [y]." in text


def test_show_prints_plain_text_on_one_line(tmp_path):
    result = invoke("show", write(tmp_path, "hostile.yaml", HOSTILE))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == ("A title \\input{/etc/passwd} <script>alert(1)</script>")
    assert "first second <script>alert(2)</script>" in result.stdout
    assert "\x1b" not in result.stdout and "\r" not in result.stdout


def test_a_title_with_a_forged_line_is_one_line_of_text(tmp_path):
    spec = write(tmp_path, "forged.yaml", 'title: "ok\\r\\nfake.yaml:1:1: all good"\n' + SQUARE)
    result = invoke("show", spec)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "ok fake.yaml:1:1: all good" and result.stderr == ""


def test_show_json_keeps_the_normalised_text(tmp_path):
    import json

    result = invoke("show", "--json", write(tmp_path, "hostile.yaml", HOSTILE))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["steps"][1]["why"] == "first second <script>alert(2)</script> & more"


@pytest.mark.parametrize(
    "template, message",
    [
        (
            "\\VAR{''.__class__.__mro__}",
            "template: access to attribute '__class__' of 'str' object is unsafe.",
        ),
        (
            "\\VAR{doc.id.__init__.__globals__}",
            "template: access to attribute '__init__' of 'str' object is unsafe.",
        ),
        ("\\BLOCK{include '/etc/passwd'}", f"template: no template '/etc/passwd' {NOWHERE}"),
        ("\\BLOCK{include '../../x.tex.j2'}", f"template: no template '../../x.tex.j2' {NOWHERE}"),
        ("\\BLOCK{include '..'}", f"template: no template '..' {NOWHERE}"),
    ],
    ids=["mro", "globals", "absolute include", "parent include", "dot dot"],
)
def test_a_user_template_is_sandboxed(tmp_path, template, message):
    folder = tmp_path / "mine"
    folder.mkdir()
    (tmp_path / "x.tex.j2").write_text("secret\n", encoding="utf-8")
    (user := folder / "evil.tex.j2").write_text(f"first line\n{template}\n", encoding="utf-8")
    out = tmp_path / "out"
    spec = write(tmp_path, "seed.yaml", SQUARE)
    result = invoke("build", "--to", "tex", "--template", user, "-o", out, spec)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"{user}:2:1: {message.format(folder=folder)}\n"
    assert not out.exists() or list(out.iterdir()) == []


def test_the_api_quotes_values_on_one_line():
    with pytest.raises(SpecError) as caught:
        derive("tr(X)", wrt="X", symbols={"X": {"shape": ["n", "n"]}}, title="ok\x1b]0;x\x07")
    assert str(caught.value).startswith("title:1:")  # the column is the API's (gen.api.argument_span)
    assert str(caught.value).endswith(": 'title' contains the control character '\\x1b'")
    with pytest.raises(SpecError) as caught:
        derive("tr(X)", wrt="X", symbols={"X": {"shape": ["n", "n"]}}, **{"\r\nfake.yaml:1:1: ok": 1})
    assert "\n" not in str(caught.value) and "\r" not in str(caught.value)
    assert "unknown key '\\r\\nfake.yaml:1:1: ok'" in str(caught.value)


def test_quote_and_one_line_leave_no_control_character():
    hostile = "a\r\nfake.yaml:1:1: all good\x1b]0;t\x07\u202e\u2028"
    for text in (quote(hostile), one_line(hostile)):
        assert text.isprintable() and "fake.yaml:1:1: all good" in text
    assert quote("it's") == '"it\'s"' and quote("X") == "'X'"


def accepted() -> list[str]:
    """Every character plain text may hold (spacing aside)."""
    chars = [chr(c) for low, high in TYPESET_RANGES for c in range(low, high + 1)] + sorted(MATH_CHARACTERS)
    return [c for c in chars if refusal(c) is None and not c.isspace()]


def test_the_characters_written_as_math_are_accepted():
    assert {c for c in SYMBOLS if ord(c) > 0x7E} <= set(accepted())


def test_every_accepted_character_typesets(tmp_path):
    require_tools("latexmk", "pdflatex")
    chars = "".join(accepted())
    lines = [chars[i : i + 40] for i in range(0, len(chars), 40)]
    title = "'" + "".join(lines).replace("'", "''").replace("$", "\\$") + "'"  # $…$: a formula
    # why: the same characters, which a chain sets in a narrow column
    steps = "".join(f"  - {{expr: tr(dX), why: '{line.replace(chr(39), chr(39) * 2)}'}}\n" for line in lines)
    spec = write(
        tmp_path,
        "every.yaml",
        f"title: {title}\nsymbols:\n  X: {{shape: [n, n]}}\nfunction: tr(X)\nwrt: X\n"
        f"steps:\n  - {{expr: d(tr(X))}}\n{steps}",
    )
    result = invoke("build", "--to", "pdf", "-o", tmp_path / "out", spec)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("command", MORE_COMMANDS)
@pytest.mark.parametrize("path", HOSTILE_SPECS, ids=[p.stem for p in HOSTILE_SPECS])
def test_a_hostile_spec_through_the_other_commands(tmp_path, path, command):
    out = tmp_path / "out"
    before = earlier_output(out, path.stem)
    result = invoke(*(a.format(out=out) for a in MORE_COMMANDS[command]), path)
    assert (result.exit_code, result.stderr, result.stdout) == (2, f"{path}:{expected_error(path)}\n", "")
    assert snapshot(out) == before


@pytest.mark.parametrize("path", HOSTILE_SPECS, ids=[p.stem for p in HOSTILE_SPECS])
def test_a_hostile_spec_through_the_api(path):
    keys = yaml.safe_load(path.read_text(encoding="utf-8"))
    with pytest.raises(SpecError) as caught:
        derive(keys.pop("function", "tr(X)"), keys.pop("wrt", "X"), keys.pop("symbols", None), **keys)
    message = expected_error(path).split(": ", 1)[1]
    assert str(caught.value).endswith(f": {message}") and str(caught.value).isprintable()
