"""derivtex build's orchestration: the cache, workers under limits enforced from outside, the
order of the output, refused collisions and documents replaced whole (issue 17).

Workers are forked from the test's process, so a monkeypatch reaches them; what they did is
read back from files they write (a worker's memory is its own).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from gen import pipeline
from gen.build import cache as build_cache
from gen.build import files as build_files
from gen.build.codec import decode_part, encode_part
from gen.build.workers import Task, run_all
from gen.errors import CannotWrite
from gen.render.view import document_view, label_of
from tests.helpers import GOOD, ROOT, invoke, require_tools, snapshot

TR_X = "symbols:\n  X: {shape: [n, n]}\nfunction: tr(X)\nwrt: X\ntopic: traces\n"


def write(folder: Path, name: str, text: str = GOOD) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


@pytest.fixture
def derived(monkeypatch, tmp_path):
    """How many times each spec was derived, by id, counted in a file (workers are processes)."""
    log = tmp_path / "derived.log"
    run_spec = pipeline.run_spec

    def counting(spec, *args, **kwargs):
        with log.open("a", encoding="utf-8") as handle:
            handle.write(spec.id + "\n")
        return run_spec(spec, *args, **kwargs)

    monkeypatch.setattr(pipeline, "run_spec", counting)
    return lambda: Counter(log.read_text(encoding="utf-8").split()) if log.exists() else Counter()


def build(out: Path, *args):
    return invoke("build", "--to", "tex", "-o", out, *args)


# --- the cache -------------------------------------------------------------------------------


def test_a_second_build_derives_nothing_and_rewrites_nothing(tmp_path, derived):
    specs, out = tmp_path / "specs", tmp_path / "out"
    write(specs, "a.yaml"), write(specs, "b.yaml", TR_X)
    first = build(out, specs)
    assert first.exit_code == 0 and derived() == Counter({"a": 1, "b": 1})
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()}
    second = build(out, specs)
    assert (second.exit_code, second.stdout) == (
        0,
        f"up to date {out / 'a.tex'}\nup to date {out / 'b.tex'}\n",
    )
    assert derived() == Counter({"a": 1, "b": 1})
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.is_file()} == before


def test_an_edited_spec_is_the_only_one_derived_again(tmp_path, derived):
    specs, out = tmp_path / "specs", tmp_path / "out"
    write(specs, "a.yaml"), write(specs, "b.yaml", TR_X)
    build(out, specs)
    old = (out / "b.tex").read_bytes()
    write(specs, "b.yaml", TR_X.replace("tr(X)", "tr(X^T)"))
    result = build(out, specs)
    assert result.stdout == f"up to date {out / 'a.tex'}\nwrote {out / 'b.tex'}\n"
    assert derived() == Counter({"a": 1, "b": 2})
    assert (out / "b.tex").read_bytes() != old


def test_a_deleted_output_is_restored_from_the_cache(tmp_path, derived):
    spec, out = write(tmp_path, "a.yaml"), tmp_path / "out"
    build(out, spec)
    text = (out / "a.tex").read_bytes()
    (out / "a.tex").write_bytes(b"edited by hand\n")
    assert build(out, spec).stdout == f"wrote {out / 'a.tex'}\n"
    assert (out / "a.tex").read_bytes() == text and derived() == Counter({"a": 1})


@pytest.mark.parametrize(
    "change",
    [
        ("--force",),  # rebuilds whatever the cache holds
        ("--template", "appendix"),  # another template
        ("--template", "appendix", "--section-level", "subsection"),  # another option
        ("--allow-false",),
    ],
)
def test_what_the_document_depends_on_is_in_the_key(tmp_path, derived, change):
    spec, out = write(tmp_path, "a.yaml"), tmp_path / "out"
    build(out, spec, *change[1:] if change[0] == "--force" else ())
    if change[0] == "--template" and len(change) > 2:
        build(out, spec, "--template", "appendix")  # the same template with its default option
    before = derived()["a"]
    assert build(out, spec, *change).exit_code == 0
    assert derived()["a"] == before + 1


def test_an_edit_of_derivtex_itself_misses(tmp_path, derived, monkeypatch):
    spec, out = write(tmp_path, "a.yaml"), tmp_path / "out"
    build(out, spec)
    monkeypatch.setattr(build_cache, "installation", lambda: "derivtex after an edit")
    build(out, spec)
    assert derived() == Counter({"a": 2})


def test_the_installation_digest_covers_the_source_files(tmp_path):
    (tmp_path / "engine.py").write_text("x = 1\n")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "engine.pyc").write_bytes(b"compiled")
    before = build_cache.folder_digest(tmp_path, build_cache.SOURCES)
    (tmp_path / "__pycache__" / "engine.pyc").write_bytes(b"compiled again")
    assert build_cache.folder_digest(tmp_path, build_cache.SOURCES) == before
    (tmp_path / "engine.py").write_text("x = 2\n")
    assert build_cache.folder_digest(tmp_path, build_cache.SOURCES) != before


def test_a_user_template_s_edit_misses(tmp_path, derived):
    spec, out = write(tmp_path, "a.yaml"), tmp_path / "out"
    template = write(tmp_path / "mine", "mine.tex.j2", "\\VAR{doc.title}\n")
    build(out, spec, "--template", template)
    write(tmp_path / "mine", "mine.tex.j2", "% mine\n\\VAR{doc.title}\n")
    build(out, spec, "--template", template)
    assert derived() == Counter({"a": 2})
    assert (out / "a.tex").read_text(encoding="utf-8").startswith("% mine\n")


def entries(out: Path) -> list[Path]:
    return sorted((out / ".build" / "cache" / "entries").iterdir())


def objects(out: Path) -> list[Path]:
    return sorted((out / ".build" / "cache" / "objects").iterdir())


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-20])


def alter_payload(path: Path) -> None:
    entry = json.loads(path.read_text())
    entry["payload"]["marked"] = True  # the checksum no longer matches
    path.write_text(json.dumps(entry))


def foreign(path: Path) -> None:
    entry = json.loads(path.read_text())
    entry["format"] = "some other tool 1"
    path.write_text(json.dumps(entry))


def pickle_in_place(path: Path) -> None:
    path.write_bytes(b"\x80\x04\x95\x00")  # not JSON: never unpickled


def alter_object(path: Path) -> None:
    (objects(path.parents[1].parent.parent)[0]).write_bytes(b"\\relax % not what was stored\n")


@pytest.mark.parametrize("damage", [truncate, alter_payload, foreign, pickle_in_place, alter_object])
def test_a_damaged_cache_is_ignored_and_rewritten(tmp_path, derived, damage):
    spec, out = write(tmp_path, "a.yaml"), tmp_path / "out"
    build(out, spec)
    good = (out / "a.tex").read_bytes()
    (out / "a.tex").unlink()
    (entry,) = entries(out)
    damage(entry)
    result = build(out, spec)
    assert (result.exit_code, result.stdout) == (0, f"wrote {out / 'a.tex'}\n")
    assert (out / "a.tex").read_bytes() == good and derived() == Counter({"a": 2})
    assert build(out, spec).stdout == f"up to date {out / 'a.tex'}\n"  # the entry was rewritten


# --- the notes from cached parts ---------------------------------------------------------


def test_the_notes_rederive_only_the_edited_spec_and_match_a_fresh_build(tmp_path, derived):
    specs, out = tmp_path / "specs", tmp_path / "out"
    write(specs, "a.yaml"), write(specs, "b.yaml", TR_X)
    assert build(out, specs, "--template", "notes").exit_code == 0
    write(specs, "b.yaml", TR_X.replace("tr(X)", "tr(X^T)"))
    result = build(out, specs, "--template", "notes")
    assert result.stdout == f"ok  {specs / 'a.yaml'}\nok  {specs / 'b.yaml'}\nwrote {out / 'notes.tex'}\n"
    assert derived() == Counter({"a": 1, "b": 2})
    from_parts = (out / "notes.tex").read_bytes()
    assert build(tmp_path / "fresh", specs, "--template", "notes", "--force").exit_code == 0
    assert (tmp_path / "fresh" / "notes.tex").read_bytes() == from_parts
    assert build(out, specs, "--template", "notes").stdout.endswith(f"up to date {out / 'notes.tex'}\n")


def test_a_part_of_the_notes_round_trips_through_json():
    outcome = pipeline.run(ROOT / "derivations" / "trace_AX.yaml")
    doc = document_view(outcome.derivation, outcome.report)
    spec, back = decode_part(json.loads(json.dumps(encode_part(outcome.spec, doc))))
    assert back == doc and (spec.topic, spec.references) == (outcome.spec.topic, outcome.spec.references)


def test_a_part_naming_another_class_is_refused():
    part = {"topic": "", "references": [], "view": {"@": "Popen", "args": ["rm"]}}
    with pytest.raises(ValueError, match="not a part of the notes: 'Popen'"):
        decode_part(part)


# --- workers ---------------------------------------------------------------------------------


def test_output_follows_the_order_of_the_specs_whatever_order_they_end_in(tmp_path, monkeypatch):
    run_spec = pipeline.run_spec

    def slow_first(spec, *args, **kwargs):
        if spec.id == "a":  # the first spec ends last
            time.sleep(1.0)
        return run_spec(spec, *args, **kwargs)

    monkeypatch.setattr(pipeline, "run_spec", slow_first)
    specs, out = tmp_path / "specs", tmp_path / "out"
    for name in ("a", "b", "c"):
        write(specs, f"{name}.yaml", TR_X)
    for jobs in ("2", "1"):
        result = build(out, specs, "--jobs", jobs, "--force")
        assert result.stdout == "".join(f"wrote {out / n}.tex\n" for n in "abc") or result.stdout == "".join(
            f"up to date {out / n}.tex\n" for n in "abc"
        )


def group_members(group: int) -> list[int]:
    """The live processes of a process group (zombies, which nothing may reap here, excluded)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def looping(pids: Path):
    """A task that starts a long-lived child (as latexmk starts pdflatex) and loops in place."""

    def run(stage):
        child = subprocess.Popen(["sleep", "1000"])
        pids.write_text(f"{os.getpgrp()} {child.pid}")
        while True:
            try:
                time.sleep(0.01)
            except BaseException:  # noqa: BLE001 (a worker that swallows everything)
                pass

    return run


