/**
 * The side panel: the flow's docstring, its parameters (name, type, default), flow decorators, and the
 * diagnostics that belong to no step (syntax errors, flow-level lint). Text only.
 */
import type { DiagnosticInfo, ParameterInfo } from '../protocol';
import { append, clear, html } from './dom';
import type { DagModel } from './model';
import { formatValue } from './model';
import { runGlyphIcon } from './runOverlay';
import { STATUS_WORDS, STEP_RUN_STATUSES } from './runState';

function section(title: string, count: number): HTMLElement {
  const s = html('section', { class: 'mf-section' });
  append(s, append(html('h2', { class: 'mf-section__title' }, title), html('span', { class: 'mf-count' }, String(count))));
  return s;
}

function parameterRow(p: ParameterInfo): HTMLElement {
  const row = html('li', { class: `mf-param mf-param--${p.kind}` });
  const name = html('span', { class: 'mf-param__name' }, p.name);
  const kind = p.kind === 'parameter' ? null : html('span', { class: 'mf-param__kind' }, p.kind === 'config' ? 'config' : 'file');
  const type = html('span', { class: 'mf-param__type' }, p.type ?? (p.kind === 'parameter' ? 'str' : ''));
  const value =
    p.required && (p.default === null || p.default === undefined)
      ? html('span', { class: 'mf-param__default mf-param__default--required' }, 'required')
      : html('span', { class: 'mf-param__default' }, formatValue(p.default));
  append(row, append(html('div', { class: 'mf-param__head' }, ''), name, kind, type), value);
  if (p.help) row.appendChild(html('div', { class: 'mf-param__help' }, p.help));
  row.title = `${p.attribute} = ${p.kind}(${JSON.stringify(p.name)}) — line ${p.range.line}`;
  return row;
}

function diagnosticRow(d: DiagnosticInfo): HTMLElement {
  const row = html('li', { class: `mf-diag mf-diag--${d.severity}` });
  append(row, html('span', { class: 'mf-diag__where' }, `line ${d.line}`), html('span', { class: 'mf-diag__message' }, d.message));
  row.title = d.rule;
  return row;
}

/** Rebuilds the panel for `model` (small: a few dozen elements at most). */
export function renderPanel(panel: HTMLElement, model: DagModel): void {
  clear(panel);
  if (model.flowDoc.trim()) {
    const about = section('About', 0);
    about.querySelector('.mf-count')?.remove();
    about.appendChild(html('p', { class: 'mf-flow-doc' }, model.flowDoc.trim()));
    panel.appendChild(about);
  }
  const params = section('Parameters', model.parameters.length);
  if (model.parameters.length === 0) params.appendChild(html('p', { class: 'mf-muted' }, 'This flow takes no parameters.'));
  else params.appendChild(append(html('ul', { class: 'mf-params' }), ...model.parameters.map(parameterRow)));
  panel.appendChild(params);

  const decos = section('Flow decorators', model.flowDecorators.length);
  if (model.flowDecorators.length === 0) decos.appendChild(html('p', { class: 'mf-muted' }, 'None.'));
  else decos.appendChild(append(html('ul', { class: 'mf-decorators' }), ...model.flowDecorators.map((b) => html('li', { class: 'mf-chip', title: b.title }, b.title))));
  panel.appendChild(decos);

  if (model.otherDiagnostics.length > 0) {
    const diags = section('Problems outside steps', model.otherDiagnostics.length);
    diags.appendChild(append(html('ul', { class: 'mf-diags' }), ...model.otherDiagnostics.map(diagnosticRow)));
    panel.appendChild(diags);
  }

  const legend = section('Legend', 0);
  legend.querySelector('.mf-count')?.remove();
  const kinds: [string, string][] = [
    ['start', 'start / end'],
    ['linear', 'step'],
    ['split-static', 'static split'],
    ['split-foreach', 'foreach (fan-out)'],
    ['join', 'join'],
    ['split-switch', 'switch'],
    ['split-parallel', 'parallel'],
  ];
  legend.appendChild(
    append(
      html('ul', { class: 'mf-legend' }),
      ...kinds.map(([kind, text]) => append(html('li', { class: `mf-legend__item mf-legend__item--${kind}` }), html('span', { class: 'mf-legend__swatch' }), html('span', {}, text))),
    ),
  );
  // Run states: shown only while a run is drawn over the graph (`.mf-app--run`).
  legend.appendChild(
    append(
      html('ul', { class: 'mf-legend mf-legend--run', 'aria-label': 'Run states' }),
      ...STEP_RUN_STATUSES.map((status) =>
        append(html('li', { class: `mf-legend__item mf-legend__item--run-${status}` }), runGlyphIcon(status), html('span', {}, STATUS_WORDS[status].toLowerCase())),
      ),
    ),
  );
  panel.appendChild(legend);
}
