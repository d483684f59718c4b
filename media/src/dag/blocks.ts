/**
 * Blocks of a flow placed directly, without dagre (dagre spends milliseconds even on five
 * nodes): a plain transition between two cut steps, and a split whose branches are simple
 * chains of steps. Pure; coordinates are local to the block (its first step at 0,0).
 */
import type { Box, Point } from './geometry';
import type { DagEdge, DagNode } from './model';
import { SPACING, labelSize } from './spacing';
import type { Placement } from './spacing';

/** A plain transition between two consecutive cut steps: one straight edge, no dagre. */
export function placePair(from: DagNode, to: DagNode, edge: DagEdge | undefined): Placement {
  const labelHeight = edge?.label ? labelSize(edge.label).height : 0;
  const gap = SPACING.ranksep + labelHeight;
  const a = { x: 0, y: 0 };
  const b = { x: 0, y: from.height / 2 + gap + to.height / 2 };
  const edges = new Map<string, { points: Point[]; label: Box | null }>();
  if (edge) {
    const top = a.y + from.height / 2;
    const bottom = b.y - to.height / 2;
    const mid = (top + bottom) / 2;
    const size = edge.label ? labelSize(edge.label) : null;
    edges.set(edge.id, {
      points: [{ x: 0, y: top }, { x: 0, y: mid }, { x: 0, y: bottom }],
      label: size ? { x: -size.width / 2, y: mid - size.height / 2, ...size } : null,
    });
  }
  return { centers: new Map([[from.id, a], [to.id, b]]), edges };
}

/** Where the segment from the centre of a `width` x `height` box towards `to` leaves the box. */
function boxExit(center: Point, width: number, height: number, to: Point): Point {
  const dx = to.x - center.x;
  const dy = to.y - center.y;
  const hw = width / 2;
  const hh = height / 2;
  if (dx === 0 && dy === 0) return { ...center };
  if (Math.abs(dy) * hw > Math.abs(dx) * hh) return { x: center.x + (dx * hh) / Math.abs(dy), y: center.y + Math.sign(dy) * hh };
  return { x: center.x + Math.sign(dx) * hw, y: center.y + (dy * hw) / Math.abs(dx) };
}

/**
 * The commonest block of a flow placed directly, without dagre: a split whose branches are
 * simple chains of steps (possibly empty: a switch case straight to the end of the block)
 * that all end in one step. Same rows, spacing and routes as dagre gives such a block, at
 * a fraction of the cost (dagre spends milliseconds even on five nodes). Labels of the
 * split's out-edges share one row under the split. Null when the block has another shape.
 */
