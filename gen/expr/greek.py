"""The one table of Greek letters: the ASCII names a spec writes (``sigma``, ``Sigma``, ``sigma_1``;
``eps`` and ``lam``, the short names code uses), the Unicode letters prose writes, and the LaTeX
letter both print as (ε and φ as the variants textbooks use)."""

NAMES = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau upsilon "
    "phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
).split()
LETTERS = "αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΥΦΨΩ"
VARIANTS = {"epsilon": "varepsilon", "phi": "varphi"}
GREEK = {name: VARIANTS.get(name, name) for name in NAMES} | {"eps": "varepsilon", "lam": "lambda"}
GREEK_LETTERS = {letter: GREEK[name] for letter, name in zip(LETTERS, NAMES, strict=True)}
