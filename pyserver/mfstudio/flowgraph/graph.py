"""The flow graph, computed the way Metaflow's ``metaflow/graph.py`` computes it.

:class:`FlowGraph` mirrors ``FlowGraph``/``DAGNode``: start/end identification
(``@step(start=True)`` or the names ``start``/``end``), the depth-first traversal that sets
``in_funcs``, ``split_parents``, ``split_branches`` and ``matching_join``, and
``output_steps``' ``graph_structure``. Differences are deliberate and only concern inputs
Metaflow cannot handle: traversal states are memoised (Metaflow's walk is exponential in
the number of diamonds), unknown targets and cycles never raise, and every walk is bounded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import JSONValue, StepType
from .syntax import StepSyntax

__all__ = ["FlowGraph", "GraphNode", "output_type"]

_MAX_VISITS = 20_000
_MAX_NESTING = 200


@dataclass(slots=True)
class GraphNode:
    """A ``DAGNode``: the step record plus what the traversal computes."""

    syntax: StepSyntax
    name: str
    type: str | None
    parallel_step: bool
    in_funcs: list[str] = field(default_factory=list)
    split_parents: list[str] = field(default_factory=list)
    split_branches: list[str] = field(default_factory=list)
    matching_join: str | None = None

    @property
    def out_funcs(self) -> list[str]:
        return self.syntax.out_funcs


def output_type(node: GraphNode) -> StepType:
    """``output_steps``' ``node_to_type``; steps without a valid ``self.next`` read as linear."""
    t = node.type
    if t in ("linear", "start", "end", "join"):
        return t  # type: ignore[return-value]
    if t == "split":
        return "split-static"
    if t == "foreach":
        return "split-parallel" if node.syntax.parallel_foreach else "split-foreach"
    if t == "split-switch":
        return "split-switch"
    return "linear"


