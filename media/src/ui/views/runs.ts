/**
 * The runs view (`#/`): the flows, and the runs of the selected flow as a table with
 * filters, a search box, cursor paging ("Load more") and a selection to compare.
 *
 * Only loaded pages are ever in the page: at 5,000 runs the server answers one bounded page
 * per request and the table grows by a page per click, so first paint costs one page.
 * Filters live in the URL, so back/forward and reloads restore them. A `runs` subscription
 * refetches the loaded rows when a run of the flow appears or ends.
 */
import { append, clear, html } from '../../dag/dom';
import { isFlowList, isRunPage } from '../decode';
import { formatDuration, formatTime } from '../format';
import type { Route, RunsFilters } from '../router';
import { RUNS_FIRST_PAGE, runsPath } from '../router';
import type { RunInfo } from '../types';
import type { View, ViewContext } from '../widgets';
import { cell, chip, errorBanner, loading, routeLink, statusBadge, table } from '../widgets';

type RunsRoute = Extract<Route, { name: 'runs' }>;

/** Most rows one refetch asks for (the server's cap is 1,000). */
const REFETCH_MAX = 1000;

export function runsView(ctx: ViewContext, mount: HTMLElement, first: RunsRoute, pageSize: number): View {
  let route = first;
  let rows: RunInfo[] = [];
  let cursor: string | null = null;
  let generation = 0;
  const selected = new Set<string>();
  let unsubscribe: (() => void) | null = null;
  let subscribedFlow: string | null = null;
  let disposed = false;

  const flowList = html('nav', { class: 'ui-flows', 'aria-label': 'Flows', 'data-testid': 'flow-list' });
  const main = html('div', { class: 'ui-runs__main' });
  const banner = html('div', { class: 'ui-runs__banner' });
  const heading = html('h1', { class: 'ui-view-title' });
  const filters = buildFilters((next) => ctx.navigate({ ...route, filters: next }, true));
  const compareButton = html('button', { type: 'button', class: 'ui-button ui-button--primary', 'data-testid': 'compare-selected', disabled: '' }, 'Compare');
  const tableHost = html('div', { class: 'ui-runs__table' });
  const more = html('button', { type: 'button', class: 'ui-button', 'data-testid': 'load-more', hidden: '' }, 'Load more');
  const count = html('span', { class: 'ui-muted ui-runs__count', role: 'status' });
  append(main, append(html('div', { class: 'ui-view-head' }), heading, compareButton), filters.root, banner, tableHost, append(html('div', { class: 'ui-runs__foot' }, ''), count, more));
  append(mount, append(html('div', { class: 'ui-runs', 'data-testid': 'runs-view' }), flowList, main));

  compareButton.addEventListener('click', () => ctx.navigate({ name: 'compare', runs: [...selected] }));
  more.addEventListener('click', () => void load(false));

  const { table: runTable, body } = table(['', 'Status', 'Run', 'Started', 'Duration', 'User', 'Tags'], 'ui-runs-table');
  runTable.dataset.testid = 'runs-table';

  const updateSelection = (): void => {
    compareButton.toggleAttribute('disabled', selected.size < 2);
    compareButton.textContent = selected.size >= 2 ? `Compare ${selected.size} runs` : 'Compare';
  };

  const rowOf = (run: RunInfo): HTMLTableRowElement => {
    const box = html('input', { type: 'checkbox', class: 'ui-select', 'aria-label': `Select run ${run.run_id}` });
    box.checked = selected.has(run.pathspec);
    box.addEventListener('change', () => {
      if (box.checked) selected.add(run.pathspec);
      else selected.delete(run.pathspec);
      updateSelection();
    });
    const tags = html('span', { class: 'ui-chips' });
    for (const tag of run.tags) tags.append(chip(tag));
    const runCell = cell(routeLink({ name: 'run', flow: run.flow, run: run.run_id, step: null, task: null }, run.run_id, 'ui-link ui-run-link'));
    if (run.origin_run_id) runCell.append(html('span', { class: 'ui-muted ui-origin', title: 'resumed from this run' }, ` ↻ ${run.origin_run_id}`));
    return append(
      html('tr', { 'data-run': run.pathspec, class: `ui-run-row ui-run-row--${run.status}` }),
      cell(box, 'ui-col-select'),
      cell(statusBadge(run.status)),
      runCell,
      cell(formatTime(run.started_at), 'ui-nowrap'),
      cell(formatDuration(run.duration_s), 'ui-num'),
      cell(run.user ?? '—'),
      cell(tags),
    );
  };

  /** Draws `rows`: all of them after a (re)load, else only the page that was added. */
  const renderRows = (reset: boolean): void => {
    const fragment = document.createDocumentFragment();
    for (const run of reset ? rows : rows.slice(body.rows.length)) fragment.append(rowOf(run));
    if (reset) body.replaceChildren(fragment);
    else body.append(fragment);
    more.hidden = cursor === null;
    count.textContent = rows.length === 0 ? '' : `${rows.length} run${rows.length === 1 ? '' : 's'} shown${cursor ? ' · more available' : ''}`;
    if (rows.length === 0) tableHost.replaceChildren(html('p', { class: 'ui-empty', 'data-testid': 'runs-empty' }, hasFilters(route.filters) ? 'No run matches these filters.' : 'This flow has no runs yet.'));
    else if (runTable.parentNode !== tableHost) tableHost.replaceChildren(runTable);
  };

  /**
   * Loads the first page (`reset`) or the next one; stale answers are dropped. A page
   * opened afresh (`screenfulFirst`) comes in two requests: a screenful, drawn at once, then
   * the rest (router.ts). A refetch of shown rows asks once, so no row blinks out.
   */
  const load = async (reset: boolean, limit = pageSize, screenfulFirst = false): Promise<void> => {
    const first = screenfulFirst && limit > RUNS_FIRST_PAGE;
    if (first) limit = RUNS_FIRST_PAGE;
    const flow = route.flow;
    if (!flow) return;
    const mine = ++generation;
    if (reset && rows.length === 0) tableHost.replaceChildren(loading('Loading runs…'));
    more.toggleAttribute('disabled', true);
    try {
      const page = await ctx.api.get(runsPath(flow, route.filters, limit, reset ? null : cursor, Date.now() / 1000), isRunPage);
      if (mine !== generation) return;
      rows = reset ? page.runs : [...rows, ...page.runs];
      cursor = page.next_cursor;
      clear(banner);
      renderRows(reset);
      mount.dispatchEvent(new CustomEvent('ui-runs-rendered', { bubbles: true, detail: { rows: rows.length } }));
      if (first && cursor !== null) await load(false, pageSize - rows.length);
    } catch (error) {
      if (mine !== generation) return;
      banner.replaceChildren(errorBanner(error, `Could not list the runs of ${flow}.`));
      if (reset) tableHost.replaceChildren();
    } finally {
      more.toggleAttribute('disabled', false);
    }
  };

  const subscribe = (flow: string | null): void => {
    if (flow === subscribedFlow) return;
    unsubscribe?.();
    unsubscribe = null;
    subscribedFlow = flow;
    if (flow) unsubscribe = ctx.api.subscribe({ topic: 'runs', flow }, (event) => {
      // Refetch what is shown (at least a page), so rows that are loaded stay loaded.
      if (event.type === 'runs') void load(true, Math.min(Math.max(pageSize, rows.length), REFETCH_MAX));
    });
  };

  const showFlow = (): void => {
    heading.textContent = route.flow ? `Runs of ${route.flow}` : 'Runs';
    filters.set(route.filters);
    filters.root.hidden = route.flow === null;
    for (const a of Array.from(flowList.querySelectorAll<HTMLElement>('a[data-flow]'))) a.classList.toggle('ui-flows__item--active', a.dataset.flow === route.flow);
    rows = [];
    cursor = null;
    selected.clear();
    updateSelection();
    if (route.flow)
      void load(true, pageSize, true).then(() =>
        afterPaint(() => {
          if (!disposed) subscribe(route.flow);
        }),
      );
    else {
      subscribe(null);
      tableHost.replaceChildren(html('p', { class: 'ui-empty' }, 'Pick a flow to see its runs.'));
    }
  };

  /** While the datastore has no flow (or none yet: the server may start before the first
   * run), look again every few seconds, so the first run appears without a reload. */
  let flowsTimer: ReturnType<typeof setTimeout> | undefined;
  const FLOWS_RETRY_MS = 3000;
  const loadFlows = async (quiet = false): Promise<void> => {
    if (!quiet) flowList.replaceChildren(loading('Loading flows…'));
    try {
      const answer = await ctx.api.get('/api/flows', isFlowList);
      if (disposed) return;
      clear(flowList);
      flowList.append(html('h2', { class: 'ui-flows__title' }, 'Flows'));
      if (answer.flows.length === 0) flowList.append(html('p', { class: 'ui-empty' }, `No runs under ${answer.root} yet.`));
      for (const f of answer.flows) {
        const a = routeLink({ name: 'runs', flow: f.name, filters: route.filters }, f.name, 'ui-flows__item');
        a.dataset.flow = f.name;
        a.classList.toggle('ui-flows__item--active', f.name === route.flow);
        flowList.append(a);
      }
      // No flow picked yet: open the first, so the page shows runs at once.
      const firstFlow = answer.flows[0];
      if (route.flow === null && firstFlow) ctx.navigate({ name: 'runs', flow: firstFlow.name, filters: route.filters }, true);
      if (!firstFlow) flowsTimer = setTimeout(() => void loadFlows(true), FLOWS_RETRY_MS);
    } catch (error) {
      if (disposed) return;
      flowList.replaceChildren(errorBanner(error, 'Could not list the flows.'));
      flowsTimer = setTimeout(() => void loadFlows(true), FLOWS_RETRY_MS);
    }
  };

  void loadFlows();
  showFlow();

  return {
    update(next) {
      if (next.name !== 'runs') return false;
      route = next;
      showFlow();
      return true;
    },
    dispose() {
      disposed = true;
      generation += 1;
      clearTimeout(flowsTimer);
      unsubscribe?.();
    },
  };
}

