/**
 * Places a lineage graph with dagre (the same layered layout as the DAG view), left to
 * right so runs linked by resume edges sit side by side. Pure: no DOM (unit-tested).
 */
import { graphlib, layout as dagreLayout } from '@dagrejs/dagre';
import type { EdgeLabel, GraphLabel, NodeLabel } from '@dagrejs/dagre';
import { arrowPath, splinePath } from '../dag/geometry';
import type { Point } from '../dag/geometry';
import type { Lineage, LineageEdge, LineageNode } from './types';

export const NODE = { width: 168, height: 46 } as const;

export interface PlacedNode {
  node: LineageNode;
  x: number;
  y: number;
}

export interface PlacedEdge {
  edge: LineageEdge;
  path: string;
  arrow: string;
}

export interface LineageLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

export function layoutLineage(lineage: Lineage): LineageLayout {
  const g = new graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: false, directed: true });
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 56, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  const known = new Set(lineage.nodes.map((n) => n.id));
  for (const node of lineage.nodes) g.setNode(node.id, { width: NODE.width, height: NODE.height });
  // Edges to nodes the answer left out (bounded answers) would make dagre invent nodes.
  const edges = lineage.edges.filter((e) => known.has(e.source) && known.has(e.target) && e.source !== e.target);
  for (const e of edges) g.setEdge(e.source, e.target, { minlen: 1 });
  dagreLayout(g);
  const nodes = lineage.nodes.map((node) => {
    const n = g.node(node.id);
    return { node, x: (n.x ?? 0) - NODE.width / 2, y: (n.y ?? 0) - NODE.height / 2 };
  });
  const placed = edges.map((edge) => {
    const points: Point[] = (g.edge(edge.source, edge.target).points ?? []).map((p) => ({ x: p.x, y: p.y }));
    const last = points[points.length - 1];
    const before = points[points.length - 2];
    return { edge, path: splinePath(points), arrow: last && before ? arrowPath(before, last, 7, 4) : '' };
  });
  const info = g.graph();
  return { nodes, edges: placed, width: Math.max(info.width ?? 0, NODE.width), height: Math.max(info.height ?? 0, NODE.height) };
}
