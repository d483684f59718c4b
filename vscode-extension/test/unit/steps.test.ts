import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlowGraph, SourceRange, StepInfo } from '../../src/common/protocol';
import { codePointsToUtf16, hasStep, stepAtLine, toEditorRange } from '../../src/views/steps';

const range = (line: number, column: number, end_line: number, end_column: number): SourceRange => ({
  line,
  column,
  end_line,
  end_column,
});

function step(first: number, last: number, defLine: number, name: string): StepInfo {
  return {
    type: 'linear',
    next: [],
    foreach_artifact: null,
    num_parallel: null,
    matching_join: null,
    condition: null,
    switch_cases: null,
    decorators: [],
    line: defLine,
    doc: '',
    range: range(first, 4, last, 30),
    name_range: range(defLine, 8, defLine, 8 + name.length),
    in_funcs: [],
    source_file: null,
  };
}

// Lines (1-based) of a flow file:           10 @step / 11 def start ... 14 last line
//                                           16 @retry / 17 @step / 18 def train ... 22
const graph: FlowGraph = {
  flow: 'DemoFlow',
  file: '/w/demo.py',
  flows: ['DemoFlow'],
  steps: { start: step(10, 14, 11, 'start'), train: step(16, 22, 18, 'train') },
  graph_structure: [],
  parameters: [],
  flow_decorators: [],
  diagnostics: [],
};

describe('cursor line -> step', () => {
  it('selects the step whose lines contain the cursor, decorators included', () => {
    assert.equal(stepAtLine(graph, 9), 'start'); // line 10: @step
    assert.equal(stepAtLine(graph, 13), 'start'); // line 14: last body line
    assert.equal(stepAtLine(graph, 15), 'train'); // line 16: @retry above train
    assert.equal(stepAtLine(graph, 21), 'train');
  });

  it('selects nothing between steps, before the first or without a graph', () => {
    assert.equal(stepAtLine(graph, 14), null); // line 15: blank line between the steps
    assert.equal(stepAtLine(graph, 0), null);
    assert.equal(stepAtLine(graph, 200), null);
    assert.equal(stepAtLine(undefined, 12), null);
  });

  it('prefers the innermost range when ranges nest', () => {
    const nested: FlowGraph = { ...graph, steps: { outer: step(1, 50, 2, 'outer'), inner: step(10, 12, 11, 'inner') } };
    assert.equal(stepAtLine(nested, 10), 'inner');
    assert.equal(stepAtLine(nested, 30), 'outer');
  });

  it('ignores steps inherited from another file, whose ranges are in that file', () => {
    const inherited: FlowGraph = { ...graph, steps: { ...graph.steps, base: { ...step(10, 14, 11, 'base'), source_file: '/w/base.py' } } };
    assert.equal(stepAtLine(inherited, 12), 'start');
    const onlyInherited: FlowGraph = { ...graph, steps: { base: { ...step(10, 14, 11, 'base'), source_file: '/w/base.py' } } };
    assert.equal(stepAtLine(onlyInherited, 12), null);
  });

  it('knows which steps the flow has', () => {
    assert.equal(hasStep(graph, 'train'), true);
    assert.equal(hasStep(graph, 'toString'), false);
    assert.equal(hasStep(undefined, 'train'), false);
  });
});

describe('graph columns (code points) -> editor columns (UTF-16)', () => {
  it('is the identity for ASCII', () => {
    assert.equal(codePointsToUtf16('    def train(self):', 8), 8);
  });

  it('counts characters outside the BMP as two UTF-16 units', () => {
    const line = 'x = "🚀🚀"; y = 1';
    // code point 8 is ';' after the closing quote; in UTF-16 the two rockets take 4 units
    assert.equal(codePointsToUtf16(line, 8), 10);
    assert.equal(line.slice(10, 11), ';');
    assert.equal(codePointsToUtf16('é', 1), 1);
  });

  it('extends past the end of a short line', () => {
    assert.equal(codePointsToUtf16('ab', 5), 5);
  });

  it('turns a 1-based graph range into a 0-based editor range', () => {
    const lines = ['', '    def 𝒇ancy(self):'];
    const result = toEditorRange(range(2, 8, 2, 13), (n) => lines[n] ?? '');
    assert.deepEqual(result, { startLine: 1, startCharacter: 8, endLine: 1, endCharacter: 14 });
    assert.equal(lines[1]?.slice(result.startCharacter, result.endCharacter), '𝒇ancy');
  });
});
