/**
 * The run form: builds the page for a `RunFormState`, keeps the user's draft, checks it as
 * it is typed, and posts `launch` with the values when everything is valid.
 *
 * Errors are shown next to their input: the client's own checks as the user types (format
 * errors at once, "required" once the field was left or on Run), the server's when they
 * arrive; on Run and on server errors the first invalid input gets the focus.
 */
import { append, clear, html } from '../dag/dom';
import type { FormToHost, RunFormState } from '../runFormProtocol';
import type { FieldControl, OnChange } from './fields';
import { jsonEditor, optionControl, parameterControl, setControlText, targetOptionControl, targetPicker, textInput } from './fields';
import type { Draft } from './values';
import { KEYS, carryOver, initialDraft, isBlank, needsValue, optionKey, toValues, validateDraft } from './values';

/** What survives a reload of the page: the draft of the form it showed. */
export interface SavedForm {
  flow: string;
  file: string;
  draft: Draft;
}

export class RunForm {
  private state: RunFormState | null = null;
  private draft: Draft | null = null;
  /** Inputs by error key, in the order they appear. */
  private readonly controls = new Map<string, FieldControl>();
  private readonly badInputs = new Set<string>();
  /** Keys the user has left once: "required" shows for them before Run is pressed. */
  private readonly touched = new Set<string>();
  private launching = false;
  private readonly title = html('h1', { class: 'rf-title' });
  private readonly file = html('span', { class: 'rf-file' });
  private readonly lintBanner = html('div', { class: 'rf-banner rf-banner--error', role: 'alert', hidden: '' });
  private readonly failBanner = html('div', { class: 'rf-banner rf-banner--error rf-banner--failed', role: 'alert', hidden: '' });
  private readonly body = html('div', { class: 'rf-body' });
  private readonly targetOptions = html('div', { class: 'rf-target-options' });
  private readonly runButton = html('button', { type: 'submit', class: 'mf-button mf-button--primary rf-run' });
  private readonly status = html('span', { class: 'rf-status', role: 'status' });
  private readonly form = html('form', { class: 'rf-form', novalidate: '', 'aria-label': 'Run the flow' });

