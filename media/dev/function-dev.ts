/**
 * Driver of the function panel's dev page (dev/function.html), bundled to
 * dist/function-dev.js.
 *
 * Plays the host over window.postMessage: answers `ready` with a served deployment (an
 * OpenAPI document whose names carry markup, to show they stay text) and every `send` with
 * a pending record, then its answer (`{"y": 2x + 1}`, or 422 without `x`). `?target=batch`
 * shows a batch half done; `?theme=...` as on the DAG dev page. What the page posts and
 * every CSP violation is recorded on `window.mfFunction` for Playwright checks.
 */
import type { FunctionPanelState, FunctionPanelToHost, HostToFunctionPanel } from '../src/functionPanelProtocol';
import { applyTheme } from './themes';

interface FunctionDevApi {
  messages: FunctionPanelToHost[];
  violations: string[];
  state: FunctionPanelState;
  send(message: HostToFunctionPanel): void;
}

declare global {
  interface Window {
    mfFunction: FunctionDevApi;
  }
}

const params = new URLSearchParams(window.location.search);
applyTheme(params.get('theme'));

const HOSTILE = '<img src=x onerror=alert(1)>';

const OPENAPI = {
  openapi: '3.1.0',
  paths: {
    '/predict': {
      post: {
        summary: `Predict ${HOSTILE}`,
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/PredictInput' } } } },
        responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/PredictOutput' } } } } },
      },
    },
    '/health': { get: { summary: 'Health' } },
  },
  components: {
    schemas: {
      PredictInput: { type: 'object', properties: { x: { type: 'number' }, [HOSTILE]: { type: 'string' } }, required: ['x'] },
      PredictOutput: { type: 'object', properties: { y: { type: 'number' } }, required: ['y'] },
    },
  },
};

const batch = params.get('target') === 'batch';
let state: FunctionPanelState = {
  deployment_id: 'dev-1',
  function: 'predict',
  module: 'functions.predict',
  task: 'TrainingFlow/1764200000000000/end/12',
  target: batch ? 'batch' : 'serve',
  stage: batch ? 'batch' : 'ready',
  message: batch ? 'predict on 2 Ray actors' : `Serving on http://127.0.0.1:8123 ${HOSTILE}`,
  reference: '{"version": 1, "function": "functions.predict:predict", "package": "sha256:4f2a…"}',
  url: batch ? null : 'http://127.0.0.1:8123',
  openapi: batch ? null : OPENAPI,
  input_example: { x: 0 },
  done: batch ? 8 : null,
  total: batch ? 20 : null,
  input_file: batch ? '/ws/functions/inputs.jsonl' : null,
  output_file: batch ? '/ws/functions/inputs.predictions.jsonl' : null,
  error: null,
  history: [],
};

const api: FunctionDevApi = {
  messages: [],
  violations: [],
  get state() {
    return state;
  },
  send: (message) => window.postMessage(message, '*'),
};
window.mfFunction = api;

document.addEventListener('securitypolicyviolation', (event) => {
  api.violations.push(`${event.violatedDirective}: ${event.blockedURI || event.sample}`);
});

function publish(next: FunctionPanelState): void {
  state = next;
  api.send({ type: 'state', state });
}

function answer(body: unknown): { status: number; body: unknown } {
  const x = typeof body === 'object' && body !== null ? (body as { x?: unknown }).x : undefined;
  return typeof x === 'number' ? { status: 200, body: { y: 2 * x + 1 } } : { status: 422, body: { detail: [{ loc: ['body', 'x'], msg: 'field required' }] } };
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data as FunctionPanelToHost | null;
  if (typeof data !== 'object' || data === null || !['ready', 'send', 'copyReference', 'openDocs', 'openOutput', 'stop'].includes(data.type)) return;
  api.messages.push(data);
  if (data.type === 'ready') publish(state);
  if (data.type === 'send') {
    const id = (state.history[0]?.id ?? 0) + 1;
    const pending = { id, sent_at: Date.now(), body: data.body, status: null, answer: null, elapsed_ms: null, error: null };
    publish({ ...state, history: [pending, ...state.history].slice(0, 10) });
    const { status, body } = answer(data.body);
    setTimeout(() => publish({ ...state, history: state.history.map((r) => (r.id === id ? { ...r, status, answer: body, elapsed_ms: 1.8 } : r)) }), 50);
  }
  if (data.type === 'stop') publish({ ...state, stage: 'stopped', message: 'Stopped' });
});
