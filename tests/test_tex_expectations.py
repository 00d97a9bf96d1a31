"""Expectations in a paper's LaTeX (gen/texcheck/expectations.py): E[f] is the mean of f over samples
of the symbols the annotations declare random. Each case pairs a textbook fact (linearity, the
covariance of a sum of independent quantities, E[v] = 0 for zero-mean noise) with the slip a
derivation makes of it (a product of means for the mean of a product, a dropped transpose or
term, an independence or a zero mean the text never stated)."""

from helpers import checked_in_paper


def statuses(tmp_path, body: str) -> list[str]:
    return [o.status for o in checked_in_paper(tmp_path, body + "\n")]


def messages(tmp_path, body: str) -> list[str]:
    return [o.message for o in checked_in_paper(tmp_path, body + "\n")]


RANDOM_X = "% derivtex: x: n, random; A: m x n; b: m\n"


def test_the_mean_is_linear_and_not_multiplicative(tmp_path):
    assert statuses(tmp_path, RANDOM_X + "$$E[Ax + b] = A E[x] + b$$") == ["ok"]
    assert statuses(tmp_path, RANDOM_X + "$$E[Ax + b] = A E[x]$$") == ["does not follow"]
    assert statuses(tmp_path, RANDOM_X + "$$E[x x^T] = E[x] E[x]^T$$") == ["does not follow"]


def test_the_covariance_as_the_second_moment_minus_the_mean_squared(tmp_path):
    right = "$$\\mathbb{E}\\left[(x - E[x])(x - E[x])^T\\right] = E[x x^T] - E[x] E[x]^T$$"
    assert statuses(tmp_path, RANDOM_X + right) == ["ok"]
    wrong = right.replace("- E[x] E[x]^T", "+ E[x] E[x]^T")
    assert statuses(tmp_path, RANDOM_X + wrong) == ["does not follow"]


def test_the_spellings_of_the_expectation(tmp_path):
    spelled = [
        "\\mathbb{E}_{x \\sim p}[x^T A^T A x] = \\mathrm{tr}(A^T A \\mathbb{E}[x x^T])",
        "\\operatorname{E}(x^T A^T A x) = \\mathrm{tr}(A^T A E\\left[x x^T\\right])",
        "\\mathrm{E}[E[x]] = E[x]",
        "\\mathcal{E}\\left\\{x^T A^T A x\\right\\} = \\mathrm{tr}(A^T A \\mathcal{E}(x x^T))",  # Creel
    ]
    for formula in spelled:
        assert statuses(tmp_path, RANDOM_X + f"$${formula}$$") == ["ok"], formula


def test_nothing_declared_random_cannot_be_checked_and_says_how(tmp_path):
    # with E dropped, E[x x^T] = E[x] E[x]^T would be x x^T = x x^T: never taken for true
    notes = "% derivtex: x: n\n$$E[x x^T] = E[x] E[x]^T$$"
    assert statuses(tmp_path, notes) == ["cannot check"]
    assert "% derivtex: x, v: random" in messages(tmp_path, notes)[0]


def test_a_conditional_expectation_given_what_does_not_vary_is_the_mean(tmp_path):
    # OLS unbiasedness (jfrench's notes, a fixed design X): E(β̂ | X) = (XᵀX)⁻¹Xᵀ E(y | X) = β for
    # y = Xβ + e, e zero mean (by hand: linearity, E[e] = 0); given a random symbol it cannot be checked
    notes = "% derivtex: X: n x p; e: n, random, zero mean; \\beta: p; y := X\\beta + e\n"
    chain = "$$E((X^TX)^{-1}X^Ty|X) = (X^TX)^{-1}X^TE(y|X) = \\beta$$"
    assert statuses(tmp_path, notes + chain) == ["ok", "ok"]
    assert statuses(tmp_path, notes + chain.replace("= \\beta$$", "= 2\\beta$$")) == ["ok", "does not follow"]
    # Var(y | X) = E[e eᵀ]: the covariance given a fixed X; E[y \mid e] depends on e's value
    assert statuses(tmp_path, notes + "$$\\operatorname{Var}(y \\mid X) = E[e e^T]$$") == ["ok"]
    assert statuses(tmp_path, notes + "$$\\operatorname{Var}(y \\mid X) = E[y y^T]$$") == ["does not follow"]
    assert statuses(tmp_path, notes + "$$E[y \\mid e] = X \\beta + e$$") == ["cannot check"]
    assert statuses(tmp_path, RANDOM_X + "$$E[|x^T x|] = E[x^T x]$$") == ["ok"]  # two bars: no condition


