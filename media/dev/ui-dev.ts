/**
 * Driver of the UI dev page (dev/ui.html), bundled to dist/ui-dev.js: mounts the real app
 * (src/ui/app.ts) on a FAKE StudioApi that answers every route of docs/ui-api.md from
 * dev/ui-fixtures.ts (real query-layer output on test-fixtures/demo), so the UI can be
 * developed and browser-tested without the server.
 *
 * Besides the fixtures it serves:
 * - `BigFlow`: 5,000 generated runs (paged by cursor, never listed whole) whose runs draw a
 *   200-step graph (dev/synthetic.ts), for the paging and render-time measurements;
 * - run `TrainingFlow/1795734799000000` ("hostile"): HTML/JS payloads in its tags, user,
 *   parameters, log lines and artifact values, which must show as text and run nothing.
 * Every request path and subscription is recorded on `window.mfUi` for the tests, which
 * can also push subscription events (`emit`). `?pageSize=N` sets the runs page size.
 */
import type { RunState, StepRunState } from '../src/protocol';
import type { StudioApi } from '../src/ui/api';
import { ApiError, checked } from '../src/ui/api';
import { mountApp } from '../src/ui/app';
import type { Answer, Comparison, LogExcerpt, RunInfo, RunPage, RunSummary, TaskList, Timeline, Topic, UiEvent } from '../src/ui/types';
import { syntheticGraph } from './synthetic';
import * as F from './ui-fixtures';

/** What tests inject: it must appear as text and never run (no dialog, no element). */
export const XSS = `<img src=x onerror="alert('xss')"><script>alert('xss')</script>`;
const HOSTILE_RUN = 'TrainingFlow/1795734799000000';
const BIG_FLOW = 'BigFlow';
const BIG_RUNS = 5000;
const BIG_STEPS = 200;

interface Subscription {
  id: string;
  topic: Topic;
  handler: (event: UiEvent) => void;
}

interface UiDevApi {
  requests: string[];
  /** performance.now() of the dev script's start, and of the frame after the first runs page drew. */
  marks: { start: number; runsPainted: number | null };
  subscriptions: { id: string; topic: Topic }[];
  violations: string[];
  xss: string;
  /** Pushes `event` (without id) to every active subscription of `topic`. */
  emit(topic: Topic['topic'], event: Record<string, unknown>): number;
  /** Resolves the next answers only when `release()` is called (tests of "Loading…"). */
  hold(): void;
  release(): void;
}

declare global {
  interface Window {
    mfUi: UiDevApi;
  }
}

const copy = <V>(value: V): V => structuredClone(value);
/** What every answer carries besides its data (made-up answers read nothing, meet no problem). */
const clean = (): Answer => ({ cost: F.NO_COST, problems: [] });
const notFound = (message: string, nearest: string[]): ApiError => new ApiError({ kind: 'not_found', message, nearest }, '');

// ---------- the hostile run: a copy of the good one with payloads everywhere ----------

const okSummary = F.SUMMARIES[F.OK_RUN] as RunSummary;
const hostileInfo: RunInfo = {
  ...okSummary.run,
  pathspec: HOSTILE_RUN,
  run_id: HOSTILE_RUN.split('/')[1] ?? '',
  started_at: (okSummary.run.started_at ?? 0) + 34,
  finished_at: (okSummary.run.finished_at ?? 0) + 34,
  user: XSS,
  tags: [XSS, 'hostile'],
  parameters: { learning_rates: XSS, epochs: '3' },
};
const SUMMARIES: Record<string, RunSummary> = { ...F.SUMMARIES, [HOSTILE_RUN]: { ...okSummary, run: hostileInfo } };
const TRAINING_RUNS: RunInfo[] = [hostileInfo, ...F.RUNS.runs];

// ---------- BigFlow: 5,000 runs made on demand ----------

function bigRun(index: number): RunInfo {
  const id = String(1_800_000_000_000 - index);
  const started = 1_795_700_000 - index * 60;
  const status = index % 17 === 3 ? 'failed' : index === 0 ? 'running' : 'succeeded';
  return {
    pathspec: `${BIG_FLOW}/${id}`,
    flow: BIG_FLOW,
    run_id: id,
    status,
    started_at: started,
    finished_at: status === 'running' ? null : started + 30 + (index % 7),
    duration_s: 30 + (index % 7),
    user: index % 3 === 0 ? 'alice' : 'bob',
    tags: index % 5 === 0 ? ['nightly'] : [],
    system_tags: ['runtime:dev'],
    parameters: { seed: String(index) },
    origin_run_id: null,
  };
}

