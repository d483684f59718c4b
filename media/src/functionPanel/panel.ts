/**
 * The function panel: one deployment of a `@json_function` (docs/vscode-extension.md,
 * "Deploy as function"). It renders the host's state (what is deployed where, its stage,
 * the reference, for serve the URL and the OpenAPI operations, for batch the records done)
 * and has a request editor whose Send posts the parsed JSON to the host; the answers and
 * the last requests come back in the state. Every string from the function, the task or the
 * server goes in as text.
 */
import { append, clear, html } from '../dag/dom';
import { ENDED_STAGES, type FunctionPanelState, type FunctionPanelToHost, type PanelStage, type RequestRecord } from '../functionPanelProtocol';
import { operationsOf, type BodySchema } from './openapi';

const TARGET_LABELS: Record<FunctionPanelState['target'], string> = {
  call: 'Test call (local process)',
  serve: 'Served with FastAPI',
  batch: 'Batch on Ray (JSON Lines file)',
};

const STAGE_LABELS: Record<PanelStage, string> = {
  bind: 'binding',
  environment: 'building the environment',
  start: 'starting',
  ready: 'ready',
  batch: 'running the batch',
  done: 'done',
  failed: 'failed',
  stopped: 'stopped',
};

/** What survives a reload of the page: the request being typed, per deployment. */
export interface SavedPanel {
  deployment_id: string;
  draft: string;
}

/** JSON text of `value` for the editor and the answers (2-space indent). */
export function showJson(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value, null, 2) ?? String(value));
}