def test_a_zero_mean_is_used_only_where_declared(tmp_path):
    notes = "% derivtex: x: n, random; w: n, random{zero}\n$$E[x + w] = E[x]$$"
    assert statuses(tmp_path, notes.format(zero=", zero mean")) == ["ok"]
    assert statuses(tmp_path, notes.format(zero="")) == ["does not follow"]
    assert statuses(tmp_path, notes.format(zero=", zero-mean").replace("E[x]$$", "E[x] + E[w]$$")) == ["ok"]


def test_an_independence_is_used_only_where_declared(tmp_path):
    notes = "% derivtex: x: n, random; v: m, random{independent}\n$$E[x v^T] = E[x] E[v]^T$$"
    assert statuses(tmp_path, notes.format(independent=", independent")) == ["ok"]
    assert statuses(tmp_path, notes.format(independent="")) == ["does not follow"]


def test_the_covariance_of_a_measurement_with_independent_zero_mean_noise(tmp_path):
    # Kalman: E[(Ax + v)(Ax + v)^T] = A E[x x^T] A^T + R, R the noise covariance E[v v^T]
    notes = (
        "% derivtex: x: n, random; v: m, random, independent, zero mean; A: m x n; R := E[v v^T]\n"
        "$$E[(Ax + v)(Ax + v)^T] = A E[x x^T] A^T + {rest}$$"
    )
    assert statuses(tmp_path, notes.format(rest="R")) == ["ok"]
    assert statuses(tmp_path, notes.format(rest="0")) == ["does not follow"]
    assert statuses(tmp_path, notes.format(rest="R").replace("A^T + R$$", "A + R$$")) != ["ok"]


def test_a_model_equation_for_a_declared_symbol_is_substituted_where_nothing_is_differentiated(tmp_path):
    # z = Hx + v stated, then E[(z - Hx)(z - Hx)^T] = R: true of the model, not of a free z
    notes = (
        "% derivtex: x: n, random; v, z: m; v: random, independent, zero mean; H: m x n; R := E[v v^T]\n"
        "$$z = Hx + v$$\n$$E[(z - Hx)(z - Hx)^T] = {rest}$$"
    )
    assert statuses(tmp_path, notes.format(rest="R")) == ["skipped", "ok"]
    assert statuses(tmp_path, notes.format(rest="2R")) == ["skipped", "does not follow"]


def test_a_model_equation_is_not_substituted_under_a_derivative(tmp_path):
    # y = X beta + e makes ||y - X beta||^2 = ||e||^2, whose gradient by beta is 0: the gradient of
    # the loss as written is checked, with y free
    notes = (
        "% derivtex: X: n x p; y, e: n; \\beta: p\n$$y = X\\beta + e$$\n"
        "$$\\nabla_\\beta (y - X\\beta)^T(y - X\\beta) = -2X^T(y - X\\beta)$$"
    )
    assert statuses(tmp_path, notes) == ["skipped", "ok"]


def test_an_expectation_typed_with_parentheses_and_a_zero_mean(tmp_path):
    # The correlated-noise Kalman filter (xushengyichn's notes): w* = w − Tv with w, v zero mean has
    # E(w*) = E(w) − T E(v) = 0 (by hand: linearity), and E(w* w*ᵀ) = E[(w − Tv)(w − Tv)ᵀ]; E(x)
    # typed with parentheses is the expectation where x holds a random symbol and E is no symbol
    body = (
        "% derivtex: w, v: n, random, zero mean; T: n x n\n"
        "% derivtex: u := w - T v\n"
        "\\begin{align}\n"
        "E(u) &= E(w - Tv) \\\\\n &= E(w) - T E(v) \\\\\n &= 0 \\\\\n"
        "E(u u^T) &= E[(w - Tv)(w - Tv)^T] \\\\\n"
        "E(u u^T) &= E(w w^T) + T E(v v^T) T^T\n"
        "\\end{align}\n"
    )
    assert statuses(tmp_path, body) == ["ok", "ok", "ok", "ok", "does not follow"]
    # an error function E(w) of weights that are not random stays a product: w is no random symbol
    error = "% derivtex: X: m x n; w: n; E: scalar\n$$ E(w) = E w $$"
    assert statuses(tmp_path, error) == ["ok"]


