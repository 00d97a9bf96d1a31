"""Hostile input: nothing a spec says is executed, read or written outside the output directory.

Through the command line, as a user would run it. The tests that need TeX are skipped
without it, except under CI (as in test_pdf).
"""

import os
import re
import subprocess
from pathlib import Path

import pytest
from helpers import earlier_output, invoke, run_cli, slow_deriving, snapshot

from gen.expr.parser import MAX_DEPTH, MAX_LENGTH
from gen.render import pdf as typeset

SPEC = "symbols:\n  X: {shape: [n, n], assume: [invertible]}\nfunction: tr(X^-1)\nwrt: X\n"
HOSTILE = r"\input{/etc/passwd} \write18{touch pwned} ^^5c^^5cinput x_1 & 50% #1 ~ $a$ {}"
ESCAPED = (
    r"\textbackslash{}input\{/etc/passwd\} \textbackslash{}write18\{touch pwned\} "
    r"\textasciicircum{}\textasciicircum{}5c\textasciicircum{}\textasciicircum{}5cinput "
    r"x\_1 \& 50\% \#1 \textasciitilde{} \$a\$ \{\}"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_python_tag_is_refused_and_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    spec = write(tmp_path / "tag.yaml", f'title: !!python/object/apply:os.system ["touch {marker}"]\n' + SPEC)
    out = tmp_path / "out"
    result = run_cli("build", out, spec)
    message = "tag '!!python/object/apply:os.system' is not allowed in a spec (only plain YAML values)"
    assert (result.exit_code, result.stderr) == (2, f"{spec}:1:8: {message}\n")
    assert not marker.exists() and not out.exists()


def test_an_alias_bomb_is_refused_before_it_grows(tmp_path, work_done):
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    names = "abcdefghijklmnopqrst"  # 9**19 "lol"s, were the aliases expanded
    lines += [f"{c}: &{c} [{', '.join(['*' + p] * 9)}]" for p, c in zip(names, names[1:])]
    spec = write(tmp_path / "bomb.yaml", "\n".join(lines) + "\n")
    result = run_cli("check", tmp_path, spec)
    assert work_done["nodes"] == 3  # the document's mapping, the key a, and its value: refused
    message = "anchors and aliases (&name, *name) are not allowed in a spec"
    assert (result.exit_code, result.stderr) == (2, f"{spec}:1:4: {message}\n")


@pytest.mark.parametrize(
    ("expression", "col", "message"),
    [
        ("X + " * 240_000 + "X", 11, "expression is too long (960001 characters; the limit is 10000)"),
        (
            "(" * 10_000 + "X" + ")" * 10_000,
            11,
            "expression is too long (20001 characters; the limit is 10000)",
        ),
        ("(" * 4_000 + "X" + ")" * 4_000, 112, "expression is nested too deeply (more than 100 levels)"),
        ("tr(" * 2_000 + "X" + ")" * 2_000, 314, "expression is nested too deeply (more than 100 levels)"),
        ("-" * 5_000 + "tr(X)", 112, "expression is nested too deeply (more than 100 levels)"),
    ],
    ids=["almost-a-megabyte", "10000-parentheses", "4000-parentheses", "2000-calls", "5000-minus-signs"],
)
def test_huge_expressions_are_refused_early(tmp_path, work_done, expression, col, message):
    spec = write(tmp_path / "huge.yaml", SPEC.replace("tr(X^-1)", expression))
    out = tmp_path / "out"
    before = earlier_output(out, "huge")
    result = run_cli("build", out, spec)
    # bounded work whatever the length: nothing longer than the limit is tokenized, and the
    # parser stops at the depth limit, having read a few tokens per level
    assert work_done["tokens"] <= MAX_LENGTH + 1 and work_done["read"] <= 3 * MAX_DEPTH
    assert (result.exit_code, result.stderr) == (2, f"{spec}:3:{col}: {message}\n")
    assert snapshot(out) == before


def test_deeply_nested_yaml_is_refused(tmp_path):
    spec = write(tmp_path / "deep.yaml", "title: " + "[" * 100_000 + "]" * 100_000 + "\n" + SPEC)
    result = run_cli("check", tmp_path, spec)
    assert result.exit_code == 2
    assert re.fullmatch(rf"{re.escape(str(spec))}:\d+:\d+: invalid YAML: [^\n]+\n", result.stderr)


def hostile_spec(tmp_path: Path) -> Path:
    """Every plain-text field holds TeX that would read a file, run a command or hide a backslash."""
    title = HOSTILE.replace("$", "\\$")  # in a title, $a$ would be a formula: \$ is the dollar sign
    text = f"title: '{title}'\ntopic: '{HOSTILE}'\nreferences: ['{HOSTILE}']\n" + SPEC
    text += f"claim: -(X^-2)^T\ncompare:\n  - {{expr: (X^-2)^T, label: '{HOSTILE}'}}\n"
    text += f"steps:\n  - {{expr: d(tr(X^-1))}}\n  - {{expr: tr(d(X^-1)), why: '{HOSTILE}'}}\n"
    return write(tmp_path / "hostile.yaml", text)


@pytest.mark.parametrize("template", ["article", "notes"])
def test_tex_in_plain_text_fields_is_escaped(tmp_path, template):
    out = tmp_path / "out"
    result = invoke("build", "--to", "tex", "--template", template, "-o", out, hostile_spec(tmp_path))
    assert result.exit_code == 0, result.stderr
    document = (out / ("notes.tex" if template == "notes" else "hostile.tex")).read_text(encoding="utf-8")
    fields = (
        ("title", "label", "why", "topic", "reference") if template == "notes" else ("title", "label", "why")
    )
    assert document.count(ESCAPED) >= len(fields)
    for raw in (r"\input{", r"\write18", "^^5c"):
        assert raw not in document


def test_file_names_cannot_write_outside_the_output_directory(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    names = [
        "..yaml",
        "...yaml",
        ".yaml.yaml",
        "$(touch pwned).yaml",
        "-pdflatex=touch pwned.yaml",
        "a b;c.yaml",
    ]
    for name in names:
        write(specs / name, SPEC)
    out = tmp_path / "deep" / "out"
    result = invoke("build", "--to", "tex", "-o", out, *(specs / name for name in names))
    assert result.exit_code == 0, result.stderr
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    written = [name for name in written if not name.startswith("deep/out/.build/cache/")]  # the cache
    expected = sorted([f"deep/out/{name.removesuffix('.yaml')}.tex" for name in names])
    assert written == sorted([*expected, *(f"specs/{name}" for name in names)])


def test_a_symlink_in_the_output_directory_is_replaced_not_followed(tmp_path):
    target = write(tmp_path / "precious.txt", "precious\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "trace_inverse.tex").symlink_to(target)
    spec = write(tmp_path / "trace_inverse.yaml", SPEC)
    result = invoke("build", "--to", "tex", "-o", out, spec)
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8") == "precious\n"
    assert not (out / "trace_inverse.tex").is_symlink()


def test_latex_runs_without_shell_escape_and_with_paranoid_file_access():
    for command in (typeset.PDFLATEX, typeset.LATEXMK):  # pdflatex's passes, or latexmk's for bibtex
        assert "-no-shell-escape" in command and "-shell-escape" not in command
    assert typeset.ENVIRONMENT["openout_any"] == typeset.ENVIRONMENT["openin_any"] == "p"


@pytest.mark.usefixtures("latex_tools")
def test_file_names_never_reach_the_shell(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    names = ["$(touch pwned).yaml", "-pdflatex=touch pwned.yaml", "`touch pwned`.yaml"]
    for name in names:
        write(specs / name, SPEC)
    out = tmp_path / "out"
    result = invoke("build", "--to", "pdf", "-o", out, *(specs / name for name in names))
    assert result.exit_code == 0, result.stderr
    assert not list(tmp_path.rglob("pwned")) and not Path("pwned").exists()
    for name in names:
        assert (out / name.replace(".yaml", ".pdf")).read_bytes().startswith(b"%PDF")


@pytest.mark.usefixtures("latex_tools")
@pytest.mark.parametrize(
    ("notes", "exit_code"),
    [
        (r"\input{/etc/passwd}", 3),
        (r"\newwrite\w \immediate\openout\w=../escaped.tex \immediate\write\w{x}\immediate\closeout\w", 3),
        (r"\newwrite\w \immediate\openout\w={TMP}/escaped.tex \immediate\write\w{x}\immediate\closeout\w", 3),
        (r"\immediate\write18{touch {TMP}/escaped.tex}", 0),
    ],
    ids=["read-etc-passwd", "write-parent", "write-absolute", "shell-escape"],
)
def test_latex_in_notes_cannot_reach_files_or_the_shell(tmp_path, notes, exit_code):
    """``notes`` is trusted LaTeX, yet TeX may read and write only inside its scratch folder."""
    spec = write(tmp_path / "notes.yaml", f"notes: '{notes.replace('{TMP}', str(tmp_path))}'\n" + SPEC)
    out = tmp_path / "out"
    result = invoke("build", "--to", "pdf", "-o", out, spec)
    assert result.exit_code == exit_code, result.stderr
    assert not list(tmp_path.rglob("escaped.tex"))
    if exit_code == 0:
        words = subprocess.run(["pdftotext", out / "notes.pdf", "-"], capture_output=True, text=True).stdout
        assert "root:" not in words


def test_the_time_budget_stops_a_slow_derivation(tmp_path, monkeypatch):
    spec = write(tmp_path / "slow.yaml", SPEC)
    out = tmp_path / "out"
    before = earlier_output(out, "slow")
    slow_deriving(monkeypatch)
    result = invoke("build", "--to", "tex", "--timeout", "0.05", "-o", out, spec)
    message = "deriving and checking took longer than 0.05 s, the time budget (see --timeout)"
    assert (result.exit_code, result.stderr) == (2, f"{spec}:3:11: {message}\n")
    assert snapshot(out) == before
    monkeypatch.undo()
    assert invoke("check", "--timeout", "60", spec).exit_code == 0  # the timer was put back


@pytest.mark.parametrize("command", ["build", "check", "show"])
def test_the_time_budget_defaults_to_20_seconds(command):
    help = invoke(command, "--help").stdout
    assert re.search(
        r"--timeout SECONDS\s+Time budget to read, derive and verify each\s+spec\s+"
        r"\(more\s+than\s+0,\s+at\s+most\s+86400\)\.\s+\[default:\s+20\.0\]",
        help,
    )


@pytest.mark.parametrize("name", [b"\xff\xfe.yaml", b"new\nline.yaml", b"tab\there.yaml"], ids=repr)
def test_a_file_name_that_would_break_the_one_line_message_is_refused(tmp_path, name):
    spec = Path(os.fsdecode(bytes(tmp_path) + b"/" + name))
    write(spec, SPEC)
    out = tmp_path / "out"
    before = earlier_output(out, spec.stem)
    result = run_cli("build", out, spec)
    shown = ascii(str(spec))[1:-1]
    message = "the file name is not printable UTF-8 text; rename the file"
    assert (result.exit_code, result.stderr) == (2, f"{shown}:1:1: {message}\n")
    assert snapshot(out) == before