/**
 * Runs `then` once the next frame was painted. The `runs` subscription starts here, after
 * the first page is on screen: its first read (the newest runs) would otherwise compete
 * with the page's own request for the server's read threads and this machine's cores. A
 * run that starts or ends between the two reads shows at its next change. A hidden tab
 * draws no frames: there the timeout runs it.
 */
function afterPaint(then: () => void): void {
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    then();
  };
  requestAnimationFrame(() => setTimeout(once, 0));
  setTimeout(once, 500);
}

function hasFilters(f: RunsFilters): boolean {
  return Object.values(f).some((v) => v !== '');
}

/** The filter bar; `onChange` gets the new filters (the search box is debounced). */
function buildFilters(onChange: (filters: RunsFilters) => void): { root: HTMLElement; set(filters: RunsFilters): void } {
  const status = html('select', { class: 'ui-input', 'aria-label': 'Status', 'data-testid': 'filter-status' });
  for (const [value, text] of [['', 'Any status'], ['running', 'Running'], ['succeeded', 'Succeeded'], ['failed', 'Failed']] as const) status.append(html('option', { value }, text));
  const since = html('select', { class: 'ui-input', 'aria-label': 'Started since', 'data-testid': 'filter-since' });
  for (const [value, text] of [['', 'Any time'], ['1h', 'Last hour'], ['24h', 'Last 24 hours'], ['7d', 'Last 7 days'], ['30d', 'Last 30 days']] as const) since.append(html('option', { value }, text));
  const tag = html('input', { class: 'ui-input', type: 'text', placeholder: 'tag (a,b: all of them)', 'aria-label': 'Tag', 'data-testid': 'filter-tag' });
  const user = html('input', { class: 'ui-input', type: 'text', placeholder: 'user', 'aria-label': 'User', 'data-testid': 'filter-user' });
  const q = html('input', { class: 'ui-input ui-search', type: 'search', placeholder: 'Search run id, user, tags', 'aria-label': 'Search runs', 'data-testid': 'filter-q' });
  const root = append(html('form', { class: 'ui-filters', role: 'search' }), q, status, tag, user, since);
  const read = (): RunsFilters => ({ status: status.value as RunsFilters['status'], tag: tag.value.trim(), user: user.value.trim(), since: since.value as RunsFilters['since'], q: q.value.trim() });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const soon = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => onChange(read()), 250);
  };
  root.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(timer);
    onChange(read());
  });
  for (const select of [status, since]) select.addEventListener('change', () => onChange(read()));
  for (const input of [q, tag, user]) input.addEventListener('input', soon);
  return {
    root,
    set(f) {
      status.value = f.status;
      since.value = f.since;
      // Do not fight the user's typing: only write fields that are not focused.
      for (const [input, value] of [[q, f.q], [tag, f.tag], [user, f.user]] as const) if (document.activeElement !== input) input.value = value;
    },
  };
}
