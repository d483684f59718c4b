/**
 * Series decomposition of a flow: the steps every path from the source to the sink goes
 * through ("cut" steps: start, each join that closes the outermost split, linear steps
 * between blocks, end) cut the flow into blocks that can be laid out independently.
 *
 * Why: dagre's layout grows faster than linearly with the number of ranks, and Metaflow
 * flows are long and narrow. Laying out each block separately (a plain transition needs
 * no layout engine at all) and stacking the blocks, aligned on their shared cut step,
 * keeps a 200-step flow well under the render budget and gives the same picture, since
 * no edge crosses a cut step.
 *
 * Pure. Works on any graph; returns null when the graph is not a single-source,
 * single-sink DAG (half-typed flows with dangling targets, unreachable steps), where the
 * caller lays out the whole graph at once.
 */

export interface SimpleEdge {
  from: string;
  to: string;
}

/** A topological order of `nodes`, or null when the edges have a cycle. */
export function topologicalOrder(nodes: readonly string[], edges: readonly SimpleEdge[]): string[] | null {
  const indegree = new Map<string, number>(nodes.map((n) => [n, 0]));
  const out = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const e of edges) {
    if (!indegree.has(e.from) || !indegree.has(e.to)) return null;
    indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
    out.get(e.from)?.push(e.to);
  }
  const ready = nodes.filter((n) => indegree.get(n) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    const v = ready.shift() as string;
    order.push(v);
    for (const w of out.get(v) ?? []) {
      const d = (indegree.get(w) ?? 0) - 1;
      indegree.set(w, d);
      if (d === 0) ready.push(w);
    }
  }
  return order.length === nodes.length ? order : null;
}

/**
 * The cut nodes in topological order (first is the source, last the sink), and the order
 * itself; null when the graph is not a single-source single-sink DAG.
 * A node is on every source-sink path exactly when no edge jumps over its position in a
 * topological order (every node here lies on some source-sink path).
 */
export function cutNodes(nodes: readonly string[], edges: readonly SimpleEdge[]): { order: string[]; cuts: string[] } | null {
  if (nodes.length === 0) return null;
  const order = topologicalOrder(nodes, edges);
  if (!order) return null;
  const hasIn = new Set(edges.map((e) => e.to));
  const hasOut = new Set(edges.map((e) => e.from));
  if (nodes.filter((n) => !hasIn.has(n)).length !== 1 || nodes.filter((n) => !hasOut.has(n)).length !== 1) return null;
  const index = new Map(order.map((n, i) => [n, i]));
  const reach = new Array<number>(order.length).fill(0);
  for (const e of edges) {
    const a = index.get(e.from) ?? 0;
    reach[a] = Math.max(reach[a] ?? 0, index.get(e.to) ?? 0);
  }
  const cuts: string[] = [];
  let furthest = 0; // the furthest position reached by an edge from before i
  order.forEach((n, i) => {
    if (furthest <= i) cuts.push(n);
    furthest = Math.max(furthest, reach[i] ?? 0);
  });
  return { order, cuts };
}

/**
 * The flow cut into segments at its cut nodes, in order: each segment lists its nodes in
 * topological order, starts at one cut node and ends at the next, so consecutive segments
 * share exactly one node. Null when there is no decomposition.
 */
export function seriesSegments(nodes: readonly string[], edges: readonly SimpleEdge[]): string[][] | null {
  const found = cutNodes(nodes, edges);
  if (!found) return null;
  const { order, cuts } = found;
  const cutSet = new Set(cuts);
  const segments: string[][] = [];
  let current: string[] = [];
  for (const n of order) {
    current.push(n);
    if (cutSet.has(n) && current.length > 1) {
      segments.push(current);
      current = [n];
    }
  }
  return segments.length > 0 ? segments : null;
}
