/**
 * The transport between the front-end and whatever hosts it.
 *
 * - VS Code webview: `acquireVsCodeApi()` (postMessage, getState/setState survive reloads).
 * - Anything else (standalone page, iframe, notebook output, dev page): `window.postMessage`
 *   to the parent window (the window itself when top-level), state in sessionStorage.
 *   A WebSocket transport for the standalone server can implement the same `Host`.
 * Incoming messages are validated into `HostToView`; anything else is ignored.
 */
import type { ExportFormat, FlowGraph, HostToView, ViewToHost } from './protocol';

export interface Host {
  readonly kind: 'vscode' | 'window';
  post(message: ViewToHost): void;
  onMessage(handler: (message: HostToView) => void): void;
  getState(): unknown;
  setState(state: unknown): void;
}

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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
    default:
      return null;
  }
}

function vscodeHost(api: VsCodeApi): Host {
  return {
    kind: 'vscode',
    post: (message) => api.postMessage(message),
    onMessage: (handler) =>
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        const message = parseHostMessage(event.data);
        if (message) handler(message);
      }),
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}

const STATE_KEY = 'metaflow-studio.dag.state';

function windowHost(): Host {
  const target = window.parent;
  return {
    kind: 'window',
    post: (message) => target.postMessage(message, '*'),
    onMessage: (handler) =>
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        // Only the parent (or this page itself, when top-level) may drive the view.
        if (event.source !== null && event.source !== target && event.source !== window) return;
        const message = parseHostMessage(event.data);
        if (message) handler(message);
      }),
    getState: () => {
      try {
        const text = window.sessionStorage.getItem(STATE_KEY);
        return text ? (JSON.parse(text) as unknown) : undefined;
      } catch {
        return undefined; // storage disabled (sandboxed frame) or corrupt: start fresh
      }
    },
    setState: (state) => {
      try {
        window.sessionStorage.setItem(STATE_KEY, JSON.stringify(state));
      } catch {
        // storage disabled or full: state simply does not survive a reload
      }
    },
  };
}

/** The host this page runs in. */
export function createHost(): Host {
  const acquire = globalThis.acquireVsCodeApi;
  return typeof acquire === 'function' ? vscodeHost(acquire()) : windowHost();
}
