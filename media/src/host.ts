/**
 * The transport between a front-end page (the DAG view, the run form) and whatever hosts it.
 *
 * - VS Code webview: `acquireVsCodeApi()` (postMessage, getState/setState survive reloads).
 * - Anything else (standalone page, iframe, notebook output, dev page): `window.postMessage`
 *   to the parent window (the window itself when top-level), state in sessionStorage.
 *   A WebSocket transport for the standalone server can implement the same `Transport`.
 * Incoming messages are validated by the page's own parser; anything else is ignored.
 */
import { isRunState } from './dag/runState';
import { isRecord } from './guards';
import type { ExportFormat, FlowGraph, HostToView, ViewToHost } from './protocol';

/** One page's link to its host: `In` are the host's messages, `Out` the page's. */
export interface Transport<In, Out> {
  readonly kind: 'vscode' | 'window';
  post(message: Out): void;
  onMessage(handler: (message: In) => void): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** The DAG view's transport. */
export type Host = Transport<HostToView, ViewToHost>;

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  // Provided by VS Code inside webviews only; may be called once per page load.
  var acquireVsCodeApi: (() => VsCodeApi) | undefined;
}

const EXPORT_FORMATS: readonly ExportFormat[] = ['svg', 'png'];

/** True when `value` has the shape of a FlowGraph that the view can draw. */
export function isFlowGraph(value: unknown): value is FlowGraph {
  if (!isRecord(value) || !isRecord(value.steps)) return false;
  if (value.flow !== null && typeof value.flow !== 'string') return false;
  return Object.values(value.steps).every(
    (step) => isRecord(step) && typeof step.type === 'string' && Array.isArray(step.next) && step.next.every((n) => typeof n === 'string'),
  );
}

/** `value` as a HostToView message, or null when it is not one (e.g. our own echo). */
export function parseHostMessage(value: unknown): HostToView | null {
  if (!isRecord(value)) return null;
  switch (value.type) {
    case 'graph':
      return isFlowGraph(value.graph) ? { type: 'graph', graph: value.graph } : null;
    case 'highlight':
      return value.step === null || typeof value.step === 'string' ? { type: 'highlight', step: value.step } : null;
    case 'export':
      return EXPORT_FORMATS.includes(value.format as ExportFormat) ? { type: 'export', format: value.format as ExportFormat } : null;
    case 'fit':
      return { type: 'fit' };
    case 'runState':
      return value.state === null || isRunState(value.state) ? { type: 'runState', state: value.state } : null;
    default:
      return null;
  }
}

function vscodeTransport<In, Out>(api: VsCodeApi, parse: (value: unknown) => In | null): Transport<In, Out> {
  return {
    kind: 'vscode',
    post: (message) => api.postMessage(message),
    onMessage: (handler) =>
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        const message = parse(event.data);
        if (message) handler(message);
      }),
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}

function windowTransport<In, Out>(parse: (value: unknown) => In | null, stateKey: string): Transport<In, Out> {
  const target = window.parent;
  return {
    kind: 'window',
    post: (message) => target.postMessage(message, '*'),
    onMessage: (handler) =>
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        // Only the parent (or this page itself, when top-level) may drive the page.
        if (event.source !== null && event.source !== target && event.source !== window) return;
        const message = parse(event.data);
        if (message) handler(message);
      }),
    getState: () => {
      try {
        const text = window.sessionStorage.getItem(stateKey);
        return text ? (JSON.parse(text) as unknown) : undefined;
      } catch {
        return undefined; // storage disabled (sandboxed frame) or corrupt: start fresh
      }
    },
    setState: (state) => {
      try {
        window.sessionStorage.setItem(stateKey, JSON.stringify(state));
      } catch {
        // storage disabled or full: state simply does not survive a reload
      }
    },
  };
}

/**
 * The transport of the page this runs in. `parse` validates the host's messages;
 * `stateKey` names the page's saved state outside VS Code (one key per kind of page).
 */
export function createTransport<In, Out>(parse: (value: unknown) => In | null, stateKey: string): Transport<In, Out> {
  const acquire = globalThis.acquireVsCodeApi;
  return typeof acquire === 'function' ? vscodeTransport(acquire(), parse) : windowTransport(parse, stateKey);
}

/** The DAG view's host. */
export function createHost(): Host {
  return createTransport(parseHostMessage, 'metaflow-studio.dag.state');
}
