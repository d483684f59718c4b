/**
 * The run form's values: what the user typed (a `Draft`), the checks done before anything
 * is sent, and the `RunFormValues` the host receives.
 *
 * Pure (unit-tested under Node). The checks mirror the server's (launch/form.py,
 * launch/command.py) so most mistakes are shown as they are typed; the server checks again
 * (it alone knows, e.g., whether a file exists) and its errors use the same keys.
 */
import type { RunFormField, RunFormState, RunFormValues, RunTarget, RunTargetOption } from '../runFormProtocol';
import { isRecord, isStringRecord } from '../guards';
import { checkJson } from './jsonCheck';

/** What the user typed. Text is kept as typed; '' (or null for a boolean) is "the flow's default". */
export interface Draft {
  params: Record<string, string | boolean | null>;
  /** Comma-separated. */
  tags: string;
  maxWorkers: string;
  /** One decospec per line. */
  withSpecs: string;
  target: string;
  /** Option texts by target name, so switching targets back and forth keeps them. */
  targetOptions: Record<string, Record<string, string>>;
}

/** Error keys besides field names (the server uses the same ones). */
export const KEYS = { tags: 'tags', maxWorkers: 'max_workers', with: 'with', target: 'target' } as const;

/** The key of a target option's error (client-side only; the server reports `target`). */
export function optionKey(option: string): string {
  return `target.${option}`;
}

const MAX_TAG_CHARS = 512;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OPTION_VALUE = /^[^,=\s]+$/;
const INTEGER = /^[+-]?\d+$/;
/** Decimal numbers only: what Python's float() and a number input agree on (no 0x10). */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function isNumberText(text: string): boolean {
  return NUMBER.test(text) && Number.isFinite(Number(text));
}

export function isBlank(value: string | boolean | null | undefined): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** True when the form must have a value: required and no default in the source. */
export function needsValue(field: RunFormField): boolean {
  return field.required && (field.default === null || field.default === undefined);
}

/** `value` as the form shows it in a text box. */
function asText(value: unknown, kind: RunFormField['kind']): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (kind === 'json' || kind === 'config' || typeof value === 'object') return JSON.stringify(value, null, 2);
  return String(value);
}

/** What the placeholder says when the field is blank: the default the flow will use. */
export function defaultHint(field: RunFormField): string {
  if (field.default_text !== null && field.default_text !== undefined) return `default: ${field.default_text}`;
  if (field.default === null || field.default === undefined) return needsValue(field) ? 'required' : 'no default';
  if (field.kind === 'boolean') return `default: ${field.default === true ? 'true' : 'false'}`;
  return `default: ${typeof field.default === 'string' ? field.default : JSON.stringify(field.default)}`;
}

/** The first available target (local is listed first by the server). */
function firstAvailable(targets: readonly RunTarget[]): string {
  return (targets.find((t) => t.available) ?? targets[0])?.name ?? 'local';
}

/** The draft a fresh form starts from: the last used values when given, else blanks. */
export function initialDraft(state: RunFormState): Draft {
  const last = state.values;
  const params: Draft['params'] = {};
  for (const field of state.fields) {
    const value = last?.params[field.name];
    params[field.name] = field.kind === 'boolean' ? (typeof value === 'boolean' ? value : null) : asText(value, field.kind);
  }
  const target = last && state.targets.some((t) => t.name === last.target && t.available) ? last.target : firstAvailable(state.targets);
  return {
    params,
    tags: last ? last.tags.join(', ') : '',
    maxWorkers: last?.max_workers != null ? String(last.max_workers) : '',
    withSpecs: last ? last.with_specs.join('\n') : '',
    target,
    targetOptions: last ? { [last.target]: { ...last.target_options } } : {},
  };
}

/** The message shown next to `field` for `value`, or null when it is fine. */
export function fieldError(field: RunFormField, value: string | boolean | null, badInput = false): string | null {
  if (badInput) return field.kind === 'integer' ? 'Expected a whole number.' : 'Expected a number.';
  if (isBlank(value)) return needsValue(field) ? 'Required: the flow has no default for it.' : null;
  if (typeof value === 'boolean') return null;
  const text = (value ?? '').trim();
  switch (field.kind) {
    case 'integer':
      return INTEGER.test(text) ? null : `Expected a whole number, got "${text}".`;
    case 'number':
      return isNumberText(text) ? null : `Expected a number, got "${text}".`;
    case 'json':
    case 'config': {
      const problem = checkJson(value ?? '');
      return problem ? `Not valid JSON at line ${problem.line}, column ${problem.column}: ${problem.message}.` : null;
    }
    default:
      return null;
  }
}

