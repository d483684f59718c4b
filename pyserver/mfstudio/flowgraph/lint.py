"""Metaflow's lint (``metaflow/lint.py``), rule for rule, over a :class:`FlowGraph`.

Every function here is named like the Metaflow check it mirrors and means the same thing.
Two deliberate differences: Metaflow stops at the first problem, we report each problem
(each offending step) so the user sees them all at once; and a check whose preconditions
an earlier problem broke (an unknown step, a loop) is skipped instead of crashing, as
Metaflow would never have reached it. ``check_nested_foreach`` only applies to schedulers
that forbid nested foreaches (Metaflow's local ``check`` does not run it): it is reported
as information.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .graph import FlowGraph, GraphNode
from .model import Severity

__all__ = ["LintProblem", "run_lint"]

_RESERVED = {"name", "next", "input", "index", "cmd"}
_BAD_NAME = re.compile(r"[^a-z0-9_]")


@dataclass(frozen=True, slots=True)
class LintProblem:
    """One finding; ``line`` is Metaflow's line for it (0: Metaflow gives none)."""

    rule: str
    message: str
    step: str | None
    line: int
    severity: Severity = Severity.ERROR
    target: str | None = None  # for transition problems: the offending target name


def _nodes(graph: FlowGraph) -> list[GraphNode]:
    return graph.sorted_nodes()


def _at_def(rule: str, node: GraphNode, msg: str, **kw: str) -> LintProblem:
    return LintProblem(rule, msg, node.name, node.syntax.line, **kw)  # type: ignore[arg-type]


def check_reserved_words(graph: FlowGraph) -> Iterator[LintProblem]:
    for node in _nodes(graph):
        if node.name in _RESERVED:
            yield _at_def(
                "check_reserved_words",
                node,
                f"Step name '{node.name}' is a reserved word. Choose another name for the step.",
            )


def check_basic_steps(graph: FlowGraph) -> Iterator[LintProblem]:
    for start, word in ((True, "start"), (False, "end")):
        if (graph.start_step if start else graph.end_step) is not None:
            continue
        annotated = sorted(
            n.name
            for n in graph.nodes.values()
            if (n.syntax.is_start_step if start else n.syntax.is_end_step)
        )
        if len(annotated) > 1:
            yield LintProblem(
                "check_basic_steps",
                f"Multiple steps annotated with @step({word}=True): {', '.join(annotated)}. "
                "Exactly one is allowed.",
                None,
                0,
            )
        else:
            yield LintProblem(
                "check_basic_steps",
                f"Your flow must have exactly one {word} step. Either name a step "
                f"'{word}' or use @step({word}=True).",
                None,
                0,
            )


def check_annotation_name_conflict(graph: FlowGraph) -> Iterator[LintProblem]:
    for chosen, word in ((graph.start_step, "start"), (graph.end_step, "end")):
        if chosen is not None and chosen != word and word in graph.nodes:
            yield LintProblem(
                "check_annotation_name_conflict",
                f"Ambiguous {word} step: step '{chosen}' is annotated with "
                f"@step({word}=True) but a step named '{word}' also exists. Remove the "
                f"'{word}' name or the @step({word}=True) annotation.",
                chosen,
                0,
            )


def check_start_end_degree(graph: FlowGraph) -> Iterator[LintProblem]:
    if graph.start_step is None or graph.end_step is None:
        return
    start = graph[graph.start_step]
    if start.in_funcs:
        yield _at_def(
            "check_start_end_degree",
            start,
            f"The start step '{start.name}' has incoming transitions from "
            f"{', '.join(start.in_funcs)}. A start step must have no incoming transitions.",
        )
    end = graph[graph.end_step]
    if end.out_funcs:
        yield _at_def(
            "check_start_end_degree",
            end,
            f"The end step '{end.name}' has outgoing transitions. An end step must have "
            "no outgoing transitions (no self.next()).",
        )


def check_that_end_is_end(graph: FlowGraph) -> Iterator[LintProblem]:
    if graph.end_step is None:
        return
    node = graph[graph.end_step]
    s = node.syntax
    if s.has_tail_next or s.invalid_tail_next:
        yield LintProblem(
            "check_that_end_is_end",
            f"The terminal step '{node.name}' should not have a self.next() transition. "
            "Just remove it.",
            node.name,
            s.tail_next_line,
        )
    elif s.num_args > 1:
        yield LintProblem(
            "check_that_end_is_end",
            f"The terminal step '{node.name}' should not be a join step (it gets an extra "
            "argument). Add a join step before it.",
            node.name,
            s.tail_next_line or s.line,
        )


