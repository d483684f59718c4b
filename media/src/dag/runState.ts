/**
 * A run drawn over the DAG: what each step shows, before any DOM.
 *
 * Pure (unit-tested under Node). The host sends `RunState` snapshots as the run advances;
 * this module validates them, fills in the steps the snapshot leaves out (pending), and
 * decides the texts: the progress pill of a multi-task step, the words screen readers hear,
 * and the run header's summary. runOverlay.ts applies the result to the live drawing.
 */
import { isCount, isRecord } from '../guards';
import type { RunState, StepRunState, StepRunStatus } from '../protocol';

export const STEP_RUN_STATUSES: readonly StepRunStatus[] = ['pending', 'running', 'succeeded', 'failed'];
const RUN_STATUSES: readonly RunState['status'][] = ['running', 'succeeded', 'failed'];

export const STATUS_WORDS: Record<StepRunStatus, string> = {
  pending: 'Pending',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
};

const PENDING: StepRunState = { status: 'pending', tasks: { running: 0, succeeded: 0, failed: 0 }, expected: null };

function isStepRunState(value: unknown): value is StepRunState {
  if (!isRecord(value) || !STEP_RUN_STATUSES.includes(value.status as StepRunStatus)) return false;
  const tasks = value.tasks;
  if (!isRecord(tasks) || !isCount(tasks.running) || !isCount(tasks.succeeded) || !isCount(tasks.failed)) return false;
  return value.expected === null || isCount(value.expected);
}

/** True when `value` is a RunState the overlay can draw. */
export function isRunState(value: unknown): value is RunState {
  if (!isRecord(value) || typeof value.run !== 'string' || !RUN_STATUSES.includes(value.status as RunState['status'])) return false;
  return isRecord(value.steps) && Object.values(value.steps).every(isStepRunState);
}

/** The flow a run belongs to: the first part of its pathspec (`Flow/run_id`). */
export function runFlow(state: RunState): string {
  return state.run.split('/')[0] ?? '';
}

/** True when `state` is a run of the drawn `flow` (a run of another flow is not drawn). */
export function runApplies(state: RunState | null, flow: string | null): state is RunState {
  return state !== null && flow !== null && runFlow(state) === flow;
}

/** The state of `step` in `state`; steps the snapshot leaves out are pending. */
export function stepState(state: RunState, step: string): StepRunState {
  return Object.prototype.hasOwnProperty.call(state.steps, step) ? (state.steps[step] ?? PENDING) : PENDING;
}

export interface Progress {
  /** Tasks that finished successfully. */
  done: number;
  /** Tasks the step will have (foreach: `expected`) or, while unknown, has started. */
  total: number;
  failed: number;
  /** `done/total`, what the pill shows. */
  text: string;
  /** `N failed`, shown in the error colour; null when none failed. */
  failedText: string | null;
}

/**
 * The progress pill of a multi-task step (a foreach body, a parallel step, or any step with
 * more than one task); null for a single-task step, which the glyph says all about.
 */
export function progressOf(s: StepRunState): Progress | null {
  const started = s.tasks.running + s.tasks.succeeded + s.tasks.failed;
  if (s.expected === null && started <= 1) return null;
  const done = s.tasks.succeeded;
  const total = Math.max(s.expected ?? 0, started);
  return { done, total, failed: s.tasks.failed, text: `${done}/${total}`, failedText: s.tasks.failed > 0 ? `${s.tasks.failed} failed` : null };
}

/** Width of the pill for `p`, from the same monospace estimate as decorator badges. */
export function pillWidth(p: Progress): number {
  const chars = p.text.length + (p.failedText ? p.failedText.length + 3 : 0);
  return Math.ceil(chars * PILL.charWidth + 2 * PILL.padding);
}

export const PILL = { charWidth: 6.3, padding: 7, height: 16 } as const;

/** The step's run state in words, for screen readers and tooltips. */
export function describeStep(s: StepRunState): string {
  const words = [STATUS_WORDS[s.status].toLowerCase()];
  const p = progressOf(s);
  if (p) {
    words.push(`${p.done} of ${p.total} tasks done`);
    if (s.tasks.running > 0) words.push(`${s.tasks.running} running`);
    if (p.failedText) words.push(p.failedText);
  }
  return words.join(', ');
}

/** What changes the drawing of a step: equal signatures need no DOM update. */
export function stepSignature(s: StepRunState): string {
  return `${s.status}|${s.tasks.running}|${s.tasks.succeeded}|${s.tasks.failed}|${s.expected ?? ''}`;
}

export interface RunSummary {
  counts: Record<StepRunStatus, number>;
  total: number;
  /** e.g. `3 of 7 steps done · 1 running · 1 failed`. */
  text: string;
}

/** Steps by state across the drawn `steps` (the flow's steps, ghosts excluded). */
export function summarizeRun(state: RunState, steps: readonly string[]): RunSummary {
  const counts: Record<StepRunStatus, number> = { pending: 0, running: 0, succeeded: 0, failed: 0 };
  for (const step of steps) counts[stepState(state, step).status] += 1;
  const parts = [`${counts.succeeded} of ${steps.length} step${steps.length === 1 ? '' : 's'} done`];
  if (counts.running > 0) parts.push(`${counts.running} running`);
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  return { counts, total: steps.length, text: parts.join(' · ') };
}
