"""The engine stage: ``Spec`` → ``Derivation`` (rules, rearrangement, simplification, methods)."""
