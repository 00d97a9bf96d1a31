"""Hostile and careless use of the Python API and the pytest plugin (issue 14, items 5 and 6).

The API raises the CLI's errors (``SpecError``, positioned in the argument at fault), never a
library's exception, and keeps its time budget in any thread; the plugin collects only specs,
turns a malformed spec into one failing item, and derives each spec once.
"""

import inspect
import threading
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from helpers import invoke, slow_deriving

from gen import derive, pipeline
from gen.budget import within
from gen.errors import Span, SpecError

SPEC = "symbols:\n  X: {shape: [n, n], assume: [invertible]}\nfunction: tr(X^-1)\nwrt: X\n"
SLOW = "tr(X^-1)*det(X)*tr(X^-2)"  # slow to derive and check; defined for every invertible X
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


def test_the_cli_budget_stops_a_slow_derivation_in_any_thread(tmp_path, monkeypatch):
    slow_deriving(monkeypatch)
    spec = tmp_path / "slow.yaml"
    spec.write_text(SPEC.replace("tr(X^-1)", SLOW), encoding="utf-8")
    done = in_a_thread(lambda: pipeline.run(spec, 0.05))
    message = "deriving and checking took longer than 0.05 s, the time budget (see --timeout)"
    assert isinstance(done.get("error"), SpecError), done
    assert str(done["error"]) == f"{spec}:3:11: {message}"


def test_the_api_budget_stops_a_slow_derivation_in_a_notebook_thread(monkeypatch):
    slow_deriving(monkeypatch)
    done = in_a_thread(lambda: derive(SLOW, wrt="X", symbols=X, timeout=0.05))
    message = "deriving and checking took longer than 0.05 s, the time budget (see timeout=)"
    assert isinstance(done.get("error"), SpecError), done
    assert str(done["error"]) == f"function:1:1: {message}"


def test_a_derivation_within_its_budget_is_not_stopped_later():
    # by hand: d tr(X^-1) = -tr(X^-1 dX X^-1) = -tr(X^-2 dX), so the gradient is -(X^-2)^T
    done = in_a_thread(lambda: derive("tr(X^-1)", wrt="X", symbols=X, timeout=60))
    assert done["value"].result.text == "-(X^-2)^T" and done["value"].check()
    within(60, Span("x"), lambda _: None)  # the main thread too, with no signal
    assert sum(range(1_000_000)) == 499_999_500_000  # no exception arrives after the block