function bigSummary(run: RunInfo): RunSummary {
  return { ...clean(), run, steps: [{ name: 'start', tasks: { running: 0, succeeded: 1, failed: 0 }, started_at: run.started_at, finished_at: run.started_at, duration_s: 0.1, first_failure: null }] };
}

// ---------- runs pages with the server's filters ----------

function matches(run: RunInfo, query: URLSearchParams): boolean {
  const status = query.get('status');
  if (status && run.status !== status) return false;
  if (query.getAll('tag').some((t) => !run.tags.includes(t))) return false;
  const user = query.get('user');
  if (user && run.user !== user) return false;
  const since = query.get('since');
  if (since && (run.started_at ?? 0) < Number(since)) return false;
  const q = query.get('q')?.toLowerCase();
  if (q && ![run.run_id, run.user ?? '', ...run.tags].some((s) => s.toLowerCase().includes(q))) return false;
  return true;
}

function runsPage(query: URLSearchParams): RunPage {
  const flow = query.get('flow') ?? '';
  const limit = Number(query.get('limit') ?? '20');
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ApiError({ kind: 'bad_query', message: `limit must be 1 to 1000, got ${query.get('limit')}.`, nearest: [] }, '');
  const offset = Number(query.get('cursor') ?? '0');
  const total = flow === BIG_FLOW ? BIG_RUNS : flow === 'TrainingFlow' ? TRAINING_RUNS.length : -1;
  if (total < 0) throw notFound(`No flow named ${flow} in the datastore.`, ['TrainingFlow', BIG_FLOW]);
  const at = (i: number): RunInfo => (flow === BIG_FLOW ? bigRun(i) : (TRAINING_RUNS[i] as RunInfo));
  // Like the server: walk from the cursor, examine at most 5,000 runs, stop at a full page.
  const runs: RunInfo[] = [];
  let i = offset;
  for (; i < total && runs.length < limit && i - offset < 5000; i += 1) if (matches(at(i), query)) runs.push(at(i));
  return { ...clean(), runs, next_cursor: i < total ? String(i) : null, scanned: i - offset };
}

// ---------- one run ----------

function summaryOf(run: string): RunSummary {
  const known = SUMMARIES[run];
  if (known) return known;
  const [flow, id] = run.split('/');
  if (flow === BIG_FLOW && id !== undefined) {
    const index = 1_800_000_000_000 - Number(id);
    if (Number.isInteger(index) && index >= 0 && index < BIG_RUNS) return bigSummary(bigRun(index));
  }
  throw notFound(`No run ${run} in the datastore.`, flow === BIG_FLOW ? [bigRun(0).pathspec] : [F.OK_RUN, F.FAILED_RUN]);
}

function stateOf(summary: RunSummary): RunState {
  const steps: Record<string, StepRunState> = {};
  for (const s of summary.steps) {
    const tasks = { running: s.tasks.running ?? 0, succeeded: s.tasks.succeeded ?? 0, failed: s.tasks.failed ?? 0 };
    steps[s.name] = { status: tasks.failed > 0 ? 'failed' : tasks.running > 0 ? 'running' : 'succeeded', tasks, expected: null };
  }
  return { run: summary.run.pathspec, status: summary.run.status, steps };
}

/** The fixture run a generated/hostile run borrows its tasks, logs and timeline from. */
const sourceRun = (run: string): string => (run === HOSTILE_RUN ? F.OK_RUN : run);

function tasksOf(run: string, step: string): TaskList {
  const list = F.TASKS[sourceRun(run)]?.[step];
  if (list) return { ...list, step: `${run}/${step}`, tasks: list.tasks.map((t) => ({ ...t, pathspec: `${run}/${step}/${t.task_id}` })) };
  summaryOf(run);
  if (run.startsWith(`${BIG_FLOW}/`)) return { ...clean(), step: `${run}/${step}`, tasks: [{ pathspec: `${run}/${step}/1`, step, task_id: '1', attempt: 0, status: 'succeeded', finished_at: null }], truncated: false, tasks_examined: 1 };
  throw notFound(`No step ${step} in ${run}.`, Object.keys(F.TASKS[F.OK_RUN] ?? {}).map((s) => `${run}/${s}`));
}

