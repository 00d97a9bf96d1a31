"""The validated spec: frozen data that every later stage reads (``gen.spec.keys`` builds it)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Span
from .reader import Text


@dataclass(frozen=True)
class SymbolSpec:
    """A declared symbol; ``shape`` () scalar, (n,) column vector, (n, m) matrix."""

    name: str
    shape: tuple[str | int, ...]
    assume: tuple[str, ...]
    span: Span


@dataclass(frozen=True)
class Step:
    """An author-written step: the expression and its justification."""

    expr: Text
    why: str
    span: Span


@dataclass(frozen=True)
class Compare:
    """Another stated value, diagnosed against the result."""

    expr: Text
    label: str


@dataclass(frozen=True)
class CheckSettings:
    """Overrides for the numeric checks."""

    seed: int = 0
    samples: int = 4  # two at each assignment of sizes, with determinants of both signs at each
    tolerance: float = 1e-6


@dataclass(frozen=True)
class Spec:
    """A validated spec: everything the later stages read from the YAML."""

    id: str
    path: str
    title: str  # plain text, with formulas between $ signs (title_math)
    symbols: tuple[SymbolSpec, ...]
    function: Text
    wrt: tuple[Text, ...]
    order: int = 1
    layout: str = "denominator"
    methods: tuple[str, ...] = ("differential",)
    claim: Text | None = None
    claims: tuple[tuple[Text, Text], ...] = ()  # several variables: (name, claimed gradient) each
    compare: tuple[Compare, ...] = ()
    symmetric_gradient: str = "sym"
    steps: tuple[Step, ...] = ()
    where: tuple[tuple[Text, Text], ...] = ()  # named intermediates in order: (name, its definition)
    notes: str = ""
    topic: str = ""
    references: tuple[str, ...] = ()
    check: CheckSettings = CheckSettings()
    positions: tuple[tuple[str, Span], ...] = ()  # where each top-level key's value starts
    title_math: tuple[Text, ...] = ()  # the title's formulas, $…$, with their positions

    def span_of(self, key: str) -> Span:
        """Where the value of top-level ``key`` starts (the top of the file if it is absent)."""
        return dict(self.positions).get(key, Span(self.path))

    def symbol(self, name: str) -> SymbolSpec | None:
        """The declared symbol called ``name``, if any."""
        return next((s for s in self.symbols if s.name == name), None)
