/**
 * The lineage view (`#/lineage/F/R/NAME`): which steps produced an artifact, which read it
 * or passed it on, across the DAG and across runs (resume origins), as an SVG graph laid out
 * by dagre. Nodes are coloured by role; resume edges are dashed. A click opens that step.
 */
import { append, html, svg } from '../../dag/dom';
import { isLineage } from '../decode';
import { NODE, layoutLineage } from '../lineageLayout';
import type { Route } from '../router';
import { apiPath } from '../router';
import type { Lineage, LineageNode } from '../types';
import type { View, ViewContext } from '../widgets';
import { errorBanner, loading, routeLink } from '../widgets';

type LineageRoute = Extract<Route, { name: 'lineage' }>;

const ROLE_WORDS = { produced: 'produced it', read: 'reads it', passed: 'passed it on', origin: 'produced it (resume origin)' } as const;

export function lineageView(ctx: ViewContext, mount: HTMLElement, route: LineageRoute): View {
  let disposed = false;
  const body = html('div', { class: 'ui-lineage__body' }, '');
  body.append(loading('Tracing the artifact…'));
  append(
    mount,
    append(
      html('div', { class: 'ui-lineage', 'data-testid': 'lineage-view' }),
      append(
        html('div', { class: 'ui-view-head' }),
        html('h1', { class: 'ui-view-title' }, `Lineage of ${route.artifact}`),
        routeLink({ name: 'run', flow: route.flow, run: route.run, step: null, task: null }, `${route.flow}/${route.run}`),
      ),
      body,
    ),
  );
  ctx.api
    .get(apiPath('lineage', `${route.flow}/${route.run}/${route.artifact}`), isLineage)
    .then((lineage) => {
      if (!disposed) draw(body, lineage, ctx);
    })
    .catch((error: unknown) => {
      if (!disposed) body.replaceChildren(errorBanner(error, `Could not trace ${route.artifact}.`));
    });
  return {
    dispose() {
      disposed = true;
    },
  };
}

/** The node's second line: its role, and the run when it is not the traced one (resume origins). */
function nodeMeta(node: LineageNode, run: string): string {
  const parts: string[] = [node.role];
  if (node.tasks > 1) parts.push(`${node.tasks} tasks`);
  if (node.run !== run) parts.push(`run ${node.run.split('/')[1] ?? node.run}`);
  return parts.join(' · ');
}

function draw(host: HTMLElement, lineage: Lineage, ctx: ViewContext): void {
  if (lineage.nodes.length === 0) {
    host.replaceChildren(html('p', { class: 'ui-empty' }, `No step of ${lineage.run} stores ${lineage.artifact}.`));
    return;
  }
  const layout = layoutLineage(lineage);
  const root = svg('svg', { class: 'ui-lineage__svg', width: layout.width, height: layout.height, role: 'group', 'aria-label': `Lineage of ${lineage.artifact}` });
  const edges = svg('g', { class: 'ui-lineage__edges' });
  for (const e of layout.edges) {
    edges.append(append(svg('g', { class: `ui-lineage__edge ui-lineage__edge--${e.edge.kind}`, 'data-source': e.edge.source, 'data-target': e.edge.target }), svg('path', { class: 'ui-lineage__line', d: e.path }), svg('path', { class: 'ui-lineage__arrow', d: e.arrow })));
  }
  const nodes = svg('g', { class: 'ui-lineage__nodes' });
  for (const { node, x, y } of layout.nodes) {
    const label = `${node.run}/${node.step}: ${ROLE_WORDS[node.role]}${node.tasks > 1 ? ` (${node.tasks} tasks)` : ''}`;
    const g = svg('g', { class: `ui-lineage__node ui-lineage__node--${node.role}`, transform: `translate(${x},${y})`, 'data-node': node.id, 'data-role': node.role, tabindex: 0, role: 'link', 'aria-label': label });
    append(
      g,
      svg('title', {}, node.sha ? `${label}\nsha ${node.sha}` : label),
      svg('rect', { class: 'ui-lineage__box', width: NODE.width, height: NODE.height, rx: 6 }),
      svg('text', { class: 'ui-lineage__step', x: 10, y: 19 }, node.step),
      svg('text', { class: 'ui-lineage__meta', x: 10, y: 36 }, nodeMeta(node, lineage.run)),
    );
    const open = (): void => {
      const [flow = '', run = ''] = node.run.split('/');
      ctx.navigate({ name: 'run', flow, run, step: node.step, task: null });
    };
    g.addEventListener('click', open);
    g.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') open();
    });
    nodes.append(g);
  }
  root.append(edges, nodes);
  const legend = html('p', { class: 'ui-lineage__legend' });
  for (const role of ['produced', 'read', 'passed', 'origin'] as const) legend.append(html('span', { class: `ui-legend ui-legend--${role}` }, role));
  legend.append(html('span', { class: 'ui-muted' }, ' · dashed: resume (a cloned task and its origin)'));
  host.replaceChildren(legend, append(html('div', { class: 'ui-lineage__scroll' }), root));
}
