/**
 * The compare view (`#/compare?runs=F/1,F/2`): parameters side by side, artifacts with
 * added/removed/changed/same badges and their values, numeric deltas against the baseline
 * (the first run) with a small SVG bar chart, and step duration deltas. "Differences only"
 * (on by default) hides what is equal everywhere.
 */
import { append, html, svg } from '../../dag/dom';
import { artifactRows, barScale, durationDelta, numericDelta, parameterRows, runLabel, stepRows } from '../compareModel';
import { isComparison } from '../decode';
import { formatDuration } from '../format';
import type { Route } from '../router';
import type { ArtifactDiff, Comparison } from '../types';
import type { View, ViewContext } from '../widgets';
import { cell, errorBanner, loading, routeLink, section, statusBadge, table } from '../widgets';

type CompareRoute = Extract<Route, { name: 'compare' }>;

const CHART = { width: 160, bar: 8, gap: 3 } as const;

export function compareView(ctx: ViewContext, mount: HTMLElement, route: CompareRoute): View {
  let disposed = false;
  let differencesOnly = true;
  let data: Comparison | null = null;
  const toggle = html('input', { type: 'checkbox', 'data-testid': 'differences-only' });
  toggle.checked = true;
  const body = html('div', { class: 'ui-compare__body' });
  append(
    mount,
    append(
      html('div', { class: 'ui-compare', 'data-testid': 'compare-view' }),
      append(html('div', { class: 'ui-view-head' }), html('h1', { class: 'ui-view-title' }, `Compare ${route.runs.length} runs`), append(html('label', { class: 'ui-check' }), toggle, document.createTextNode(' Differences only'))),
      body,
    ),
  );
  body.append(loading('Comparing…'));
  toggle.addEventListener('change', () => {
    differencesOnly = toggle.checked;
    if (data) render(body, data, differencesOnly);
  });
  const query = route.runs.map((r) => r.split('/').map(encodeURIComponent).join('/')).join(',');
  ctx.api
    .get(`/api/compare?runs=${query}`, isComparison)
    .then((answer) => {
      if (disposed) return;
      data = answer;
      render(body, answer, differencesOnly);
    })
    .catch((error: unknown) => {
      if (!disposed) body.replaceChildren(errorBanner(error, 'Could not compare these runs.'));
    });
  return {
    dispose() {
      disposed = true;
    },
  };
}

function runHeads(c: Comparison, first: string): string[] {
  return [first, ...c.runs.map((r, i) => (i === 0 ? `${runLabel(r)} (baseline)` : runLabel(r)))];
}

function runLinks(c: Comparison): HTMLElement {
  const p = html('p', { class: 'ui-compare__runs' });
  c.runs.forEach((r, i) => {
    const [flow = '', run = ''] = r.split('/');
    if (i > 0) p.append(' · ');
    p.append(routeLink({ name: 'run', flow, run, step: null, task: null }, r));
  });
  return p;
}

function render(host: HTMLElement, c: Comparison, differencesOnly: boolean): void {
  const none = (what: string): HTMLElement => html('p', { class: 'ui-empty' }, differencesOnly ? `No ${what} differ.` : `No ${what}.`);

  const params = parameterRows(c, differencesOnly);
  const { table: pt, body: pb } = table(runHeads(c, 'Parameter'), 'ui-compare-params');
  for (const p of params) {
    const row = append(html('tr', { 'data-name': p.name, class: p.differs ? 'ui-row--differs' : '' }), cell(p.name, 'ui-mono'));
    for (const v of p.values) row.append(cell(v ?? '—', 'ui-mono'));
    pb.append(row);
  }

  const artifacts = artifactRows(c, differencesOnly);
  const { table: at, body: ab } = table(runHeads(c, 'Artifact').concat(['']), 'ui-compare-artifacts');
  for (const a of artifacts) ab.append(artifactRow(a));

  const steps = stepRows(c, differencesOnly);
  const { table: st, body: sb } = table(runHeads(c, 'Step'), 'ui-compare-steps');
  for (const s of steps) {
    const row = append(html('tr', { 'data-step': s.name }), cell(s.name, 'ui-mono'));
    s.durations.forEach((d, i) => {
      const td = cell(formatDuration(d), 'ui-num');
      const status = s.statuses[i];
      if (status && status !== 'succeeded') td.prepend(statusBadge(status), ' ');
      const delta = i > 0 ? durationDelta(s.durations[0], d) : null;
      if (delta) td.append(html('span', { class: `ui-delta ui-delta--${delta.sign > 0 ? 'up' : delta.sign < 0 ? 'down' : 'same'}` }, ` ${delta.text}`));
      row.append(td);
    });
    sb.append(row);
  }

  host.replaceChildren(
    runLinks(c),
    section('Parameters', 'ui-compare__params', params.length > 0 ? pt : none('parameters')),
    section('Artifacts', 'ui-compare__artifacts', artifacts.length > 0 ? at : none('artifacts')),
    section('Step durations', 'ui-compare__steps', steps.length > 0 ? st : none('step durations')),
  );
}

function artifactRow(a: ArtifactDiff): HTMLTableRowElement {
  const name = append(html('span', { class: 'ui-artifact-name' }), html('span', { class: 'ui-mono' }, `${a.step}.${a.name}`), html('span', { class: `ui-badge ui-badge--${a.status}`, 'data-change': a.status }, a.status));
  const row = append(html('tr', { 'data-artifact': `${a.step}.${a.name}`, 'data-change': a.status }), cell(name));
  const numbers = a.numbers;
  a.shas.forEach((sha, i) => {
    const value = a.values?.[i] ?? null;
    const text = sha === null ? 'absent' : (value ?? `${a.types[i] ?? '?'} · ${sha.slice(0, 8)}`);
    const td = cell(text, sha === null ? 'ui-muted' : 'ui-mono');
    const delta = numbers && i > 0 ? numericDelta(numbers[0], numbers[i]) : null;
    if (delta) td.append(html('span', { class: `ui-delta ui-delta--${delta.sign > 0 ? 'up' : delta.sign < 0 ? 'down' : 'same'}`, 'data-testid': 'delta' }, ` ${delta.text}`));
    row.append(td);
  });
  // A chart compares: it needs a number from at least two runs.
  row.append(cell(numbers && numbers.filter((n) => n !== null).length >= 2 ? chart(numbers) : null, 'ui-compare__chart'));
  return row;
}

/** A small horizontal bar per run on one scale that includes zero. */
function chart(numbers: readonly (number | null)[]): SVGSVGElement {
  const { bars, zero } = barScale(numbers);
  const height = bars.length * (CHART.bar + CHART.gap);
  const root = svg('svg', { class: 'ui-chart', width: CHART.width, height, role: 'img', 'aria-label': `values ${numbers.map((n) => (n === null ? 'absent' : String(n))).join(', ')}` });
  bars.forEach((b, i) => {
    if (!b) return;
    const y = i * (CHART.bar + CHART.gap);
    root.append(append(svg('rect', { class: `ui-chart__bar ui-chart__bar--${i === 0 ? 'base' : 'other'}`, x: b.start * CHART.width, y, width: Math.max(1, b.width * CHART.width), height: CHART.bar }), svg('title', {}, String(b.value))));
  });
  root.append(svg('line', { class: 'ui-chart__zero', x1: zero * CHART.width, x2: zero * CHART.width, y1: 0, y2: height }));
  return root;
}
