/**
 * Driver of the standalone dev page (dev/dag.html), bundled to dist/dev.js.
 *
 * Plays the host over window.postMessage: waits for the view's `ready`, then sends the
 * sample graph (or `?steps=N`: a synthetic flow of N steps). `?theme=vscode-dark|
 * vscode-light|vscode-hc` imitates a VS Code theme (its --vscode-* variables and body
 * class); without it the page follows prefers-color-scheme. `?run=running|failed|succeeded`
 * draws a sample run over the graph (dev/sample-run.ts). Everything the view posts and
 * every CSP violation is recorded on `window.mfDev` for Playwright checks.
 */
import type { FlowGraph, HostToView, RunState, ViewToHost } from '../src/protocol';
import sample from './sample-graph.json';
import { SAMPLE_RUNS } from './sample-run';
import { syntheticGraph } from './synthetic';
import { applyTheme } from './themes';

interface DevApi {
  messages: ViewToHost[];
  violations: string[];
  graph: FlowGraph;
  /** Sample run states by name (`running`, `failed`, `succeeded`). */
  runs: Record<string, RunState>;
  send(message: HostToView): void;
}

declare global {
  interface Window {
    mfDev: DevApi;
  }
}

const params = new URLSearchParams(window.location.search);
const steps = Number(params.get('steps') ?? '0');
const graph: FlowGraph = steps > 0 ? syntheticGraph(steps) : (sample as FlowGraph);

applyTheme(params.get('theme'));

const api: DevApi = {
  messages: [],
  violations: [],
  graph,
  runs: SAMPLE_RUNS,
  send: (message) => window.postMessage(message, '*'),
};
window.mfDev = api;

document.addEventListener('securitypolicyviolation', (event) => {
  api.violations.push(`${event.violatedDirective}: ${event.blockedURI || event.sample}`);
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data as ViewToHost | null;
  if (typeof data !== 'object' || data === null || typeof data.type !== 'string') return;
  if (!['ready', 'revealStep', 'exported', 'rendered', 'error'].includes(data.type)) return;
  api.messages.push(data);
  if (data.type === 'ready' && params.get('manual') === null) {
    api.send({ type: 'graph', graph });
    const run = SAMPLE_RUNS[params.get('run') ?? ''];
    if (run) api.send({ type: 'runState', state: run });
  }
  if (data.type === 'error') console.error(`[dag view] ${data.message}`);
});
