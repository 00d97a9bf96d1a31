"""Hostile and careless use of the Python API and the pytest plugin (issue 14, items 5 and 6).

The API raises the CLI's errors (``SpecError``, positioned in the argument at fault), never a
library's exception, and keeps its time budget in any thread; the plugin collects only specs,
turns a malformed spec into one failing item, and derives each spec once.
"""

import inspect
import threading

import numpy as np
import pytest

from gen import derive, pipeline
from gen.errors import Span, SpecError

SPEC = "symbols:\n  X: {shape: [n, n], assume: [invertible]}\nfunction: tr(X^-1)\nwrt: X\n"
SLOW = "tr(X^-1)*det(X)*logdet(X)"  # over a second to derive and check, thousands of times 0.001 s
X = {"X": {"shape": [3, 3], "assume": ["invertible"]}}
KINDS = "give a string, a number, a bool, a list or a dict"


def in_a_thread(work) -> dict:
    """What ``work()`` returned or raised, run in a new thread (as in a notebook's kernel)."""
    done = {}

    def target():
        try:
            done["value"] = work()
        except BaseException as error:  # handed to the test
            done["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    return done


# --- the time budget, outside the main thread -------------------------------------------------


def test_the_cli_budget_stops_a_slow_derivation_in_any_thread(tmp_path):
    spec = tmp_path / "slow.yaml"
    spec.write_text(SPEC.replace("tr(X^-1)", SLOW), encoding="utf-8")
    done = in_a_thread(lambda: pipeline.run(spec, 0.001))
    message = "deriving and checking took longer than 0.001 s, the time budget (see --timeout)"
    assert isinstance(done.get("error"), SpecError), done
    assert str(done["error"]) == f"{spec}:3:11: {message}"


def test_the_api_budget_stops_a_slow_derivation_in_a_notebook_thread():
    done = in_a_thread(lambda: derive(SLOW, wrt="X", symbols=X, timeout=0.001))
    message = "deriving and checking took longer than 0.001 s, the time budget (see timeout=)"
    assert isinstance(done.get("error"), SpecError), done
    assert str(done["error"]) == f"function:1:1: {message}"


def test_a_derivation_within_its_budget_is_not_stopped_later():
    # by hand: d tr(X^-1) = -tr(X^-1 dX X^-1) = -tr(X^-2 dX), so the gradient is -(X^-2)^T
    done = in_a_thread(lambda: derive("tr(X^-1)", wrt="X", symbols=X, timeout=60))
    assert done["value"].result.text == "-(X^-2)^T" and done["value"].check()
    with pipeline.budget(60, Span("x")):  # the main thread too, with no signal
        pass
    assert sum(range(1_000_000)) == 499_999_500_000  # no exception arrives after the block


def test_the_api_budget_defaults_to_the_cli_s():
    assert inspect.signature(derive).parameters["timeout"].default == pipeline.TIME_BUDGET == 20.0


@pytest.mark.parametrize(
    ("timeout", "shown"),
    [(float("nan"), "nan"), (-1, "-1"), (0, "0"), ("5", "a value of type 'str'"), (True, "True")],
    ids=["nan", "negative", "zero", "text", "bool"],
)
def test_a_bad_timeout_is_a_positioned_error(timeout, shown):
    with pytest.raises(SpecError) as raised:
        derive("tr(X)", wrt="X", symbols=X, timeout=timeout)
    assert (
        str(raised.value)
        == f"timeout:1:1: 'timeout' must be a positive number of seconds or None, not {shown}"
    )


# --- values that are not YAML's ---------------------------------------------------------------


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def looped() -> list:
    value: list = []
    value.append(value)
    return value


def test_numpy_values_are_the_python_values_they_hold():
    shapes = {"x": {"shape": [3]}, "A": {"shape": [3, 3]}}
    given = derive("x^T*A*x", wrt="x", symbols=shapes, check={"tolerance": 1e-6})
    shapes = {"x": {"shape": np.array([3])}, "A": {"shape": (np.int64(3), np.int32(3))}}
    numpy = derive("x^T*A*x", wrt=np.str_("x"), symbols=shapes, check={"tolerance": np.float64(1e-6)})
    assert numpy.spec_text == given.spec_text
    # Petersen & Pedersen, The Matrix Cookbook (2012), eq. (81): d(x^T A x)/dx = (A + A^T) x;
    # check() also compares it with finite differences
    assert numpy.result.text == "(A + A^T)*x" and numpy.check()


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        # symbols:\n  X:\n    shape:\n    - 3\n    - 3\n    assume: {…}
        (
            {"symbols": {"X": {"shape": [3, 3], "assume": {"invertible"}}}},
            f"symbols:6:13: a value of type 'set' cannot be in a spec; {KINDS}",
        ),
        ({"title": b"Trace"}, f"title:1:1: a value of type 'bytes' cannot be in a spec; {KINDS}"),
        (
            {"claim": print},
            f"claim:1:1: a value of type 'builtin_function_or_method' cannot be in a spec; {KINDS}",
        ),
        (
            {"symbols": {"X": {"shape": [3, 3j]}}},
            f"symbols:5:7: a value of type 'complex' cannot be in a spec; {KINDS}",
        ),
        ({"symbols": {("X",): {"shape": [3, 3]}}}, "symbols:2:3: a key cannot be a tuple; give a string"),
        ({"claim": None}, "claim:1:1: 'claim' must be an expression such as tr(X^-1), not null"),
        # a list in a list …: 100 levels of "- " on the title's second line, then the 101st
        ({"title": nested(5_000)}, "title:2:201: nested too deeply (more than 100 levels)"),
        ({"title": looped()}, "title:2:201: nested too deeply (more than 100 levels)"),
        (
            {"symbols": {"X": {"shape": [10**5_000, 3]}}},
            "symbols:4:7: a number too long to write (more than 4300 digits)",
        ),
    ],
    ids=["set", "bytes", "function", "complex", "tuple-key", "none", "deep", "loop", "huge-integer"],
)
def test_a_value_no_spec_can_hold_is_a_positioned_error(arguments, error):
    arguments = {"symbols": {"X": {"shape": [3, 3]}}, **arguments}
    with pytest.raises(SpecError) as raised:
        derive("tr(X)", wrt="X", **arguments)
    assert str(raised.value) == error


@pytest.mark.parametrize(
    ("function", "col"),
    [("(" * 4_000 + "tr(X)" + ")" * 4_000, 102), ("tr(" * 2_000 + "X" + ")" * 2_000, 304)],
    ids=["parentheses", "calls"],
)
def test_a_deeply_nested_expression_is_the_parser_s_depth_error(function, col):
    # the columns test_hostile.py expects from the CLI for these expressions in a spec file,
    # 112 and 314, less the 10 characters of "function: " before the expression there
    with pytest.raises(SpecError) as raised:
        derive(function, wrt="X", symbols=X)
    assert str(raised.value) == f"function:1:{col}: expression is nested too deeply (more than 100 levels)"
