"""Templates of one's own: --template FILE or FOLDER, and `derivtex templates export`."""

from pathlib import Path

import pytest
from helpers import invoke

from gen import pipeline

ROOT = Path(__file__).parent.parent
SEED = ROOT / "derivations" / "trace_inverse.yaml"
BUILTIN = sorted(p.name for p in (ROOT / "templates").glob("*.j2"))


@pytest.fixture
def exported(tmp_path) -> Path:
    folder = tmp_path / "mine"
    result = invoke("templates", "export", folder)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [f"wrote {folder / name}" for name in BUILTIN]
    return folder


def build(template, out: Path, *more):
    return invoke("build", "--to", "tex", "--template", template, "-o", out, *more, SEED)


def test_an_exported_folder_renders_what_the_built_in_article_does(exported, tmp_path):
    result = build(exported, tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    article = pipeline.render_tex(pipeline.run(SEED))  # the built-in article, rendered in-process
    assert (tmp_path / "out" / "trace_inverse.tex").read_text(encoding="utf-8") == article


def test_a_changed_include_in_the_folder_is_used(exported, tmp_path):
    body = exported / "derivation.tex.j2"
    body.write_text(
        body.read_text(encoding="utf-8").replace("\\end{proposition}", "\\end{proposition}\n% mine")
    )
    assert build(exported, tmp_path / "out").exit_code == 0
    assert "\\end{proposition}\n% mine\n" in (tmp_path / "out" / "trace_inverse.tex").read_text(
        encoding="utf-8"
    )


def test_a_markdown_file_template_escapes_for_markdown(tmp_path):
    template = tmp_path / "card.md.j2"
    template.write_text(
        "## \\VAR{doc.title|upper} *\\VAR{doc.id}*\n\n$$\\VAR{doc.statement}$$\n"
        "\\BLOCK{for proof in doc.proofs}\n"
        "- \\VAR{proof.title}: \\VAR{proof.parts|length} parts\n"
        "\\BLOCK{endfor}\n",
        encoding="utf-8",
    )
    result = build(template, tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"wrote {tmp_path / 'out' / 'trace_inverse.md'}\n"
    text = (tmp_path / "out" / "trace_inverse.md").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "## GRADIENT OF THE TRACE OF THE INVERSE *trace\\_inverse*"
    assert "$$\\nabla_{X} \\operatorname{tr}(X^{-1}) = -(X^{-2})^{\\top}$$" in text
    assert "- Proof by differentials: 2 parts" in text


@pytest.mark.parametrize(
    "source, error",
    [
        ("ok\n\\BLOCK{if}\n", "2:1: template: Expected an expression, got 'end of statement block'"),
        (
            "ok\n\n\\VAR{doc.nosuch}\n",
            "3:1: template: 'gen.render.view.DocumentView object' has no attribute 'nosuch'",
        ),
    ],
    ids=["syntax", "undefined"],
)
def test_an_error_in_a_template_points_into_it(tmp_path, source, error):
    template = tmp_path / "bad.tex.j2"
    template.write_text(source, encoding="utf-8")
    result = build(template, tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr == f"{template}:{error}\n"
    assert not (tmp_path / "out").exists()


def test_an_include_found_nowhere_points_at_the_include(tmp_path):
    template = tmp_path / "mine.tex.j2"
    template.write_text('ok\n\\BLOCK{include "missing.tex.j2"}\n', encoding="utf-8")
    result = build(template, tmp_path / "out")
    message = f"template: no template 'missing.tex.j2' in {tmp_path} or among the built-in ones"
    assert (result.exit_code, result.stderr) == (2, f"{template}:2:1: {message}\n")


def test_unknown_templates_and_folders_are_bad_input(tmp_path):
    result = build("slides", tmp_path / "out")
    assert result.exit_code == 2 and "unknown template 'slides': give one of article, notes" in result.stderr
    result = build(tmp_path, tmp_path / "out")
    assert result.exit_code == 2 and result.stderr == f"{tmp_path}:1:1: no article.tex.j2 in this folder\n"


def test_export_never_overwrites(exported):
    (exported / "article.tex.j2").write_text("mine\n", encoding="utf-8")
    result = invoke("templates", "export", exported)
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"{exported}:1:1: appendix.tex.j2 exists: not overwritten (export into a new folder)\n"
    )
    assert (exported / "article.tex.j2").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("template", ["appendix", "beamer", "md"])
def test_every_built_in_template_renders_the_same_source_twice(template):
    first = pipeline.render_tex(pipeline.run(SEED), template)
    assert pipeline.render_tex(pipeline.run(SEED), template) == first
    assert str(ROOT) not in first  # no absolute paths
