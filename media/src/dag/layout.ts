/**
 * DAG model -> positioned layout, with dagre's layered (Sugiyama) layout, top to bottom.
 *
 * The flow is cut into blocks at the steps every path goes through (series.ts); common
 * blocks are placed directly (blocks.ts), the others by dagre, memoised by shape, and the
 * blocks are stacked. Graphs without such a decomposition go to dagre whole.
 * Pure and DOM-free. Node positions are top-left corners in graph coordinates; edges
 * carry their SVG path, arrowhead and label box, so the renderer and the export only
 * draw. Self-loops (a recursive switch case) are kept out of dagre and drawn on the
 * node's right side; the node reserves room for them so neighbours do not overlap.
 */
import { graphlib, layout as dagreLayout } from '@dagrejs/dagre';
import type { EdgeLabel, GraphLabel, NodeLabel } from '@dagrejs/dagre';
import { arrowPath, shortenEnd, splinePath, unionBox } from './geometry';
import type { Box, Point } from './geometry';
import { placeChains, placePair } from './blocks';
import { METRICS } from './model';
import type { DagEdge, DagModel, DagNode } from './model';
import { fastOrder } from './order';
import { seriesSegments } from './series';
import { SPACING, labelSize } from './spacing';
import type { Placement } from './spacing';

export { SPACING, labelSize } from './spacing';

export interface LaidOutNode {
  node: DagNode;
  /** Top-left corner. */
  x: number;
  y: number;
}

export interface LaidOutEdge {
  edge: DagEdge;
  points: Point[];
  /** SVG path of the line (ends at the arrowhead's base). */
  path: string;
  /** SVG path of the arrowhead (a closed triangle). */
  arrow: string;
  /** Label box (top-left, size), null when the edge has no label. */
  label: Box | null;
}

export interface DagLayout {
  model: DagModel;
  nodes: Map<string, LaidOutNode>;
  edges: Map<string, LaidOutEdge>;
  /** Box holding every node, edge and label, in graph coordinates. */
  bounds: Box;
}

/** In graphs (or blocks) above this many nodes, the linear-time order phase (order.ts)
 * replaces dagre's. */
export const FAST_ORDER_ABOVE = 60;

/** Extra width a node with a self-loop reserves on its right. */
function loopReserve(model: DagModel, node: DagNode): number {
  if (!node.selfLoop) return 0;
  const loop = model.edges.find((e) => e.selfLoop && e.from === node.id);
  const label = loop?.label ? labelSize(loop.label).width + 6 : 0;
  return SPACING.loopReach + label;
}

function selfLoop(edge: DagEdge, at: LaidOutNode): LaidOutEdge {
  const right = at.x + at.node.width;
  const y1 = at.y + at.node.height * 0.3;
  const y2 = at.y + at.node.height * 0.7;
  const reach = SPACING.loopReach - 8;
  const tip = { x: right + 1, y: y2 };
  const from = { x: right + 10, y: y2 + 3 };
  const path = `M${right},${y1}C${right + reach},${y1 - 16} ${right + reach},${y2 + 16} ${from.x},${from.y}`;
  const points = [
    { x: right, y: y1 },
    { x: right + reach, y: (y1 + y2) / 2 },
    from,
    tip,
  ];
  const label = edge.label
    ? { x: right + reach + 2, y: (y1 + y2) / 2 - METRICS.labelHeight / 2, ...labelSize(edge.label) }
    : null;
  return { edge, points, path: `${path}L${from.x},${from.y}`, arrow: arrowPath(from, tip, 7, 4), label };
}