/** Tags from a comma-separated list: trimmed, blanks and repeats dropped. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim()).filter((t) => t !== ''))];
}

export function tagsError(text: string): string | null {
  const long = parseTags(text).find((t) => t.length > MAX_TAG_CHARS);
  return long ? `A tag is at most ${MAX_TAG_CHARS} characters ("${long.slice(0, 20)}…" has ${long.length}).` : null;
}

export function maxWorkersError(text: string): string | null {
  if (text.trim() === '') return null;
  return INTEGER.test(text.trim()) && Number(text) >= 1 ? null : 'Expected a whole number of 1 or more.';
}

/** Decospecs, one per non-blank line. */
export function parseWithSpecs(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Null when `spec` reads as a decospec (`name` or `name:key=value,...`), else why not. */
export function withSpecError(spec: string): string | null {
  const colon = spec.indexOf(':');
  const name = colon < 0 ? spec : spec.slice(0, colon);
  if (!NAME.test(name)) return `"${spec}": expected a decorator name such as retry or kubernetes:cpu=2.`;
  const options = colon < 0 ? [] : spec.slice(colon + 1).split(',').filter((o) => o !== '');
  for (const option of options) {
    const eq = option.indexOf('=');
    if (eq < 0 || !NAME.test(option.slice(0, eq)) || option.slice(eq + 1) === '') return `"${spec}": options are written key=value, separated by commas.`;
  }
  return null;
}

export function withError(text: string): string | null {
  for (const [i, spec] of text.split('\n').entries()) {
    if (spec.trim() === '') continue;
    const problem = withSpecError(spec.trim());
    if (problem) return `Line ${i + 1}: ${problem}`;
  }
  return null;
}

export function optionError(option: RunTargetOption, text: string): string | null {
  const value = text.trim();
  if (value === '') return null;
  if (option.kind === 'integer' && !INTEGER.test(value)) return `Expected a whole number, got "${value}".`;
  if (option.kind === 'number' && !isNumberText(value)) return `Expected a number, got "${value}".`;
  return OPTION_VALUE.test(value) ? null : 'A value cannot contain commas, "=" or spaces.';
}

export function targetError(targets: readonly RunTarget[], name: string): string | null {
  const target = targets.find((t) => t.name === name);
  if (!target) return `Choose where to run: "${name}" is not a target of this form.`;
  return target.available ? null : `${target.label} is not available: ${target.reason ?? 'not configured'}.`;
}

/** Every problem of `draft`, keyed like the server's errors, in the form's order. */
export function validateDraft(state: RunFormState, draft: Draft, badInputs: ReadonlySet<string> = new Set()): Record<string, string> {
  const errors: Record<string, string> = {};
  const put = (key: string, message: string | null): void => {
    if (message) errors[key] = message;
  };
  for (const field of state.fields) put(field.name, fieldError(field, draft.params[field.name] ?? null, badInputs.has(field.name)));
  put(KEYS.target, targetError(state.targets, draft.target));
  const target = state.targets.find((t) => t.name === draft.target);
  for (const option of target?.options ?? []) put(optionKey(option.name), optionError(option, draft.targetOptions[draft.target]?.[option.name] ?? ''));
  put(KEYS.tags, tagsError(draft.tags));
  put(KEYS.maxWorkers, badInputs.has(KEYS.maxWorkers) ? 'Expected a whole number of 1 or more.' : maxWorkersError(draft.maxWorkers));
  put(KEYS.with, withError(draft.withSpecs));
  return errors;
}

function typedValue(field: RunFormField, value: string | boolean): unknown {
  if (typeof value === 'boolean') return value;
  const text = field.kind === 'json' || field.kind === 'config' ? value : value.trim();
  if (field.kind === 'integer') {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : text; // the server parses the text exactly
  }
  if (field.kind === 'number') return Number(text);
  return text;
}

/** What the host receives for a valid `draft` (blank fields left out: the flow's defaults). */
export function toValues(state: RunFormState, draft: Draft): RunFormValues {
  const params: Record<string, unknown> = {};
  for (const field of state.fields) {
    const value = draft.params[field.name] ?? null;
    if (value !== null && !isBlank(value)) params[field.name] = typedValue(field, value);
  }
  const options: Record<string, string> = {};
  const target = state.targets.find((t) => t.name === draft.target);
  for (const option of target?.options ?? []) {
    const text = (draft.targetOptions[draft.target]?.[option.name] ?? '').trim();
    if (text !== '') options[option.name] = text;
  }
  return {
    params,
    tags: parseTags(draft.tags),
    max_workers: draft.maxWorkers.trim() === '' ? null : Number(draft.maxWorkers.trim()),
    with_specs: parseWithSpecs(draft.withSpecs),
    target: draft.target,
    target_options: options,
  };
}

/**
 * `previous` (what the user had typed) carried over to a new version of the form: values
 * of fields that still exist (with the same kind of input) are kept, new fields start
 * from `initialDraft`. Used when the flow is edited while its form is open, and after a
 * reload of the page.
 */
export function carryOver(state: RunFormState, previous: Draft): Draft {
  const fresh = initialDraft(state);
  const params = { ...fresh.params };
  for (const field of state.fields) {
    const old = previous.params[field.name];
    if (old === undefined) continue;
    if (field.kind === 'boolean' ? old === null || typeof old === 'boolean' : typeof old === 'string') params[field.name] = old;
  }
  const targetOk = state.targets.some((t) => t.name === previous.target && t.available);
  return { ...previous, params, target: targetOk ? previous.target : fresh.target };
}

/** True when `value` has the shape of a Draft (saved state is checked before use). */
export function isDraft(value: unknown): value is Draft {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const params = v.params;
  return (
    typeof params === 'object' &&
    params !== null &&
    Object.values(params).every((p) => p === null || typeof p === 'string' || typeof p === 'boolean') &&
    typeof v.tags === 'string' &&
    typeof v.maxWorkers === 'string' &&
    typeof v.withSpecs === 'string' &&
    typeof v.target === 'string' &&
    isRecord(v.targetOptions) &&
    Object.values(v.targetOptions).every(isStringRecord)
  );
}
