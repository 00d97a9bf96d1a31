"""``derivtex check FILE.tex``: the derivations written in a paper's own LaTeX, checked link by link.

The stages: ``document`` (the files, \\input followed, comments and verbatim blanked, the display
blocks found with pylatexenc), ``rows`` (each block split into chains of sides), ``symbols``
(annotations, the sidecar, the prose's ``X \\in \\mathbb{R}^{m\\times n}``), ``shapes`` (inference
with printed conventions), ``links`` (each link checked numerically, a diagnosis where it fails),
``report`` (the terminal text and ``--json``).
"""