function logOf(task: string, stream: string): LogExcerpt {
  const base = stream === 'stderr' ? F.LOG_STDERR : F.LOG_STDOUT;
  const lines = task.startsWith(`${HOSTILE_RUN}/`) ? [{ text: XSS, timestamp: null, source: 'task' }, ...base.lines] : base.lines;
  return { ...base, pathspec: task, stream: stream === 'stderr' ? 'stderr' : 'stdout', lines };
}

function timelineOf(run: string): Timeline {
  const known = F.TIMELINES[sourceRun(run)];
  if (known) return { ...known, run };
  const s = summaryOf(run);
  return { ...clean(), run, started_at: s.run.started_at, finished_at: s.run.finished_at, bars: [] };
}

/** The real comparison for the fixture pair; for other runs one made from their summaries. */
function comparisonOf(runs: string[]): Comparison {
  if (runs.length < 2 || runs.length > 8) throw new ApiError({ kind: 'bad_query', message: `compare takes 2 to 8 runs, got ${runs.length}.`, nearest: [] }, '');
  if (runs.join(',') === `${F.OK_RUN},${F.FAILED_RUN}`) return F.COMPARISON;
  const summaries = runs.map(summaryOf);
  const names = [...new Set(summaries.flatMap((s) => Object.keys(s.run.parameters)))].sort();
  const parameters = names.map((name) => {
    const values = summaries.map((s) => s.run.parameters[name] ?? null);
    return { name, values, differs: values.some((v) => v !== values[0]) };
  });
  const losses = summaries.map((_, i) => 0.25 / (i + 1));
  const stepNames = [...new Set(summaries.flatMap((s) => s.steps.map((x) => x.name)))];
  return {
    ...clean(),
    runs,
    parameters,
    artifacts: [
      { step: 'end', name: 'loss', status: 'changed', shas: runs.map((_, i) => `c0ffee${i}`), types: runs.map(() => 'builtins.float'), sizes: runs.map(() => 21), values: losses.map(String), numbers: losses },
      { step: 'start', name: 'data', status: 'same', shas: runs.map(() => '62a3a620'), types: runs.map(() => 'builtins.list'), sizes: runs.map(() => 136), values: runs.map(() => null), numbers: null },
      { step: 'end', name: 'note', status: 'changed', shas: runs.map((_, i) => `beef${i}`), types: runs.map(() => 'builtins.str'), sizes: runs.map(() => 40), values: runs.map(() => XSS), numbers: null },
    ],
    steps: stepNames.map((name) => {
      const steps = summaries.map((s) => s.steps.find((x) => x.name === name) ?? null);
      return { name, durations: steps.map((x) => x?.duration_s ?? null), statuses: steps.map((x) => (x ? ((x.tasks.failed ?? 0) > 0 ? 'failed' : 'succeeded') : null)) };
    }),
  };
}

