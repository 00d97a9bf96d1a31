"""Hostile inputs end promptly, in-process, with one positioned line (issue 17, item 4).

A spec is a regular file of bounded size, read without blocking; reading it is inside the time
budget, whose error names the stage that ran out; the budget never interrupts an import and leaves
signals alone. Every case asserts the message and the exit code, never a duration.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sympy as sp
from helpers import invoke, slow_deriving

from gen import pipeline
from gen.budget import within
from gen.engine.rules import MAX_POWER
from gen.engine.where import MAX_UNFOLDED
from gen.errors import Span, SpecError
from gen.spec import reader
from gen.spec.keys import MAX_DIMENSION
from gen.spec.reader import MAX_SPEC_BYTES
from gen.verify.sizes import MAX_DERIVED, MAX_ENTRIES

SPEC = "symbols:\n  X: {shape: [n, n], assume: [invertible]}\nfunction: tr(X^-1)\nwrt: X\n"
ROOT = Path(__file__).resolve().parents[1]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def spin(seconds: float = 60.0) -> None:
    """Busy Python code (a bound, never reached when the budget works)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


# --- spec files: regular, of bounded size -----------------------------------------------------


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result = invoke("check", fifo)
    assert (result.exit_code, result.stderr) == (
        2,
        f"{fifo}:1:1: is a FIFO (a named pipe), not a spec file\n",
    )


def test_a_fifo_in_a_folder_of_specs_is_refused_not_passed_over(tmp_path):
    write(tmp_path / "good.yaml", SPEC)
    os.mkfifo(tmp_path / "pipe.yaml")
    result = invoke("check", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path / 'pipe.yaml'}:1:1: is a FIFO (a named pipe), not a spec file\n"
    assert result.stdout.startswith(f"ok  {tmp_path / 'good.yaml'}: ")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused_before_a_byte_is_read():
    result = invoke("check", "/dev/zero")
    assert (result.exit_code, result.stderr) == (2, "/dev/zero:1:1: is a device, not a spec file\n")


def test_a_50_megabyte_spec_is_refused_unread(tmp_path, monkeypatch):
    spec = tmp_path / "huge.yaml"
    with spec.open("wb") as file:
        file.truncate(50_000_000)  # sparse: its size, without writing 50 MB
    reads = counted_reads(monkeypatch)
    result = invoke("check", spec)
    message = f"the file is too large for a spec (50000000 bytes; the limit is {MAX_SPEC_BYTES})"
    assert (result.exit_code, result.stderr) == (2, f"{spec}:1:1: {message}\n")
    assert reads == []


def test_a_file_larger_than_its_size_says_is_read_to_the_bound_plus_one_byte(monkeypatch):
    """/proc/self/environ is a regular file of size 0 with content: the size cannot be trusted."""
    monkeypatch.setattr(reader, "MAX_SPEC_BYTES", 10)
    reads = counted_reads(monkeypatch)
    with pytest.raises(SpecError) as error:
        pipeline.run("/proc/self/environ")
    assert (
        str(error.value)
        == "/proc/self/environ:1:1: the file is too large for a spec (more than 10 bytes; the limit is 10)"
    )
    assert sum(reads) == 11


def counted_reads(monkeypatch) -> list[int]:
    """The number of bytes each ``os.read`` of the reader returned, from now on."""
    reads, read = [], os.read

    def counting(descriptor, size):
        data = read(descriptor, size)
        reads.append(len(data))
        return data

    monkeypatch.setattr(reader.os, "read", counting)
    return reads


def test_a_directory_given_as_a_spec_is_refused(tmp_path):
    with pytest.raises(SpecError) as error:
        pipeline.run(tmp_path)
    assert str(error.value) == f"{tmp_path}:1:1: is a directory, not a spec file"


def test_the_pytest_plugin_does_not_open_a_fifo_as_a_spec(tmp_path):
    from gen.pytest_plugin import is_spec

    folder = tmp_path / "derivations"
    folder.mkdir()
    os.mkfifo(folder / "pipe.yaml")
    assert not is_spec(folder / "pipe.yaml")
    assert is_spec(write(folder / "good.yaml", SPEC))


# --- sizes: bounded and counted before numpy allocates anything --------------------------------

assert MAX_ENTRIES == 4096 * 4096
BOUND = f"more than the {MAX_ENTRIES} entries a matrix may have to be checked numerically"


def spec_of(symbols: str, function: str, wrt: str) -> str:
    return f"symbols:\n{symbols}function: {function}\nwrt: {wrt}\n"


