/**
 * Driver of the run form's dev page (dev/runform.html), bundled to dist/runform-dev.js.
 *
 * Plays the host over window.postMessage: answers the form's `ready` with the sample form
 * (dev/sample-form.ts); `?values=1` with the last values filled in, `?lint=1` with lint
 * errors, `?manual=1` sends nothing; `?theme=...` as on the DAG dev page. What the form
 * posts and every CSP violation is recorded on `window.mfForm` for Playwright checks.
 */
import type { FormToHost, HostToForm, RunFormState } from '../src/runFormProtocol';
import { SAMPLE_FORM, SAMPLE_LINT_ERRORS, SAMPLE_VALUES } from './sample-form';
import { applyTheme } from './themes';

interface FormDevApi {
  messages: FormToHost[];
  violations: string[];
  state: RunFormState;
  send(message: HostToForm): void;
}

declare global {
  interface Window {
    mfForm: FormDevApi;
  }
}

const params = new URLSearchParams(window.location.search);
applyTheme(params.get('theme'));

const state: RunFormState = {
  ...SAMPLE_FORM,
  values: params.get('values') === null ? null : SAMPLE_VALUES,
  lint_errors: params.get('lint') === null ? [] : SAMPLE_LINT_ERRORS,
};

const api: FormDevApi = { messages: [], violations: [], state, send: (message) => window.postMessage(message, '*') };
window.mfForm = api;

document.addEventListener('securitypolicyviolation', (event) => {
  api.violations.push(`${event.violatedDirective}: ${event.blockedURI || event.sample}`);
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data as FormToHost | null;
  if (typeof data !== 'object' || data === null || !['ready', 'launch', 'pickFile', 'cancel'].includes(data.type)) return;
  api.messages.push(data);
  if (data.type === 'ready' && params.get('manual') === null) api.send({ type: 'form', state });
});
