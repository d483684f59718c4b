/**
 * Hash routes of the UI, parsed and formatted in one place (pure; unit-tested).
 *
 *   #/?flow=F&status=failed&tag=a&user=u&since=24h&q=text   runs (filters live in the URL,
 *                                                           so back/forward restore them)
 *   #/run/F/R[/step/S | /task/S/T]                          one run, optionally a step/task
 *   #/compare?runs=F/1,F/2                                  2+ runs side by side
 *   #/lineage/F/R/NAME                                      where an artifact came from
 *
 * Path segments are URI-encoded, so names with `/`, `?` or `#` survive a round trip.
 */

export type SincePreset = '' | '1h' | '24h' | '7d' | '30d';
export const SINCE_SECONDS: Record<Exclude<SincePreset, ''>, number> = { '1h': 3600, '24h': 86_400, '7d': 604_800, '30d': 2_592_000 };

export interface RunsFilters {
  status: '' | 'running' | 'succeeded' | 'failed';
  tag: string;
  user: string;
  since: SincePreset;
  q: string;
}

export const NO_FILTERS: RunsFilters = { status: '', tag: '', user: '', since: '', q: '' };

export type Route =
  | { name: 'runs'; flow: string | null; filters: RunsFilters }
  | { name: 'run'; flow: string; run: string; step: string | null; task: string | null }
  | { name: 'compare'; runs: string[] }
  | { name: 'lineage'; flow: string; run: string; artifact: string }
  | { name: 'unknown'; hash: string };

const STATUSES: readonly RunsFilters['status'][] = ['', 'running', 'succeeded', 'failed'];
const SINCES: readonly SincePreset[] = ['', '1h', '24h', '7d', '30d'];

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null; // a malformed %-escape
  }
}

/** The route of a location hash (`#/run/F/R`); anything unrecognised is `unknown`. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const queryAt = raw.indexOf('?');
  const path = queryAt < 0 ? raw : raw.slice(0, queryAt);
  const query = new URLSearchParams(queryAt < 0 ? '' : raw.slice(queryAt + 1));
  const parts = path.split('/').filter((p) => p !== '');
  const segments = parts.map(decode);
  const unknown: Route = { name: 'unknown', hash };
  if (segments.some((s) => s === null || s === '')) return unknown;
  const seg = segments as string[];
  const [head, ...rest] = seg;
  if (head === undefined) {
    const status = query.get('status') ?? '';
    const since = query.get('since') ?? '';
    return {
      name: 'runs',
      flow: query.get('flow') || null,
      filters: {
        status: STATUSES.includes(status as RunsFilters['status']) ? (status as RunsFilters['status']) : '',
        tag: query.get('tag') ?? '',
        user: query.get('user') ?? '',
        since: SINCES.includes(since as SincePreset) ? (since as SincePreset) : '',
        q: query.get('q') ?? '',
      },
    };
  }
  if (head === 'run' && rest.length >= 2) {
    const [flow = '', run = '', kind, step = null, task = null] = rest;
    if (rest.length === 2) return { name: 'run', flow, run, step: null, task: null };
    if (kind === 'step' && rest.length === 4) return { name: 'run', flow, run, step, task: null };
    if (kind === 'task' && rest.length === 5) return { name: 'run', flow, run, step, task };
    return unknown;
  }
  if (head === 'compare' && rest.length === 0) {
    const runs = (query.get('runs') ?? '').split(',').map((r) => r.trim()).filter((r) => r !== '');
    return runs.length > 0 ? { name: 'compare', runs } : unknown;
  }
  if (head === 'lineage' && rest.length === 3) {
    const [flow = '', run = '', artifact = ''] = rest;
    return { name: 'lineage', flow, run, artifact };
  }
  return unknown;
}

const enc = encodeURIComponent;

/** The hash of `route` (what `parseRoute` reads back into the same route). */
export function formatRoute(route: Route): string {
  switch (route.name) {
    case 'runs': {
      const query = new URLSearchParams();
      if (route.flow) query.set('flow', route.flow);
      for (const key of ['status', 'tag', 'user', 'since', 'q'] as const) if (route.filters[key]) query.set(key, route.filters[key]);
      const text = query.toString();
      return text ? `#/?${text}` : '#/';
    }
    case 'run': {
      const base = `#/run/${enc(route.flow)}/${enc(route.run)}`;
      if (route.step !== null && route.task !== null) return `${base}/task/${enc(route.step)}/${enc(route.task)}`;
      return route.step !== null ? `${base}/step/${enc(route.step)}` : base;
    }
    case 'compare':
      // Run pathspecs keep their `/` readable; commas separate them.
      return `#/compare?runs=${route.runs.map((r) => r.split('/').map(enc).join('/')).join(',')}`;
    case 'lineage':
      return `#/lineage/${enc(route.flow)}/${enc(route.run)}/${enc(route.artifact)}`;
    case 'unknown':
      return route.hash;
  }
}

/** The route a pathspec (`F/R`, `F/R/S`, `F/R/S/T`) opens: the run, with its step or task. */
export function routeOfPathspec(pathspec: string): Route | null {
  const [flow, run, step, task, ...extra] = pathspec.split('/');
  if (!flow || !run || extra.length > 0) return null;
  return { name: 'run', flow, run, step: step || null, task: (step && task) || null };
}

/** Epoch seconds of a `since` preset relative to `nowSeconds`; null for "any time". */
export function sinceEpoch(preset: SincePreset, nowSeconds: number): number | null {
  return preset === '' ? null : Math.floor(nowSeconds - SINCE_SECONDS[preset]);
}

/** Runs per page of the runs view ("Load more" adds this many). */
export const RUNS_PAGE_SIZE = 50;
/**
 * Runs of the view's first request: about a screenful, drawn first; the rest of the first
 * page follows at once by cursor. Half the rows to read on the server and to lay out in
 * the browser before the first paint. The boot script (boot.ts) prefetches exactly this.
 */
export const RUNS_FIRST_PAGE = 25;

/** The `/api/runs` path for a flow, its filters, a page size and an optional cursor. */
export function runsPath(flow: string, filters: RunsFilters, limit: number, cursor: string | null, nowSeconds: number): string {
  const query = new URLSearchParams({ flow });
  if (filters.status) query.set('status', filters.status);
  for (const tag of filters.tag.split(',').map((t) => t.trim()).filter((t) => t !== '')) query.append('tag', tag);
  if (filters.user) query.set('user', filters.user);
  const since = sinceEpoch(filters.since, nowSeconds);
  if (since !== null) query.set('since', String(since));
  if (filters.q) query.set('q', filters.q);
  query.set('limit', String(limit));
  if (cursor) query.set('cursor', cursor);
  return `/api/runs?${query.toString()}`;
}

/** `/api/...` path segments of a pathspec, each encoded. */
export function apiPath(prefix: string, pathspec: string, suffix = ''): string {
  return `/api/${prefix}/${pathspec.split('/').map(enc).join('/')}${suffix}`;
}
