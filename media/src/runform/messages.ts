/**
 * Validation of the host's messages to the run form (see runFormProtocol.ts): a message of
 * the wrong shape is ignored rather than half-applied.
 */
import { isRecord, isStringArray, isStringRecord } from '../guards';
import type { HostToForm, RunFieldKind, RunFormField, RunFormState, RunFormValues, RunTarget } from '../runFormProtocol';

const FIELD_KINDS: readonly RunFieldKind[] = ['string', 'integer', 'number', 'boolean', 'json', 'file', 'config'];
const OPTION_KINDS = ['integer', 'number', 'string'];

const isNullableString = (value: unknown): value is string | null => value === null || typeof value === 'string';

function isField(value: unknown): value is RunFormField {
  return (
    isRecord(value) &&
    typeof value.name === 'string' &&
    FIELD_KINDS.includes(value.kind as RunFieldKind) &&
    isNullableString(value.type) &&
    isNullableString(value.default_text) &&
    isNullableString(value.help) &&
    typeof value.required === 'boolean'
  );
}

function isTarget(value: unknown): value is RunTarget {
  return (
    isRecord(value) &&
    typeof value.name === 'string' &&
    typeof value.label === 'string' &&
    typeof value.available === 'boolean' &&
    isNullableString(value.reason) &&
    Array.isArray(value.options) &&
    value.options.every((o) => isRecord(o) && typeof o.name === 'string' && typeof o.label === 'string' && OPTION_KINDS.includes(o.kind as string) && typeof o.help === 'string')
  );
}

function isValues(value: unknown): value is RunFormValues {
  return (
    isRecord(value) &&
    isRecord(value.params) &&
    isStringArray(value.tags) &&
    (value.max_workers === null || typeof value.max_workers === 'number') &&
    isStringArray(value.with_specs) &&
    typeof value.target === 'string' &&
    isStringRecord(value.target_options)
  );
}

export function isFormState(value: unknown): value is RunFormState {
  return (
    isRecord(value) &&
    typeof value.flow === 'string' &&
    typeof value.file === 'string' &&
    Array.isArray(value.fields) &&
    value.fields.every(isField) &&
    Array.isArray(value.targets) &&
    value.targets.every(isTarget) &&
    (value.values === null || isValues(value.values)) &&
    isStringArray(value.lint_errors)
  );
}

/** `value` as a HostToForm message, or null when it is not one (e.g. our own echo). */
export function parseFormMessage(value: unknown): HostToForm | null {
  if (!isRecord(value)) return null;
  switch (value.type) {
    case 'form':
      return isFormState(value.state) ? { type: 'form', state: value.state } : null;
    case 'errors':
      return isStringRecord(value.errors) ? { type: 'errors', errors: value.errors } : null;
    case 'pickedFile':
      return typeof value.field === 'string' && typeof value.path === 'string' ? { type: 'pickedFile', field: value.field, path: value.path } : null;
    case 'launching':
      return { type: 'launching' };
    case 'launched':
      return isNullableString(value.run) ? { type: 'launched', run: value.run } : null;
    case 'failed':
      return typeof value.message === 'string' ? { type: 'failed', message: value.message } : null;
    default:
      return null;
  }
}
