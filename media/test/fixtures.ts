/** Small FlowGraphs for the unit tests, built from a compact description. */
import type { DecoratorInfo, DiagnosticInfo, FlowGraph, StepInfo, StepType } from '../src/protocol';
import sample from '../dev/sample-graph.json';

export const sampleGraph = sample as FlowGraph;

export interface StepSpec {
  type: StepType;
  next?: string[];
  decorators?: string[];
  foreach?: string;
  numParallel?: number;
  condition?: string;
  cases?: Record<string, string>;
  join?: string;
  doc?: string;
  line?: number;
  lines?: number;
  sourceFile?: string;
}

/** A FlowGraph whose steps are laid out in the file one after another, 10 lines each. */
export function graphOf(steps: Record<string, StepSpec>, extra: Partial<FlowGraph> = {}): FlowGraph {
  const out: Record<string, StepInfo> = {};
  let line = 10;
  for (const [name, s] of Object.entries(steps)) {
    const start = s.line ?? line;
    const decorators: DecoratorInfo[] = (s.decorators ?? []).map((d, i) => ({
      name: d,
      attributes: d === 'retry' ? { times: 3 } : {},
      range: { line: start + i, column: 4, end_line: start + i, end_column: 10 },
    }));
    out[name] = {
      type: s.type,
      next: s.next ?? [],
      foreach_artifact: s.foreach ?? null,
      num_parallel: s.numParallel ?? null,
      matching_join: s.join ?? null,
      condition: s.condition ?? null,
      switch_cases: s.cases ?? null,
      decorators,
      line: start + decorators.length + 1,
      doc: s.doc ?? '',
      range: { line: start, column: 4, end_line: start + (s.lines ?? 8), end_column: 0 },
      name_range: { line: start + decorators.length + 1, column: 8, end_line: start + decorators.length + 1, end_column: 8 + name.length },
      in_funcs: [],
      source_file: s.sourceFile ?? null,
    };
    line = start + (s.lines ?? 8) + 2;
  }
  for (const [name, s] of Object.entries(out)) for (const n of s.next) out[n]?.in_funcs.push(name);
  return {
    flow: 'TestFlow',
    file: '/tmp/test_flow.py',
    flows: ['TestFlow'],
    steps: out,
    graph_structure: [],
    parameters: [],
    flow_decorators: [],
    diagnostics: [],
    ...extra,
  };
}

export function diagnostic(line: number, severity: DiagnosticInfo['severity'], message: string): DiagnosticInfo {
  return { line, column: 8, end_line: line, end_column: 20, severity, message, rule: 'test', flow: 'TestFlow' };
}

/** start -> a -> end */
export const linearGraph = (): FlowGraph =>
  graphOf({
    start: { type: 'start', next: ['a'] },
    a: { type: 'linear', next: ['end'] },
    end: { type: 'end' },
  });
