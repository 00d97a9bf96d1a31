"""Author-written derivations: every line checked against the one before, false lines refused or marked."""

from dataclasses import replace

import numpy as np
import pytest
from helpers import GOOD, STEPS, invoke

from gen import pipeline
from gen.engine.derive import derive
from gen.errors import CheckFailed, SpecError
from gen.render.view import document_view
from gen.spec.keys import parse_spec
from gen.verify.checks import FLOOR, Check, Diagnosis, diagnose, verify

FALSE_STEP = GOOD + STEPS.replace("tr(-X^-1 * dX * X^-1)", "tr(X^-1 * dX * X^-1)")


def write(tmp_path, text: str):
    path = tmp_path / "derivation.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_corrected_derivation_passes(tmp_path):
    result = invoke("check", write(tmp_path, GOOD + STEPS))
    assert result.exit_code == 0, result.stderr
    assert "grad_X tr(X^-1) = -(X^-2)^T" in result.stdout


def test_each_line_is_checked_against_the_line_before():
    derivation = derive(parse_spec(FALSE_STEP, "spec.yaml"))
    report = verify(derivation)
    # step 3 is minus the truth, so it disagrees with step 2 (error 2) and with step 4 (error 2 as well)
    assert [c.ok for c in report.author] == [True, True, False, False]
    assert [round(c.max_rel_error, 6) for c in report.author[2:]] == [2, 2]


def test_an_author_derivation_shows_only_the_authors_proof_unless_methods_are_asked_for():
    alone = derive(parse_spec(GOOD + STEPS, "spec.yaml"))
    assert alone.proofs == ()
    both = derive(parse_spec(GOOD + STEPS + "methods: [entrywise]\n", "spec.yaml"))
    assert [p.method for p in both.proofs] == ["entrywise"]


def test_the_document_shows_the_authors_lines_and_reasons():
    derivation = derive(parse_spec(GOOD + STEPS, "spec.yaml"))
    (proof,) = document_view(derivation, verify(derivation)).proofs
    lines = proof.parts[0].lines
    assert str(lines[0].lhs) == r"\mathrm{d}\operatorname{tr}(X^{-1})"  # step 1 is df itself
    assert [line.justification for line in lines] == [
        "the trace is linear",
        "the differential of an inverse",
        "linearity and the cyclic property of the trace",
    ]
    assert str(proof.parts[1].lines[0].rhs) == r"-(X^{-2})^{\top}"


def test_the_authors_reasons_reach_latex_escaped(tmp_path):
    hostile = GOOD + STEPS.replace("the trace is linear", r"'\input{/etc/passwd} ^^5c \write18{ls}'")
    result = invoke("build", "--to", "tex", "-o", tmp_path / "out", write(tmp_path, hostile))
    assert result.exit_code == 0, result.stderr
    tex = (tmp_path / "out" / "derivation.tex").read_text(encoding="utf-8")
    assert r"\input{/etc" not in tex and r"\write18" not in tex and "^^5c" not in tex
    assert r"\textbackslash{}input\{/etc/passwd\}" in tex


def test_build_refuses_a_false_line_unless_allowed_and_then_marks_it(tmp_path):
    path, out = write(tmp_path, FALSE_STEP), tmp_path / "out"
    refused = invoke("build", "--to", "tex", "-o", out, path)
    assert refused.exit_code == 1 and not out.exists()
    allowed = invoke("build", "--to", "tex", "--allow-false", "-o", out, path)
    assert allowed.exit_code == 0, allowed.stderr
    tex = (out / "derivation.tex").read_text(encoding="utf-8")
    marked = [line for line in tex.splitlines() if r"\falsestep{" in line]
    assert len(marked) == 2 and all(line.lstrip().startswith(r"&\neq") for line in marked)
    assert r"\falsestep{2}" in marked[0]
    assert "2 of the author's lines do not follow from the line before" in tex


def test_allow_false_marks_a_false_claim_in_a_remark(tmp_path):
    path, out = write(tmp_path, GOOD + "claim: (X^-2)^T\n"), tmp_path / "out"
    result = invoke("build", "--to", "tex", "--allow-false", "-o", out, path)
    assert result.exit_code == 0, result.stderr
    tex = (out / "derivation.tex").read_text(encoding="utf-8")
    assert r"The claimed value $(X^{-2})^{\top}$ is false: it has the wrong sign" in tex


def test_allow_false_never_lets_an_engine_failure_through(tmp_path):
    outcome = pipeline.run(write(tmp_path, GOOD))
    proof = replace(outcome.report.proofs[0], identification=Check(1.0, 1e-6))
    broken = replace(outcome.report, finite_difference=Check(1.0, 1e-6), proofs=(proof,))
    with pytest.raises(CheckFailed, match="disagrees with finite differences"):
        pipeline.require_ok(replace(outcome, report=broken), allow_false=True)


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (1e-8, "5:8: finite differences agree to 1e-08, not within the tolerance 1e-10: loosen it"),
        (0.5, "3:11: finite differences cannot check this function at the sampled points: off by 0.5"),
    ],
)
def test_finite_differences_alone_failing_is_a_limit_of_the_check_not_a_bug(tmp_path, error, message):
    # every line of the proof checks exactly (by the complex step, along random directions): the
    # gradient is right there, and finite differences that disagree are too coarse, or held to a
    # tolerance tighter than their rounding
    outcome = pipeline.run(write(tmp_path, GOOD + "check: {tolerance: 1e-10}\n"))
    alone = replace(outcome.report, finite_difference=Check(error, 1e-10, "fd"))
    with pytest.raises(SpecError) as caught:
        pipeline.require_ok(replace(outcome, report=alone))
    assert str(caught.value).startswith(f"{outcome.spec.path}:{message}")