def spin(seconds: float = 60.0) -> None:
    """Busy Python code (a bound, never reached when the budget works)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_the_timer_rings_again_when_its_exception_is_swallowed():
    swallowed = []

    def work(_):
        try:
            spin()
        except BaseException as error:  # as a finalizer running just then would
            swallowed.append(type(error).__name__)
        spin()

    with pytest.raises(SpecError, match=r"^x:1:1: deriving and checking took longer than 0\.01 s"):
        within(0.01, Span("x"), work)
    assert swallowed == ["_OutOfTime"]


def test_whatever_the_timer_s_exception_became_is_the_budget_s_error():
    def work(_):
        try:
            spin()
        except BaseException as error:  # as C code running Python code may
            raise SystemError("AST constructor recursion depth mismatch") from error

    with pytest.raises(SpecError, match=r"^x:1:1: deriving and checking took longer than 0\.01 s"):
        within(0.01, Span("x"), work)


def test_an_error_of_the_block_before_the_timer_rings_is_its_own():
    def work(_):
        raise SpecError("unknown function 'trace'", Span("function"))

    with pytest.raises(SpecError, match=r"^function:1:1: unknown function"):
        within(60, Span("x"), work)


def test_an_exception_a_finalizer_swallowed_is_not_reported():
    from gen.budget import _OutOfTime

    class Finalized:
        def __del__(self):
            raise _OutOfTime

    within(60, Span("x"), lambda _: None)
    Finalized()  # pytest's unraisablehook would make "Exception ignored in __del__" an error


def test_the_api_budget_defaults_to_the_cli_s():
    assert inspect.signature(derive).parameters["timeout"].default == pipeline.TIME_BUDGET == 20.0


@pytest.mark.parametrize(
    ("timeout", "shown"),
    [(float("nan"), "nan"), (-1, "-1"), (0, "0"), ("5", "'5'"), (True, "True")],
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


@pytest.mark.parametrize(
    ("function", "error"),
    [
        ("tr(X) + q", "function:1:9: unknown symbol 'q'"),
        # line 2 is " + logdet(X", 11 characters: the expression ends at its column 12
        (
            "tr(X^-1)\n + logdet(X",
            "function:2:12: expected ')' to close logdet(, found the end of the expression",
        ),
        ("tr(X)\n\n+ trace(X)", "function:3:3: unknown function 'trace' (did you mean 'tr'?)"),
        # trailing spaces, or a first line empty: YAML writes these in quotes, on one line
        ("tr(X)  \n+ q", "function:2:3: unknown symbol 'q'"),
        ("\n- ", "function:2:3: expected a symbol, a number or '(', found the end of the expression"),
        # written "tr(X)\t+ q" (the tab as two characters): q is the string's 9th character
        ("tr(X)\t+ q", "function:1:9: unknown symbol 'q'"),
    ],
    ids=["one-line", "two-lines", "blank-line", "trailing-spaces", "first-line-empty", "escaped-tab"],
)
def test_an_error_in_a_string_argument_is_at_its_line_and_column_there(function, error):
    # derive() writes a string of several lines as a YAML block, or in quotes with escapes (\n):
    # either way the position is mapped back to the string's own line and column
    with pytest.raises(SpecError) as raised:
        derive(function, wrt="X", symbols=X)
    assert str(raised.value) == error


@pytest.fixture(scope="module")
def derived():
    return derive("tr(X^-1)", wrt="X", symbols=X)


@pytest.mark.parametrize(
    ("template", "options", "error"),
    [
        (
            "appendix",
            {"section_level": "chapter"},
            "section_level:1:1: 'section_level' must be section or subsection, not 'chapter'",
        ),
        (
            "appendix",
            {"section_level": ["section"]},
            "section_level:1:1: 'section_level' must be section or subsection, not a value of type 'list'",
        ),
        (
            "appendix",
            {"level": "section"},
            "level:1:1: unknown option 'level' for the template 'appendix' (it takes: section_level)",
        ),
        (  # as the CLI's "--section-level is for --template appendix"
            "article",
            {"section_level": "section"},
            "section_level:1:1: unknown option 'section_level' for the template 'article' (it takes: none)",
        ),
    ],
    ids=["value", "type", "unknown", "not-this-format"],
)
def test_a_bad_option_of_to_latex_is_a_positioned_error(derived, template, options, error):
    with pytest.raises(SpecError) as raised:
        derived.to_latex(template, **options)
    assert str(raised.value) == error


# --- the pytest plugin, in a project of its own ---------------------------------------------

MKDOCS = "site_name: [a YAML file of another tool, and malformed\n"


def project(pytester, **specs: str) -> None:
    """A project with ``derivations/NAME.yaml`` for each spec, beside an unrelated ``mkdocs.yaml``."""
    folder = pytester.mkdir("derivations")
    for name, text in {"mkdocs": MKDOCS, **specs}.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")


@pytest.fixture
def runs(monkeypatch) -> Counter:
    """How many times each spec is derived and checked (the plugin runs in this process)."""
    done: Counter = Counter()
    run = pipeline.run

    def counting(path, *args, **kwargs):
        done[Path(path).name] += 1
        return run(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "run", counting)
    return done


def failures(result) -> list[str]:
    """The lines under each failure's header in pytest's report."""
    lines = result.stdout.lines
    return [lines[i + 1] for i, line in enumerate(lines) if line.startswith("____") and "::" in line]


def test_an_unrelated_project_s_yaml_is_left_alone(pytester):
    project(pytester, nav="functions: [a, b]\nfunction_of: x\n")
    pytester.makepyfile(test_it="def test_it():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert result.ret == 0 and "mkdocs" not in result.stdout.str()


def test_a_malformed_spec_is_one_failing_item_with_the_cli_s_line(pytester, runs):
    project(pytester, unreadable="function: [\n", unclosed=SPEC.replace("tr(X^-1)", "tr(X"), good=SPEC)
    result = pytester.runpytest("-p", "no:cacheprovider", "-rs")
    assert runs == Counter({"unclosed.yaml": 1, "good.yaml": 1})  # (unreadable: not loaded to run)
    # unreadable: its one item; unclosed: its first item fails, the other is skipped; good: 2 pass
    result.assert_outcomes(failed=2, skipped=1, passed=2)
    names = ("unclosed", "unreadable")
    expected = [invoke("check", f"derivations/{name}.yaml").stderr.strip() for name in names]
    assert expected == [  # "function: tr(X": the end of the expression is column 15
        "derivations/unclosed.yaml:3:15: expected ')' to close tr(, found the end of the expression",
        "derivations/unreadable.yaml:2:1: invalid YAML: expected the node content, but found '<stream end>'",
    ]
    assert failures(result) == expected
    result.stdout.fnmatch_lines(["*derivations/unclosed.yaml: not checked, see unclosed.yaml::steps"])


def test_each_spec_is_derived_once_even_when_it_fails(pytester, runs):
    project(pytester, false_claim=SPEC + "claim: (X^-2)^T\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)  # steps, finite differences; the claim
    # by hand: the gradient of tr(X^-1) is -(X^-2)^T, so the claim has the wrong sign
    message = "the claim is false: relative discrepancy 2 at a random point; it has the wrong sign"
    assert failures(result) == [f"derivations/false_claim.yaml:5:8: {message}"]
    assert runs == Counter({"false_claim.yaml": 1})


def test_a_spec_out_of_time_fails_once_and_is_not_derived_again(pytester, runs, monkeypatch):
    slow_deriving(monkeypatch)
    project(pytester, slow=SPEC.replace("tr(X^-1)", SLOW) + "claim: (X^-2)^T\n")
    pytester.makeini("[pytest]\nderivtex_timeout = 0.05\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1, skipped=2)
    message = "deriving and checking took longer than 0.05 s, the time budget (see derivtex_timeout)"
    assert failures(result) == [f"derivations/slow.yaml:3:11: {message}"]
    assert runs == Counter({"slow.yaml": 1})


@pytest.mark.parametrize("value", ["abc", "0", "-1", "nan"])
def test_a_bad_derivtex_timeout_stops_the_session_before_it_starts(pytester, value):
    pytester.makeini(f"[pytest]\nderivtex_timeout = {value}\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert (
        f"ERROR: derivtex_timeout must be a positive number of seconds, not '{value}'" in result.stderr.str()
    )


def test_a_bug_loading_one_spec_fails_that_spec_alone(pytester, monkeypatch):
    from gen.spec import keys

    load_spec = keys.load_spec

    def failing(path):
        if path.name == "bug.yaml":
            raise RuntimeError("a bug in derivtex")
        return load_spec(path)

    monkeypatch.setattr(keys, "load_spec", failing)
    project(pytester, bug=SPEC, good=SPEC)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1, passed=2)  # bug.yaml::spec with its traceback; good.yaml's 2
    result.stdout.fnmatch_lines(["*RuntimeError: a bug in derivtex"])
