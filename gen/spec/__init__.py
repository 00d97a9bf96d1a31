"""The spec stage: YAML → ``Spec`` (the safe positioned reader, the keys and their validators)."""
