/**
 * The page's static structure: toolbar, drawing stage and side panel. Built with DOM
 * APIs (no markup strings), once, into `#root` or the body.
 */
import { append, html, icon, svg } from './dom';
import { TOOL_ICONS } from './icons';

export type ToolAction = 'zoomIn' | 'zoomOut' | 'fit' | 'svg' | 'png' | 'panel';

export interface Shell {
  app: HTMLElement;
  title: HTMLElement;
  subtitle: HTMLElement;
  flowDecorators: HTMLElement;
  problems: HTMLButtonElement;
  zoomLabel: HTMLElement;
  panelButton: HTMLButtonElement;
  stage: HTMLElement;
  canvas: SVGSVGElement;
  viewport: SVGGElement;
  edgeLayer: SVGGElement;
  nodeLayer: SVGGElement;
  empty: HTMLElement;
  panel: HTMLElement;
  status: HTMLElement;
  /** The run header strip (hidden until a run is drawn over the DAG, see runOverlay.ts). */
  runBar: RunBar;
}

export interface RunBar {
  root: HTMLElement;
  glyph: HTMLElement;
  status: HTMLElement;
  run: HTMLElement;
  summary: HTMLElement;
}

function buildRunBar(): RunBar {
  const glyph = html('span', { class: 'mf-runbar__glyph', 'aria-hidden': 'true' });
  // Only the status word is live: the summary changes with every task and would be noisy.
  const status = html('span', { class: 'mf-runbar__status', role: 'status' });
  const run = html('span', { class: 'mf-runbar__run' });
  const summary = html('span', { class: 'mf-runbar__summary' });
  const root = append(html('div', { class: 'mf-runbar', hidden: '' }), glyph, status, run, summary);
  return { root, glyph, status, run, summary };
}

function toolButton(action: ToolAction, label: string, text?: string): HTMLButtonElement {
  const button = html('button', { type: 'button', class: `mf-tool mf-tool--${action}`, 'data-action': action, title: label, 'aria-label': label });
  button.appendChild(icon(TOOL_ICONS[action]));
  if (text) button.appendChild(html('span', { class: 'mf-tool__text' }, text));
  return button;
}

export function buildShell(mount: HTMLElement, onAction: (action: ToolAction) => void): Shell {
  const app = html('div', { class: 'mf-app' });
  const title = html('h1', { class: 'mf-title' }, 'Metaflow DAG');
  const subtitle = html('span', { class: 'mf-subtitle' });
  const flowDecorators = html('span', { class: 'mf-flow-decorators' });
  const problems = html('button', { type: 'button', class: 'mf-problems', hidden: '' });
  const zoomLabel = html('span', { class: 'mf-zoom-label', 'aria-live': 'polite' }, '100%');
  const panelButton = toolButton('panel', 'Show or hide flow details');
  panelButton.setAttribute('aria-pressed', 'true');

  const toolbar = append(
    html('header', { class: 'mf-toolbar', role: 'toolbar', 'aria-label': 'DAG tools' }),
    append(html('div', { class: 'mf-heading' }), title, subtitle, flowDecorators, problems),
    append(
      html('div', { class: 'mf-tools' }),
      append(html('div', { class: 'mf-group' }), toolButton('zoomOut', 'Zoom out (-)'), zoomLabel, toolButton('zoomIn', 'Zoom in (+)'), toolButton('fit', 'Fit to view (0)', 'Fit')),
      append(html('div', { class: 'mf-group' }), toolButton('svg', 'Export as SVG', 'SVG'), toolButton('png', 'Export as PNG', 'PNG')),
      panelButton,
    ),
  );
  problems.addEventListener('click', () => onAction('panel'));
  toolbar.addEventListener('click', (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button[data-action]');
    const action = button?.dataset.action as ToolAction | undefined;
    if (action) onAction(action);
  });

  const canvas = svg('svg', { class: 'mf-canvas', role: 'group', 'aria-label': 'Flow graph', tabindex: 0 });
  const viewport = svg('g', { class: 'mf-viewport' });
  const edgeLayer = svg('g', { class: 'mf-edges' });
  const nodeLayer = svg('g', { class: 'mf-nodes' });
  append(canvas, append(viewport, edgeLayer, nodeLayer));
  const empty = html('div', { class: 'mf-empty', hidden: '' });
  const status = html('div', { class: 'mf-status', role: 'status' });
  const stage = append(html('main', { class: 'mf-stage' }), canvas, empty, status);
  const panel = html('aside', { class: 'mf-panel', 'aria-label': 'Flow details' });
  const runBar = buildRunBar();

  append(mount, append(app, toolbar, runBar.root, append(html('div', { class: 'mf-body' }), stage, panel)));
  return { app, title, subtitle, flowDecorators, problems, zoomLabel, panelButton, stage, canvas, viewport, edgeLayer, nodeLayer, empty, panel, status, runBar };
}
