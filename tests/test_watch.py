"""``derivtex watch``: a change rebuilds what ``build`` writes for that spec, an error is one line and
the watch goes on, Ctrl-C ends it with exit 130.

The rebuild is driven with change sets made by hand (no clock); one test runs the command itself,
watchfiles and all, waiting on its output lines (a generous timeout bounds only a failure).
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

from helpers import GOOD, ROOT, invoke
from watchfiles import Change

from gen.cli import build_request
from gen.watch import Job, changed_specs, rebuild

ERROR_LINE = re.compile(r"^(.+):(\d+):(\d+): (.+)$")
WAIT = 120  # seconds: only a failure waits this long


def tex_job(specs: Path, out: Path, template: str = "article") -> Job:
    return Job((specs,), build_request("tex", template, None, str(out), False, 20.0, 1, False))


def built_by_build(spec_folder: Path, out: Path, *options) -> dict[str, str]:
    """What ``derivtex build --to tex`` writes for the folder, to compare the watch's output with."""
    assert invoke("build", spec_folder, "--to", "tex", "-o", out, *options).exit_code == 0
    return {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.tex")}


def test_a_change_names_the_spec_as_the_user_named_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs" / "deeper").mkdir(parents=True)
    for name in ("a.yaml", "b.yml", "notes.txt", "deeper/c.yaml"):
        (tmp_path / "specs" / name).write_text(GOOD)
    changes = {(Change.modified, str(tmp_path / "specs" / n)) for n in ("b.yml", "a.yaml", "notes.txt")}
    changes |= {(Change.added, str(tmp_path / "specs" / "deeper" / "c.yaml"))}
    assert changed_specs(changes, (Path("specs"),)) == [Path("specs/a.yaml"), Path("specs/b.yml")]
    assert changed_specs(changes, (Path("specs/b.yml"),)) == [Path("specs/b.yml")]
    assert changed_specs(changes, (Path("specs/deeper"),)) == [Path("specs/deeper/c.yaml")]
    assert changed_specs(changes, (Path("specs/deeper/c.yaml"), Path("specs/a.yaml"))) == [
        Path("specs/a.yaml"),
        Path("specs/deeper/c.yaml"),
    ]


def test_an_edit_rebuilds_that_spec_as_build_would(tmp_path, capsys):
    specs, out = tmp_path / "specs", tmp_path / "out"
    specs.mkdir()
    (specs / "a.yaml").write_text(GOOD)
    (specs / "b.yaml").write_text(GOOD.replace("tr(X^-1)", "tr(X^-1) + tr(X)"))
    job = tex_job(specs, out)

    (specs / "a.yaml").write_text(GOOD.replace("tr(X^-1)", "tr(X^-1) + tr(X)"))
    assert rebuild({(Change.modified, str(specs / "a.yaml"))}, job) == 0
    assert capsys.readouterr().out == f"wrote {out / 'a.tex'}\n"  # b.yaml did not change
    assert sorted(p.name for p in out.glob("*.tex")) == ["a.tex"]
    expected = built_by_build(specs, tmp_path / "built")
    assert (out / "a.tex").read_text(encoding="utf-8") == expected["a.tex"]
    assert "X^{-1}" in expected["a.tex"] and r"\operatorname{tr}" in expected["a.tex"]


def test_a_bad_edit_prints_its_error_keeps_the_output_and_the_watch_goes_on(tmp_path, capsys):
    specs, out = tmp_path / "specs", tmp_path / "out"
    specs.mkdir()
    spec = specs / "a.yaml"
    spec.write_text(GOOD)
    job = tex_job(specs, out)
    change = {(Change.modified, str(spec))}
    assert rebuild(change, job) == 0
    good = (out / "a.tex").read_bytes()
    capsys.readouterr()

    spec.write_text(GOOD.replace("tr(X^-1)", "tr(X^-1"))
    assert rebuild(change, job) == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    assert ERROR_LINE.match(printed.err.strip()).group(1, 2) == (str(spec), "3")
    assert "Traceback" not in printed.err and len(printed.err.splitlines()) == 1
    assert (out / "a.tex").read_bytes() == good  # the failed rebuild replaced nothing

    spec.write_text(GOOD.replace("tr(X^-1)", "tr(X^-1) + tr(X)"))
    assert rebuild(change, job) == 0
    assert capsys.readouterr().out == f"wrote {out / 'a.tex'}\n"
    assert (out / "a.tex").read_text(encoding="utf-8") == built_by_build(specs, tmp_path / "b")["a.tex"]


def test_a_deleted_spec_is_not_rebuilt(tmp_path, capsys):
    specs, out = tmp_path / "specs", tmp_path / "out"
    specs.mkdir()
    (specs / "a.yaml").write_text(GOOD)
    assert rebuild({(Change.deleted, str(specs / "gone.yaml"))}, tex_job(specs, out)) == 0
    assert capsys.readouterr().out == "" and not out.exists()


def test_a_spec_writing_the_outputs_of_another_is_refused_and_writes_nothing(tmp_path, capsys):
    specs, out = tmp_path / "specs", tmp_path / "out"
    specs.mkdir()
    (specs / "x.yaml").write_text(GOOD)
    job = tex_job(specs, out)
    assert rebuild({(Change.added, str(specs / "x.yaml"))}, job) == 0
    good = (out / "x.tex").read_bytes()
    capsys.readouterr()

    (specs / "x.yml").write_text(GOOD.replace("tr(X^-1)", "tr(X^-1) + tr(X)"))
    assert rebuild({(Change.added, str(specs / "x.yml"))}, job) == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    assert (
        printed.err
        == f"{specs / 'x.yml'}:1:1: writes {out / 'x.tex'}, as {specs / 'x.yaml'} does: rename one of them\n"
    )
    assert (out / "x.tex").read_bytes() == good


def test_with_notes_any_change_rebuilds_the_notes_of_every_spec(tmp_path, capsys):
    specs, out = tmp_path / "specs", tmp_path / "out"
    specs.mkdir()
    (specs / "a.yaml").write_text(GOOD)
    (specs / "b.yaml").write_text(GOOD.replace("tr(X^-1)", "tr(X^-1) + tr(X)"))
    job = tex_job(specs, out, "notes")
    assert job.together

    (specs / "b.yaml").unlink()  # a deletion changes the notes too
    assert rebuild({(Change.deleted, str(specs / "b.yaml"))}, job) == 0
    assert capsys.readouterr().out.splitlines() == [f"ok  {specs / 'a.yaml'}", f"wrote {out / 'notes.tex'}"]
    expected = built_by_build(specs, tmp_path / "built", "--template", "notes")
    assert (out / "notes.tex").read_text(encoding="utf-8") == expected["notes.tex"]

    (specs / "a.yaml").unlink()
    assert rebuild({(Change.deleted, str(specs / "a.yaml"))}, job) == 2
    assert capsys.readouterr().err == f"{specs}:1:1: no specs (*.yaml) in this directory\n"
    assert (out / "notes.tex").read_text(encoding="utf-8") == expected["notes.tex"]  # kept


class Lines:
    """The lines a process writes to a pipe, read by a thread, waited for one at a time."""

    def __init__(self, pipe):
        self.pipe, self.lines = pipe, queue.Queue()
        self.reader = threading.Thread(target=self.read, args=(pipe,), daemon=True)
        self.reader.start()

    def read(self, pipe) -> None:
        for line in pipe:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next(self) -> str | None:
        return self.lines.get(timeout=WAIT)

    def close(self) -> None:
        """Once the process has ended: the thread reads to the end, then the pipe is closed."""
        self.reader.join(timeout=WAIT)
        self.pipe.close()


def test_the_command_rebuilds_on_an_edit_and_ends_on_ctrl_c(tmp_path):
    specs, out = tmp_path / "specs", tmp_path / "out"
    specs.mkdir()
    spec = specs / "a.yaml"
    spec.write_text(GOOD)
    # Ctrl-C as at a terminal: a runner started in the background (`cmd &` in a script) ignores SIGINT,
    # and its children inherit that
    program = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)\n"
    program += "from gen.cli import main; main()"
    command = [sys.executable, "-c", program, "watch", "specs", "--to", "tex", "-o", "out"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    stdout, stderr = Lines(process.stdout), Lines(process.stderr)
    try:
        assert stdout.next() == f"wrote {Path('out') / 'a.tex'}"  # the first build
        assert stderr.next() == "watching specs (Ctrl-C ends)"
        spec.write_text(GOOD.replace("tr(X^-1)", "tr(X^-1) + tr(X)"))
        assert stdout.next() == f"wrote {Path('out') / 'a.tex'}"
        built = built_by_build(specs, tmp_path / "built")["a.tex"]
        assert (out / "a.tex").read_text(encoding="utf-8") == built and "+" in built
        spec.write_text(GOOD + "wrt: Y\n")
        assert ERROR_LINE.match(stderr.next()).group(1, 2) == (str(Path("specs") / "a.yaml"), "5")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=WAIT) == 130
        assert stderr.next() == "interrupted" and stderr.next() is None and stdout.next() is None
    finally:
        process.kill()
        process.wait()
        stdout.close()
        stderr.close()


def test_a_path_that_does_not_exist_ends_the_command_at_once(tmp_path):
    result = invoke("watch", tmp_path / "nope", "--to", "tex", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path / 'nope'}:1:1: no such file or directory\n"
    assert not (tmp_path / "out").exists()