def test_a_worker_out_of_time_is_ended_with_its_whole_process_group(tmp_path):
    pids, results = tmp_path / "pids", {}
    task = Task("doc.yaml", looping(pids), {"reading": (0.2, ", the time budget (see --timeout)")})
    run_all([(0, task)], 1, results.__setitem__)
    group, child = map(int, pids.read_text().split())
    assert results[0].error == "doc.yaml:1:1: reading took longer than 0.2 s, the time budget (see --timeout)"
    assert results[0].exit_code == 2
    assert group != os.getpgrp() and group_members(group) == []
    assert child not in group_members(group)


def test_a_derivation_that_ignores_its_budget_is_stopped_and_the_next_spec_built(tmp_path, monkeypatch):
    run_spec = pipeline.run_spec
    pids = tmp_path / "pids"

    def stuck(spec, *args, **kwargs):
        if spec.id == "a":
            looping(pids)(None)
        return run_spec(spec, *args, **kwargs)

    monkeypatch.setattr(pipeline, "run_spec", stuck)
    specs, out = tmp_path / "specs", tmp_path / "out"
    write(specs, "a.yaml"), write(specs, "b.yaml", TR_X)
    result = build(out, specs, "--timeout", "0.2", "--jobs", "1")
    message = "deriving and checking took longer than 0.2 s, the time budget (see --timeout)"
    assert (result.exit_code, result.stderr) == (2, f"{specs / 'a.yaml'}:1:1: {message}\n")
    assert result.stdout == f"wrote {out / 'b.tex'}\n"
    group, _ = map(int, pids.read_text().split())
    assert group_members(group) == []


