"""What the cursor is on: a step's ``def`` name or a transition target ``self.<step>``.

Navigation, references, rename and hover all start from this one question, so it is
answered once here, on the analysis alone (no text scanning).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from mfstudio.flowgraph.model import FileAnalysis, Flow, Position, SourceRange, Step

__all__ = [
    "StepAt",
    "contains",
    "flow_at",
    "is_local",
    "own_steps",
    "step_at",
    "transitions_into",
]


def contains(source_range: SourceRange, position: Position) -> bool:
    """Whether ``position`` is inside ``source_range``, both ends included (a cursor just
    after a name still points at it)."""
    start, end = source_range.start, source_range.end
    return (
        (start.line, start.column)
        <= (position.line, position.column)
        <= (
            end.line,
            end.column,
        )
    )


def _inside(inner: SourceRange, outer: SourceRange) -> bool:
    return contains(outer, inner.start) and contains(outer, inner.end)


def is_local(step: Step) -> bool:
    """Whether the step is written in the analysed file (not inherited from another module,
    whose ranges index into that module's text)."""
    return step.source_file is None


def own_steps(flow: Flow) -> list[Step]:
    """The steps written inside the flow's own class body, in source order.

    ``Flow.steps`` also holds steps inherited from base classes; their ranges point into the
    base class, so lenses and symbols for them would land in the wrong place.
    """
    return [s for s in flow.steps.values() if is_local(s) and _inside(s.range, flow.range)]


def flow_at(analysis: FileAnalysis, position: Position) -> Flow | None:
    """The flow whose class body holds ``position`` (innermost), else None."""
    hits = [f for f in analysis.flows if contains(f.range, position)]
    return min(hits, key=lambda f: f.range.end.line - f.range.start.line, default=None)


def _flows_by_closeness(analysis: FileAnalysis, position: Position) -> Iterator[Flow]:
    enclosing = flow_at(analysis, position)
    if enclosing is not None:
        yield enclosing
    yield from (f for f in analysis.flows if f is not enclosing)


@dataclass(frozen=True, slots=True)
class StepAt:
    """A step name found under the cursor."""

    flow: Flow
    name: str  # the step referred to
    range: SourceRange  # the name under the cursor
    kind: Literal["definition", "transition"]
    source: str  # the step whose def or self.next(...) holds the name

    @property
    def step(self) -> Step | None:
        """The referred step, if the flow has it (a transition may name a missing one)."""
        return self.flow.steps.get(self.name)


def step_at(analysis: FileAnalysis, position: Position) -> StepAt | None:
    """The step name at ``position``, looking in the enclosing flow first."""
    for flow in _flows_by_closeness(analysis, position):
        for step in filter(is_local, flow.steps.values()):
            if contains(step.name_range, position):
                return StepAt(flow, step.name, step.name_range, "definition", step.name)
            for transition in step.transitions:
                if contains(transition.range, position):
                    return StepAt(
                        flow, transition.target, transition.range, "transition", step.name
                    )
    return None


def transitions_into(flow: Flow, name: str) -> list[SourceRange]:
    """Every ``self.<name>`` transition target of the flow, in source order."""
    ranges = [t.range for s in flow.steps.values() for t in s.transitions if t.target == name]
    return sorted(ranges, key=lambda r: (r.start.line, r.start.column))
