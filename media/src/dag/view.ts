/**
 * The DAG view: turns host messages into drawing updates and user input into host
 * messages. Owns the view transform (zoom/pan), the selection and the saved state.
 */
import type { Host } from '../host';
import { isFlowGraph } from '../host';
import type { ExportFormat, FlowGraph, RunState } from '../protocol';
import { append, clear, html } from './dom';
import { exportSvg, svgToPng } from './exportImage';
import type { Point } from './geometry';
import { attachInteraction } from './interaction';
import { PlacementCache, layoutModel } from './layout';
import type { DagLayout } from './layout';
import { buildModel } from './model';
import type { DagModel } from './model';
import { renderPanel } from './panel';
import { DagRenderer } from './render';
import { RunOverlay } from './runOverlay';
import { isRunState } from './runState';
import type { Shell } from './shell';
import { IDENTITY, ZOOM, fitTransform, isTransform, panBy, revealTransform, transformAttr, zoomAt } from './viewport';
import type { Size, Transform } from './viewport';

/** What survives a reload of the page (host getState/setState). */
export interface SavedState {
  version: 1;
  graph: FlowGraph | null;
  transform: Transform | null;
  panelOpen: boolean;
  /** The run drawn over the graph, if any (the host sends fresher ones as it runs). */
  run: RunState | null;
}

export function parseSavedState(value: unknown): SavedState | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.version !== 1) return null;
  return {
    version: 1,
    graph: isFlowGraph(v.graph) ? v.graph : null,
    transform: isTransform(v.transform) ? v.transform : null,
    panelOpen: v.panelOpen !== false,
    run: isRunState(v.run) ? v.run : null,
  };
}

