/**
 * Draws a run over the DAG: per-step status classes, a status glyph, a progress pill on
 * multi-task steps, moving dashes on the edges into running steps, and the run header.
 *
 * A run changes many times a second while it runs, so an update only touches classes,
 * texts and the small `g.mf-run` group inside each node whose state changed: no layout,
 * no node moves. A redraw of the graph (the user typed) rebuilds changed nodes, so the
 * view calls `refresh()` after every draw and the overlay is put back everywhere.
 */
import type { RunState, StepRunState, StepRunStatus } from '../protocol';
import { append, clear, svg } from './dom';
import { RUN_ICONS } from './icons';
import type { DagNode } from './model';
import { nodeAria, nodeRadius } from './render';
import type { DagRenderer } from './render';
import { PILL, STATUS_WORDS, STEP_RUN_STATUSES, describeStep, pillWidth, progressOf, runApplies, stepSignature, stepState, summarizeRun } from './runState';
import type { RunBar } from './shell';

const GLYPH_RADIUS = 8;
const STATUS_CLASSES = STEP_RUN_STATUSES.map((s) => `mf-node--run-${s}`);

/** The status glyph (a filled circle with a mark) as SVG content centred on (0,0). */
export function runGlyph(status: StepRunStatus): SVGGElement {
  const g = svg('g', { class: `mf-run__glyph mf-run__glyph--${status}` });
  g.appendChild(svg('circle', { class: 'mf-run__disc', r: GLYPH_RADIUS }));
  const mark = svg('g', { class: 'mf-run__mark' });
  for (const d of RUN_ICONS[status]) mark.appendChild(svg('path', { d }));
  g.appendChild(mark);
  return g;
}

/** The glyph as a standalone 16px icon for HTML (run header, legend). */
export function runGlyphIcon(status: StepRunStatus): SVGSVGElement {
  const root = svg('svg', { class: 'mf-run-icon', viewBox: '-8.5 -8.5 17 17', width: 16, height: 16, 'aria-hidden': 'true', focusable: 'false' });
  root.appendChild(runGlyph(status));
  return root;
}

function pillElement(s: StepRunState, width: number, height: number): SVGGElement | null {
  const p = progressOf(s);
  if (!p) return null;
  const pw = pillWidth(p);
  // Hangs from the bottom edge at the right, clear of the edge leaving at the centre.
  const g = svg('g', { class: 'mf-run__pill', transform: `translate(${Math.max(4, width - pw - 10)},${height - PILL.height / 2})` });
  const text = svg('text', { class: 'mf-run__pill-text', x: PILL.padding, y: PILL.height / 2 + 0.5 });
  append(text, svg('tspan', { class: 'mf-run__done' }, p.text), p.failedText ? svg('tspan', { class: 'mf-run__failed' }, ` · ${p.failedText}`) : null);
  append(g, svg('rect', { class: 'mf-run__pill-bg', width: pw, height: PILL.height, rx: PILL.height / 2 }), text);
  return g;
}

/** Puts the run state `s` on the node element `g` (null: takes the overlay off). */
export function applyStepState(g: SVGGElement, node: DagNode, s: StepRunState | null): void {
  g.classList.remove(...STATUS_CLASSES);
  let group = g.querySelector<SVGGElement>(':scope > g.mf-run');
  if (!s) {
    group?.remove();
    g.setAttribute('aria-label', nodeAria(node));
    return;
  }
  g.classList.add(`mf-node--run-${s.status}`);
  const words = describeStep(s);
  g.setAttribute('aria-label', `${nodeAria(node)}, ${words}`);
  if (!group) {
    group = svg('g', { class: 'mf-run', 'aria-hidden': 'true' });
    g.appendChild(group);
  }
  clear(group);
  const { width: w, height: h } = node;
  const rx = nodeRadius(node);
  append(
    group,
    svg('title', {}, `${node.id}: ${words}`),
    svg('rect', { class: 'mf-run__halo', x: -3, y: -3, width: w + 6, height: h + 6, rx: rx + 3 }),
    append(svg('g', { transform: `translate(${w - Math.max(12, rx)},0)` }), runGlyph(s.status)),
    pillElement(s, w, h),
  );
}

/** Keeps the drawn run in step with the host's `runState` messages. */
export class RunOverlay {
  private state: RunState | null = null;
  /** What each node shows now (`stepSignature`), to skip the unchanged ones. */
  private readonly applied = new Map<string, string>();
  private headerStatus: StepRunStatus | null = null;

  constructor(
    private readonly renderer: DagRenderer,
    private readonly app: HTMLElement,
    private readonly bar: RunBar,
  ) {}

  get current(): RunState | null {
    return this.state;
  }

  /** Shows `state` (null clears); only steps whose state changed are touched. */
  set(state: RunState | null): void {
    this.state = state;
    this.update(false);
  }

  /** Puts the overlay back on every node after the graph was redrawn. */
  refresh(): void {
    this.applied.clear();
    this.update(true);
  }

  private update(all: boolean): void {
    const layout = this.renderer.layout;
    const active = runApplies(this.state, layout?.model.flow ?? null) ? this.state : null;
    this.app.classList.toggle('mf-app--run', active !== null);
    if (!layout) return this.updateHeader(null, []);
    const steps: string[] = [];
    for (const [id, at] of layout.nodes) {
      if (at.node.ghost) continue;
      steps.push(id);
      const s = active ? stepState(active, id) : null;
      const signature = s ? stepSignature(s) : '';
      if (!all && this.applied.get(id) === signature) continue;
      const g = this.renderer.nodeElement(id);
      if (!g) continue;
      applyStepState(g, at.node, s);
      this.applied.set(id, signature);
    }
    for (const [id, e] of layout.edges) {
      const into = active !== null && stepState(active, e.edge.to).status === 'running';
      this.renderer.edgeElement(id)?.classList.toggle('mf-edge--into-running', into);
    }
    this.updateHeader(active, steps);
  }

  private updateHeader(state: RunState | null, steps: readonly string[]): void {
    const bar = this.bar;
    bar.root.hidden = state === null;
    if (!state) {
      this.headerStatus = null;
      return;
    }
    if (this.headerStatus !== state.status) {
      this.headerStatus = state.status;
      bar.root.className = `mf-runbar mf-runbar--${state.status}`;
      bar.glyph.replaceChildren(runGlyphIcon(state.status));
      bar.status.textContent = STATUS_WORDS[state.status];
    }
    if (bar.run.textContent !== state.run) bar.run.textContent = state.run;
    const summary = summarizeRun(state, steps).text;
    if (bar.summary.textContent !== summary) bar.summary.textContent = summary;
  }
}
