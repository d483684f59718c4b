"""The typed results of flow analysis: flows, steps, transitions, parameters, diagnostics.

Lines are 1-based (as in Metaflow's ``output-raw`` and Python's ``ast``); columns are
0-based character offsets (as in ``ast``). The LSP adapter converts to 0-based lines.
``to_json`` methods produce the wire format shared by the CLI (``mfstudio graph --json``),
the ``metaflow/flowGraph`` LSP request and the web front-end (media/src/protocol.ts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

__all__ = [
    "Decorator",
    "Diagnostic",
    "FileAnalysis",
    "Flow",
    "JSONValue",
    "Parameter",
    "ParameterKind",
    "Position",
    "Severity",
    "SourceRange",
    "Step",
    "StepType",
    "Transition",
]

JSONValue = Any
"""A value that ``json.dumps`` accepts."""

StepType = Literal[
    "start",
    "linear",
    "join",
    "end",
    "split-static",
    "split-foreach",
    "split-parallel",
    "split-switch",
]
"""Metaflow's own step types, as printed by ``output-raw --json``."""

ParameterKind = Literal["parameter", "config", "include_file"]


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based
    column: int  # 0-based


@dataclass(frozen=True, slots=True)
class SourceRange:
    start: Position
    end: Position

    def to_json(self) -> dict[str, int]:
        return {
            "line": self.start.line,
            "column": self.start.column,
            "end_line": self.end.line,
            "end_column": self.end.column,
        }


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem found in a flow file.

    ``rule`` names the check: Metaflow's lint rule names (``check_basic_steps``,
    ``check_that_end_is_end``, ...) where the problem is one Metaflow's lint reports,
    ``syntax`` for a parse error, or a ``mfstudio-*`` name for checks of our own.
    """

    message: str
    range: SourceRange
    severity: Severity
    rule: str
    flow: str | None = None

    def to_json(self) -> dict[str, JSONValue]:
        return {
            **self.range.to_json(),
            "severity": self.severity.value,
            "message": self.message,
            "rule": self.rule,
            "flow": self.flow,
        }


@dataclass(frozen=True, slots=True)
class Decorator:
    """A step or flow decorator as written, e.g. ``@retry(times=3)``.

    ``attributes`` holds the arguments written in the source (literals evaluated,
    other expressions as their source text), merged over Metaflow's defaults for that
    decorator when Metaflow knows it, so it matches ``output-raw``'s attributes.
    """

    name: str
    attributes: dict[str, JSONValue]
    range: SourceRange

    def to_json(self) -> dict[str, JSONValue]:
        return {"name": self.name, "attributes": self.attributes, "range": self.range.to_json()}


@dataclass(frozen=True, slots=True)
class Transition:
    """One target of a ``self.next(...)`` call: ``self.<target>`` inside step ``source``."""

    source: str
    target: str
    range: SourceRange  # the ``<target>`` attribute name only, for navigation and rename


@dataclass(slots=True)
class Step:
    name: str
    type: StepType
    next: list[str]
    line: int  # the ``def`` line, as Metaflow reports it
    doc: str
    range: SourceRange  # the whole function, decorators included
    name_range: SourceRange  # the function name in ``def <name>``
    decorators: list[Decorator] = field(default_factory=list)  # innermost first, like Metaflow
    transitions: list[Transition] = field(default_factory=list)
    foreach_artifact: str | None = None
    num_parallel: int | str | None = None
    matching_join: str | None = None
    condition: str | None = None  # switch: the artifact name the switch reads
    switch_cases: dict[str, str] | None = None  # switch: case key -> step name
    in_funcs: list[str] = field(default_factory=list)  # steps that transition into this one
    # the file that defines the step when it is inherited from a base class in another
    # module (lines and ranges then refer to that file); None for steps of this file
    source_file: str | None = None

    def to_json(self) -> dict[str, JSONValue]:
        return {
            "type": self.type,
            "next": self.next,
            "foreach_artifact": self.foreach_artifact,
            "num_parallel": self.num_parallel,
            "matching_join": self.matching_join,
            "condition": self.condition,
            "switch_cases": self.switch_cases,
            "decorators": [d.to_json() for d in self.decorators],
            "line": self.line,
            "doc": self.doc,
            "range": self.range.to_json(),
            "name_range": self.name_range.to_json(),
            "in_funcs": self.in_funcs,
            "source_file": self.source_file,
        }


@dataclass(frozen=True, slots=True)
class Parameter:
    """A ``Parameter``, ``Config`` or ``IncludeFile`` declared as a flow class attribute."""

    name: str  # the name given to Parameter(...), as on the command line
    attribute: str  # the class attribute it is assigned to
    kind: ParameterKind
    type: str | None  # "str", "int", "float", "bool", "JSONType", ... or None if unknown
    default: JSONValue  # literal default, source text of a non-literal one, None if absent
    help: str | None
    required: bool
    range: SourceRange
    default_is_literal: bool = True  # False: ``default`` is an expression's source text

    def to_json(self) -> dict[str, JSONValue]:
        return {
            "name": self.name,
            "attribute": self.attribute,
            "kind": self.kind,
            "type": self.type,
            "default": self.default,
            "default_is_literal": self.default_is_literal,
            "help": self.help,
            "required": self.required,
            "range": self.range.to_json(),
        }


@dataclass(slots=True)
class Flow:
    name: str
    doc: str
    range: SourceRange
    name_range: SourceRange
    steps: dict[str, Step]  # every step of the class, in source order (unreachable ones too)
    graph_structure: list[JSONValue]
    parameters: list[Parameter] = field(default_factory=list)
    decorators: list[Decorator] = field(default_factory=list)
    bases: list[str] = field(default_factory=list)


@dataclass(slots=True)
class FileAnalysis:
    """Everything known about one Python file: its flows and all its diagnostics."""

    path: str
    flows: list[Flow]
    diagnostics: list[Diagnostic]

    def flow(self, name: str | None = None) -> Flow | None:
        """The flow called ``name``, or the last flow of the file (Metaflow's choice)."""
        if name is None:
            return self.flows[-1] if self.flows else None
        return next((f for f in self.flows if f.name == name), None)

    def to_json(self, flow: str | None = None) -> dict[str, JSONValue]:
        """The ``mfstudio graph --json`` / ``metaflow/flowGraph`` payload for one flow."""
        chosen = self.flow(flow)
        diagnostics = [
            d for d in self.diagnostics if chosen is None or d.flow in (None, chosen.name)
        ]
        return {
            "flow": chosen.name if chosen else None,
            "flow_doc": chosen.doc if chosen else "",
            "file": self.path,
            "flows": [f.name for f in self.flows],
            "steps": {n: s.to_json() for n, s in chosen.steps.items()} if chosen else {},
            "graph_structure": chosen.graph_structure if chosen else [],
            "parameters": [p.to_json() for p in chosen.parameters] if chosen else [],
            "flow_decorators": [d.to_json() for d in chosen.decorators] if chosen else [],
            "diagnostics": [d.to_json() for d in diagnostics],
        }
