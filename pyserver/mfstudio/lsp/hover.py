"""``textDocument/hover`` on a step: what Metaflow will make of it, in one glance.

Shows the step's type (as ``output-raw`` names it), its decorators with the arguments that
differ from Metaflow's defaults (the analysis fills every default in, as ``output-raw``
does; a ``@kubernetes`` would otherwise list thirty), its docstring, where it goes and
where it comes from: what a user otherwise pieces together by reading the whole class.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from lsprotocol import types

from mfstudio.flowgraph.catalog import DecoratorCatalog, to_pod
from mfstudio.flowgraph.model import Decorator, FileAnalysis, JSONValue, Position, Step
from mfstudio.lsp.lookup import step_at
from mfstudio.lsp.positions import LineIndex

__all__ = ["hover", "step_markdown"]

DefaultsOf = Callable[[str], Mapping[str, JSONValue]]
"""A decorator's default attributes by decorator name (empty if unknown)."""


def _no_defaults(name: str) -> Mapping[str, JSONValue]:
    return {}


def _decorator(decorator: Decorator, defaults_of: DefaultsOf) -> str:
    defaults = defaults_of(decorator.name)
    shown = {
        key: value
        for key, value in decorator.attributes.items()
        if key not in defaults or value != to_pod(defaults[key])
    }
    arguments = ", ".join(f"{k}={v!r}" for k, v in shown.items())
    return f"@{decorator.name}({arguments})" if arguments else f"@{decorator.name}"


def _steps(names: list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names) if names else "—"


def _type_line(step: Step) -> str:
    line = f"**{step.type}**"
    if step.foreach_artifact:
        line += f" over `self.{step.foreach_artifact}`"
    if step.num_parallel is not None:
        line += f" with num_parallel=`{step.num_parallel}`"
    if step.condition:
        line += f" on `self.{step.condition}`"
    if step.matching_join:
        line += f", joined in `{step.matching_join}`"
    return line


def step_markdown(flow_name: str, step: Step, defaults_of: DefaultsOf = _no_defaults) -> str:
    """The hover text of ``step`` as Markdown."""
    parts = [f"### step `{step.name}` of `{flow_name}`", _type_line(step)]
    if step.decorators:
        # innermost first in the model, as Metaflow lists them; shown as written (top down)
        shown = "\n".join(_decorator(d, defaults_of) for d in reversed(step.decorators))
        parts.append(f"```python\n{shown}\n```")
    if step.doc.strip():
        parts.append(step.doc.strip())
    if step.switch_cases:
        cases = ", ".join(f"`{k!r}` → `{v}`" for k, v in step.switch_cases.items())
        parts.append(f"**cases:** {cases}")
    parts.append(f"**next:** {_steps(step.next)}  \n**from:** {_steps(step.in_funcs)}")
    if step.source_file is not None:
        parts.append(f"inherited from `{step.source_file}`")
    return "\n\n".join(parts)


def hover(
    analysis: FileAnalysis, lines: LineIndex, position: Position, catalog: DecoratorCatalog
) -> types.Hover | None:
    found = step_at(analysis, position)
    if found is None or found.step is None:
        return None

    def defaults_of(name: str) -> Mapping[str, JSONValue]:
        info = catalog.find(name)
        return info.defaults if info is not None else {}

    markdown = step_markdown(found.flow.name, found.step, defaults_of)
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown),
        range=lines.to_lsp_range(found.range),
    )
