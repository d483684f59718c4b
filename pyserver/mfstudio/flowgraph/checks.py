"""Problems Metaflow raises while *importing* a flow, and checks of our own.

Metaflow rejects some mistakes before its lint runs, as exceptions at class-definition
time: a step decorator below ``@step`` (BadStepDecoratorException), the same decorator
twice (Duplicate{Step,Flow}DecoratorException), an attribute a decorator does not have
(InvalidDecoratorAttribute), a reserved Parameter name, and ``@retry(times=N)`` beyond
MAX_ATTEMPTS. These are errors under ``mfstudio-*`` rule names. Our own helpful checks are
warnings (``mfstudio-next-not-last``, ``mfstudio-duplicate-step``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import DecoratorCatalog
from .model import Parameter, Position, Severity, SourceRange
from .syntax import ClassSyntax, DecoratorSyntax, StepSyntax

__all__ = ["RESERVED_PARAMETER_NAMES", "Finding", "check_class", "check_step"]

_RESERVED_PARAMS = [
    "params", "with", "tag", "namespace", "obj", "tags", "decospecs", "run-id-file",
    "max-num-splits", "max-workers", "max-log-size", "user-namespace", "run-id", "task-id",
    "runner-attribute-file",
]
RESERVED_PARAMETER_NAMES = frozenset(
    _RESERVED_PARAMS + [p.replace("-", "_") for p in _RESERVED_PARAMS]
)


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    message: str
    range: SourceRange
    severity: Severity = Severity.ERROR


def _line_range(line: int) -> SourceRange:
    return SourceRange(Position(line, 0), Position(line, 0))


def _attribute_problems(
    deco: DecoratorSyntax, known: dict[str, object], where: str
) -> list[Finding]:
    out = []
    for key in deco.kwargs:
        if key not in known and not key.startswith("_"):
            allowed = ", ".join(sorted(known)) or "none"
            out.append(Finding(
                "mfstudio-unknown-attribute",
                f"Decorator @{deco.name} on {where} has no attribute '{key}' (Metaflow refuses "
                f"to load the flow). Its attributes are: {allowed}.",
                deco.range,
            ))
    return out


def check_step(step: StepSyntax, cat: DecoratorCatalog) -> list[Finding]:
    """Import-time rejections and our own warnings for one step."""
    out: list[Finding] = []
    for deco in step.below_step:
        if not cat.step or deco.name in cat.step:
            out.append(Finding(
                "mfstudio-decorator-order",
                f"Decorator @{deco.name} is below @step on '{step.name}': Metaflow applies it "
                f"to a function that is not a step yet and refuses to load the flow. Move "
                f"@{deco.name} above @step (@step must be on the line just before def).",
                deco.range,
            ))
    seen: set[str] = set()
    for deco in step.decorators:
        info = cat.step.get(deco.name)
        repeated = deco.name in seen and (info is None or not info.allow_multiple)
        if repeated and (info is not None or not cat.step):
            out.append(Finding(
                "mfstudio-duplicate-decorator",
                f"Step '{step.name}' already has a decorator '@{deco.name}'. You can "
                "specify this decorator only once: remove one of them.",
                deco.range,
            ))
        seen.add(deco.name)
        if info is not None:
            out.extend(_attribute_problems(deco, info.defaults, f"step '{step.name}'"))
        if deco.name == "retry" and deco.literal.get("times"):
            try:
                times = int(deco.kwargs["times"])
            except (TypeError, ValueError):
                times = 0
            limit = cat.max_attempts - 2
            if times > limit:
                out.append(Finding(
                    "mfstudio-retry-limit",
                    f"@retry(times={times}) on step '{step.name}' exceeds Metaflow's maximum "
                    f"number of retries; Metaflow refuses to run the flow. Use "
                    f"@retry(times={limit}) or fewer.",
                    deco.range,
                ))
    for line in step.stray_next_lines:
        out.append(Finding(
            "mfstudio-next-not-last",
            f"self.next() inside a nested block of step '{step.name}' is ignored: Metaflow "
            "only reads a self.next() that is the last statement of the step. Move it to the "
            "end of the function (use a switch, self.next({...}, condition=...), to branch).",
            _line_range(line),
            Severity.WARNING,
        ))
    return out


def _parameter_problems(param: Parameter) -> list[Finding]:
    if param.kind == "parameter" and param.name in RESERVED_PARAMETER_NAMES:
        return [Finding(
            "mfstudio-reserved-parameter",
            f"Parameter name '{param.name}' is a reserved word (it is a Metaflow command-line "
            "option); Metaflow refuses to load the flow. Please use a different name.",
            param.range,
        )]
    return []


def check_class(cls: ClassSyntax, cat: DecoratorCatalog) -> list[Finding]:
    """Flow-level rejections (flow decorators, parameters) and duplicate step definitions."""
    out: list[Finding] = []
    seen: set[str] = set()
    for deco in cls.decorators:
        info = cat.flow.get(deco.name)
        if info is None:
            continue
        if deco.name in seen and not info.allow_multiple:
            out.append(Finding(
                "mfstudio-duplicate-decorator",
                f"Flow '{cls.name}' already has a decorator '@{deco.name}'. You can specify "
                "each decorator only once: remove one of them.",
                deco.range,
            ))
        seen.add(deco.name)
        out.extend(_attribute_problems(deco, info.defaults, f"flow '{cls.name}'"))
    for param in cls.parameters:
        out.extend(_parameter_problems(param))
    names: dict[str, StepSyntax] = {}
    for step in cls.steps:
        if step.name in names:
            out.append(Finding(
                "mfstudio-duplicate-step",
                f"Step '{step.name}' is defined twice in '{cls.name}' (first on line "
                f"{names[step.name].line}); the later definition silently replaces the "
                "earlier one. Rename or remove one of them.",
                step.name_range,
                Severity.WARNING,
            ))
        names[step.name] = step
    return out
