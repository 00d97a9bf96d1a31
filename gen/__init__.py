"""derivtex: numerically verified, step-by-step LaTeX proofs of matrix-calculus derivations.

Importing this package is cheap: SymPy and numpy load only when a derivation runs.
"""

__version__ = "0.1.0"
