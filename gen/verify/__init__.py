"""The verification stage: ``Derivation`` → ``Report`` (evaluate, sample, check every line)."""
