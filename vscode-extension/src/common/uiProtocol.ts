/**
 * The UI panels' link: the language server's `metaflow/ui*` requests (pyserver/mfstudio/lsp/
 * ui.py, names in lsp/protocol.py) and the webview messages of media/src/ui (docs/ui-api.md,
 * "VS Code webview messages"), which the panel relays between the two. Pure: unit-tested.
 */
import { formatRoute, routeOfPathspec, type Route } from '../../../media/src/ui/router';
import type { RenderedReport } from '../../../media/src/ui/vscodeMessages';

export type { RenderedReport } from '../../../media/src/ui/vscodeMessages';

export const UiRequests = {
  get: 'metaflow/uiGet',
  subscribe: 'metaflow/uiSubscribe',
  unsubscribe: 'metaflow/uiUnsubscribe',
} as const;

export const UI_EVENT_NOTIFICATION = 'metaflow/uiEvent';

/** The error object of a failed route (`{error: {...}}` in ui-api.md). */
export interface UiError {
  kind: string;
  message: string;
  nearest?: string[];
}

export interface UiRequestTypes {
  'metaflow/uiGet': [{ path: string; root?: string }, { status: number; body: Record<string, unknown> }];
  'metaflow/uiSubscribe': [{ id: string; message: SubscribeMessage; root?: string }, { id: string }];
  'metaflow/uiUnsubscribe': [{ id: string }, { stopped: boolean }];
}
export type UiMethod = keyof UiRequestTypes;

/** `metaflow/uiEvent`: `event` is the page's subscription message, unchanged. */
export interface UiEventParams {
  id: string;
  event: Record<string, unknown>;
}

/** The page's subscribe message: `topic` and its fields (run, flow, task, stream, tail). */
export interface SubscribeMessage {
  type: 'subscribe';
  id: string;
  topic: string;
  [field: string]: unknown;
}

/** Webview -> extension. */
export type PageToHost =
  | { type: 'api'; id: string; path: string }
  | SubscribeMessage
  | { type: 'unsubscribe'; id: string }
  | RenderedReport;

/** Extension -> webview. */
export type HostToPage =
  | { type: 'apiResult'; id: string; body: Record<string, unknown> }
  | { type: 'apiResult'; id: string; error: UiError }
  | { type: 'uiEvent'; event: Record<string, unknown> };

/** Longest id or path the panel forwards (the server refuses longer ones anyway). */
const MAX_ID = 100;
const MAX_PATH = 4096;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID;
}

/** `raw` as a page message, or undefined (ignored: a version skew must not break the panel). */
export function parsePageMessage(raw: unknown): PageToHost | undefined {
  if (!isObject(raw)) return undefined;
  switch (raw.type) {
    case 'api':
      return isId(raw.id) && typeof raw.path === 'string' && raw.path.startsWith('/') && raw.path.length <= MAX_PATH
        ? { type: 'api', id: raw.id, path: raw.path }
        : undefined;
    case 'subscribe':
      return isId(raw.id) && typeof raw.topic === 'string' ? ({ ...raw, type: 'subscribe', id: raw.id, topic: raw.topic } as SubscribeMessage) : undefined;
    case 'unsubscribe':
      return isId(raw.id) ? { type: 'unsubscribe', id: raw.id } : undefined;
    case 'rendered':
      return typeof raw.route === 'string' && typeof raw.title === 'string' && Array.isArray(raw.parts) ? (raw as unknown as RenderedReport) : undefined;
    default:
      return undefined;
  }
}

/** The page's answer to a `metaflow/uiGet` result: the body, or the error body's `error`. */
export function apiResult(id: string, answer: { status: number; body: Record<string, unknown> }): HostToPage {
  if (answer.status >= 200 && answer.status < 300) return { type: 'apiResult', id, body: answer.body };
  const error = isObject(answer.body.error) ? answer.body.error : {};
  return {
    type: 'apiResult',
    id,
    error: {
      kind: typeof error.kind === 'string' ? error.kind : 'internal',
      message: typeof error.message === 'string' ? error.message : `The server answered with status ${answer.status}.`,
      nearest: Array.isArray(error.nearest) ? error.nearest.filter((n): n is string => typeof n === 'string') : [],
    },
  };
}

/** When the language server cannot be asked at all (not running, crashed). */
export function unavailable(id: string, message: string): HostToPage {
  return { type: 'apiResult', id, error: { kind: 'unavailable', message, nearest: [] } };
}

/** The pathspec `F/R` split, or undefined when it is not one. */
function runParts(pathspec: string): [string, string] | undefined {
  const parts = pathspec.split('/');
  return parts.length === 2 && parts.every((p) => p !== '') ? [parts[0] ?? '', parts[1] ?? ''] : undefined;
}

/** The page's route (location hash) for a run, or a step or task of it (F/R[/S[/T]]). */
export function runRoute(pathspec: string): string {
  const route = routeOfPathspec(pathspec);
  if (route === null) throw new Error(`${pathspec} is not a run, step or task pathspec (Flow/run_id[/step[/task_id]]).`);
  return formatRoute(route);
}

/** Checks what /api/compare refuses (2 to 8 runs of one flow), in the user's words. */
export function compareRoute(runs: string[]): string {
  const flows = new Set(runs.map((r) => runParts(r)?.[0]));
  if (runs.length < 2 || runs.length > 8) throw new Error(`Compare takes 2 to 8 runs; ${runs.length} selected.`);
  if (flows.has(undefined)) throw new Error('Compare takes run pathspecs (Flow/run_id).');
  if (flows.size > 1) throw new Error(`Compare takes runs of one flow; the selection has ${[...flows].join(', ')}.`);
  return formatRoute({ name: 'compare', runs });
}

/** `artifact`: the artifact item's task pathspec (F/R/S/T) and name. */
export function lineageRoute(task: string, name: string): string {
  const [flow, run] = task.split('/');
  if (!flow || !run) throw new Error(`${task} is not a task pathspec (Flow/run/step/task).`);
  const route: Route = { name: 'lineage', flow, run, artifact: name };
  return formatRoute(route);
}

/** A panel title from the page's document title (`TrainingFlow/12 · Metaflow Studio`). */
export function panelTitle(documentTitle: string): string {
  const title = documentTitle.replace(/\s*·\s*Metaflow Studio$/, '').trim();
  return title === '' || title === 'Metaflow Studio' ? 'Metaflow' : title;
}