def test_the_physicists_angle_brackets_are_the_mean(tmp_path):
    # Fisher information as the mean of a second derivative, ⟨·⟩ (chen-sijin's problem set): the
    # trace trick ⟨xᵀAx⟩ = tr(A⟨xxᵀ⟩) holds for any distribution (by hand: linearity of the trace)
    body = "% derivtex: x: n, random; A: n x n\n"
    body += "$$ \\left< x^T A x \\right> = \\mathrm{tr}(A \\langle x x^T \\rangle) $$\n"
    assert statuses(tmp_path, body) == ["ok"]
    assert statuses(tmp_path, body.replace("A \\langle x x^T", "\\langle A x x^T")) == ["ok"]
    assert statuses(tmp_path, body.replace("\\langle x x^T \\rangle", "x x^T")) == ["does not follow"]


def test_covariances_and_variances_are_expectations(tmp_path):
    # Kalman prediction (adonothing's and atulsingh-nikki's notes): Cov(Fe + w) = F Cov(e) F^T + Cov(w)
    # for e and w independent (by hand: the cross terms E[(e - Ee)(w - Ew)^T] vanish); dropping the
    # independence, the transpose or the noise term is a slip
    notes = "% derivtex: e, w: n, random{independent}; F: n x n\n$${claim}$$"
    right = "Cov(F e + w) = F \\operatorname{Cov}(e) F^T + \\text{Cov}[w]"
    assert statuses(tmp_path, notes.format(independent=", independent", claim=right)) == ["ok"]
    assert statuses(tmp_path, notes.format(independent="", claim=right)) == ["does not follow"]
    for slip in (right.replace("F^T", "F"), right.replace(" + \\text{Cov}[w]", "")):
        assert statuses(tmp_path, notes.format(independent=", independent", claim=slip)) == [
            "does not follow"
        ]
    # Var(c^T y) = c^T Var(y) c for any distribution of y (ESL 3.3(a), briansmlee); Cov(x, y) with two
    # arguments is E[(x - Ex)(y - Ey)^T], so Cov(x, Ax) = Cov(x) A^T, not A Cov(x)
    fixed = "% derivtex: y: n, random; c: n; A: n x n\n$${claim}$$"
    assert statuses(tmp_path, fixed.format(claim="\\mathrm{Var}(c^T y) = c^T Var(y) c")) == ["ok"]
    assert statuses(tmp_path, fixed.format(claim="\\mathrm{Var}(c^T y) = c^T Var(y)")) != ["ok"]
    assert statuses(tmp_path, fixed.format(claim="Cov(y, A y) = Cov(y) A^T")) == ["ok"]
    assert statuses(tmp_path, fixed.format(claim="Cov(y, A y) = A Cov(y)")) == ["does not follow"]
    # the second moment minus the mean squared, written with \{ \} (joacorapela's notes)
    moment = "\\text{Cov}\\{y\\} = E[y y^T] - E[y] E[y]^T"
    assert statuses(tmp_path, fixed.format(claim=moment)) == ["ok"]
    assert statuses(tmp_path, fixed.format(claim=moment.replace("- E[y]", "+ E[y]"))) == ["does not follow"]


def test_a_moment_with_nothing_declared_random_cannot_be_checked(tmp_path):
    # Cov(y) = y yᵀ would hold with E dropped: never taken for true, and the message says what unlocks it
    notes = "% derivtex: y: n\n$$Cov(y) = y y^T$$"
    assert statuses(tmp_path, notes) == ["cannot check"]
    assert "% derivtex: x, v: random" in messages(tmp_path, notes)[0]