/** One dagre run over `nodes` and the edges between them (self-loops excluded). */
function placeWithDagre(nodes: readonly DagNode[], edges: readonly DagEdge[], reserve: ReadonlyMap<string, number>, fast: boolean): Placement {
  const g = new graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: false, directed: true });
  g.setGraph({
    rankdir: 'TB',
    nodesep: SPACING.nodesep,
    ranksep: SPACING.ranksep,
    edgesep: SPACING.edgesep,
    marginx: 0,
    marginy: 0,
  });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) g.setNode(node.id, { width: node.width + (reserve.get(node.id) ?? 0), height: node.height });
  for (const edge of edges) {
    const label: EdgeLabel = edge.label ? { ...labelSize(edge.label), labelpos: 'c', minlen: 1 } : { width: 0, height: 0, minlen: 1 };
    g.setEdge(edge.from, edge.to, label);
  }
  // dagre's own crossing reduction is quadratic in the ranks: use ours for big graphs.
  dagreLayout(g, fast ? { customOrder: (graph) => fastOrder(graph) } : {});
  const centers = new Map<string, Point>();
  for (const node of nodes) {
    const n = g.node(node.id);
    centers.set(node.id, { x: (n.x ?? 0) - (reserve.get(node.id) ?? 0) / 2, y: n.y ?? 0 });
  }
  const placed = new Map<string, { points: Point[]; label: Box | null }>();
  for (const edge of edges) {
    const e = g.edge(edge.from, edge.to);
    const label =
      edge.label && e.x !== undefined && e.y !== undefined
        ? { x: e.x - (e.width ?? 0) / 2, y: e.y - (e.height ?? 0) / 2, width: e.width ?? 0, height: e.height ?? 0 }
        : null;
    placed.set(edge.id, { points: (e.points ?? []).map((p) => ({ x: p.x, y: p.y })), label });
  }
  return { centers, edges: placed };
}

/**
 * Remembers the placement of each block of a big flow, so that typing in one step of a
 * 200-step flow re-runs dagre for that step's block only. Owned by the view (one per
 * drawing); bounded.
 */
export class PlacementCache {
  private readonly entries = new Map<string, Placement>();

  constructor(private readonly capacity = 400) {}