def check_step_names(graph: FlowGraph) -> Iterator[LintProblem]:
    for node in _nodes(graph):
        if _BAD_NAME.search(node.name) or node.name.startswith("_"):
            yield _at_def(
                "check_step_names",
                node,
                f"Step '{node.name}' has an invalid name. Only lowercase ascii characters, "
                "underscores, and digits are allowed.",
            )


def check_num_args(graph: FlowGraph) -> Iterator[LintProblem]:
    for node in _nodes(graph):
        n = node.syntax.num_args
        if n > 2:
            msg = (
                f"Step '{node.name}' has too many arguments. Normal steps take only 'self' "
                "as an argument. Join steps take 'self' and 'inputs'."
            )
        elif n == 2 and node.type != "join":
            msg = (
                f"Step '{node.name}' is both a join step (it takes an extra argument) and a "
                "split step (it transitions to multiple steps). This is not allowed. Add a "
                "new step so that split and join become separate steps."
            )
        elif n == 0:
            msg = f"Step '{node.name}' is missing the 'self' argument."
        else:
            continue
        yield _at_def("check_num_args", node, msg)


def check_static_transitions(graph: FlowGraph) -> Iterator[LintProblem]:
    for node in _nodes(graph):
        if node.type != "end" and not node.syntax.has_tail_next:
            yield _at_def(
                "check_static_transitions",
                node,
                f"Step '{node.name}' is missing a self.next() transition to the next step. "
                "Add a self.next() as the last line in the function.",
            )


def check_valid_transitions(graph: FlowGraph) -> Iterator[LintProblem]:
    for node in _nodes(graph):
        s = node.syntax
        if node.type != "end" and s.has_tail_next and s.invalid_tail_next:
            yield LintProblem(
                "check_valid_transitions",
                f"Step '{node.name}' specifies an invalid self.next() transition. Make sure "
                "the self.next() expression matches one of the supported transition types: "
                "linear self.next(self.step_name); fan-out self.next(self.step1, self.step2); "
                "foreach self.next(self.step, foreach='variable'); switch "
                "self.next({\"key\": self.step, ...}, condition='variable') whose keys are "
                "string literals, numbers or config expressions (self.config.key_name).",
                node.name,
                s.tail_next_line,
            )


def check_unknown_transitions(graph: FlowGraph) -> Iterator[LintProblem]:
    for node in _nodes(graph):
        for target in node.out_funcs:
            if target not in graph:
                known = ", ".join(sorted(graph.nodes))
                yield LintProblem(
                    "check_unknown_transitions",
                    f"Step '{node.name}' specifies a self.next() transition to an unknown "
                    f"step, '{target}'. Known steps: {known}.",
                    node.name,
                    node.syntax.tail_next_line,
                    target=target,
                )


def _find_cycle(graph: FlowGraph) -> LintProblem | None:
    """Metaflow's ``check_for_acyclicity`` walk, memoised: O(steps + transitions).

    From each step (alphabetically, like Metaflow) walk depth-first with the path below
    the root; the first transition back into the path is the loop Metaflow names. A step
    fully explored without finding one cannot reach a loop: it is never walked again.
    """
    clean: set[str] = set()
    nodes = graph.nodes

    def outs_of(node: GraphNode) -> list[str]:
        return [
            n for n in node.out_funcs
            if n in nodes and not (node.type == "split-switch" and n == node.name)
        ]

    for root in _nodes(graph):
        if root.name in clean:
            continue
        path: list[str] = []
        on_path: set[str] = set()
        stack: list[tuple[GraphNode, list[str], int]] = [(root, outs_of(root), 0)]
        while stack:
            node, outs, i = stack[-1]
            if i >= len(outs):
                clean.add(node.name)
                stack.pop()
                if path:
                    on_path.discard(path.pop())
                continue
            stack[-1] = (node, outs, i + 1)
            n = outs[i]
            if n in on_path:
                loop = "->".join([*path, n])
                return LintProblem(
                    "check_for_acyclicity",
                    f"There is a loop in your flow: {loop}. Break the loop by fixing "
                    "self.next() transitions.",
                    node.name,
                    node.syntax.tail_next_line,
                )
            if n in clean:
                continue
            path.append(n)
            on_path.add(n)
            child = nodes[n]
            stack.append((child, outs_of(child), 0))
    return None


