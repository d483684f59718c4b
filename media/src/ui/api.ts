/**
 * How the UI asks for data: one `StudioApi` with two transports (docs/ui-api.md).
 *
 * - `httpApi`: the standalone server. `fetch('/api/...')` for routes and ONE WebSocket at
 *   `/ws` for every subscription; it reconnects with backoff and subscribes again, so a
 *   server restart or a laptop sleep only pauses the live updates.
 * - `hostApi`: a VS Code webview. Requests and subscriptions travel as postMessage to the
 *   extension, which forwards them to the language server (see ui-api.md, "VS Code").
 *
 * Every answer goes through a decoder (decode.ts); failures become an `ApiError` carrying
 * the server's message and its `nearest` suggestions, which the error banner shows.
 */
import { isRecord } from '../guards';
import type { Guard } from './decode';
import { decodeErrorBody, decodeEvent } from './decode';
import { fetchApi, takePrefetched } from './prefetch';
import type { ApiErrorBody, Topic, UiEvent } from './types';

export interface StudioApi {
  /** GETs `path` (e.g. `/api/runs?flow=F`) and checks the answer with `guard`. */
  get<V>(path: string, guard: Guard<V>): Promise<V>;
  /** Subscribes to `topic`; `handler` gets every event of it. Returns the unsubscribe. */
  subscribe(topic: Topic, handler: (event: UiEvent) => void): () => void;
  /** The URL a card iframe loads for task `task` and card `hash`; null when the host cannot serve cards. */
  cardUrl(task: string, hash: string): string | null;
  /** Tells `handler` when live updates stop or resume (transports that can drop). */
  onConnection?(handler: (state: ConnectionState) => void): void;
}

/** `live`: events flow; `reconnecting`: the link dropped, retrying; `refused`: the server said no (token). */
export type ConnectionState = 'live' | 'reconnecting' | 'refused';

/** `/card/F/R/S/T/HASH` under `base`, each segment encoded. */
export function cardPath(base: string, task: string, hash: string): string {
  return `${base}/card/${[...task.split('/'), hash].map(encodeURIComponent).join('/')}`;
}

/** A failed request: the server's error body, or one made up for a transport failure. */
export class ApiError extends Error {
  readonly kind: string;
  readonly nearest: string[];
  readonly path: string;

  constructor(body: ApiErrorBody, path: string) {
    super(body.message);
    this.name = 'ApiError';
    this.kind = body.kind;
    this.nearest = body.nearest;
    this.path = path;
  }
}

/** The answer `value` to `path` through `guard`, or an ApiError saying what was wrong. */
export function checked<V>(value: unknown, path: string, guard: Guard<V>): V {
  if (guard(value)) return value;
  throw new ApiError({ kind: 'bad_answer', message: `The answer to ${path} does not have the expected shape (is the server a different version?).`, nearest: [] }, path);
}

/** Keeps subscriptions by id and routes events to their handlers (both transports). */
class Subscriptions {
  private next = 0;
  readonly active = new Map<string, { topic: Topic; handler: (event: UiEvent) => void }>();

  add(topic: Topic, handler: (event: UiEvent) => void): string {
    this.next += 1;
    const id = `s${this.next}`;
    this.active.set(id, { topic, handler });
    return id;
  }

  dispatch(value: unknown): void {
    const event = decodeEvent(value);
    if (event) this.active.get(event.id)?.handler(event);
  }
}

export interface HttpApiOptions {
  /** Origin-relative base of the server (default: this page's origin). */
  base?: string;
  /** First reconnect delay in ms; doubles up to 10 s. */
  retryMillis?: number;
}

