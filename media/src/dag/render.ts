/**
 * Draws a layout into the live SVG and keeps it up to date in place.
 *
 * Elements are keyed by step name (`g.mf-node[data-step]`) and by `from->to`
 * (`g.mf-edge[data-from][data-to]`); `apply` uses `diffLayouts` so an update touches only
 * what changed. Geometry goes through SVG attributes (allowed under the CSP), user
 * strings through `textContent` / `setAttribute` (see dom.ts).
 */
import { diffLayouts } from './diff';
import type { DagDiff } from './diff';
import { append, clear, svg } from './dom';
import { KIND_ICONS, TOOL_ICONS } from './icons';
import type { DagLayout, LaidOutEdge, LaidOutNode } from './layout';
import { METRICS, badgeWidth } from './model';
import type { Badge, DagNode } from './model';

const STACK_OFFSET = 4;

export function nodeClasses(node: DagNode, selected: boolean): string {
  // Ghosts are not steps: tests and hosts count `.mf-node` as the flow's steps.
  if (node.ghost) return 'mf-ghost';
  const classes = ['mf-node', `mf-node--${node.type}`];
  if (node.terminal) classes.push('mf-node--terminal', `mf-node--is-${node.terminal}`);
  if (node.severity) classes.push(`mf-node--${node.severity}`);
  if (selected) classes.push('mf-node--selected');
  return classes.join(' ');
}

function iconGroup(paths: readonly string[], x: number, y: number, className: string): SVGGElement {
  const g = svg('g', { class: className, transform: `translate(${x},${y})` });
  for (const d of paths) g.appendChild(svg('path', { d }));
  return g;
}

function badgeElement(badge: Badge, x: number): SVGGElement {
  const width = badgeWidth(badge);
  const g = svg('g', { class: 'mf-badge', transform: `translate(${x},0)` });
  append(
    g,
    svg('title', {}, badge.title),
    svg('rect', { class: 'mf-badge__bg', width, height: METRICS.badgeHeight, rx: METRICS.badgeHeight / 2 }),
    svg('text', { class: 'mf-badge__text', x: width / 2, y: METRICS.badgeHeight / 2 + 0.5 }, badge.text),
  );
  return g;
}

/** Corner radius of a node's body: start and end are pills. */
export function nodeRadius(node: DagNode): number {
  return node.terminal ? Math.min(node.height / 2, 25) : 7;
}