/** The editor's text as a body, or the reason it is not JSON. */
export function parseBody(text: string): { body: unknown } | { error: string } {
  if (text.trim() === '') return { error: 'Type a JSON body first, e.g. {"x": 1}.' };
  try {
    return { body: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: `Not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function statusClass(status: number | null): string {
  if (status === null) return 'fp-status fp-status--pending';
  return status >= 200 && status < 300 ? 'fp-status fp-status--ok' : 'fp-status fp-status--error';
}

function fact(term: string, value: string, className = ''): HTMLElement[] {
  return [html('dt', {}, term), html('dd', { class: className }, value)];
}

function section(title: string, ...children: (Node | null)[]): HTMLElement {
  return append(html('section', { class: 'fp-section', 'aria-label': title }), html('h2', { class: 'fp-section__title' }, title), ...children);
}

function schemaBlock(label: string, schema: BodySchema | null): HTMLElement {
  const block = append(html('div', { class: 'fp-schema' }), html('div', { class: 'fp-schema__label' }, schema === null ? `${label}: none` : `${label}: ${schema.name}`));
  if (schema !== null && schema.fields.length > 0) {
    const list = html('ul', { class: 'fp-fields' });
    for (const field of schema.fields) {
      append(
        list,
        append(
          html('li', { class: 'fp-field' }),
          html('code', { class: 'fp-field__name' }, field.name),
          html('span', { class: 'fp-field__type' }, field.type),
          field.required ? html('span', { class: 'fp-field__required' }, 'required') : null,
        ),
      );
    }
    block.appendChild(list);
  }
  return block;
}

export class FunctionPanel {
  private state: FunctionPanelState | null = null;
  /** The editor's text was typed (or restored): new examples no longer replace it. */
  private edited = false;
  private readonly header = html('header', { class: 'fp-header' });
  /** Redrawn on every state; the request section between them stays, so typing keeps focus. */
  private readonly facts = html('div', { class: 'fp-body' });
  private readonly answers = html('div', { class: 'fp-answers' });
  private readonly editor = html('textarea', {
    class: 'fp-editor',
    id: 'fp-editor',
    rows: 8,
    spellcheck: 'false',
    'aria-label': 'Request body (JSON)',
    'aria-describedby': 'fp-editor-error',
  });
  private readonly editorError = html('div', { class: 'fp-editor__error', id: 'fp-editor-error', role: 'alert', hidden: '' });
  private readonly sendButton = html('button', { type: 'button', class: 'mf-button mf-button--primary fp-send' }, 'Send');
  private readonly requestSection: HTMLElement;

  constructor(
    mount: HTMLElement,
    private readonly post: (message: FunctionPanelToHost) => void,
    private readonly save: (saved: SavedPanel) => void,
    private readonly saved: SavedPanel | null,
  ) {
    this.sendButton.addEventListener('click', () => this.send());
    this.editor.addEventListener('input', () => {
      this.edited = true;
      this.editorError.hidden = true;
      if (this.state !== null) this.save({ deployment_id: this.state.deployment_id, draft: this.editor.value });
    });
    // Ctrl/Cmd+Enter sends from the editor.
    this.editor.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.send();
      }
    });
    const actions = append(html('div', { class: 'fp-actions' }), this.sendButton, html('span', { class: 'fp-hint' }, 'Ctrl+Enter sends'));
    this.requestSection = section('Request', this.editor, this.editorError, actions);
    this.requestSection.hidden = true;
    append(mount, append(html('main', { class: 'fp' }), this.header, this.facts, this.requestSection, this.answers));
  }

  show(state: FunctionPanelState): void {
    const first = this.state === null || this.state.deployment_id !== state.deployment_id;
    this.state = state;
    if (first && this.saved !== null && this.saved.deployment_id === state.deployment_id) {
      this.editor.value = this.saved.draft;
      this.edited = true;
    }
    if (!this.edited && state.input_example !== null && state.input_example !== undefined) {
      this.editor.value = showJson(state.input_example);
    }
    this.render(state);
  }

  private send(): void {
    const state = this.state;
    if (state === null || state.stage !== 'ready') return;
    const parsed = parseBody(this.editor.value);
    if ('error' in parsed) {
      this.editorError.textContent = parsed.error;
      this.editorError.hidden = false;
      this.editor.focus();
      return;
    }
    this.post({ type: 'send', body: parsed.body });
  }

  private render(state: FunctionPanelState): void {
    const ended = ENDED_STAGES.includes(state.stage);
    clear(this.header);
    const stop = html('button', { type: 'button', class: 'mf-button mf-button--secondary fp-stop' }, 'Stop');
    stop.addEventListener('click', () => this.post({ type: 'stop' }));
    stop.disabled = ended;
    append(
      this.header,
      html('h1', { class: 'fp-title' }, state.function),
      html('span', { class: `fp-stage fp-stage--${state.stage}`, role: 'status' }, STAGE_LABELS[state.stage]),
      html('span', { class: 'fp-spacer' }),
      stop,
    );

    clear(this.facts);
    clear(this.answers);
    const facts = append(
      html('dl', { class: 'fp-facts' }),
      ...fact('Function', state.module ? `${state.module}.${state.function}` : state.function),
      ...fact('Task', state.task, 'fp-mono'),
      ...fact('Target', TARGET_LABELS[state.target]),
      ...fact('State', state.message || STAGE_LABELS[state.stage], 'fp-message'),
    );
    this.facts.appendChild(facts);
    if (state.error !== null) {
      this.facts.appendChild(html('div', { class: 'fp-banner fp-banner--error', role: 'alert' }, `${state.error.kind}: ${state.error.message}`));
    }
    if (state.target === 'batch') this.facts.appendChild(this.batchSection(state));
    if (state.reference !== null) this.facts.appendChild(this.referenceSection(state.reference));
    if (state.target === 'serve' && state.url !== null) this.facts.appendChild(this.serveSection(state.url, state.openapi));
    this.requestSection.hidden = state.target === 'batch';
    this.sendButton.disabled = state.stage !== 'ready';
    if (state.target !== 'batch') this.answers.appendChild(this.answerSection(state.history));
  }

  private referenceSection(reference: string): HTMLElement {
    const copy = html('button', { type: 'button', class: 'mf-button mf-button--secondary fp-copy' }, 'Copy');
    copy.addEventListener('click', () => this.post({ type: 'copyReference' }));
    return section('Reference', append(html('div', { class: 'fp-row' }), html('code', { class: 'fp-reference', title: reference }, reference), copy));
  }

  private serveSection(url: string, openapi: unknown): HTMLElement {
    const docs = html('button', { type: 'button', class: 'mf-button mf-button--secondary fp-docs' }, 'Open API docs');
    docs.addEventListener('click', () => this.post({ type: 'openDocs' }));
    const operations = html('ul', { class: 'fp-operations' });
    for (const op of operationsOf(openapi)) {
      append(
        operations,
        append(
          html('li', { class: 'fp-operation' }),
          append(
            html('div', { class: 'fp-operation__head' }),
            html('span', { class: `fp-method fp-method--${op.method.toLowerCase()}` }, op.method),
            html('code', { class: 'fp-operation__path' }, op.path),
            op.summary === null ? null : html('span', { class: 'fp-operation__summary' }, op.summary),
          ),
          op.request === null ? null : schemaBlock('Request', op.request),
          op.response === null ? null : schemaBlock('Response', op.response),
        ),
      );
    }
    return section('Server', append(html('div', { class: 'fp-row' }), html('code', { class: 'fp-url' }, url), docs), operations);
  }

  private batchSection(state: FunctionPanelState): HTMLElement {
    const progress = html('progress', { class: 'fp-progress', max: state.total ?? 1, value: state.total === null ? null : (state.done ?? 0) });
    const counts = state.done === null ? 'waiting for the first records' : state.total === null ? `${state.done} records` : `${state.done} of ${state.total} records`;
    const files = append(
      html('dl', { class: 'fp-facts' }),
      ...fact('Input', state.input_file ?? '', 'fp-mono'),
      ...fact('Output', state.output_file ?? '', 'fp-mono'),
    );
    const open = html('button', { type: 'button', class: 'mf-button mf-button--secondary fp-open-output' }, 'Open output');
    open.addEventListener('click', () => this.post({ type: 'openOutput' }));
    open.disabled = state.stage !== 'done';
    return section('Batch', append(html('div', { class: 'fp-row' }), progress, html('span', { class: 'fp-counts' }, counts)), files, open);
  }

  private answerSection(history: RequestRecord[]): HTMLElement {
    const [last] = history;
    if (last === undefined) return section('Answer', html('p', { class: 'fp-muted' }, 'Send a request to see the answer here.'));
    const head = append(
      html('div', { class: 'fp-row fp-answer__head' }),
      html('span', { class: statusClass(last.status) }, last.status === null ? (last.error === null ? 'sending…' : 'not sent') : String(last.status)),
      last.elapsed_ms === null ? null : html('span', { class: 'fp-muted fp-elapsed' }, `${last.elapsed_ms.toFixed(1)} ms`),
    );
    const answer = html('pre', { class: 'fp-answer', tabindex: 0 }, last.error ?? showJson(last.answer));
    const list = html('ol', { class: 'fp-history', 'aria-label': 'Last requests, newest first' });
    for (const record of history) {
      const item = html('button', { type: 'button', class: 'fp-history__item', title: 'Put this body in the editor' });
      append(
        item,
        html('span', { class: statusClass(record.status) }, record.status === null ? '…' : String(record.status)),
        html('code', { class: 'fp-history__body' }, JSON.stringify(record.body) ?? ''),
        html('span', { class: 'fp-muted' }, record.elapsed_ms === null ? '' : `${record.elapsed_ms.toFixed(1)} ms`),
      );
      item.addEventListener('click', () => {
        this.editor.value = showJson(record.body);
        this.edited = true;
        this.editor.focus();
      });
      list.appendChild(append(html('li'), item));
    }
    return append(section('Answer', head, answer), html('h2', { class: 'fp-section__title' }, 'History'), list);
  }
}
