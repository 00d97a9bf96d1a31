"""derivtex: numerically verified, step-by-step LaTeX proofs of matrix-calculus derivations.

Importing this package is cheap: SymPy and numpy load only when a derivation runs.
``from gen import derive`` is the notebook API (see ``gen.api``).
"""

__version__ = "0.1.0"


def __getattr__(name: str):
    if name == "derive":  # loaded on first use, so that `import gen` stays cheap
        from .api import derive

        return derive
    raise AttributeError(f"module 'gen' has no attribute {name!r}")