  get(key: string): Placement | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: Placement): void {
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Places one block with dagre, memoised by its shape only (sizes, edges by position,
 * label sizes): blocks that look alike (and unchanged blocks while the user types)
 * share one dagre run. Node ids never reach dagre, so equal shapes give equal layouts.
 */
function placeBlock(nodes: readonly DagNode[], edges: readonly DagEdge[], reserve: ReadonlyMap<string, number>, cache: PlacementCache | null): Placement {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const anon = nodes.map((n, i) => ({ ...n, id: `n${i}` }));
  const anonReserve = new Map(nodes.map((n, i) => [`n${i}`, reserve.get(n.id) ?? 0]));
  const anonEdges = edges.map((e, i) => ({ ...e, id: `e${i}`, from: `n${index.get(e.from) ?? 0}`, to: `n${index.get(e.to) ?? 0}` }));
  const key = JSON.stringify([
    anon.map((n) => [n.width, n.height, anonReserve.get(n.id)]),
    anonEdges.map((e) => [e.from, e.to, e.label ? labelSize(e.label).width : 0]),
  ]);
  let placed = cache?.get(key);
  if (!placed) {
    placed = placeWithDagre(anon, anonEdges, anonReserve, nodes.length > FAST_ORDER_ABOVE);
    cache?.set(key, placed);
  }
  const centers = new Map(nodes.map((n, i) => [n.id, placed.centers.get(`n${i}`) ?? { x: 0, y: 0 }]));
  const placedEdges = new Map<string, { points: Point[]; label: Box | null }>();
  edges.forEach((e, i) => {
    const p = placed.edges.get(`e${i}`);
    if (p) placedEdges.set(e.id, p);
  });
  return { centers, edges: placedEdges };
}

/**
 * Places a big flow block by block (see series.ts), stacking each block under the
 * previous one, aligned on their shared cut step; null when the flow has no series
 * decomposition (the caller then places everything at once).
 */
function placeInSeries(model: DagModel, edges: readonly DagEdge[], reserve: ReadonlyMap<string, number>, cache: PlacementCache | null): Placement | null {
  // Dangling targets of a half-typed `self.next` are placed beside their source below,
  // steps unreachable from the first step ("islands") to the right of the flow.
  const ghosts = new Set(model.nodes.filter((n) => n.ghost).map((n) => n.id));
  const main = reachable(model.nodes.find((n) => !n.ghost)?.id ?? '', edges);
  for (const id of ghosts) main.delete(id);
  const islands = model.nodes.filter((n) => !n.ghost && !main.has(n.id));
  const flowEdges = edges.filter((e) => main.has(e.from) && main.has(e.to));
  const segments = seriesSegments(
    model.nodes.filter((n) => main.has(n.id)).map((n) => n.id),
    flowEdges,
  );
  if (!segments || segments.length < 2) return null;
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const outgoing = new Map<string, DagEdge[]>();
  for (const e of flowEdges) outgoing.set(e.from, [...(outgoing.get(e.from) ?? []), e]);
  const out: Placement = { centers: new Map(), edges: new Map() };
  for (const segment of segments) {
    const members = new Set(segment);
    const nodes = segment.map((id) => byId.get(id) as DagNode);
    const own = segment.flatMap((id) => (outgoing.get(id) ?? []).filter((e) => members.has(e.to)));
    let placed: Placement;
    if (nodes.length === 2) {
      placed = placePair(nodes[0] as DagNode, nodes[1] as DagNode, own[0]);
    } else {
      placed = placeChains(nodes, own, reserve) ?? placeBlock(nodes, own, reserve, cache);
    }
    const joint = segment[0] as string;
    const anchor = out.centers.get(joint);
    const local = placed.centers.get(joint) ?? { x: 0, y: 0 };
    const dx = anchor ? anchor.x - local.x : 0;
    const dy = anchor ? anchor.y - local.y : 0;
    for (const [id, c] of placed.centers) if (!out.centers.has(id)) out.centers.set(id, { x: c.x + dx, y: c.y + dy });
    for (const [id, e] of placed.edges) {
      out.edges.set(id, {
        points: e.points.map((p) => ({ x: p.x + dx, y: p.y + dy })),
        label: e.label ? { ...e.label, x: e.label.x + dx, y: e.label.y + dy } : null,
      });
    }
  }
  if (islands.length > 0) placeIslands(model, islands, edges, reserve, out);
  placeGhosts(model, edges, ghosts, out);
  return out;
}

/** The nodes reachable from `root` along `edges` (root included). */
function reachable(root: string, edges: readonly DagEdge[]): Set<string> {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const seen = new Set<string>([root]);
  const stack = [root];
  while (stack.length > 0) {
    for (const w of next.get(stack.pop() as string) ?? []) {
      if (!seen.has(w)) {
        seen.add(w);
        stack.push(w);
      }
    }
  }
  return seen;
}

/**
 * Steps no path from the first step reaches (a flow being edited): laid out together by
 * dagre and put to the right of the flow, top-aligned; their transitions into the flow are
 * drawn as straight lines.
 */
function placeIslands(model: DagModel, islands: readonly DagNode[], edges: readonly DagEdge[], reserve: ReadonlyMap<string, number>, out: Placement): void {
  const ids = new Set(islands.map((n) => n.id));
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const placed = placeWithDagre(islands, edges.filter((e) => ids.has(e.from) && ids.has(e.to)), reserve, islands.length > FAST_ORDER_ABOVE);
  let right = -Infinity;
  let top = Infinity;
  for (const [id, c] of out.centers) {
    const n = byId.get(id);
    if (n) {
      right = Math.max(right, c.x + n.width / 2 + (reserve.get(id) ?? 0));
      top = Math.min(top, c.y - n.height / 2);
    }
  }
  let left = Infinity;
  let islandTop = Infinity;
  for (const n of islands) {
    const c = placed.centers.get(n.id) ?? { x: 0, y: 0 };
    left = Math.min(left, c.x - n.width / 2);
    islandTop = Math.min(islandTop, c.y - n.height / 2);
  }
  const dx = (Number.isFinite(right) ? right : 0) + 2 * SPACING.nodesep - left;
  const dy = (Number.isFinite(top) ? top : 0) - islandTop;
  for (const [id, c] of placed.centers) out.centers.set(id, { x: c.x + dx, y: c.y + dy });
  for (const [id, e] of placed.edges) {
    out.edges.set(id, { points: e.points.map((p) => ({ x: p.x + dx, y: p.y + dy })), label: e.label ? { ...e.label, x: e.label.x + dx, y: e.label.y + dy } : null });
  }
  for (const e of edges) {
    if (!ids.has(e.from) || ids.has(e.to) || !out.centers.has(e.to)) continue;
    const a = out.centers.get(e.from) as Point;
    const b = out.centers.get(e.to) as Point;
    const an = byId.get(e.from) as DagNode;
    const bn = byId.get(e.to) as DagNode;
    const from = { x: a.x, y: a.y + an.height / 2 };
    const to = { x: b.x, y: b.y - bn.height / 2 };
    out.edges.set(e.id, { points: [from, { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 }, to], label: null });
  }
}

/** Puts each dangling target to the right of everything level with it, below its source. */
function placeGhosts(model: DagModel, edges: readonly DagEdge[], ghosts: ReadonlySet<string>, out: Placement): void {
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  for (const id of ghosts) {
    const ghost = byId.get(id) as DagNode;
    const incoming = edges.filter((e) => e.to === id && out.centers.has(e.from));
    const source = incoming[0];
    const from = source ? out.centers.get(source.from) : undefined;
    const fromNode = source ? byId.get(source.from) : undefined;
    if (!source || !from || !fromNode) {
      out.centers.set(id, { x: 0, y: -ghost.height - SPACING.ranksep });
      continue;
    }
    const y = from.y + fromNode.height / 2 + SPACING.ranksep + ghost.height / 2;
    let right = from.x + fromNode.width / 2;
    for (const [other, c] of out.centers) {
      const n = byId.get(other);
      if (n && Math.abs(c.y - y) < (n.height + ghost.height) / 2 + 8) right = Math.max(right, c.x + n.width / 2);
    }
    const center = { x: right + SPACING.nodesep + ghost.width / 2, y };
    out.centers.set(id, center);
    for (const e of incoming) {
      const a = out.centers.get(e.from) as Point;
      const an = byId.get(e.from) as DagNode;
      out.edges.set(e.id, {
        points: [{ x: a.x, y: a.y + an.height / 2 }, { x: (a.x + center.x) / 2, y: (a.y + an.height / 2 + center.y - ghost.height / 2) / 2 }, { x: center.x, y: center.y - ghost.height / 2 }],
        label: null,
      });
    }
  }
}

/** Lays out `model` top to bottom. */
export function layoutModel(model: DagModel, cache: PlacementCache | null = null): DagLayout {
  const reserve = new Map<string, number>();
  for (const node of model.nodes) reserve.set(node.id, loopReserve(model, node));
  const flowEdges = model.edges.filter((e) => !e.selfLoop);
  const placement =
    placeInSeries(model, flowEdges, reserve, cache) ?? placeWithDagre(model.nodes, flowEdges, reserve, model.nodes.length > FAST_ORDER_ABOVE);

  const nodes = new Map<string, LaidOutNode>();
  for (const node of model.nodes) {
    const c = placement.centers.get(node.id) ?? { x: 0, y: 0 };
    nodes.set(node.id, { node, x: c.x - node.width / 2, y: c.y - node.height / 2 });
  }

  const edges = new Map<string, LaidOutEdge>();
  for (const edge of model.edges) {
    const at = nodes.get(edge.from);
    if (edge.selfLoop) {
      if (at) edges.set(edge.id, selfLoop(edge, at));
      continue;
    }
    const placed = placement.edges.get(edge.id);
    const points = placed?.points ?? [];
    const tip = points[points.length - 1];
    const before = points[points.length - 2];
    const line = shortenEnd(points, SPACING.arrowLength - 1);
    edges.set(edge.id, {
      edge,
      points,
      path: splinePath(line),
      arrow: tip && before ? arrowPath(before, tip, SPACING.arrowLength) : '',
      label: placed?.label ?? null,
    });
  }

  const boxes: Box[] = [];
  for (const n of nodes.values()) boxes.push({ x: n.x - 10, y: n.y, width: n.node.width + 10, height: n.node.height + 10 });
  for (const e of edges.values()) {
    for (const p of e.points) boxes.push({ x: p.x, y: p.y, width: 0, height: 0 });
    if (e.label) boxes.push(e.label);
  }
  const b = unionBox(boxes);
  const m = SPACING.margin;
  return { model, nodes, edges, bounds: { x: b.x - m, y: b.y - m, width: b.width + 2 * m, height: b.height + 2 * m } };
}
