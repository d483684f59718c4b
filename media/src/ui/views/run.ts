/**
 * The run view (`#/run/F/R[/step/S | /task/S/T]`): the header (status, times, parameters,
 * tags), the failures (exception and traceback tail first, where the eye goes), the live
 * DAG, the timeline, the steps and the task panel.
 *
 * The DAG is the DAG view's own renderer and run overlay (../dag/view.ts), mounted here
 * with a small in-page host: running steps pulse, foreach steps show done/running/failed
 * counts, exactly as in the editor. A `run` subscription pushes each new RunState and
 * RunSummary; the overlay updates classes only (no relayout); the timeline and the shown
 * step's tasks are refetched at most once a second.
 */
import { append, clear, html } from '../../dag/dom';
import { buildShell } from '../../dag/shell';
import type { ToolAction } from '../../dag/shell';
import { DagView } from '../../dag/view';
import type { Host } from '../../host';
import type { ExportFormat, RunState } from '../../protocol';
import { isFailureReport, isFlowGraphAnswer, isRunStateAnswer, isRunSummary, isTimeline } from '../decode';
import { formatDuration, formatTime } from '../format';
import type { Route } from '../router';
import { apiPath } from '../router';
import type { RunSummary, TaskFailure } from '../types';
import type { View, ViewContext } from '../widgets';
import { cell, chip, errorBanner, loading, routeLink, section, statusBadge, table } from '../widgets';
import { taskPanel } from './taskPanel';
import { drawTimeline } from './timeline';

type RunRoute = Extract<Route, { name: 'run' }>;

/** Traceback lines shown before "show all". */
const TRACEBACK_TAIL = 12;

