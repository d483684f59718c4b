/**
 * Messages between the run form (src/runform/) and its host.
 *
 * `RunFormField` mirrors `FormField.to_json()` (pyserver/mfstudio/launch/form.py) and
 * `RunTarget` mirrors `Target.to_json()` (launch/targets.py) field for field. The host turns
 * `RunFormValues` into a `RunRequest` (launch/command.py): `params` by field name (blank
 * fields left out, meaning "the flow's default"), `target` the target's name and
 * `target_options` its options as typed. Server validation errors come back keyed by field
 * name or by `tags` / `max_workers` / `with` / `target`.
 */

export type RunFieldKind = 'string' | 'integer' | 'number' | 'boolean' | 'json' | 'file' | 'config';

export interface RunFormField {
  name: string;
  kind: RunFieldKind;
  /** The Parameter's type as written (`int`, `JSONType`, ...); null when not given. */
  type: string | null;
  /** The literal default, or null (no default, or an expression: see `default_text`). */
  default: unknown;
  /** The default's source text when it is an expression (e.g. a lambda), else null. */
  default_text: string | null;
  help: string | null;
  required: boolean;
}

export interface RunTargetOption {
  name: string;
  label: string;
  kind: 'integer' | 'number' | 'string';
  help: string;
}

export interface RunTarget {
  name: string;
  label: string;
  available: boolean;
  /** Why the target is not available and what to set up; null when available. */
  reason: string | null;
  options: RunTargetOption[];
}

export interface RunFormValues {
  /**
   * Values by field name, typed by kind: integer and number as numbers (an integer beyond
   * 2^53 as its text), boolean as a boolean, the rest (json and config included) as the
   * text typed. Fields left blank are absent.
   */
  params: Record<string, unknown>;
  tags: string[];
  max_workers: number | null;
  with_specs: string[];
  target: string;
  /** Options of `target` that were filled in, as typed. */
  target_options: Record<string, string>;
}

export interface RunFormState {
  flow: string;
  file: string;
  fields: RunFormField[];
  targets: RunTarget[];
  /** The values of the last launch of this flow, or null. */
  values: RunFormValues | null;
  /** The flow's lint errors: non-empty means it cannot be launched. */
  lint_errors: string[];
}

/** Messages the host sends to the run form. */
export type HostToForm =
  /** Initial or updated form (values: the last used ones, or null). */
  | { type: 'form'; state: RunFormState }
  /** The server's validation: messages keyed by field name or tags/max_workers/with/target. */
  | { type: 'errors'; errors: Record<string, string> }
  /** The answer to `pickFile`. */
  | { type: 'pickedFile'; field: string; path: string }
  | { type: 'launching' }
  /** The run started; `run` is its pathspec once known. */
  | { type: 'launched'; run: string | null }
  | { type: 'failed'; message: string };

/** Messages the run form sends to its host. */
export type FormToHost =
  | { type: 'ready' }
  | { type: 'launch'; values: RunFormValues }
  | { type: 'pickFile'; field: string }
  | { type: 'cancel' };
