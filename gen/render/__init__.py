"""The render stage: (``Derivation``, ``Report``) → text (views, templates, formats, PDF)."""