export function runView(ctx: ViewContext, mount: HTMLElement, first: RunRoute): View {
  const { flow, run } = first;
  const pathspec = `${flow}/${run}`;
  let disposed = false;
  const root = html('div', { class: 'ui-run', 'data-testid': 'run-view', 'data-run': pathspec });
  const header = html('header', { class: 'ui-run__header', 'data-testid': 'run-header' }, '');
  const banner = html('div', { class: 'ui-run__banner' });
  const failures = html('div', { class: 'ui-failures', 'data-testid': 'failures' });
  const dagHost = html('div', { class: 'ui-dag', 'data-testid': 'run-dag' });
  const timelineHost = html('div', { class: 'ui-timeline', 'data-testid': 'timeline' });
  const stepsHost = html('div', { class: 'ui-steps', 'data-testid': 'step-list' });
  const tasks = taskPanel(ctx, flow, run);
  header.append(loading(`Loading ${pathspec}…`));
  append(
    mount,
    append(
      root,
      header,
      banner,
      failures,
      section('Graph', 'ui-run__graph', dagHost),
      append(html('div', { class: 'ui-run__columns' }), section('Steps', 'ui-run__steps', stepsHost), tasks.root),
      section('Timeline', 'ui-run__timeline', timelineHost),
    ),
  );

  const pick = (step: string, task: string | null = null): void => ctx.navigate({ name: 'run', flow, run, step, task });

  // The DAG view, hosted in this page: a node click selects the step here.
  const host: Host = {
    kind: 'window',
    post: (message) => {
      if (message.type === 'revealStep') pick(message.step);
    },
    onMessage: () => undefined,
    getState: () => undefined,
    setState: () => undefined,
  };
  let dag: DagView | null = null;
  const shell = buildShell(dagHost, (action: ToolAction) => {
    if (!dag) return;
    if (action === 'zoomIn') dag.zoomBy(1.25, null);
    else if (action === 'zoomOut') dag.zoomBy(0.8, null);
    else if (action === 'fit') dag.fit();
    else if (action === 'panel') dag.togglePanel();
    else void download(dag, action, pathspec);
  });
  dag = new DagView(shell, host);
  dag.togglePanel(false);
  const view = dag;

  let latestState: RunState | null = null;
  let summary: RunSummary | null = null;
  let failuresShown = false;
  let currentStep: string | null = first.step;
  let seenSnapshot = false;

  const showState = (state: RunState): void => {
    latestState = state;
    view.showRun(state);
  };

  const loadGraph = async (): Promise<void> => {
    try {
      const graph = await ctx.api.get(apiPath('run', pathspec, '/graph'), isFlowGraphAnswer);
      if (disposed) return;
      const { nodes, millis } = view.showGraph(graph);
      if (latestState) view.showRun(latestState);
      dagHost.dataset.nodes = String(nodes);
      dagHost.dataset.millis = String(millis);
      if (first.step) view.highlight(first.step);
      root.dispatchEvent(new CustomEvent('ui-dag-rendered', { bubbles: true, detail: { nodes, millis } }));
    } catch (error) {
      if (!disposed) dagHost.replaceChildren(errorBanner(error, `Could not load the graph of ${pathspec}.`));
    }
  };

  const loadFailures = async (): Promise<void> => {
    failuresShown = true;
    try {
      const report = await ctx.api.get(apiPath('run', pathspec, '/failures'), isFailureReport);
      if (!disposed) renderFailures(failures, report.failures, report.truncated, flow, run);
    } catch (error) {
      if (!disposed) failures.replaceChildren(errorBanner(error, `Could not read the failures of ${pathspec}.`));
    }
  };

  const showSummary = (next: RunSummary): void => {
    summary = next;
    renderHeader(header, next);
    renderSteps(stepsHost, next, flow, run, currentStep);
    const failed = next.run.status === 'failed' || next.steps.some((s) => s.first_failure !== null);
    if (failed && !failuresShown) void loadFailures();
  };

  let timelineTimer: ReturnType<typeof setTimeout> | undefined;
  let timelineAt = 0;
  const loadTimeline = async (): Promise<void> => {
    timelineAt = Date.now();
    try {
      const timeline = await ctx.api.get(apiPath('run', pathspec, '/timeline'), isTimeline);
      if (!disposed) drawTimeline(timelineHost, timeline, timelineHost.clientWidth || 900, Date.now() / 1000, (step, task) => pick(step, task));
    } catch (error) {
      if (!disposed) timelineHost.replaceChildren(errorBanner(error, `Could not load the timeline of ${pathspec}.`));
    }
  };
  /** Refetches the timeline and the shown tasks soon, at most once a second while events pour in. */
  const refreshSoon = (): void => {
    if (timelineTimer !== undefined) return;
    timelineTimer = setTimeout(() => {
      timelineTimer = undefined;
      tasks.refresh();
      void loadTimeline();
    }, Math.max(0, 1000 - (Date.now() - timelineAt)));
  };

  const showRoute = (route: RunRoute): void => {
    currentStep = route.step;
    tasks.show(route.step, route.task);
    if (summary) renderSteps(stepsHost, summary, flow, run, currentStep);
    view.highlight(route.step);
  };

  const loadSummary = async (): Promise<void> => {
    try {
      const [s, state] = await Promise.all([ctx.api.get(apiPath('run', pathspec), isRunSummary), ctx.api.get(apiPath('run', pathspec, '/state'), isRunStateAnswer)]);
      if (disposed) return;
      showSummary(s);
      showState(state);
    } catch (error) {
      if (disposed) return;
      // No run: one banner says so (the graph and timeline would repeat the same error).
      header.replaceChildren(html('h1', { class: 'ui-view-title' }, pathspec));
      banner.replaceChildren(errorBanner(error, `Could not open the run ${pathspec}.`));
      root.replaceChildren(header, banner);
    }
  };

  void loadSummary();
  void loadGraph();
  void loadTimeline();
  showRoute(first);
  const unsubscribe = ctx.api.subscribe({ topic: 'run', run: pathspec }, (event) => {
    if (disposed) return;
    if (event.type === 'run') {
      showState(event.state);
      showSummary(event.summary);
      // The first event is the snapshot sent at once; the page has just fetched the same.
      if (seenSnapshot) refreshSoon();
      seenSnapshot = true;
    } else if (event.type === 'error') {
      banner.replaceChildren(errorBanner(new Error(event.error.message), 'Live updates of this run stopped.'));
    }
  });

  return {
    update(next) {
      if (next.name !== 'run' || next.flow !== flow || next.run !== run) return false;
      showRoute(next);
      return true;
    },
    dispose() {
      disposed = true;
      clearTimeout(timelineTimer);
      unsubscribe();
      tasks.dispose();
    },
  };
}