DIMENSION = f"a dimension must be at most {MAX_DIMENSION}, not {{}} (the checks draw it as a size)"
KRONS = "tr(kron(kron(kron(X, X), kron(X, X)), kron(kron(X, X), kron(X, X))))"
VECTORS = "  x: {shape: [1000]}\n  y: {shape: [1000]}\n"
POWER = f"the power 1000000000 is too large: d(F^k) is a sum of |k| terms, written out to {MAX_POWER}"


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        (spec_of("  x: {shape: [1000000000]}\n", "x^T*x", "x"), "2:15: " + DIMENSION.format(1000000000)),
        (spec_of("  X: {shape: [n, 1001]}\n", "tr(X^T*X)", "X"), "2:18: " + DIMENSION.format(1001)),
        # by hand: kron of two 4×4 matrices is 16×16, twice more 256×256 and 65536×65536, 4^16 entries
        (
            spec_of("  X: {shape: [n, n]}\n", KRONS, "X"),
            f"3:14: kron(kron(kron(X, X), kron(X, X)), kr... is a 65536 × 65536 matrix at n = 4, {BOUND}",
        ),
        # 1000 × 1000 blocks: a 10^6 × 10^6 Kronecker product, though each vector is within the bound
        (
            spec_of(VECTORS, "tr(kron(x*x^T, y*y^T))", "x"),
            f"4:14: kron(x*x^T, y*y^T) is a 1000000 × 1000000 matrix, {BOUND}",
        ),
        (spec_of("  X: {shape: [n, n]}\n", "tr(X^1000000000)", "X"), "3:11: " + POWER),
    ],
    ids=["a-vector-of-10^9", "a-dimension-of-1001", "nested-kron", "kron-of-two-large-blocks", "power-10^9"],
)
def test_sizes_beyond_the_bounds_are_refused_at_their_position(tmp_path, spec, error):
    path = write(tmp_path / "large.yaml", spec)
    result = invoke("check", path)
    assert (result.exit_code, result.stderr) == (2, f"{path}:{error}\n")


def test_a_chain_of_names_each_used_twice_is_refused_where_it_grows_past_the_bound(tmp_path):
    """By hand: a1 = A*X + X*B has 7 nodes (a sum of two products of two symbols); a(k+1) =
    a(k)*A + B*a(k) has 2 s(k) + 5, so s(k) = 12·2^(k-1) − 5: s(14) = 98299 is within the
    100000, s(15) = 196603 is not. Counted once per distinct node: 40 names would be 10^13."""
    assert MAX_UNFOLDED == 100_000
    chain = "".join(f"  a{k + 1}: a{k}*A + B*a{k}\n" for k in range(1, 40))
    symbols = "  X: {shape: [n, n]}\n  A: {shape: [n, n]}\n  B: {shape: [n, n]}\n"
    spec = spec_of(symbols, "tr(X*A)", "X") + "where:\n  a1: A*X + X*B\n" + chain
    path = write(tmp_path / "chain.yaml", spec)
    result = invoke("check", path)
    message = "the definition of 'a15', its names written out, has 196603 parts (the limit is 100000)"
    message += ": each name used twice doubles it"
    # line 22: four of symbols, the function, wrt, 'where:', then a1 to a15
    assert (result.exit_code, result.stderr) == (2, f"{path}:22:8: {message}\n")


def test_many_dimension_names_give_sizes_beyond_the_bound_refused_at_the_symbol(tmp_path):
    """Each name gets its own size, 2 apart (4, 2, 6, 8, …): names number 2049 and 2050 are 4098
    and 4100 at the even assignment, so symbol number 1025 has 4098 × 4100 > 4096² entries."""
    declared = "".join(f"  X{k}: {{shape: [n{k}, m{k}]}}\n" for k in range(1100))
    path = write(tmp_path / "names.yaml", spec_of(declared, "tr(X0^T*X0)", "X0"))
    result = invoke("check", path)
    message = f"'X1024' is a 4098 × 4100 matrix at n1024 = 4098, m1024 = 4100, {BOUND}"
    assert (result.exit_code, result.stderr) == (2, f"{path}:1026:3: {message}\n")


def test_a_matrix_the_derivation_writes_is_sized_before_it_is_evaluated():
    from gen.verify.evaluate import Evaluator

    n = sp.Symbol("n")
    X = sp.MatrixSymbol("X", n, n)
    assert MAX_DERIVED == 16 * 4096 * 4096 == 268435456
    with pytest.raises(SpecError) as error:  # 130^4 = 285610000 > 268435456 entries
        Evaluator({X: None}, {n: 130}, {})(sp.KroneckerProduct(X, X))
    message = "more than the 268435456 entries a matrix may have to be checked numerically"
    assert str(error.value) == f"kron(X, X) is a 16900 × 16900 matrix at n = 130, {message}"


def test_the_largest_matrices_within_the_bounds_are_checked(tmp_path):
    # by hand: d(x^T A^T A x) = 2 x^T A^T A dx, so the gradient is 2 A^T A x (A is 1000 × n)
    spec = "symbols:\n  A: {shape: [1000, n]}\n  x: {shape: [n]}\nfunction: x^T*A^T*A*x\nwrt: x\n"
    result = invoke("check", write(tmp_path / "tall.yaml", spec))
    assert result.exit_code == 0 and "= 2*A^T*A*x " in result.stdout


# --- the time budget: reading included, the stage named ---------------------------------------