/** Fills `g` with the drawing of `node` (size-relative, positioned by `transform`). */
export function drawNode(g: SVGGElement, node: DagNode): void {
  clear(g);
  const { width: w, height: h } = node;
  const rx = nodeRadius(node);
  g.appendChild(svg('title', {}, node.tooltip));
  if (node.type === 'split-foreach') {
    // Fan-out: the cards of the foreach's tasks, stacked behind the step.
    for (const k of [2, 1]) {
      g.appendChild(svg('rect', { class: 'mf-node__stack', x: k * STACK_OFFSET, y: k * STACK_OFFSET, width: w, height: h, rx }));
    }
  }
  g.appendChild(svg('rect', { class: 'mf-node__body', width: w, height: h, rx }));
  if (!node.terminal && !node.ghost) {
    // Kind stripe on the left edge, following the body's rounded corners.
    g.appendChild(svg('path', { class: 'mf-node__stripe', d: `M${rx},0H4V${h}H${rx}A${rx},${rx} 0 0 1 0,${h - rx}V${rx}A${rx},${rx} 0 0 1 ${rx},0Z` }));
  }
  if (node.type === 'join' && !node.terminal) {
    // Join marker: a merge bar across the top edge, where the branches come together.
    g.appendChild(svg('rect', { class: 'mf-node__join', x: w / 2 - 18, y: -2.5, width: 36, height: 5, rx: 2.5 }));
  }
  const iconPaths = node.ghost ? KIND_ICONS.ghost : node.terminal ? KIND_ICONS[node.terminal] : KIND_ICONS[node.type];
  const iconY = (METRICS.height - 16) / 2;
  g.appendChild(iconGroup(iconPaths, node.terminal ? 16 : 14, iconY, 'mf-node__icon'));
  const textX = METRICS.paddingLeft + (node.terminal ? 2 : 0);
  const nameY = node.badges.length > 0 ? 21 : node.subtitle ? h / 2 - 3 : h / 2 + 4.5;
  g.appendChild(svg('text', { class: 'mf-node__name', x: textX, y: nameY }, node.label));
  if (node.subtitle) g.appendChild(svg('text', { class: 'mf-node__kind', x: textX, y: nameY + 15 }, node.subtitle));
  if (node.badges.length > 0) {
    const row = svg('g', { class: 'mf-node__badges', transform: `translate(${textX - 24},${h - METRICS.badgeHeight - 8})` });
    let x = 0;
    for (const badge of node.badges) {
      row.appendChild(badgeElement(badge, x));
      x += badgeWidth(badge) + METRICS.badgeGap;
    }
    if (node.hiddenBadges > 0) {
      const more = badgeElement({ text: `+${node.hiddenBadges}`, title: `${node.hiddenBadges} more decorator(s): see the tooltip` }, x);
      more.classList.add('mf-badge--more');
      row.appendChild(more);
    }
    g.appendChild(row);
  }
  if (node.severity) {
    const marker = iconGroup(node.severity === 'error' ? TOOL_ICONS.error : TOOL_ICONS.warning, w - 22, 6, `mf-node__status mf-node__status--${node.severity}`);
    g.appendChild(marker);
  }
}

function placeNode(g: SVGGElement, at: LaidOutNode): void {
  g.setAttribute('transform', `translate(${Math.round(at.x * 10) / 10},${Math.round(at.y * 10) / 10})`);
}

/** What screen readers hear for a node (the run overlay appends the step's run state). */
export function nodeAria(node: DagNode): string {
  const problems = node.messages.length > 0 ? `, ${node.messages.length} problem(s)` : '';
  return node.ghost ? `${node.id}: not defined` : `Step ${node.id}, ${node.subtitle}${problems}`;
}

/** Fills `g` with the drawing of `e`. */
export function drawEdge(g: SVGGElement, e: LaidOutEdge): void {
  clear(g);
  g.appendChild(svg('path', { class: 'mf-edge__line', d: e.path }));
  g.appendChild(svg('path', { class: 'mf-edge__arrow', d: e.arrow }));
  if (e.label && e.edge.label) {
    const label = svg('g', { class: 'mf-edge__label', transform: `translate(${e.label.x},${e.label.y})` });
    append(
      label,
      svg('rect', { width: e.label.width, height: e.label.height, rx: e.label.height / 2 }),
      svg('text', { x: e.label.width / 2, y: e.label.height / 2 + 0.5 }, e.edge.label),
    );
    g.appendChild(label);
  }
}

function edgeClasses(e: LaidOutEdge, active: boolean): string {
  return `mf-edge mf-edge--${e.edge.kind}${e.edge.selfLoop ? ' mf-edge--loop' : ''}${active ? ' mf-edge--active' : ''}`;
}

/** The live drawing: two layers (edges under nodes) inside the zoom/pan group. */
export class DagRenderer {
  private readonly nodeEls = new Map<string, SVGGElement>();
  private readonly edgeEls = new Map<string, SVGGElement>();
  private current: DagLayout | null = null;
  private selected: string | null = null;

  constructor(
    private readonly edgeLayer: SVGGElement,
    private readonly nodeLayer: SVGGElement,
  ) {}

  get layout(): DagLayout | null {
    return this.current;
  }

  get selection(): string | null {
    return this.selected;
  }

  nodeElement(step: string): SVGGElement | undefined {
    return this.nodeEls.get(step);
  }

  /** The element of the transition `from->to`. */
  edgeElement(id: string): SVGGElement | undefined {
    return this.edgeEls.get(id);
  }

