/**
 * The Runs view's filter: status, "since" (as the user typed it: `24h`, `7d`, a date) and
 * a tag. Pure, so parsing and wording are unit-tested: the view stores the filter as typed
 * (a relative "since" keeps meaning "the last 24 hours" tomorrow) and turns it into
 * `metaflow/listRuns` params at each request.
 */
import type { ListRunsParams, RunStatus } from '../common/runsProtocol';

export interface RunFilter {
  status?: RunStatus;
  /** `30m`, `24h`, `7d`, `2w`, or a date/time such as `2026-11-01` or `2026-11-01T08:00`. */
  since?: string;
  tag?: string;
}

export const RUN_STATUSES: readonly RunStatus[] = ['running', 'succeeded', 'failed'];

const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86_400, w: 7 * 86_400 };
const RELATIVE = /^(\d+(?:\.\d+)?)\s*([mhdw])$/i;

/** Epoch seconds for `text` at `nowMs`, or an error message saying what is accepted. */
export function parseSince(text: string, nowMs: number): { since: number } | { error: string } {
  const value = text.trim();
  const relative = RELATIVE.exec(value);
  if (relative?.[1] !== undefined && relative[2] !== undefined) {
    const seconds = Number(relative[1]) * (UNIT_SECONDS[relative[2].toLowerCase()] ?? 0);
    return { since: nowMs / 1000 - seconds };
  }
  if (/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$/.test(value)) {
    const parsed = Date.parse(value.replace(' ', 'T'));
    if (!Number.isNaN(parsed)) {
      return parsed > nowMs ? { error: `${value} is in the future.` } : { since: parsed / 1000 };
    }
  }
  return { error: `"${value}" is not a time: use 30m, 24h, 7d, 2w or a date such as 2026-11-01 (local time).` };
}

/** The filter with blank parts dropped and an unknown status or bad "since" removed. */
export function normaliseFilter(value: unknown): RunFilter {
  if (typeof value !== 'object' || value === null) {
    return {};
  }
  const raw = value as Record<string, unknown>;
  const filter: RunFilter = {};
  const status = RUN_STATUSES.find((s) => s === raw.status);
  if (status !== undefined) {
    filter.status = status;
  }
  if (typeof raw.since === 'string' && raw.since.trim() !== '' && 'since' in parseSince(raw.since, Date.now())) {
    filter.since = raw.since.trim();
  }
  if (typeof raw.tag === 'string' && raw.tag.trim() !== '') {
    filter.tag = raw.tag.trim();
  }
  return filter;
}

export function isFiltered(filter: RunFilter): boolean {
  return filter.status !== undefined || filter.since !== undefined || filter.tag !== undefined;
}

/** Shown as the view's description: `failed · since 24h · tag nightly`, or ''. */
export function describeFilter(filter: RunFilter): string {
  const parts: string[] = [];
  if (filter.status !== undefined) {
    parts.push(filter.status);
  }
  if (filter.since !== undefined) {
    parts.push(`since ${filter.since}`);
  }
  if (filter.tag !== undefined) {
    parts.push(`tag ${filter.tag}`);
  }
  return parts.join(' · ');
}

/** The `metaflow/listRuns` params for `filter` at `nowMs`. */
export function filterParams(filter: RunFilter, nowMs: number): Pick<ListRunsParams, 'status' | 'since' | 'tags'> {
  const params: Pick<ListRunsParams, 'status' | 'since' | 'tags'> = {};
  if (filter.status !== undefined) {
    params.status = filter.status;
  }
  if (filter.since !== undefined) {
    const parsed = parseSince(filter.since, nowMs);
    if ('since' in parsed) {
      params.since = parsed.since;
    }
  }
  if (filter.tag !== undefined) {
    params.tags = [filter.tag];
  }
  return params;
}
