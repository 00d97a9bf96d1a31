"""A function undefined on its declared domain gets the same verdict however long it takes to derive.

The sampler refuses ``logdet(X)`` of an invertible X: the determinant of an invertible matrix
takes both signs (diag(−1, 1, 1, 1) is invertible, of determinant −1), and the log of a negative
number is undefined. It used to find that only after the derivation and the checks of the first
samples, so that under a time budget the verdict was the budget's on a slow machine and the
domain's on a fast one (seen in CI: tests/test_hostile_api.py's budget tests, whose slow function
held logdet(X), failed once). The domain is now checked before the derivation, from the spec alone.

The tests make the race certain rather than timed: the derivation is replaced by one that never
ends within its budget, so that before the fix the budget always wins, and after it never does.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from helpers import BAD_SPECS, expected_error

from gen import pipeline
from gen.errors import Span, SpecError

ROOT = Path(__file__).parent.parent
SPEC = "symbols:\n  X: {shape: [n, n], assume: [invertible]}\nfunction: tr(X^-1)*det(X)*logdet(X)\nwrt: X\n"
# "function: " and "tr(X^-1)*det(X)*" are 10 and 16 characters: logdet starts at column 27. The
# samples' determinants are positive at the first two samples and negative at the next two
# (sample.sign), the third at the even sizes: the first undefined point has n = 4.
UNDEFINED = (
    "slow.yaml:3:27: logdet(X) is undefined where det(X) ≤ 0, which happens for some invertible X"
    " when n = 4; declare assumptions under which it is positive (such as positive, spd or positive_det)"
)
BUDGET = 2.0  # seconds: the domain's check takes milliseconds, the derivation never ends


def never_ends(spec):
    """A derivation slower than any budget here (bounded, in case the budget fails)."""
    end = time.monotonic() + 60
    while time.monotonic() < end:
        pass
    raise AssertionError("the budget did not stop the derivation")


def verdict(text: str, budget: float | None) -> str:
    try:
        pipeline.run_text(text, "slow.yaml", budget, "--timeout", Span("slow.yaml"))
    except SpecError as error:
        return str(error)
    return "ok"


def test_invertible_matrices_have_determinants_of_both_signs():
    assert np.linalg.det(np.diag([-1.0, 1.0, 1.0, 1.0])) < 0 < np.linalg.det(np.eye(4))


def test_the_domain_is_refused_without_a_budget():
    assert verdict(SPEC, None) == UNDEFINED


def test_the_domain_is_refused_before_a_derivation_that_outlasts_the_budget(monkeypatch):
    monkeypatch.setattr("gen.engine.derive.derive", never_ends)
    assert verdict(SPEC, BUDGET) == UNDEFINED


def test_a_defined_function_still_runs_into_the_budget(monkeypatch):
    monkeypatch.setattr("gen.engine.derive.derive", never_ends)
    message = f"slow.yaml:3:11: deriving and checking took longer than {BUDGET:g} s, the time budget"
    assert verdict(SPEC.replace("logdet(X)", "tr(X^-2)"), BUDGET).startswith(message)


VERDICTS = f"""
import sys
sys.path.insert(0, {str(ROOT / "tests")!r})
import test_domain_first as t
print(t.verdict(t.SPEC, None))
import gen.engine.derive
gen.engine.derive.derive = t.never_ends
print(t.verdict(t.SPEC, t.BUDGET))
"""


def test_the_verdict_is_the_same_under_two_hash_seeds_with_and_without_a_budget():
    def verdicts(hash_seed: str) -> list[str]:
        environment = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        run = subprocess.run(
            [sys.executable, "-c", VERDICTS],
            capture_output=True,
            text=True,
            env=environment,
            cwd=ROOT,
            check=True,
        )
        return run.stdout.splitlines()

    assert verdicts("1") == verdicts("2") == [UNDEFINED, UNDEFINED]


IMPORTS = """
import sys
from gen import pipeline
from gen.errors import Span
pipeline.load_engine()
before = set(sys.modules)
for function in ("tr(X^-1)*det(X)*tr(X^-2)", "tr(X^-1)*det(X)*logdet(X)"):
    text = "symbols:\\n  X: {shape: [n, n], assume: [invertible]}\\nfunction: " + function + "\\nwrt: X\\n"
    try:
        pipeline.run_text(text, "slow.yaml", None, "--timeout", Span("slow.yaml"))
    except Exception:
        pass
print(sorted(m for m in set(sys.modules) - before if m.split(".")[0] in ("gen", "numpy")))
"""


def test_the_stages_are_imported_before_the_clock_starts():
    # derivtex's stages and numpy's parts (numpy.random, imported on first use) are imported by
    # load_engine, outside the budget: the first spec in a process is not charged for them
    run = subprocess.run(
        [sys.executable, "-c", IMPORTS], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert run.stdout.strip() == "[]"


DOMAIN_ERRORS = [
    p for p in BAD_SPECS if any(w in expected_error(p) for w in ("undefined where", "could not draw"))
]
BAD_VERDICTS = """
import sys
from gen import pipeline
from gen.errors import SpecError
for path in sys.argv[1:]:
    try:
        pipeline.run(path, None)
        print("ok")
    except SpecError as error:
        print(str(error).removeprefix(path + ":"))
"""


def test_the_domain_errors_of_the_bad_specs_are_the_same_under_two_hash_seeds():
    def verdicts(hash_seed: str) -> list[str]:
        environment = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        paths = [str(p) for p in DOMAIN_ERRORS]
        run = subprocess.run(
            [sys.executable, "-c", BAD_VERDICTS, *paths],
            capture_output=True,
            text=True,
            env=environment,
            check=True,
        )
        return run.stdout.splitlines()

    assert len(DOMAIN_ERRORS) >= 10
    assert verdicts("1") == verdicts("2") == [expected_error(p) for p in DOMAIN_ERRORS]