def test_reading_the_spec_is_inside_the_time_budget(tmp_path):
    # just under the bound: a YAML list of 50,000 references, read in far more than a millisecond
    references = "references:\n" + "  - a reference\n" * 50_000
    spec = write(tmp_path / "long.yaml", SPEC + references)
    assert spec.stat().st_size < MAX_SPEC_BYTES
    result = invoke("check", "--timeout", "0.001", spec)
    message = "reading the spec took longer than 0.001 s, the time budget (see --timeout)"
    assert (result.exit_code, result.stderr) == (2, f"{spec}:1:1: {message}\n")


def test_deriving_is_the_stage_named_once_the_spec_is_read(tmp_path, monkeypatch):
    slow_deriving(monkeypatch)
    spec = write(tmp_path / "slow.yaml", SPEC)
    result = invoke("check", "--timeout", "0.05", spec)
    message = "deriving and checking took longer than 0.05 s, the time budget (see --timeout)"
    assert (result.exit_code, result.stderr) == (2, f"{spec}:3:11: {message}\n")


FIRST_IMPORT = """
import sys, time
from gen.budget import within
from gen.errors import Span, SpecError

def work(_):
    import numpy  # the first import of numpy, and of the engine below, under the clock
    from gen.engine import derive
    end = time.monotonic() + 60
    while time.monotonic() < end:
        pass

assert "numpy" not in sys.modules
try:
    within({delay}, Span("first.yaml"), work)
except SpecError as error:
    print(error)
from gen import pipeline
import numpy
print(numpy.linalg.inv(2 * numpy.eye(2)).sum())
print(pipeline.run(sys.argv[1]).report.ok)
"""


@pytest.mark.parametrize("delay", ["0.001", "0.02", "0.05", "0.08", "0.12"])
def test_a_timeout_during_the_first_import_leaves_no_half_imported_module(tmp_path, delay):
    """The budget running out at several moments of numpy's first import (which, interrupted,
    leaves a numpy whose C extension "cannot load more than once per process", or that lacks
    ``numpy.max``): the import completes, then the budget's error; the next spec works."""
    spec = write(tmp_path / "second.yaml", SPEC)
    script = FIRST_IMPORT.format(delay=delay)
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script, spec], capture_output=True, text=True, env=environment, timeout=120
    )
    message = (
        f"first.yaml:1:1: deriving and checking took longer than {delay} s, the time budget (see --timeout)"
    )
    # inv(2I) = I/2, whose entries sum to 1; tr(X^-1) checks
    assert (done.returncode, done.stdout, done.stderr) == (0, f"{message}\n1.0\nTrue\n", "")


SLOW_MODULE = """
import time
from gen import budget

end = time.monotonic() + 60
while not budget.PASSED_OVER and time.monotonic() < end:  # until the timer has come and gone
    pass
WHOLE = True
"""


def test_the_timer_waits_for_an_import_to_end(tmp_path, monkeypatch):
    """The timer comes while a module is being imported, passes over it, and rings after it."""
    from gen import budget

    importing, passed_over = budget.importing, []

    def recording(thread_id: int) -> bool:
        if found := importing(thread_id):
            passed_over.append(thread_id)
        return found

    monkeypatch.setattr(budget, "importing", recording)
    monkeypatch.setattr(budget, "PASSED_OVER", passed_over, raising=False)
    (tmp_path / "slow_module.py").write_text(SLOW_MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(tmp_path)

    def work(_):
        import slow_module  # noqa: F401  (the first statement: it starts well before 0.5 s)

        spin()

    with pytest.raises(SpecError, match=r"^x:1:1: deriving and checking took longer than 0\.5 s"):
        budget.within(0.5, Span("x"), work)
    assert sys.modules["slow_module"].WHOLE and passed_over


def test_a_ring_during_a_long_unwinding_is_still_the_budget_s_error():
    """Freeing a million objects as the timer's exception unwinds takes longer than the time
    between two rings: the next ring lands in the code that ends the block, where a ``with``
    block's ``__exit__`` let it escape as a traceback (a ``tr(X^1000000000)`` did so)."""

    def work(_):
        held = [[k] for k in range(1_000_000)]  # noqa: F841 (freed while the exception unwinds)
        spin()

    for _ in range(3):
        with pytest.raises(SpecError, match=r"^x:1:1: deriving and checking took longer than 0\.2 s"):
            within(0.2, Span("x"), work)


# --- signals are left alone ---------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no interval timers")
def test_an_outer_sigalrm_timer_set_before_a_run_still_fires(tmp_path):
    """The budget is a thread, not SIGALRM: a timer set before ``run`` (pytest-timeout's) is not
    cancelled, and fires once, during the run or after it."""
    spec = write(tmp_path / "spec.yaml", SPEC)
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append("SIGALRM"))
    try:
        signal.setitimer(signal.ITIMER_REAL, 1.0)
        assert pipeline.run(spec, 60).report.ok
        assert signal.getsignal(signal.SIGALRM) is not previous  # the handler is still the test's
        end = time.monotonic() + 60
        while not fired and time.monotonic() < end:
            time.sleep(0.01)
        assert fired == ["SIGALRM"]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