/** The answer to `path`, like the server's dispatcher. */
function answer(path: string): unknown {
  const url = new URL(path, 'http://ui.test');
  const parts = url.pathname.split('/').slice(2).map(decodeURIComponent);
  const [route, ...rest] = parts;
  const spec = rest.join('/');
  switch (route) {
    case 'flows':
      return { flows: [{ name: BIG_FLOW }, { name: 'TrainingFlow' }], root: '/work/main/test-fixtures/demo' };
    case 'runs':
      return runsPage(url.searchParams);
    case 'run': {
      const run = rest.slice(0, 2).join('/');
      const what = rest[2];
      const summary = summaryOf(run);
      if (what === undefined) return summary;
      if (what === 'graph') return run.startsWith(`${BIG_FLOW}/`) ? syntheticGraph(BIG_STEPS, BIG_FLOW) : F.GRAPH;
      if (what === 'state') return stateOf(summary);
      if (what === 'timeline') return timelineOf(run);
      if (what === 'failures') return run === F.FAILED_RUN ? F.FAILURES : { run, failures: [], truncated: false };
      break;
    }
    case 'tasks':
      return tasksOf(rest.slice(0, 2).join('/'), rest[2] ?? '');
    case 'logs':
      return logOf(spec, url.searchParams.get('stream') ?? 'stdout');
    case 'artifacts':
      return { ...F.ARTIFACTS_END, scope: spec, artifacts: F.ARTIFACTS_END.artifacts.map((a) => ({ ...a, pathspec: spec })) };
    case 'artifact': {
      const name = rest[4] ?? '';
      const task = rest.slice(0, 4).join('/');
      const hostile = task.startsWith(`${HOSTILE_RUN}/`);
      return { ...F.PREVIEW_MODEL, pathspec: task, name, preview: hostile ? XSS : F.PREVIEW_MODEL.preview };
    }
    case 'cards':
      return rest[2] === 'report' ? { ...F.CARDS, pathspec: spec } : { pathspec: spec, cards: [] };
    case 'compare':
      return comparisonOf((url.searchParams.get('runs') ?? '').split(',').filter((r) => r !== ''));
    case 'lineage':
      if (rest.slice(0, 2).join('/') === F.OK_RUN && rest[2] === 'model') return F.LINEAGE;
      throw notFound(`No artifact ${rest[2] ?? ''} in ${rest.slice(0, 2).join('/')}.`, [`${F.OK_RUN}/model`]);
  }
  throw notFound(`No route ${url.pathname}.`, []);
}

// ---------- the fake API ----------

const subs = new Map<string, Subscription>();
let nextSub = 0;
let held: (() => void)[] | null = null;

const dev: UiDevApi = {
  requests: [],
  marks: { start: performance.now(), runsPainted: null },
  get subscriptions() {
    return [...subs.values()].map(({ id, topic }) => ({ id, topic }));
  },
  violations: [],
  xss: XSS,
  emit(topic, event) {
    let sent = 0;
    for (const s of subs.values()) {
      if (s.topic.topic !== topic) continue;
      s.handler({ ...event, id: s.id } as UiEvent);
      sent += 1;
    }
    return sent;
  },
  hold() {
    held = [];
  },
  release() {
    const waiting = held ?? [];
    held = null;
    for (const go of waiting) go();
  },
};
window.mfUi = dev;
document.addEventListener('ui-runs-rendered', () => {
  if (dev.marks.runsPainted === null) requestAnimationFrame(() => (dev.marks.runsPainted ??= performance.now()));
});
document.addEventListener('securitypolicyviolation', (event) => dev.violations.push(`${event.violatedDirective}: ${event.blockedURI || event.sample}`));

const fakeApi: StudioApi = {
  async get(path, guard) {
    dev.requests.push(path);
    if (held) await new Promise<void>((resolve) => held?.push(resolve));
    else await Promise.resolve();
    let body: unknown;
    try {
      body = copy(answer(path));
    } catch (error) {
      if (error instanceof ApiError) throw new ApiError({ kind: error.kind, message: error.message, nearest: error.nearest }, path);
      throw error;
    }
    return checked(body, path, guard);
  },
  subscribe(topic, handler) {
    nextSub += 1;
    const id = `s${nextSub}`;
    subs.set(id, { id, topic, handler });
    // Like the server: the current state at once.
    queueMicrotask(() => {
      if (!subs.has(id)) return;
      if (topic.topic === 'run') {
        try {
          const summary = summaryOf(topic.run);
          handler({ type: 'run', id, state: stateOf(summary), summary });
        } catch (error) {
          if (error instanceof ApiError) handler({ type: 'error', id, error: { kind: error.kind, message: error.message, nearest: error.nearest } });
        }
      } else if (topic.topic === 'log') {
        const log = logOf(topic.task, topic.stream);
        handler({ type: 'log', id, task: topic.task, stream: topic.stream, lines: log.lines, reset: true, available: log.available });
      }
    });
    return () => {
      subs.delete(id);
    };
  },
  // Cards are opaque documents in the sandbox; a data: URL stands in for the server's /card route.
  cardUrl: (task, hash) => `data:text/html,${encodeURIComponent(`<h1>Card ${hash} of ${task}</h1>`)}`,
};

const params = new URLSearchParams(window.location.search);
const pageSize = Number(params.get('pageSize') ?? '50');
const mount = document.getElementById('app');
if (mount) mountApp(mount, fakeApi, { runsPageSize: Number.isInteger(pageSize) && pageSize > 0 ? pageSize : 50 });