/** The standalone server's API: fetch + one reconnecting WebSocket. */
export function httpApi(options: HttpApiOptions = {}): StudioApi {
  const base = options.base ?? '';
  const subs = new Subscriptions();
  let socket: WebSocket | null = null;
  let delay = options.retryMillis ?? 500;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const watchers: ((state: ConnectionState) => void)[] = [];
  const tell = (state: ConnectionState): void => watchers.forEach((w) => w(state));

  const send = (message: object): void => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };
  const connect = (): void => {
    if (socket || subs.active.size === 0) return;
    const url = new URL(`${base}/ws`, window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url.href);
    socket = ws;
    ws.addEventListener('open', () => {
      delay = options.retryMillis ?? 500;
      tell('live');
      for (const [id, { topic }] of subs.active) send({ type: 'subscribe', id, ...topic });
    });
    ws.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (typeof event.data !== 'string') return;
      try {
        subs.dispatch(JSON.parse(event.data));
      } catch {
        // not JSON: ignore, as for an unknown message
      }
    });
    ws.addEventListener('close', (event) => {
      socket = null;
      // 4401: the token is missing or wrong; retrying cannot help.
      if (event.code === 4401) return tell('refused');
      if (subs.active.size === 0) return;
      tell('reconnecting');
      clearTimeout(retryTimer);
      retryTimer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 10_000);
    });
  };

  return {
    async get<V>(path: string, guard: Guard<V>): Promise<V> {
      // The page's first requests may already be on their way, or answered (boot.ts).
      const started = base === '' ? takePrefetched(path) : undefined;
      let response: Response;
      try {
        response = await (started?.response ?? fetchApi(`${base}${path}`));
      } catch (error) {
        throw new ApiError({ kind: 'network', message: `Could not reach the Metaflow Studio server (${error instanceof Error ? error.message : String(error)}). Is \`mfstudio ui\` still running?`, nearest: [] }, path);
      }
      let body: unknown;
      try {
        body = await (started?.body ?? response.json());
      } catch {
        throw new ApiError({ kind: 'bad_answer', message: `The server answered ${path} with ${response.status} ${response.statusText} and no JSON.`, nearest: [] }, path);
      }
      if (!response.ok) {
        throw new ApiError(decodeErrorBody(body) ?? { kind: 'internal', message: `The server answered ${path} with ${response.status}.`, nearest: [] }, path);
      }
      return checked(body, path, guard);
    },
    subscribe(topic, handler) {
      const id = subs.add(topic, handler);
      if (socket) send({ type: 'subscribe', id, ...topic });
      else connect();
      return () => {
        if (!subs.active.delete(id)) return;
        send({ type: 'unsubscribe', id });
      };
    },
    cardUrl: (task, hash) => cardPath(base, task, hash),
    onConnection: (handler) => watchers.push(handler),
  };
}

/** The side of a VS Code webview's postMessage link the API needs. */
export interface MessagePort {
  post(message: unknown): void;
  onMessage(handler: (message: unknown) => void): void;
}

/**
 * The API inside a VS Code webview. To the extension: `{type:'api', id, path}`,
 * `{type:'subscribe', id, topic, ...}`, `{type:'unsubscribe', id}`. From it:
 * `{type:'apiResult', id, body}` or `{type:'apiResult', id, error}`, and
 * `{type:'uiEvent', event}` carrying the server's subscription message unchanged.
 */
export function hostApi(port: MessagePort, options: { cardBase?: string } = {}): StudioApi {
  const subs = new Subscriptions();
  const pending = new Map<string, { resolve: (value: unknown) => void; reject: (error: ApiError) => void; path: string }>();
  let next = 0;
  port.onMessage((message) => {
    if (!isRecord(message)) return;
    if (message.type === 'uiEvent') subs.dispatch(message.event);
    if (message.type !== 'apiResult' || typeof message.id !== 'string') return;
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    const error = message.error === undefined ? null : decodeErrorBody({ error: message.error });
    if (message.error !== undefined) waiting.reject(new ApiError(error ?? { kind: 'internal', message: `The request ${waiting.path} failed.`, nearest: [] }, waiting.path));
    else waiting.resolve(message.body);
  });
  return {
    get<V>(path: string, guard: Guard<V>): Promise<V> {
      next += 1;
      const id = `r${next}`;
      return new Promise<unknown>((resolve, reject) => {
        pending.set(id, { resolve, reject, path });
        port.post({ type: 'api', id, path });
      }).then((body) => checked(body, path, guard));
    },
    subscribe(topic, handler) {
      const id = subs.add(topic, handler);
      port.post({ type: 'subscribe', id, ...topic });
      return () => {
        if (subs.active.delete(id)) port.post({ type: 'unsubscribe', id });
      };
    },
    // A webview cannot reach the server's /card route; the extension passes a base it serves.
    cardUrl: (task, hash) => (options.cardBase === undefined ? null : cardPath(options.cardBase, task, hash)),
  };
}