def check_for_acyclicity(graph: FlowGraph) -> Iterator[LintProblem]:
    found = _find_cycle(graph)
    if found:
        yield found


def check_for_orphans(graph: FlowGraph) -> Iterator[LintProblem]:
    if graph.start_step is None:
        return
    reachable = graph.reachable()
    for node in _nodes(graph):
        if node.name not in reachable:
            yield _at_def(
                "check_for_orphans",
                node,
                f"Step '{node.name}' is unreachable from the entry step '{graph.start_step}'. "
                f"Add self.next(self.{node.name}) in another step or remove '{node.name}'.",
            )


def check_split_join_balance(graph: FlowGraph) -> Iterator[LintProblem]:
    if graph.start_step is None or graph.end_step is None:
        return
    found: list[LintProblem] = []
    done: set[tuple[str, tuple[tuple[str, ...], ...]]] = set()

    def parents(n: str) -> tuple[str, ...]:
        node = graph[n]
        return tuple(node.split_parents[:-1] if node.type == "join" else node.split_parents)

    stack: list[tuple[str, tuple[tuple[str, ...], ...]]] = [(graph.start_step, ())]
    budget = 20_000
    while stack and not found and budget > 0:
        budget -= 1
        name, split_stack = stack.pop()
        if (name, split_stack) in done:
            continue
        done.add((name, split_stack))
        node = graph[name]
        new_stack = split_stack
        if node.type in ("split", "foreach"):
            new_stack = (*split_stack, tuple(node.out_funcs))
        elif node.type == "end":
            if split_stack:
                roots = ", ".join(split_stack[-1])
                found.append(_at_def(
                    "check_split_join_balance",
                    node,
                    f"The terminal step '{graph.end_step}' was reached before a split started "
                    f"at step(s) '{roots}' were joined. Add a join step before "
                    f"'{graph.end_step}'.",
                ))
                break
        elif node.type == "join":
            if split_stack:
                roots_t = split_stack[-1]
                new_stack = split_stack[:-1]
                resolved = {
                    graph[n].split_branches[-1] for n in node.in_funcs if graph[n].split_branches
                }
                if len(resolved) != len(roots_t) or resolved ^ set(roots_t):
                    found.append(_at_def(
                        "check_split_join_balance",
                        node,
                        f"Step '{node.name}' seems like a join step (it takes an extra input "
                        "argument) but an incorrect number of steps "
                        f"({', '.join(sorted(resolved))}) lead to it. This join was expecting "
                        f"{len(roots_t)} incoming paths, starting from split step(s) "
                        f"'{', '.join(roots_t)}'.",
                    ))
                    break
            else:
                found.append(_at_def(
                    "check_split_join_balance",
                    node,
                    f"Step '{node.name}' seems like a join step (it takes an extra input "
                    "argument) but it is not preceded by a split. Ensure that there is a "
                    "matching split for every join.",
                ))
                break
            if len({parents(n) for n in node.in_funcs}) > 1:
                found.append(_at_def(
                    "check_split_join_balance",
                    node,
                    f"Step '{node.name}' joins steps from unrelated splits. Ensure that there "
                    "is a matching join for every split.",
                ))
                break
        children = [
            n
            for n in node.out_funcs
            if n in graph and not (node.type == "split-switch" and n == node.name)
        ]
        for n in reversed(children):
            stack.append((n, new_stack))
    yield from found


def check_switch_splits(graph: FlowGraph) -> Iterator[LintProblem]:
    for node in _nodes(graph):
        if node.type != "split-switch":
            continue
        if len(node.out_funcs) < 2:
            yield _at_def(
                "check_switch_splits",
                node,
                f"Step '{node.name}' is a switch split but defines {len(node.out_funcs)} "
                "transitions. Switch splits must define at least 2 transitions.",
            )
        elif not node.syntax.condition:
            yield _at_def(
                "check_switch_splits", node,
                f"Step '{node.name}' is a switch split but has no condition variable.",
            )