class FlowGraph:
    """The graph of one flow class (steps merged over its base classes)."""

    def __init__(self, steps: dict[str, StepSyntax], parallel_decorators: frozenset[str]) -> None:
        self.nodes: dict[str, GraphNode] = {}
        for name, s in steps.items():
            decorators = s.decorators
            parallel = bool(decorators) and any(d.name in parallel_decorators for d in decorators)
            self.nodes[name] = GraphNode(s, name, s.raw_type, parallel)
        self.start_step: str | None = None
        self.end_step: str | None = None
        self.truncated = False
        self._sorted: list[str] | None = None
        self._sorted_nodes: list[GraphNode] | None = None
        self._identify_start_end()
        self._traverse()

    def __contains__(self, name: object) -> bool:
        return name in self.nodes

    def __getitem__(self, name: str) -> GraphNode:
        return self.nodes[name]

    def sorted_nodes(self) -> list[GraphNode]:
        """Nodes in ``dir()`` order (alphabetical), the order Metaflow's lint visits."""
        if self._sorted_nodes is None:
            self._sorted_nodes = [self.nodes[n] for n in self.sorted_names()]
        return self._sorted_nodes

    def sorted_names(self) -> list[str]:
        """Node names in ``dir()`` order (alphabetical), the order Metaflow's lint visits."""
        if self._sorted is None:
            self._sorted = sorted(self.nodes)
        return self._sorted

    def _identify_start_end(self) -> None:
        def resolve(start: bool, fallback: str) -> str | None:
            annotated = [
                n
                for n, node in self.nodes.items()
                if (node.syntax.is_start_step if start else node.syntax.is_end_step)
            ]
            if len(annotated) == 1:
                return annotated[0]
            if not annotated:
                return fallback if fallback in self.nodes else None
            return None

        self.start_step = resolve(True, "start")
        self.end_step = resolve(False, "end")
        if len(self.nodes) == 1:
            (only,) = self.nodes
            self.start_step = self.end_step = only
        if self.start_step and self.start_step == self.end_step:
            self.nodes[self.start_step].type = "end"
        else:
            if self.start_step:
                node = self.nodes[self.start_step]
                if node.type in (None, "linear"):
                    node.type = "start"
            if self.end_step:
                self.nodes[self.end_step].type = "end"

    def _traverse(self) -> None:
        """Metaflow's ``_traverse_graph``, iteratively, with memoised states.

        Metaflow recurses with ``seen`` (the path below the start step) to skip loops and
        overwrites each node's split data on every visit; a (node, split_parents,
        split_branches) state already walked is not walked again, which gives the same
        result on every graph without enumerating all of its paths.
        """
        start = self.start_step
        if not start or start not in self.nodes:
            return
        nodes = self.nodes
        in_funcs: dict[str, set[str]] = {n: set() for n in nodes}
        done: set[tuple[str, tuple[str, ...], tuple[str, ...]]] = set()
        on_path: dict[str, int] = {}  # Metaflow's ``seen``: the path, without the start
        visits = 0

        def enter(
            name: str, parents: tuple[str, ...], branches: tuple[str, ...]
        ) -> list[object] | None:
            nonlocal visits
            key = (name, parents, branches)
            if key in done:
                return None
            done.add(key)
            visits += 1
            node = nodes[name]
            add_branch = False
            if node.type in ("split", "foreach"):
                node.split_parents = list(parents)
                node.split_branches = list(branches)
                add_branch = True
                parents = (*parents, name)
            elif node.type == "join":
                if parents:
                    nodes[parents[-1]].matching_join = name
                    node.split_parents = list(parents)
                    node.split_branches = list(branches[:-1])
                    parents = parents[:-1]
                    branches = branches[:-1]
            else:
                node.split_parents = list(parents)
                node.split_branches = list(branches)
            return [name, parents, branches, add_branch, node.out_funcs, 0]

        first = enter(start, (), ())
        stack: list[list[object]] = [first] if first else []
        while stack:
            frame = stack[-1]
            name, parents, branches, add_branch, outs, i = frame
            assert isinstance(outs, list) and isinstance(i, int)
            if i >= len(outs) or visits > _MAX_VISITS:
                stack.pop()
                if stack:  # leaving a child: it is no longer on the path
                    on_path[name] -= 1  # type: ignore[index]
                continue
            frame[5] = i + 1
            out = outs[i]
            if on_path.get(out, 0) or out not in nodes:
                continue
            in_funcs[out].add(name)  # type: ignore[arg-type]
            child_branches = (*branches, out) if add_branch else branches  # type: ignore[misc]
            child = enter(out, parents, child_branches)  # type: ignore[arg-type]
            if child is not None:
                on_path[out] = on_path.get(out, 0) + 1
                stack.append(child)
        if visits > _MAX_VISITS:
            self.truncated = True
        for n, node in nodes.items():
            node.in_funcs = sorted(in_funcs[n])

    def reachable(self) -> set[str]:
        """Steps reachable from the start step (the ones ``output-raw`` prints)."""
        if not self.start_step:
            return set()
        seen = {self.start_step}
        todo = [self.start_step]
        while todo:
            for out in self.nodes[todo.pop()].out_funcs:
                if out in self.nodes and out not in seen:
                    seen.add(out)
                    todo.append(out)
        return seen

    def graph_structure(self) -> list[JSONValue]:
        """``output_steps``' nested block list; bounded on graphs Metaflow would choke on."""
        if self.start_step is None or self.end_step is None:
            return []
        budget = [len(self.nodes) * 4 + 16]

        def block(start: str | None, end: str | None, depth: int) -> list[JSONValue]:
            cur = start
            result: list[JSONValue] = []
            seen: set[str] = set()
            while cur != end and cur is not None:
                budget[0] -= 1
                if cur not in self.nodes or cur in seen or budget[0] < 0:
                    break
                seen.add(cur)
                node = self.nodes[cur]
                result.append(cur)
                kind = output_type(node)
                if kind in ("split-static", "split-foreach") and node.type != "end":
                    if depth >= _MAX_NESTING:
                        break
                    result.append(
                        [block(s, node.matching_join, depth + 1) for s in node.out_funcs]
                    )
                    cur = node.matching_join
                elif kind == "split-switch" and node.type != "end":
                    if depth >= _MAX_NESTING:
                        break
                    result.append(
                        [block(s, end, depth + 1) for s in node.out_funcs if s != cur]
                    )
                    cur = end
                elif node.out_funcs and node.type != "end":
                    cur = node.out_funcs[0]
                else:
                    break
            return result

        if self.start_step == self.end_step:
            structure: list[JSONValue] = []
        else:
            structure = block(self.start_step, self.end_step, 0)
        structure.append(self.end_step)
        return structure