# --- diagnoses of stated values -------------------------------------------------------

G = np.random.default_rng(3).standard_normal((4, 4))


@pytest.mark.parametrize(
    "value, name",
    [
        (G, "correct"),
        (-G, "sign"),
        (G.T, "transpose"),
        (-G.T, "sign and transpose"),
        ((G + G.T) / 2, "symmetric"),
        (G + G.T - np.diag(np.diag(G)), "cookbook symmetric"),
        (2 * G, "factor 2"),
        (G + np.eye(4), "differs"),
    ],
)
def test_a_stated_value_is_diagnosed(value, name):
    diagnosis = diagnose("stated", [(G, value, None)], 1e-9)
    assert diagnosis.diagnosis == name and diagnosis.ok == (name == "correct")


def test_the_symmetric_conventions_are_not_offered_for_vectors():
    g = np.arange(1.0, 5.0).reshape(4, 1)
    assert diagnose("stated", [(g, g + FLOOR, None)], 1e-9).diagnosis == "differs"
    assert "not assumed symmetric" in Diagnosis("x", False, "symmetric", 0.5).explanation


def test_a_false_claim_about_a_rectangular_variable_is_diagnosed_not_a_crash(tmp_path):
    spec = "symbols:\n  X: {shape: [n, m]}\n  A: {shape: [m, n]}\nfunction: tr(X*A)\nwrt: X\nclaim: 2*A^T\n"
    result = invoke("check", write(tmp_path, spec))
    assert result.exit_code == 1, result.stderr
    assert "6:8: the claim is false" in result.stderr and "off by a factor of 2" in result.stderr


def test_a_stated_value_is_compared_term_by_term():
    # the result 2X + 10⁻⁷·I: a value that drops the small term is within 10⁻⁶ of the whole,
    # but off by all of the smallest term; with it, it is exact
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 4))
    big, small = 2 * X, 1e-7 * np.eye(4)
    smallest = np.linalg.norm(small)
    assert np.linalg.norm(small) / np.linalg.norm(big + small) < 1e-6  # it would pass as a whole
    dropped = diagnose("stated", [(big + small, big, smallest)], 1e-6)
    assert (dropped.diagnosis, dropped.ok) == ("differs", False) and dropped.discrepancy > 0.99
    assert diagnose("stated", [(big + small, big + small, smallest)], 1e-6).ok


# Chains of differentials of vector- and matrix-valued functions, each line checked against the one
# before and the last against the derived Jacobian, as for a scalar function. Published:
# d softmax(z) = (diag(s) − s sᵀ) dz (Bishop eq. 4.106; Goodfellow et al. §6.2.2.3);
# d(X⁻¹) = −X⁻¹ dX X⁻¹ (Magnus & Neudecker ch. 8); d/dt sin(t²x) = 2t cos(t²x) ∘ x by hand.
SOFTMAX = """\
symbols:
  z: {shape: [n]}
function: softmax(z)
wrt: z
steps:
  - {expr: d(softmax(z))}
  - {expr: diag(softmax(z))*dz - softmax(z)*softmax(z)^T*dz}
  - {expr: (diag(softmax(z)) - softmax(z)*softmax(z)^T)*dz}
"""
INVERSE = """\
symbols:
  X: {shape: [n, n], assume: [invertible]}
function: X^-1
wrt: X
steps:
  - {expr: d(X^-1)}
  - {expr: -X^-1*dX*X^-1}
"""
BY_NUMBER = """\
symbols:
  t: {}
  x: {shape: [n]}
function: sin(t^2*x)
wrt: t
steps:
  - {expr: d(sin(t^2*x))}
  - expr: hadamard(cos(t^2*x), 2*t*x*dt)
"""


@pytest.mark.parametrize(
    "spec, wrong",
    [
        (SOFTMAX, ("(diag(softmax(z)) - softmax(z)*softmax(z)^T)*dz", "diag(softmax(z))*dz")),
        (INVERSE, ("-X^-1*dX*X^-1", "-X^-2*dX")),  # dX and X⁻¹ do not commute
        (BY_NUMBER, ("2*t*x*dt", "t*x*dt")),
    ],
    ids=["softmax", "inverse", "by a number"],
)
def test_the_steps_of_a_vector_or_matrix_valued_function_are_checked(spec, wrong):
    report = verify(derive(parse_spec(spec, "spec.yaml")))
    assert report.ok and all(c.ok for c in report.author) and report.author_identification.ok
    false = verify(derive(parse_spec(spec.replace(*wrong), "spec.yaml")))
    assert not false.author[-1].ok and not false.ok


@pytest.mark.parametrize(
    "spec, right, wrong, message",
    [
        (
            INVERSE,
            "-X^-1*dX*X^-1",
            "tr(-X^-1*dX*X^-1)",
            "step 2 is a scalar, but the differential of a matrix",
        ),
        (
            SOFTMAX,
            "softmax(z)^T)*dz",
            "softmax(z)^T)",
            "step 3 is an n×n matrix, but the differential of a vector function is an n-vector",
        ),
    ],
)
def test_a_step_of_the_wrong_shape_names_the_shape_of_the_differential(spec, right, wrong, message):
    with pytest.raises(SpecError, match=message):
        derive(parse_spec(spec.replace(right, wrong), "spec.yaml"))


def test_the_document_reads_the_authors_last_line_as_j_d_vec_x():
    derivation = derive(parse_spec(INVERSE, "spec.yaml"))
    (proof,) = document_view(derivation, verify(derivation)).proofs
    assert r"$\operatorname{vec}$ of the last line equals $J\," in str(proof.parts[1].text)
    assert str(proof.parts[1].lines[0].why).startswith("vec Jacobian identification: ")
