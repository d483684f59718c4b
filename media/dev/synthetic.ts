/**
 * Synthetic FlowGraphs of any size, for the render-time check (dev page `?steps=200`),
 * the layout benchmark in the unit tests and the e2e helper. Shapes repeat: a linear
 * step, a static split of three branches with its join, a foreach with its join, a switch
 * whose cases take paths of different lengths.
 */
import type { DecoratorInfo, FlowGraph, SourceRange, StepInfo, StepType } from '../src/protocol';

function range(line: number, lines = 6): SourceRange {
  return { line, column: 4, end_line: line + lines - 1, end_column: 0 };
}

function decorators(i: number, line: number): DecoratorInfo[] {
  const out: DecoratorInfo[] = [];
  if (i % 3 === 1) out.push({ name: 'retry', attributes: { times: 3, minutes_between_retries: 2 }, range: range(line, 1) });
  if (i % 5 === 2) out.push({ name: 'resources', attributes: { cpu: 4, memory: 16000, gpu: null }, range: range(line, 1) });
  return out;
}

/** A valid-looking flow of exactly `stepCount` steps (at least 2: start and end). */
export function syntheticGraph(stepCount: number, flow = 'SyntheticFlow'): FlowGraph {
  const n = Math.max(2, Math.floor(stepCount));
  const steps: Record<string, StepInfo> = {};
  let line = 10;
  let index = 0;
  const add = (name: string, type: StepType, next: string[], extra: Partial<StepInfo> = {}): void => {
    const decos = decorators(index, line);
    const start = line;
    line += 8;
    index += 1;
    steps[name] = {
      type,
      next,
      foreach_artifact: null,
      num_parallel: null,
      matching_join: null,
      condition: null,
      switch_cases: null,
      decorators: decos,
      line: start + decos.length,
      doc: `Step ${name} of the synthetic flow.`,
      range: range(start, 7),
      name_range: { line: start + decos.length, column: 8, end_line: start + decos.length, end_column: 8 + name.length },
      in_funcs: [],
      source_file: null,
      ...extra,
    };
  };
  type Item = { name: string; type: StepType; next: string[]; extra: Partial<StepInfo> };
  const blocks: Item[][] = [];
  let remaining = n - 2; // start and end
  let b = 0;
  while (remaining > 0) {
    b += 1;
    if (b % 4 === 0 && remaining >= 5) {
      // A switch: one case goes straight to the merge step, the other through two steps.
      const [one, two, three, merge] = [`case_${b}_short`, `case_${b}_long`, `case_${b}_long_2`, `merge_${b}`];
      blocks.push([
        { name: `route_${b}`, type: 'split-switch', next: [one, two], extra: { condition: `mode_${b}`, switch_cases: { fast: one, thorough: two } } },
        { name: one, type: 'linear', next: [merge], extra: {} },
        { name: two, type: 'linear', next: [three], extra: {} },
        { name: three, type: 'linear', next: [merge], extra: {} },
        { name: merge, type: 'linear', next: [], extra: {} },
      ]);
      remaining -= 5;
    } else if (b % 4 === 2 && remaining >= 5) {
      const branches = [`branch_${b}_a`, `branch_${b}_b`, `branch_${b}_c`];
      const j = `join_${b}`;
      blocks.push([
        { name: `split_${b}`, type: 'split-static', next: branches, extra: { matching_join: j } },
        ...branches.map((name) => ({ name, type: 'linear' as const, next: [j], extra: {} })),
        { name: j, type: 'join', next: [], extra: { in_funcs: branches } },
      ]);
      remaining -= 5;
    } else if (b % 4 === 3 && remaining >= 3) {
      const body = `work_${b}`;
      const j = `collect_${b}`;
      blocks.push([
        { name: `fanout_${b}`, type: 'split-foreach', next: [body], extra: { foreach_artifact: `items_${b}`, matching_join: j } },
        { name: body, type: 'linear', next: [j], extra: {} },
        { name: j, type: 'join', next: [], extra: { in_funcs: [body] } },
      ]);
      remaining -= 3;
    } else {
      blocks.push([{ name: `step_${b}`, type: 'linear', next: [], extra: {} }]);
      remaining -= 1;
    }
  }
  add('start', 'start', [blocks[0]?.[0]?.name ?? 'end']);
  let last = 'start';
  blocks.forEach((block, i) => {
    const following = blocks[i + 1]?.[0]?.name ?? 'end';
    for (const item of block) add(item.name, item.type, item.next.length > 0 ? item.next : [following], item.extra);
    last = block[block.length - 1]?.name ?? last;
  });
  add('end', 'end', [], { in_funcs: [last] });
  return {
    flow,
    file: `/synthetic/${flow.toLowerCase()}.py`,
    flows: [flow],
    steps,
    graph_structure: [],
    parameters: [],
    flow_decorators: [],
    diagnostics: [],
  };
}
