"""The one table of output formats: the CLI, the pipeline and the API read it."""

from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from gen import pipeline
from gen.api import derive
from gen.cli import main
from gen.render.formats import FORMATS, Format, format_of

ROOT = Path(__file__).parent.parent
SEED = ROOT / "derivations" / "trace_inverse.yaml"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_a_new_row_is_a_format_the_cli_builds(monkeypatch, tmp_path):
    """Adding a format is one row: the CLI builds it without knowing its name."""
    plain = Format("plain", "LaTeX", FORMATS["article"].render, suffix=".txt", typeset=None)
    monkeypatch.setitem(FORMATS, "plain", plain)
    result = invoke("build", "--template", "plain", "-o", tmp_path, SEED)
    assert result.exit_code == 0, result.output
    written = (tmp_path / "trace_inverse.txt").read_text(encoding="utf-8")
    assert written == pipeline.render_tex(pipeline.run(SEED), "article")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build", "trace_inverse.txt"]  # no PDF or extras


def test_a_row_with_extra_files_writes_them_once_beside_the_documents(monkeypatch, tmp_path):
    files = lambda: {"extra.txt": "beside\n"}  # noqa: E731
    monkeypatch.setitem(FORMATS, "article", replace(FORMATS["article"], files=files))
    second = ROOT / "derivations" / "logdet.yaml"
    result = invoke("build", "--to", "tex", "-o", tmp_path, SEED, second)
    assert result.exit_code == 0, result.output
    assert result.output.count("wrote") == 3 and result.output.endswith(f"wrote {tmp_path / 'extra.txt'}\n")
    assert (tmp_path / "extra.txt").read_text(encoding="utf-8") == "beside\n"


def test_user_templates_are_rows_written_like_the_format_of_their_suffix(tmp_path):
    markdown, latex, text = (tmp_path / f"mine{s}.j2" for s in (".md", ".tex", ""))
    for path in (markdown, latex, text):
        path.write_text("\\VAR{doc.title}\n", encoding="utf-8")
    rows = {path: format_of(path) for path in (markdown, latex, text)}
    assert [rows[p].suffix for p in (markdown, latex, text)] == [".md", ".tex", ".txt"]
    assert rows[markdown].escape == FORMATS["md"].escape and rows[markdown].typeset is None
    assert rows[latex].typeset == FORMATS["article"].typeset  # a .tex template typesets as an article
    assert rows[text].typeset is None and rows[text].escape == FORMATS["article"].escape


def test_the_api_renders_every_format_of_the_table():
    derived = derive("tr(X^-1)", wrt="X", symbols={"X": {"shape": ["n", "n"], "assume": ["invertible"]}})
    for name in FORMATS:
        document = derived.to_latex(name)
        assert "X^{-1}" in document or "X^{-2}" in document, name
    assert derived.to_latex("notes") == pipeline.render_notes([derived.outcome])
