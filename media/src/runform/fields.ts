/**
 * The run form's inputs, one builder per kind of value. Each returns a `FieldControl`:
 * the row (label, input, help, error slot) and how to show an error next to it.
 *
 * Labels are real `<label for>`s, help and errors are tied to the input with
 * `aria-describedby`, and every user string (names, help, defaults, reasons) goes in as
 * text. The builders only report changes (`onChange`); form.ts owns the draft and checks.
 */
import { append, html } from '../dag/dom';
import type { RunFormField, RunTarget, RunTargetOption } from '../runFormProtocol';
import { defaultHint, needsValue } from './values';

export interface FieldControl {
  /** The error key (field name, `tags`, `max_workers`, `with`, `target`, `target.<option>`). */
  key: string;
  root: HTMLElement;
  focus(): void;
  setError(message: string | null): void;
}

/** What a control tells the form: its new raw value and whether the browser could not read it. */
export type OnChange = (value: string | boolean | null, badInput: boolean) => void;

let counter = 0;
const nextId = (prefix: string): string => `rf-${prefix}-${(counter += 1)}`;

interface Row {
  root: HTMLElement;
  control: FieldControl;
}

/**
 * A row around `input`: label above, help and error below. `label` is built by the
 * caller (a parameter's name with its type, or plain words).
 */
function row(key: string, input: HTMLElement, label: Node, help: string | null, extra: Node | null = null): Row {
  const id = input.id || nextId('input');
  input.id = id;
  const error = html('div', { class: 'rf-field__error', id: `${id}-error`, hidden: '' });
  const helpEl = help ? html('div', { class: 'rf-field__help', id: `${id}-help` }, help) : null;
  input.setAttribute('aria-describedby', [helpEl?.id, error.id].filter(Boolean).join(' '));
  const root = append(
    html('div', { class: 'rf-field', 'data-key': key }),
    append(html('label', { class: 'rf-field__label', for: id }), label),
    append(html('div', { class: 'rf-field__input' }), input, extra),
    helpEl,
    error,
  );
  const control: FieldControl = {
    key,
    root,
    focus: () => input.focus(),
    setError: (message) => {
      error.textContent = message ?? '';
      error.hidden = message === null;
      root.classList.toggle('rf-field--invalid', message !== null);
      if (message === null) input.removeAttribute('aria-invalid');
      else input.setAttribute('aria-invalid', 'true');
    },
  };
  return { root, control };
}

function parameterLabel(field: RunFormField): Node {
  const label = append(html('span', { class: 'rf-label' }), html('span', { class: 'rf-label__name' }, field.name));
  const type = field.kind === 'file' ? 'file' : field.kind === 'config' ? 'config' : (field.type ?? 'str');
  label.appendChild(html('span', { class: 'rf-label__type' }, type));
  if (needsValue(field)) label.appendChild(html('span', { class: 'rf-label__required', title: 'required' }, '*'));
  return label;
}

export function textInput(kind: 'text' | 'integer' | 'number', value: string, placeholder: string): HTMLInputElement {
  const input = html('input', { class: 'rf-input', type: kind === 'text' ? 'text' : 'number', spellcheck: 'false', autocomplete: 'off' });
  if (kind !== 'text') input.step = kind === 'integer' ? '1' : 'any';
  input.value = value;
  input.placeholder = placeholder;
  return input;
}

export function jsonEditor(value: string, placeholder: string): HTMLTextAreaElement {
  const area = html('textarea', { class: 'rf-input rf-input--code', spellcheck: 'false', autocomplete: 'off', wrap: 'off' });
  area.rows = Math.min(12, Math.max(3, value.split('\n').length));
  area.value = value;
  area.placeholder = placeholder;
  return area;
}