async function download(view: DagView, format: ExportFormat, name: string): Promise<void> {
  const data = await view.export(format);
  const a = html('a', { download: `${name.replace('/', '-')}.${format}` });
  a.href = format === 'svg' ? URL.createObjectURL(new Blob([data], { type: 'image/svg+xml' })) : data;
  a.click();
  if (format === 'svg') setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

function renderHeader(header: HTMLElement, s: RunSummary): void {
  const r = s.run;
  const facts = append(
    html('dl', { class: 'ui-facts' }),
    html('dt', {}, 'Started'),
    html('dd', {}, formatTime(r.started_at)),
    html('dt', {}, 'Finished'),
    html('dd', {}, r.finished_at === null ? 'running' : formatTime(r.finished_at)),
    html('dt', {}, 'Duration'),
    html('dd', { 'data-testid': 'run-duration' }, formatDuration(r.duration_s)),
    html('dt', {}, 'User'),
    html('dd', {}, r.user ?? '—'),
  );
  if (r.origin_run_id) facts.append(html('dt', {}, 'Resumed from'), append(html('dd'), routeLink({ name: 'run', flow: r.flow, run: r.origin_run_id, step: null, task: null }, r.origin_run_id)));
  const params = html('div', { class: 'ui-params', 'data-testid': 'run-params' });
  for (const [name, value] of Object.entries(r.parameters)) params.append(append(html('span', { class: 'ui-param' }), html('span', { class: 'ui-param__name' }, name), html('span', { class: 'ui-param__value' }, value)));
  const tags = html('div', { class: 'ui-chips', 'data-testid': 'run-tags' });
  for (const tag of r.tags) tags.append(chip(tag));
  header.replaceChildren(
    append(
      html('div', { class: 'ui-run__title' }),
      statusBadge(r.status),
      html('h1', { class: 'ui-view-title' }, r.pathspec),
      routeLink({ name: 'runs', flow: r.flow, filters: { status: '', tag: '', user: '', since: '', q: '' } }, `All runs of ${r.flow}`, 'ui-link ui-muted'),
    ),
    facts,
    params,
    tags,
  );
}

function renderSteps(host: HTMLElement, s: RunSummary, flow: string, run: string, current: string | null): void {
  const { table: t, body } = table(['Step', 'Tasks', 'Duration'], 'ui-step-table');
  for (const step of s.steps) {
    const counts = Object.entries(step.tasks)
      .filter(([, n]) => n > 0)
      .map(([status, n]) => `${n} ${status}`)
      .join(' · ');
    const status = (step.tasks.failed ?? 0) > 0 ? 'failed' : (step.tasks.running ?? 0) > 0 ? 'running' : 'succeeded';
    body.append(
      append(
        html('tr', { 'data-step': step.name, class: step.name === current ? 'ui-row--selected' : '' }),
        cell(append(html('span', { class: 'ui-step-name' }), statusBadge(status), routeLink({ name: 'run', flow, run, step: step.name, task: null }, step.name, 'ui-link ui-step-link'))),
        cell(counts || '—'),
        cell(formatDuration(step.duration_s), 'ui-num'),
      ),
    );
  }
  host.replaceChildren(s.steps.length > 0 ? t : html('p', { class: 'ui-empty' }, 'No step has started yet.'));
}

function renderFailures(host: HTMLElement, list: TaskFailure[], truncated: boolean, flow: string, run: string): void {
  clear(host);
  for (const f of list) {
    const tail = (f.traceback ?? f.stderr_tail.join('\n')).trimEnd().split('\n');
    const shown = tail.slice(-TRACEBACK_TAIL).join('\n');
    const pre = html('pre', { class: 'ui-failure__traceback', 'data-testid': 'failure-traceback' }, shown);
    const box = append(
      html('article', { class: 'ui-failure', 'data-task': f.pathspec }),
      append(
        html('div', { class: 'ui-failure__head' }),
        html('strong', { class: 'ui-failure__type' }, f.exception_type ?? 'Failed'),
        html('span', { class: 'ui-failure__message', 'data-testid': 'failure-message' }, f.message ?? ''),
      ),
      append(
        html('div', { class: 'ui-muted' }),
        routeLink({ name: 'run', flow, run, step: f.step, task: f.task_id }, f.pathspec),
        document.createTextNode(` · attempt ${f.attempt} · ${formatTime(f.finished_at)}`),
      ),
      pre,
    );
    if (tail.length > TRACEBACK_TAIL) {
      const more = html('button', { type: 'button', class: 'ui-link-button' }, `Show all ${tail.length} lines`);
      more.addEventListener('click', () => {
        pre.textContent = tail.join('\n');
        more.remove();
      });
      box.append(more);
    }
    host.append(box);
  }
  if (truncated) host.append(html('p', { class: 'ui-muted' }, 'More failed tasks than shown.'));
}