export function placeChains(nodes: readonly DagNode[], edges: readonly DagEdge[], reserve: ReadonlyMap<string, number>): Placement | null {
  const split = nodes[0];
  const join = nodes[nodes.length - 1];
  // A self-loop on the split or the join would need room beside the spine: leave to dagre.
  if (!split || !join || nodes.length < 3 || (reserve.get(split.id) ?? 0) > 0 || (reserve.get(join.id) ?? 0) > 0) return null;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const outs = new Map<string, DagEdge[]>();
  const ins = new Map<string, number>();
  for (const e of edges) {
    outs.set(e.from, [...(outs.get(e.from) ?? []), e]);
    ins.set(e.to, (ins.get(e.to) ?? 0) + 1);
  }
  const chains: { first: DagEdge; steps: DagNode[]; last: DagEdge }[] = [];
  const covered = new Set<string>();
  for (const first of outs.get(split.id) ?? []) {
    const steps: DagNode[] = [];
    let edge = first;
    while (edge.to !== join.id) {
      const step = byId.get(edge.to);
      const next = outs.get(edge.to) ?? [];
      if (!step || covered.has(step.id) || ins.get(step.id) !== 1 || next.length !== 1 || step.id === split.id) return null;
      covered.add(step.id);
      steps.push(step);
      edge = next[0] as DagEdge;
    }
    chains.push({ first, steps, last: edge });
  }
  if (chains.length < 2 || covered.size !== nodes.length - 2) return null;

  const rows = Math.max(...chains.map((c) => c.steps.length));
  const labelOf = (e: DagEdge): number => (e.label ? labelSize(e.label).height : 0);
  const topLabel = Math.max(...chains.map((c) => labelOf(c.first)));
  const rowHeight = Array.from({ length: rows }, (_, j) => Math.max(...chains.map((c) => c.steps[j]?.height ?? 0)));
  const gapLabel = Array.from({ length: rows }, (_, j) =>
    Math.max(0, ...chains.map((c) => (j + 1 < c.steps.length ? labelOf((outs.get(c.steps[j]?.id ?? '') ?? [])[0] as DagEdge) : 0))),
  );
  // Labels on the last edges of the longest chains need room above the join.
  const bottomLabel = Math.max(0, ...chains.filter((c) => c.steps.length === rows && rows > 0).map((c) => labelOf(c.last)));
  const rowY: number[] = [];
  let y = split.height / 2 + SPACING.ranksep + topLabel;
  for (let j = 0; j < rows; j += 1) {
    const h = rowHeight[j] ?? 0;
    rowY.push(y + h / 2);
    y += h + SPACING.ranksep + (j + 1 < rows ? (gapLabel[j] ?? 0) : bottomLabel);
  }
  const joinCenter = { x: 0, y: y + join.height / 2 };
  const splitCenter = { x: 0, y: 0 };
  const topMid = split.height / 2 + SPACING.ranksep / 2 + topLabel / 2;
  const lastRow = rows - 1;
  const joinMid = (rowY[lastRow] ?? 0) + (rowHeight[lastRow] ?? 0) / 2 + SPACING.ranksep / 2 + bottomLabel / 2;

  // A column is as wide as its widest step, plus room on its right for self-loops.
  const stepWidths = chains.map((c) =>
    c.steps.length > 0 ? Math.max(...c.steps.map((s) => s.width)) : Math.max(24, c.first.label ? labelSize(c.first.label).width : 0),
  );
  const loops = chains.map((c) => Math.max(0, ...c.steps.map((s) => reserve.get(s.id) ?? 0)));
  const widths = stepWidths.map((w, i) => w + (loops[i] ?? 0));
  const total = widths.reduce((a, b) => a + b, 0) + SPACING.nodesep * (chains.length - 1);
  const centers = new Map<string, Point>([
    [split.id, splitCenter],
    [join.id, joinCenter],
  ]);
  const placed = new Map<string, { points: Point[]; label: Box | null }>();
  const labelAt = (e: DagEdge, at: Point): Box | null => {
    if (!e.label) return null;
    const size = labelSize(e.label);
    return { x: at.x - size.width / 2, y: at.y - size.height / 2, ...size };
  };
  let left = -total / 2;
  chains.forEach((chain, i) => {
    const width = widths[i] ?? 0;
    const x = left + (stepWidths[i] ?? 0) / 2;
    left += width + SPACING.nodesep;
    chain.steps.forEach((step, j) => centers.set(step.id, { x, y: rowY[j] ?? 0 }));
    const top = { x, y: topMid };
    const bottom = { x, y: joinMid };
    // Down the column through the rows this chain leaves empty, then into the join.
    const tail = (fromRow: number): Point[] => [
      ...rowY.slice(fromRow).map((ry) => ({ x, y: ry })),
      bottom,
      boxExit(joinCenter, join.width, join.height, bottom),
    ];
    if (chain.steps.length === 0) {
      placed.set(chain.first.id, { points: [boxExit(splitCenter, split.width, split.height, top), top, ...tail(0)], label: labelAt(chain.first, top) });
      return;
    }
    const first = chain.steps[0] as DagNode;
    placed.set(chain.first.id, {
      points: [boxExit(splitCenter, split.width, split.height, top), top, { x, y: (rowY[0] ?? 0) - first.height / 2 }],
      label: labelAt(chain.first, top),
    });
    chain.steps.forEach((step, j) => {
      const edge = (outs.get(step.id) ?? [])[0] as DagEdge;
      const from = { x, y: (rowY[j] ?? 0) + step.height / 2 };
      if (j + 1 < chain.steps.length) {
        const next = chain.steps[j + 1] as DagNode;
        const mid = { x, y: (rowY[j] ?? 0) + (rowHeight[j] ?? 0) / 2 + SPACING.ranksep / 2 + (gapLabel[j] ?? 0) / 2 };
        placed.set(edge.id, { points: [from, mid, { x, y: (rowY[j + 1] ?? 0) - next.height / 2 }], label: labelAt(edge, mid) });
      } else {
        const rest = tail(j + 1);
        const next = rest[0] as Point;
        const mid = { x, y: j + 1 === rows ? joinMid : (from.y + next.y) / 2 };
        placed.set(edge.id, { points: [from, ...rest], label: labelAt(edge, mid) });
      }
    });
  });
  return { centers, edges: placed };
}

