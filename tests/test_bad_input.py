"""Every bad spec of the corpus, through the command line: one positioned line, exit 2, nothing written.

The corpus is ``tests/bad_specs/*.yaml``, each with its expected error in a header
comment (see ``helpers.expected_error``). Before each run the output directory
holds files with the spec's own name, as from an earlier good build; they must
come out byte for byte the same, and nothing may be added.
"""

from pathlib import Path

import pytest
from helpers import BAD_SPECS, COMMANDS, documents, earlier_output, expected_error, run_cli, snapshot


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("path", BAD_SPECS, ids=[p.stem for p in BAD_SPECS])
def test_bad_spec_through_the_cli(tmp_path, path, command):
    out = tmp_path / "out"
    before = earlier_output(out, path.stem)
    result = run_cli(command, out, path)
    error = f"{path}:{expected_error(path)}\n"
    if command == "build-notes":  # the notes also say that they were not written
        error += "1 of 1 specs failed: the notes were not written\n"
    assert (result.exit_code, result.stderr, result.stdout) == (2, error, "")
    assert snapshot(out) == before


def test_bad_spec_among_good_ones_writes_only_the_good_ones(tmp_path):
    good = Path(__file__).parent.parent / "derivations" / "trace_AX.yaml"
    bad = BAD_SPECS[0]
    out = tmp_path / "out"
    before = earlier_output(out, bad.stem)
    result = run_cli("build", out, good, bad)
    assert result.exit_code == 2
    assert result.stderr == f"{bad}:{expected_error(bad)}\n"
    assert documents(out) == {**before, "trace_AX.tex": (out / "trace_AX.tex").read_bytes()}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_path_that_does_not_exist(tmp_path, command):
    out = tmp_path / "out"
    before = earlier_output(out, "missing")
    missing = tmp_path / "missing.yaml"
    result = run_cli(command, out, missing)
    message = "no such file or directory" if command != "show" else "no such file"
    assert (result.exit_code, result.stderr, result.stdout) == (2, f"{missing}:1:1: {message}\n", "")
    assert snapshot(out) == before


@pytest.mark.parametrize("command", ["build", "build-notes", "check"])
def test_a_directory_with_no_specs(tmp_path, command):
    out = tmp_path / "out"
    before = earlier_output(out, "notes")
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "README.md").write_text("not a spec\n", encoding="utf-8")
    result = run_cli(command, out, empty)
    assert (result.exit_code, result.stderr) == (2, f"{empty}:1:1: no specs (*.yaml) in this directory\n")
    assert snapshot(out) == before


def test_show_of_a_directory(tmp_path):
    result = run_cli("show", tmp_path, tmp_path)
    assert (result.exit_code, result.stderr) == (2, f"{tmp_path}:1:1: is a directory, not a spec file\n")