SIGTERM_SCRIPT = """
import sys, time
from gen import pipeline
def stuck(spec, *args, **kwargs):
    import os, subprocess
    child = subprocess.Popen(["sleep", "1000"])
    open(sys.argv[1], "w").write(f"{os.getpgrp()} {child.pid}")
    while True:
        time.sleep(0.01)
pipeline.run_spec = stuck
from gen.cli import main
main(["build", "--to", "tex", "-o", sys.argv[2], sys.argv[3]])
"""


def test_sigterm_of_derivtex_ends_the_worker_s_group(tmp_path):
    pids, spec = tmp_path / "pids", write(tmp_path, "a.yaml")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", SIGTERM_SCRIPT, pids, tmp_path / "out", spec]
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) as derivtex:
        while not pids.exists() or not pids.read_text():  # the worker has started its child
            assert derivtex.poll() is None, derivtex.stderr.read()
            time.sleep(0.05)
        derivtex.send_signal(signal.SIGTERM)
        assert derivtex.wait(timeout=30) == 128 + signal.SIGTERM
    group, _ = map(int, pids.read_text().split())
    assert group_members(group) == []
    assert not (tmp_path / "out" / "a.tex").exists()


# --- collisions and whole replacement --------------------------------------------------------


@pytest.mark.parametrize("names", [("one/x.yaml", "two/x.yaml"), ("x.yaml", "x.yml")])
def test_two_specs_writing_one_file_are_refused_before_anything_is_written(tmp_path, names, derived):
    first, second = (write((tmp_path / name).parent, Path(name).name) for name in names)
    out = tmp_path / "out"
    result = build(out, first, second)
    message = f"{second}:1:1: writes {out / 'x.tex'}, as {first} does: rename one of them\n"
    assert (result.exit_code, result.stderr, result.stdout) == (2, message, "")
    assert not out.exists() and derived() == Counter()