  /** Brings the drawing to `layout`, touching only what changed; returns the changes. */
  apply(layout: DagLayout, animate: boolean): DagDiff {
    const diff = diffLayouts(this.current, layout);
    for (const id of diff.nodes.removed) {
      this.nodeEls.get(id)?.remove();
      this.nodeEls.delete(id);
    }
    for (const id of diff.edges.removed) {
      this.edgeEls.get(id)?.remove();
      this.edgeEls.delete(id);
    }
    if (this.selected !== null && !layout.nodes.has(this.selected)) this.selected = null;
    // New elements are built detached and inserted in one go per layer.
    const newEdges = document.createDocumentFragment();
    const newNodes = document.createDocumentFragment();
    const addedEdges = new Set(diff.edges.added);
    for (const id of [...diff.edges.added, ...diff.edges.changed, ...diff.edges.moved]) {
      const e = layout.edges.get(id);
      if (!e) continue;
      let g = this.edgeEls.get(id);
      if (!g) {
        g = svg('g', { 'data-from': e.edge.from, 'data-to': e.edge.to });
        this.edgeEls.set(id, g);
        newEdges.appendChild(g);
      }
      g.setAttribute('class', edgeClasses(e, this.touchesSelection(e)) + (animate && addedEdges.has(id) ? ' mf-entering' : ''));
      drawEdge(g, e);
    }
    const addedNodes = new Set(diff.nodes.added);
    for (const id of [...diff.nodes.added, ...diff.nodes.changed]) {
      const n = layout.nodes.get(id);
      if (!n) continue;
      let g = this.nodeEls.get(id);
      if (!g) {
        g = svg('g');
        this.nodeEls.set(id, g);
        newNodes.appendChild(g);
      }
      g.setAttribute('class', nodeClasses(n.node, id === this.selected) + (animate && addedNodes.has(id) ? ' mf-entering' : ''));
      if (n.node.ghost) {
        for (const name of ['data-step', 'tabindex', 'role', 'aria-label']) g.removeAttribute(name);
        g.setAttribute('data-missing', id);
      } else {
        g.removeAttribute('data-missing');
        g.setAttribute('data-step', id);
        g.setAttribute('tabindex', '0');
        g.setAttribute('role', 'button');
        g.setAttribute('aria-label', nodeAria(n.node));
      }
      drawNode(g, n.node);
      placeNode(g, n);
    }
    this.edgeLayer.appendChild(newEdges);
    this.nodeLayer.appendChild(newNodes);
    for (const id of diff.nodes.moved) {
      const n = layout.nodes.get(id);
      const g = this.nodeEls.get(id);
      if (n && g) placeNode(g, n);
    }
    this.current = layout;
    return diff;
  }

  /** Marks `step` as selected (null: none); returns its element when it exists. */
  select(step: string | null): SVGGElement | undefined {
    const layout = this.current;
    if (this.selected !== null) this.nodeEls.get(this.selected)?.classList.remove('mf-node--selected');
    this.selected = step !== null && layout?.nodes.has(step) && !layout.nodes.get(step)?.node.ghost ? step : null;
    const g = this.selected !== null ? this.nodeEls.get(this.selected) : undefined;
    g?.classList.add('mf-node--selected');
    if (layout) {
      for (const [id, el] of this.edgeEls) {
        const e = layout.edges.get(id);
        if (e) el.classList.toggle('mf-edge--active', this.touchesSelection(e));
      }
    }
    return g;
  }

  private touchesSelection(e: LaidOutEdge): boolean {
    return this.selected !== null && (e.edge.from === this.selected || e.edge.to === this.selected);
  }

  /** Removes everything drawn. */
  reset(): void {
    clear(this.edgeLayer);
    clear(this.nodeLayer);
    this.nodeEls.clear();
    this.edgeEls.clear();
    this.current = null;
    this.selected = null;
  }
}
