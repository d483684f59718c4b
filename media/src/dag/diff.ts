/**
 * What changed between two layouts, keyed by step name (nodes) and `from->to` (edges).
 *
 * Pure. The renderer applies it to the live SVG so that typing in the editor updates the
 * drawing in place: only added elements are created, removed ones deleted, moved ones
 * translated, and changed ones (name, kind, badges, diagnostics) rebuilt; the rest of
 * the DOM, and the user's zoom and pan, stay as they are.
 */
import type { DagLayout, LaidOutEdge, LaidOutNode } from './layout';

export interface LayoutDiff<K extends string = string> {
  added: K[];
  removed: K[];
  /** Same content, new position. */
  moved: K[];
  /** Content changed (it may also have moved). */
  changed: K[];
  unchanged: K[];
}

export interface DagDiff {
  nodes: LayoutDiff;
  edges: LayoutDiff;
}

/** Everything about a node that shows, except its position. */
export function nodeSignature(n: LaidOutNode): string {
  const { node } = n;
  return JSON.stringify([
    node.type,
    node.terminal,
    node.label,
    node.subtitle,
    node.badges,
    node.hiddenBadges,
    node.severity,
    node.tooltip,
    node.ghost,
    node.selfLoop,
    node.width,
    node.height,
  ]);
}

/** Everything about an edge that shows, except its geometry. */
export function edgeSignature(e: LaidOutEdge): string {
  return JSON.stringify([e.edge.kind, e.edge.label, e.edge.selfLoop]);
}

function diffMaps<T>(
  before: ReadonlyMap<string, T>,
  after: ReadonlyMap<string, T>,
  signature: (item: T) => string,
  place: (item: T) => string,
): LayoutDiff {
  const out: LayoutDiff = { added: [], removed: [], moved: [], changed: [], unchanged: [] };
  for (const key of before.keys()) if (!after.has(key)) out.removed.push(key);
  for (const [key, next] of after) {
    const prev = before.get(key);
    if (prev === undefined) out.added.push(key);
    else if (signature(prev) !== signature(next)) out.changed.push(key);
    else if (place(prev) !== place(next)) out.moved.push(key);
    else out.unchanged.push(key);
  }
  return out;
}

const nodePlace = (n: LaidOutNode): string => `${n.x.toFixed(1)},${n.y.toFixed(1)}`;
const edgePlace = (e: LaidOutEdge): string =>
  `${e.path}|${e.label ? `${e.label.x.toFixed(1)},${e.label.y.toFixed(1)}` : ''}`;

/** The changes that turn the drawing of `before` (null: nothing drawn) into `after`. */
export function diffLayouts(before: DagLayout | null, after: DagLayout): DagDiff {
  const empty = new Map<never, never>();
  return {
    nodes: diffMaps(before?.nodes ?? empty, after.nodes, nodeSignature, nodePlace),
    edges: diffMaps(before?.edges ?? empty, after.edges, edgeSignature, edgePlace),
  };
}