  constructor(
    mount: HTMLElement,
    private readonly post: (message: FormToHost) => void,
    private readonly save: (saved: SavedForm) => void,
  ) {
    const cancel = html('button', { type: 'button', class: 'mf-button mf-button--secondary rf-cancel' }, 'Cancel');
    cancel.addEventListener('click', () => this.post({ type: 'cancel' }));
    const actions = append(html('div', { class: 'rf-actions' }), this.runButton, cancel, this.status);
    append(this.form, this.lintBanner, this.failBanner, this.body, actions);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    // Ctrl/Cmd+Enter runs from anywhere, including the multi-line editors.
    this.form.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.submit();
      }
    });
    this.form.addEventListener('focusout', (event) => {
      const key = (event.target as Element | null)?.closest<HTMLElement>('[data-key]')?.dataset.key;
      if (key === undefined) return;
      this.touched.add(key);
      this.check(key);
    });
    this.setRunLabel();
    const header = append(html('header', { class: 'rf-header' }), this.title, this.file);
    append(mount, append(html('main', { class: 'rf' }), header, this.form));
  }

  /** Shows `state`; a draft of the same flow (being typed, or saved) is carried over. */
  show(state: RunFormState, saved: SavedForm | null = null): void {
    const previous = this.state && this.draft && this.state.flow === state.flow && this.state.file === state.file ? this.draft : null;
    const restored = saved && saved.flow === state.flow && saved.file === state.file ? saved.draft : null;
    const base = previous ?? restored;
    this.state = state;
    this.draft = base ? carryOver(state, base) : initialDraft(state);
    this.render();
    this.persist();
  }

  /** The server's validation: each message next to its input; the first one focused. */
  showErrors(errors: Record<string, string>): void {
    this.setLaunching(false);
    const unknown = Object.entries(errors).filter(([key]) => !this.controls.has(key));
    for (const [key, control] of this.controls) control.setError(errors[key] ?? null);
    this.showFailure(unknown.length > 0 ? unknown.map(([key, message]) => `${key}: ${message}`).join('\n') : null);
    this.focusFirst(errors);
  }

  pickedFile(field: string, path: string): void {
    const control = this.controls.get(field);
    if (!control || !this.draft) return;
    setControlText(control, path);
    this.draft.params[field] = path;
    this.check(field);
    this.persist();
    control.focus();
  }

  setLaunching(on: boolean): void {
    this.launching = on;
    this.form.setAttribute('aria-busy', String(on));
    this.setRunLabel();
    if (on) {
      this.status.textContent = 'Starting the run…';
      this.showFailure(null);
    }
  }

  launched(run: string | null): void {
    this.setLaunching(false);
    this.status.textContent = run ? `Run started: ${run}` : 'Run started.';
  }

  failed(message: string): void {
    this.setLaunching(false);
    this.status.textContent = '';
    this.showFailure(message);
  }

  private showFailure(message: string | null): void {
    clear(this.failBanner);
    this.failBanner.hidden = message === null;
    if (message !== null) append(this.failBanner, html('strong', {}, 'The run could not start. '), html('span', { class: 'rf-banner__text' }, message));
  }

  private setRunLabel(): void {
    const blocked = (this.state?.lint_errors.length ?? 0) > 0;
    this.runButton.disabled = this.launching || blocked || this.state === null;
    this.runButton.title = blocked ? 'Fix the errors in the flow first' : 'Run (Ctrl+Enter)';
    clear(this.runButton);
    if (this.launching) append(this.runButton, html('span', { class: 'rf-spinner', 'aria-hidden': 'true' }), html('span', {}, 'Starting…'));
    else this.runButton.textContent = 'Run';
  }

  private render(): void {
    const state = this.state;
    const draft = this.draft;
    if (!state || !draft) return;
    this.controls.clear();
    this.badInputs.clear();
    this.touched.clear();
    this.title.textContent = `Run ${state.flow}`;
    this.file.textContent = state.file.split(/[\\/]/).pop() ?? state.file;
    this.file.title = state.file;
    this.renderLint(state.lint_errors);
    this.showFailure(null);
    this.status.textContent = '';
    clear(this.body);

    const params = this.section('Parameters');
    if (state.fields.length === 0) params.appendChild(html('p', { class: 'rf-muted' }, 'This flow takes no parameters.'));
    for (const field of state.fields) {
      const control = parameterControl(field, draft.params[field.name] ?? null, this.changed(field.name, (v) => (draft.params[field.name] = v)), () =>
        this.post({ type: 'pickFile', field: field.name }),
      );
      this.add(params, control);
    }

    const where = html('section', { class: 'rf-section' });
    const picker = targetPicker(state.targets, draft.target, (name) => {
      draft.target = name;
      this.renderTargetOptions();
      this.check(KEYS.target);
      this.persist();
    });
    this.controls.set(picker.control.key, picker.control);
    append(this.body, append(where, picker.root, this.targetOptions));
    this.renderTargetOptions();

    const options = this.section('Run options');
    const tags = textInput('text', draft.tags, 'e.g. experiment, nightly');
    this.add(options, optionControl(KEYS.tags, 'Tags', 'Comma-separated; each is added with --tag.', tags, this.changed(KEYS.tags, (v) => (draft.tags = String(v ?? '')))));
    const workers = textInput('integer', draft.maxWorkers, 'default: 16');
    workers.min = '1';
    this.add(options, optionControl(KEYS.maxWorkers, 'Max workers', 'Tasks run at the same time (--max-workers).', workers, this.changed(KEYS.maxWorkers, (v) => (draft.maxWorkers = String(v ?? '')))));
    const specs = jsonEditor(draft.withSpecs, 'e.g. retry:times=2\nresources:memory=8192');
    specs.classList.add('rf-input--lines');
    this.add(options, optionControl(KEYS.with, 'Extra decorators', 'One per line, added to every step with --with.', specs, this.changed(KEYS.with, (v) => (draft.withSpecs = String(v ?? '')))));
    this.setRunLabel();
  }

  private renderTargetOptions(): void {
    const state = this.state;
    const draft = this.draft;
    if (!state || !draft) return;
    for (const key of [...this.controls.keys()]) if (key.startsWith('target.')) this.controls.delete(key);
    clear(this.targetOptions);
    const target = state.targets.find((t) => t.name === draft.target);
    if (!target || target.options.length === 0) {
      this.targetOptions.hidden = true;
      return;
    }
    this.targetOptions.hidden = false;
    this.targetOptions.setAttribute('aria-label', `${target.label} options`);
    const values = (draft.targetOptions[target.name] ??= {});
    for (const option of target.options) {
      const key = optionKey(option.name);
      const control = targetOptionControl(key, option, values[option.name] ?? '', this.changed(key, (v) => (values[option.name] = String(v ?? ''))));
      this.controls.set(key, control);
      this.targetOptions.appendChild(control.root);
    }
  }

  private renderLint(errors: readonly string[]): void {
    clear(this.lintBanner);
    this.lintBanner.hidden = errors.length === 0;
    if (errors.length === 0) return;
    const flow = this.state?.flow ?? 'The flow';
    append(
      this.lintBanner,
      html('strong', {}, `${flow} has ${errors.length === 1 ? 'an error' : `${errors.length} errors`}: fix ${errors.length === 1 ? 'it' : 'them'} before running.`),
      append(html('ul', { class: 'rf-banner__list' }), ...errors.map((e) => html('li', {}, e))),
    );
  }

  private section(title: string): HTMLElement {
    const s = append(html('section', { class: 'rf-section' }), html('h2', { class: 'rf-section__title' }, title));
    this.body.appendChild(s);
    return s;
  }

  private add(parent: HTMLElement, control: FieldControl): void {
    this.controls.set(control.key, control);
    parent.appendChild(control.root);
  }

  /** The change handler of input `key`: stores the value, re-checks, saves the draft. */
  private changed(key: string, store: (value: string | boolean | null) => void): OnChange {
    return (value, badInput) => {
      store(value);
      if (badInput) this.badInputs.add(key);
      else this.badInputs.delete(key);
      this.check(key);
      this.persist();
    };
  }

  /**
   * Re-checks input `key`. Format errors show at once; "required" only once the input was
   * left (or on Run), so a fresh form does not open covered in red.
   */
  private check(key: string): void {
    const state = this.state;
    const draft = this.draft;
    const control = this.controls.get(key);
    if (!state || !draft || !control) return;
    const message = validateDraft(state, draft, this.badInputs)[key] ?? null;
    const field = state.fields.find((f) => f.name === key);
    const missing = field !== undefined && needsValue(field) && isBlank(draft.params[key]);
    control.setError(missing && !this.touched.has(key) ? null : message);
  }

  private submit(): void {
    const state = this.state;
    const draft = this.draft;
    if (!state || !draft || this.launching || state.lint_errors.length > 0) return;
    const errors = validateDraft(state, draft, this.badInputs);
    for (const [key, control] of this.controls) control.setError(errors[key] ?? null);
    if (Object.keys(errors).length > 0) {
      this.focusFirst(errors);
      return;
    }
    this.setLaunching(true);
    this.post({ type: 'launch', values: toValues(state, draft) });
  }

  private focusFirst(errors: Record<string, string>): void {
    for (const [key, control] of this.controls) {
      if (errors[key] !== undefined) {
        control.focus();
        return;
      }
    }
  }

  private persist(): void {
    if (this.state && this.draft) this.save({ flow: this.state.flow, file: this.state.file, draft: this.draft });
  }
}