def test_a_spec_named_twice_is_built_once(tmp_path, derived):
    spec, out = write(tmp_path, "a.yaml"), tmp_path / "out"
    assert build(out, spec, tmp_path / "." / "a.yaml").stdout == f"wrote {out / 'a.tex'}\n"


def test_the_notes_never_overwrite_an_article_of_a_spec_named_notes(tmp_path, derived):
    specs, out = tmp_path / "specs", tmp_path / "out"
    write(specs, "a.yaml"), write(specs, "notes.yaml", TR_X)
    assert build(out, specs).exit_code == 0
    article = (out / "notes.tex").read_bytes()
    result = build(out, specs, "--template", "notes")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        f"{specs / 'notes.yaml'}:1:1: a spec named 'notes' has its article at {out / 'notes.pdf'}, "
        "where the notes go: rename the spec\n"
    )
    assert (out / "notes.tex").read_bytes() == article


def test_a_document_whose_tex_cannot_be_written_keeps_its_good_pdf(tmp_path, monkeypatch):
    require_tools("latexmk", "pdflatex")
    spec, out = write(tmp_path, "a.yaml"), tmp_path / "out"
    assert invoke("build", "-o", out, spec).exit_code == 0
    write(tmp_path, "a.yaml", TR_X)  # a new PDF and .tex to write
    before = snapshot(out)
    temporary = build_files.temporary

    def full_disk_for_tex(path, data):
        if path.suffix == ".tex" and path.parent == out:
            raise CannotWrite(OSError(28, "No space left on device"), path)
        return temporary(path, data)

    monkeypatch.setattr(build_files, "temporary", full_disk_for_tex)
    result = invoke("build", "-o", out, spec)
    assert (result.exit_code, result.stderr) == (
        2,
        f"{out / 'a.tex'}:1:1: cannot write here: no space left on device\n",
    )
    after = snapshot(out)
    assert after["a.pdf"] == before["a.pdf"] and after["a.tex"] == before["a.tex"]
    assert not [name for name in after if name.endswith(".tmp")]


# --- labels ----------------------------------------------------------------------------------


def test_labels_are_one_to_one_over_spec_names():
    names = ["x_y", "x-y", "x.y", "x y", "x__y", "x_-y", "x-_y", "x.2d.y", "xé", "x.e9.", "trace_AX"]
    labels = [label_of(name) for name in names]
    assert len(set(labels)) == len(names)
    assert labels[0] == "x-y" and labels[-1] == "trace-AX"  # the catalog's labels as they were
    assert all(
        set(label) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")
        for label in labels
    )


def test_appendix_snippets_of_colliding_names_have_distinct_labels(tmp_path):
    names = ("x_y.yaml", "x-y.yaml", "x.y.yaml")
    specs = [write(tmp_path / "specs", name, TR_X) for name in names]
    out = tmp_path / "out"
    assert build(out, *specs, "--template", "appendix").exit_code == 0
    labels = [
        line
        for name in names
        for line in (out / f"{Path(name).stem}.tex").read_text(encoding="utf-8").splitlines()
        if "\\label{" in line
    ]
    assert len(labels) == len(set(labels)) >= 3


def test_on_a_terminal_a_progress_line_updates_above_nothing_but_the_same_lines(tmp_path):
    import pty

    specs, out = tmp_path / "specs", tmp_path / "out"
    write(specs, "a.yaml"), write(specs, "b.yaml", TR_X)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    script = "from gen.cli import main; main()"
    command = [sys.executable, "-c", script, "build", "--to", "tex", "--jobs", "1", "-o", out, specs]
    leader, follower = pty.openpty()
    with subprocess.Popen(command, env=env, stdout=follower, stderr=subprocess.DEVNULL) as derivtex:
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: derivtex ended
                break
            if not chunk:
                break
            seen += chunk
        assert derivtex.wait(timeout=60) == 0
    os.close(leader)
    text = seen.decode("utf-8").replace("\r\n", "\n")
    assert "\r[1/2] building…" in text  # after a's line, while b runs
    shown = text.replace("\r\x1b[K", "").replace("\r[1/2] building…", "")
    assert shown == f"wrote {out / 'a.tex'}\nwrote {out / 'b.tex'}\n"