/** The identity of a drawing: a new graph with the same key keeps zoom and pan. */
function flowKey(graph: FlowGraph | null): string | null {
  return graph && graph.flow !== null ? `${graph.file}\u0000${graph.flow}` : null;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export class DagView {
  private readonly renderer: DagRenderer;
  private readonly overlay: RunOverlay;
  /** Block placements of the current drawing, reused while the user types (layout.ts). */
  private readonly placements = new PlacementCache();
  private graph: FlowGraph | null = null;
  private model: DagModel | null = null;
  private transform: Transform = IDENTITY;
  /** True while the user has not zoomed or panned since the last fit: resizes refit. */
  private fitted = true;
  /** A fit was asked for while the stage had no size (hidden panel): do it on resize. */
  private fitPending = false;
  /** The last fit was the opening view of a flow (readable scale, see fitTransform). */
  private fitReadable = false;
  private panelOpen = true;
  private size: Size = { width: 0, height: 0 };
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly shell: Shell,
    private readonly host: Host,
  ) {
    this.renderer = new DagRenderer(shell.edgeLayer, shell.nodeLayer);
    this.overlay = new RunOverlay(this.renderer, shell.app, shell.runBar);
    attachInteraction(shell.canvas, {
      pan: (dx, dy) => this.setTransform(panBy(this.transform, dx, dy), false),
      zoom: (factor, at) => this.zoomBy(factor, at),
      fit: () => this.fit(),
      activate: (step) => {
        this.renderer.select(step);
        this.host.post({ type: 'revealStep', step });
      },
    });
    // The stage size comes from the observer (after layout, before paint), so drawing
    // never forces a synchronous layout of the page just to read it.
    new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]?.contentRect;
      if (box) this.size = { width: box.width, height: box.height };
      if (this.fitPending || this.fitted) this.fit(false, this.fitReadable);
    }).observe(shell.stage);
    this.showEmpty('Waiting for the flow graph…');
  }

  private stageSize(): Size {
    return this.size;
  }

  private setTransform(t: Transform, fitted: boolean): void {
    this.transform = t;
    this.fitted = fitted;
    this.shell.viewport.setAttribute('transform', transformAttr(t));
    this.shell.zoomLabel.textContent = `${Math.round(t.k * 100)}%`;
    // The dotted backdrop moves and scales with the drawing (CSSOM, allowed by the CSP).
    let cell = 22 * t.k;
    while (cell < 11) cell *= 2;
    this.shell.stage.style.backgroundSize = `${cell}px ${cell}px`;
    this.shell.stage.style.backgroundPosition = `${Math.round(t.x)}px ${Math.round(t.y)}px`;
    this.save();
  }

  zoomBy(factor: number, at: Point | null): void {
    const size = this.stageSize();
    this.setTransform(zoomAt(this.transform, factor, at ?? { x: size.width / 2, y: size.height / 2 }), false);
  }

  /** Fits the whole graph; `readable`: the opening view of a flow, not below a readable scale. */
  fit(save = true, readable = false): void {
    const layout = this.renderer.layout;
    const size = this.stageSize();
    if (!layout) return;
    this.fitReadable = readable;
    if (size.width === 0 || size.height === 0) {
      this.fitPending = true;
      return;
    }
    this.fitPending = false;
    const t = fitTransform(layout.bounds, size, ZOOM.padding, ZOOM.fitMax, readable ? ZOOM.readable : ZOOM.min);
    this.setTransform(t, true);
    if (save) this.save();
  }

  /** Draws `graph`; returns the number of step nodes and the time it took. */
  showGraph(graph: FlowGraph, restored: Transform | null = null): { nodes: number; millis: number } {
    const started = performance.now();
    const sameFlow = flowKey(graph) !== null && flowKey(graph) === flowKey(this.graph) && this.renderer.layout !== null;
    const model = buildModel(graph);
    this.graph = graph;
    this.model = model;
    this.updateHeading(model);
    renderPanel(this.shell.panel, model);
    const stepCount = model.nodes.filter((n) => !n.ghost).length;
    if (model.flow === null || model.nodes.length === 0) {
      this.renderer.reset();
      this.showEmpty(
        model.flow === null
          ? `No FlowSpec subclass in ${graph.file.split(/[\\/]/).pop() ?? 'this file'} yet.`
          : `${model.flow} has no steps yet: add a method decorated with @step.`,
      );
    } else {
      this.hideEmpty();
      const layout: DagLayout = layoutModel(model, this.placements);
      if (!sameFlow) this.renderer.reset(); // another flow: clear at once, no diff to apply
      this.renderer.apply(layout, sameFlow);
      if (restored) this.setTransform(restored, false);
      else if (!sameFlow) this.fit(false, true);
      const selected = this.renderer.selection;
      if (selected !== null) this.renderer.select(selected);
    }
    this.overlay.refresh();
    const millis = Math.round((performance.now() - started) * 10) / 10;
    this.shell.status.textContent = `${plural(stepCount, 'step')} · drawn in ${millis} ms`;
    this.save();
    return { nodes: stepCount, millis };
  }

  /** Selects `step` (null clears) and pans it on screen if needed, keeping the zoom. */
  highlight(step: string | null): void {
    const el = this.renderer.select(step);
    const at = step !== null ? this.renderer.layout?.nodes.get(step) : undefined;
    if (!el || !at) return;
    const box = { x: at.x, y: at.y, width: at.node.width, height: at.node.height };
    const next = revealTransform(this.transform, box, this.stageSize());
    if (next !== this.transform) {
      this.setTransform(next, false);
      this.save();
    }
  }

  /** Draws `state` over the graph (null clears it): classes and texts only, no relayout. */
  showRun(state: RunState | null): void {
    this.overlay.set(state);
    this.save();
  }

  togglePanel(open = !this.panelOpen): void {
    this.panelOpen = open;
    this.shell.app.classList.toggle('mf-app--panel-closed', !open);
    this.shell.panelButton.setAttribute('aria-pressed', String(open));
    this.save();
  }

  /** The drawing as a standalone SVG text or a PNG data: URL. */
  async export(format: ExportFormat): Promise<string> {
    const layout = this.renderer.layout;
    if (!layout) throw new Error('nothing to export: no flow is drawn');
    const selected = this.renderer.selection;
    this.renderer.select(null);
    for (const el of Array.from(this.shell.canvas.querySelectorAll('.mf-entering'))) el.classList.remove('mf-entering');
    let text: string;
    try {
      text = exportSvg([this.shell.edgeLayer, this.shell.nodeLayer], layout.bounds, this.shell.app, `${layout.model.flow ?? 'flow'} — Metaflow DAG`);
    } finally {
      this.renderer.select(selected);
    }
    if (format === 'svg') return text;
    return svgToPng(text, Math.ceil(layout.bounds.width), Math.ceil(layout.bounds.height));
  }

  get flow(): string | null {
    return this.model?.flow ?? null;
  }

  /** Shows a saved state; returns what `showGraph` returned, or null without a graph. */
  restore(state: SavedState): { nodes: number; millis: number } | null {
    this.togglePanel(state.panelOpen);
    this.overlay.set(state.run);
    return state.graph ? this.showGraph(state.graph, state.transform) : null;
  }

  /** Persists the state soon (coalesced: serialising a big graph on every wheel tick or
   * keystroke would be wasted work). */
  private save(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      const state: SavedState = { version: 1, graph: this.graph, transform: this.transform, panelOpen: this.panelOpen, run: this.overlay.current };
      this.host.setState(state);
    }, 100);
  }

  private updateHeading(model: DagModel): void {
    const s = this.shell;
    s.title.textContent = model.flow ?? 'No flow';
    const file = model.file.split(/[\\/]/).pop() ?? '';
    s.subtitle.textContent = file;
    s.subtitle.title = model.file;
    clear(s.flowDecorators);
    for (const b of model.flowDecorators) s.flowDecorators.appendChild(html('span', { class: 'mf-chip mf-chip--flow', title: b.title }, b.text));
    const parts: string[] = [];
    if (model.errorCount > 0) parts.push(plural(model.errorCount, 'error'));
    if (model.warningCount > 0) parts.push(plural(model.warningCount, 'warning'));
    s.problems.hidden = parts.length === 0;
    s.problems.textContent = parts.join(' · ');
    s.problems.classList.toggle('mf-problems--error', model.errorCount > 0);
    s.app.dataset.flow = model.flow ?? '';
  }

  private showEmpty(message: string): void {
    clear(this.shell.empty);
    append(this.shell.empty, html('p', { class: 'mf-empty__message' }, message));
    this.shell.empty.hidden = false;
  }

  private hideEmpty(): void {
    this.shell.empty.hidden = true;
  }
}