def check_empty_foreaches(graph: FlowGraph) -> Iterator[LintProblem]:
    for node in _nodes(graph):
        if node.type == "foreach":
            joins = [n for n in node.out_funcs if n in graph and graph[n].type == "join"]
            if joins:
                yield _at_def(
                    "check_empty_foreaches",
                    node,
                    f"Step '{node.name}' is a foreach split that has no children: it is "
                    f"followed immediately by a join step, '{joins[0]}'. Add at least one "
                    "step between the split and the join.",
                )


def check_parallel_step_after_next(graph: FlowGraph) -> Iterator[LintProblem]:
    for node in _nodes(graph):
        if node.syntax.parallel_foreach and not all(
            graph[o].parallel_step for o in node.out_funcs if o in graph
        ):
            yield _at_def(
                "check_parallel_step_after_next",
                node,
                f"Step '{node.name}' is called as a parallel step with "
                "self.next(num_parallel=...) but the step it goes to does not have a "
                "@parallel decorator. Add @parallel to it.",
            )


def check_join_followed_by_parallel_step(graph: FlowGraph) -> Iterator[LintProblem]:
    for node in _nodes(graph):
        if node.parallel_step and node.out_funcs:
            nxt = node.out_funcs[0]
            if nxt in graph and graph[nxt].type != "join":
                yield _at_def(
                    "check_join_followed_by_parallel_step",
                    node,
                    f"An @parallel step should be followed by a join step. Step '{nxt}' is "
                    "called after an @parallel step but is not a join step. Please add an "
                    "extra `inputs` argument to the step.",
                )


def check_parallel_foreach_calls_parallel_step(graph: FlowGraph) -> Iterator[LintProblem]:
    for node in _nodes(graph):
        if not node.parallel_step:
            continue
        for other in _nodes(graph):
            if node.name in other.out_funcs and not other.syntax.parallel_foreach:
                yield _at_def(
                    "check_parallel_foreach_calls_parallel_step",
                    node,
                    f"Step '{node.name}' has a @parallel decorator, but is not called with "
                    f"self.next(num_parallel=...) from step '{other.name}'.",
                )
                break


def check_nested_foreach(graph: FlowGraph) -> Iterator[LintProblem]:
    for node in _nodes(graph):
        if node.type == "foreach" and any(
            p in graph and graph[p].type == "foreach" for p in node.split_parents
        ):
            yield LintProblem(
                "check_nested_foreach",
                f"Step '{node.name}' is a foreach nested under another foreach. Metaflow runs "
                "this locally and on Argo Workflows, but schedulers that forbid nested "
                "foreaches (AWS Step Functions) reject the flow.",
                node.name,
                node.syntax.line,
                Severity.INFO,
            )


def check_ambiguous_joins(graph: FlowGraph) -> Iterator[LintProblem]:
    for node in _nodes(graph):
        if node.type != "join":
            continue
        bad = [p for p in node.in_funcs if graph[p].type == "split-switch"]
        if bad:
            yield _at_def(
                "check_ambiguous_joins",
                node,
                "A conditional path cannot lead directly to a join step: in conditional "
                f"step(s) {', '.join(bad)}, a path goes directly to the join step "
                f"'{node.name}'. Introduce an intermediate, unconditional step on that path "
                "before joining.",
            )


_Check = Callable[[FlowGraph], Iterator[LintProblem]]
# Metaflow's order (the order of definition in metaflow/lint.py)
_FUNDAMENTAL: list[_Check] = [
    check_reserved_words,
    check_basic_steps,
    check_annotation_name_conflict,
]
_STRUCTURE: list[_Check] = [
    check_start_end_degree,
    check_that_end_is_end,
    check_step_names,
    check_num_args,
    check_static_transitions,
    check_valid_transitions,
    check_unknown_transitions,
]


def run_lint(graph: FlowGraph) -> list[LintProblem]:
    """Every problem Metaflow's lint would raise, one per offending step where it can."""
    problems: list[LintProblem] = []
    for check in (*_FUNDAMENTAL, *_STRUCTURE):
        problems.extend(check(graph))
    cycle = _find_cycle(graph)
    if cycle:
        problems.append(cycle)
    problems.extend(check_for_orphans(graph))
    if cycle is None:
        problems.extend(check_split_join_balance(graph))
    for check in (
        check_switch_splits,
        check_empty_foreaches,
        check_parallel_step_after_next,
        check_join_followed_by_parallel_step,
        check_parallel_foreach_calls_parallel_step,
        check_nested_foreach,
        check_ambiguous_joins,
    ):
        problems.extend(check(graph))
    return problems