def test_a_covariance_inverted_at_any_size(tmp_path):
    # the conditional Gaussian (joacorapela's notes): z = x - S_{xy} S_{yy}^{-1} (y - mu_y) has mean
    # mu_x and covariance S_{xx} - S_{xy} S_{yy}^{-1} S_{xy}^T (by hand: expand, E[(y - mu_y)(x - mu_x)^T]
    # = S_{xy}^T); S_{yy} is inverted, so the samples must give it full rank at every size drawn
    notes = (
        "% derivtex: x: n, random; y: m, random; \\mu_x := E[x]; \\mu_y := E[y]\n"
        "% derivtex: S_{xx} := E[(x - \\mu_x)(x - \\mu_x)^T]; S_{xy} := E[(x - \\mu_x)(y - \\mu_y)^T]\n"
        "% derivtex: S_{yy} := E[(y - \\mu_y)(y - \\mu_y)^T]; z := x - S_{xy} S_{yy}^{-1} (y - \\mu_y)\n"
    )
    right = "$$E[z] = \\mu_x, \\quad E[(z - \\mu_x)(z - \\mu_x)^T] = S_{xx} - S_{xy} S_{yy}^{-1} S_{xy}^T$$"
    assert statuses(tmp_path, notes + right) == ["ok", "ok"]
    wrong = right.replace("S_{xx} - S_{xy}", "S_{xx} + S_{xy}")
    assert statuses(tmp_path, notes + wrong) == ["ok", "does not follow"]


def test_an_equation_that_would_define_a_name_through_itself_is_not_a_definition(tmp_path):
    # x* := A⁻¹b annotated, then the text's A x* = b: b = A x* would make x* = A⁻¹ A x*, a loop; the
    # annotation holds, and x_k - x* - t(A x_k - b) = (I - tA)(x_k - x*) (by hand: b = A x*)
    notes = "% derivtex: A: n x n spd; b, x_k: n; t: scalar; x^* := A^{-1} b\n"
    notes += "$$\\nabla f(x^*) = 0 \\Rightarrow A x^* = b$$\n"  # an equation for b, declared
    chain = "$$x_k - x^* - t(A x_k - b) = (I - tA)(x_k - x^*)$$"
    assert statuses(tmp_path, notes + chain)[-1] == "ok"
    assert statuses(tmp_path, notes + chain.replace("(I - tA)", "(I + tA)"))[-1] == "does not follow"


def test_an_annotation_holds_over_the_equation_it_would_loop_with(tmp_path):
    # the text's residual e = y - X theta, then the model y := X theta + e annotated: the annotation
    # holds, e is the noise; (X^T X)^{-1} X^T y = theta + (X^T X)^{-1} X^T e (by hand: X^T X cancels)
    notes = "% derivtex: X: n x p; \\theta: p; e: n\n$$e = y - X\\theta$$\n% derivtex: y := X\\theta + e\n"
    chain = "$$(X^TX)^{-1}X^Ty = \\theta + (X^TX)^{-1}X^Te$$"
    assert statuses(tmp_path, notes + chain) == ["skipped", "ok"]
    wrong = chain.replace("\\theta +", "2\\theta +")
    assert statuses(tmp_path, notes + wrong) == ["skipped", "does not follow"]


def test_every_expectation_averages_the_same_samples(tmp_path):
    # the Kalman posterior (adonothing's notes): e := x + w depends on two groups of random symbols,
    # Cov[(I - KH)e - Kv] on three; Cov(e) inside the right side must average the same draws of x
    # and w as the left side, or the identity (true for v independent of x and w) fails
    notes = (
        "% derivtex: x: n, random; v: m, random, independent, zero mean\n"
        "% derivtex: w: n, random, independent, zero mean; K: n x m; H: m x n; e := x + w\n"
    )
    right = "$$Cov[(I - K H) e - K v] = (I - K H) Cov(e) (I - K H)^T + K Cov(v) K^T$$"
    assert statuses(tmp_path, notes + right) == ["ok"]
    assert statuses(tmp_path, notes + right.replace("(I - K H)^T", "(I - K H)")) == ["does not follow"]


def test_an_expectation_in_parentheses_that_fails_does_not_follow(tmp_path):
    # E(θ) with θ declared random is the mean (bor9's LMMSE notes): a wrong step with it does not
    # follow; it is never "E is not defined, only applied"
    assert statuses(tmp_path, RANDOM_X + "$$E(Ax + b) = A E(x) + b$$") == ["ok"]
    assert statuses(tmp_path, RANDOM_X + "$$E(Ax + b) = A E(x)$$") == ["does not follow"]