/** The input for one parameter of the flow. `onPick` asks the host for a file (file fields). */
export function parameterControl(field: RunFormField, value: string | boolean | null, onChange: OnChange, onPick: () => void): FieldControl {
  const hint = defaultHint(field);
  const label = parameterLabel(field);
  const required = needsValue(field);
  let r: Row;
  if (field.kind === 'boolean') {
    const box = html('input', { class: 'rf-check', type: 'checkbox' });
    box.checked = typeof value === 'boolean' ? value : field.default === true;
    box.addEventListener('change', () => onChange(box.checked, false));
    const extra = html('span', { class: 'rf-check__hint' }, hint);
    r = row(field.name, box, label, field.help, extra);
    r.root.classList.add('rf-field--boolean');
  } else if (field.kind === 'json' || field.kind === 'config') {
    const area = jsonEditor(typeof value === 'string' ? value : '', hint);
    area.addEventListener('input', () => onChange(area.value, false));
    r = row(field.name, area, label, field.help);
  } else {
    const kind = field.kind === 'integer' || field.kind === 'number' ? field.kind : 'text';
    const input = textInput(kind, typeof value === 'string' ? value : '', hint);
    input.addEventListener('input', () => onChange(input.value, input.validity.badInput));
    let extra: HTMLElement | null = null;
    if (field.kind === 'file') {
      extra = html('button', { type: 'button', class: 'mf-button mf-button--secondary', 'aria-label': `Browse for ${field.name}` }, 'Browse…');
      extra.addEventListener('click', onPick);
    }
    r = row(field.name, input, label, field.help, extra);
  }
  const input = r.root.querySelector('input, textarea');
  if (required) input?.setAttribute('aria-required', 'true');
  r.root.classList.add(`rf-field--${field.kind}`);
  return r.control;
}

/** Sets the text of the parameter input of `control` (a file picked by the host). */
export function setControlText(control: FieldControl, text: string): void {
  const input = control.root.querySelector<HTMLInputElement>('input.rf-input');
  if (input) input.value = text;
}

/** A plain labelled input or textarea of the run options (tags, max workers, --with). */
export function optionControl(key: string, labelText: string, help: string, input: HTMLInputElement | HTMLTextAreaElement, onChange: OnChange): FieldControl {
  input.addEventListener('input', () => onChange(input.value, input instanceof HTMLInputElement && input.validity.badInput));
  return row(key, input, html('span', { class: 'rf-label' }, labelText), help).control;
}

/** The input of one option of a target (cpu, memory, image...). */
export function targetOptionControl(key: string, option: RunTargetOption, value: string, onChange: OnChange): FieldControl {
  const input = textInput(option.kind === 'string' ? 'text' : option.kind, value, '');
  return optionControl(key, option.label, option.help, input, onChange);
}

/**
 * The target picker: one radio per target; an unavailable one is disabled and says why
 * (what to configure). Arrow keys move between the available ones, as in any radio group.
 */
export function targetPicker(targets: readonly RunTarget[], selected: string, onSelect: (name: string) => void): { control: FieldControl; root: HTMLElement } {
  const name = nextId('target');
  const fieldset = html('fieldset', { class: 'rf-targets', 'data-key': 'target' });
  fieldset.appendChild(html('legend', { class: 'rf-section__title' }, 'Where to run'));
  const list = html('div', { class: 'rf-targets__list' });
  const radios: HTMLInputElement[] = [];
  for (const target of targets) {
    const id = nextId('target');
    const radio = html('input', { type: 'radio', class: 'rf-radio', name, id, value: target.name });
    radio.checked = target.name === selected;
    radio.disabled = !target.available;
    radio.addEventListener('change', () => {
      if (radio.checked) onSelect(target.name);
    });
    radios.push(radio);
    const item = append(
      html('div', { class: `rf-target${target.available ? '' : ' rf-target--unavailable'}`, 'data-target': target.name }),
      radio,
      append(html('label', { for: id, class: 'rf-target__label' }), html('span', { class: 'rf-target__name' }, target.label)),
    );
    if (target.reason) {
      const reason = html('div', { class: 'rf-target__reason', id: `${id}-reason` }, target.reason);
      radio.setAttribute('aria-describedby', reason.id);
      item.appendChild(reason);
    }
    list.appendChild(item);
  }
  const error = html('div', { class: 'rf-field__error', hidden: '' });
  append(fieldset, list, error);
  const control: FieldControl = {
    key: 'target',
    root: fieldset,
    focus: () => (radios.find((r) => r.checked) ?? radios.find((r) => !r.disabled))?.focus(),
    setError: (message) => {
      error.textContent = message ?? '';
      error.hidden = message === null;
      fieldset.classList.toggle('rf-field--invalid', message !== null);
    },
  };
  return { control, root: fieldset };
}
