/**
 * "Deploy as function": what the command was given (palette, code lens, Runs tree task,
 * or a full programmatic request) and the quick pick items it offers for functions, tasks
 * and targets. Pure (no vscode API) so the wording and the ordering are unit-tested.
 */
import type { DeployOptions, DeployTarget, FunctionInfo, FunctionTask } from '../common/functionsProtocol';

/** What the command knows before asking: anything missing is picked. */
export interface DeployDraft {
  uri?: string;
  function?: string;
  task?: string;
  target?: DeployTarget;
  options?: DeployOptions;
}

/** A quick pick item (structurally vscode.QuickPickItem) carrying what it stands for. */
export interface Pick<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
}

const TARGETS: readonly DeployTarget[] = ['call', 'serve', 'batch'];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function parseOptions(value: unknown): DeployOptions | undefined {
  if (!isObject(value)) return undefined;
  const options: DeployOptions = {};
  if (typeof value.port === 'number') options.port = value.port;
  for (const key of ['route', 'input_file', 'output_file'] as const) {
    const given = text(value[key]);
    if (given !== undefined) options[key] = given;
  }
  return options;
}

/**
 * The command's arguments as a draft. Accepted: nothing (palette); `[uri, name]` (the code
 * lens above a `@json_function`); a Runs tree task node (`{kind: 'task', task: {pathspec}}`);
 * `{uri, function, task?, target?, options?, input?}` (scripts and tests: `input` is the batch
 * target's JSON Lines file). URIs arrive as strings (the caller converts vscode.Uri).
 * Throws on a request that names an unknown target, so a script learns what it got wrong.
 */
export function parseDeployArgs(args: readonly unknown[]): DeployDraft {
  const [first, second] = args;
  if (typeof first === 'string') {
    return { uri: first, function: text(second) };
  }
  if (!isObject(first)) return {};
  if (first.kind === 'task' && isObject(first.task)) {
    return { task: text(first.task.pathspec) };
  }
  const draft: DeployDraft = { uri: text(first.uri), function: text(first.function), task: text(first.task) };
  if (first.target !== undefined) {
    if (!TARGETS.includes(first.target as DeployTarget)) {
      throw new Error(`Unknown deploy target ${JSON.stringify(first.target)}: use one of ${TARGETS.join(', ')}.`);
    }
    draft.target = first.target as DeployTarget;
  }
  const options = parseOptions(first.options);
  const input = text(first.input);
  if (options !== undefined || input !== undefined) {
    draft.options = { ...options, ...(input === undefined ? {} : { input_file: input }) };
  }
  return draft;
}

/** `reads model, feature_names`, `reads artifacts by name at run time`. */
export function readsText(reads: string[] | null): string {
  if (reads === null) return 'reads artifacts by name at run time';
  return reads.length === 0 ? 'reads no artifacts' : `reads ${reads.join(', ')}`;
}

export function functionItems(functions: readonly FunctionInfo[]): Pick<FunctionInfo>[] {
  return functions.map((fn) => ({
    label: `$(symbol-function) ${fn.name}`,
    description: fn.batch ? `${fn.module} · batch` : fn.module,
    detail: [fn.doc?.split('\n')[0]?.trim(), readsText(fn.reads)].filter((t) => t !== undefined && t !== '').join(' · '),
    value: fn,
  }));
}

/** `2026-11-26 20:59` in local time. */
function when(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Why a task cannot be bound, or null when it can. */
export function cannotBind(task: FunctionTask): string | null {
  return task.missing.length === 0 ? null : `${task.pathspec} lacks ${task.missing.join(', ')}, which the function reads.`;
}

/**
 * The tasks offered, the suggested one first and marked; tasks that lack an artifact the
 * function reads come last, dimmed by their icon and saying what they lack (picking one
 * explains why it cannot be bound).
 */
export function taskItems(tasks: readonly FunctionTask[], suggested: string | null): Pick<FunctionTask>[] {
  const rank = (t: FunctionTask): number => (t.pathspec === suggested ? 0 : t.missing.length === 0 ? 1 : 2);
  const ordered = tasks.map((task, index) => ({ task, index })).sort((a, b) => rank(a.task) - rank(b.task) || a.index - b.index);
  return ordered.map(({ task }) => {
    const facts = [task.run_status, task.finished_at === null ? null : when(task.finished_at)].filter((f): f is string => f !== null);
    if (task.pathspec === suggested) {
      return { label: `$(star-full) ${task.pathspec}`, description: ['suggested', ...facts].join(' · '), value: task };
    }
    if (task.missing.length > 0) {
      return { label: `$(circle-slash) ${task.pathspec}`, description: [`lacks ${task.missing.join(', ')}`, ...facts].join(' · '), detail: 'Cannot be bound: the function reads what this task lacks.', value: task };
    }
    return { label: `$(circle-outline) ${task.pathspec}`, description: facts.join(' · '), value: task };
  });
}

export const TARGET_LABELS: Record<DeployTarget, string> = {
  call: 'Test call (local process)',
  serve: 'Serve with FastAPI',
  batch: 'Batch on Ray (JSON Lines file)',
};

export function targetItems(fn?: FunctionInfo): Pick<DeployTarget>[] {
  const details: Record<DeployTarget, string> = {
    call: 'Runs the function in its own environment in a local process; send it requests from the panel.',
    serve: 'Starts an HTTP server on 127.0.0.1 with the OpenAPI page; send it requests from the panel.',
    batch: `Runs ${fn?.name ?? 'the function'} over every line of a JSON Lines file on a local Ray; writes the results beside it.`,
  };
  return TARGETS.map((target) => ({ label: TARGET_LABELS[target], detail: details[target], value: target }));
}

/** Where a batch writes its results: `<input stem>.predictions.jsonl` beside the input. */
export function defaultOutputFile(input: string): string {
  const slash = Math.max(input.lastIndexOf('/'), input.lastIndexOf('\\'));
  const dir = input.slice(0, slash + 1);
  const name = input.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return `${dir}${stem}.predictions.jsonl`;
}
