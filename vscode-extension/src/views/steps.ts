/**
 * Mapping between editor positions and a flow's steps, from the graph's source ranges.
 * Pure: the editor adapts its positions (0-based lines, UTF-16 columns) to and from the
 * graph's (1-based lines, code-point columns) through these functions.
 */
import type { FlowGraph, SourceRange } from '../common/protocol';

/**
 * The step whose source range (decorators to last body line) contains 0-based `line`,
 * or null when the line is outside every step. Whole lines count, so the cursor on a
 * decorator line or at column 0 of a body line still selects that step. Steps inherited
 * from another file (`source_file` set) have ranges in that file and never match.
 */
export function stepAtLine(graph: FlowGraph | undefined, line: number): string | null {
  if (graph === undefined) {
    return null;
  }
  const oneBased = line + 1;
  let best: { name: string; size: number } | null = null;
  for (const [name, step] of Object.entries(graph.steps)) {
    if (step.source_file) {
      continue;
    }
    const { line: first, end_line: last } = step.range;
    if (first <= oneBased && oneBased <= last) {
      const size = last - first;
      if (best === null || size < best.size) {
        best = { name, size };
      }
    }
  }
  return best?.name ?? null;
}

/** A code-point column of `lineText` as a UTF-16 offset (what VS Code positions use). */
export function codePointsToUtf16(lineText: string, column: number): number {
  let utf16 = 0;
  let points = 0;
  for (const ch of lineText) {
    if (points >= column) {
      break;
    }
    utf16 += ch.length;
    points += 1;
  }
  return utf16 + Math.max(0, column - points);
}

export interface EditorRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

/** A graph range as 0-based lines and UTF-16 characters, given a way to read source lines. */
export function toEditorRange(range: SourceRange, lineText: (line: number) => string): EditorRange {
  const startLine = range.line - 1;
  const endLine = range.end_line - 1;
  return {
    startLine,
    startCharacter: codePointsToUtf16(lineText(startLine), range.column),
    endLine,
    endCharacter: codePointsToUtf16(lineText(endLine), range.end_column),
  };
}

/** Whether the graph's flow has a step called `step`. */
export function hasStep(graph: FlowGraph | undefined, step: string): boolean {
  return graph !== undefined && Object.prototype.hasOwnProperty.call(graph.steps, step);
}
