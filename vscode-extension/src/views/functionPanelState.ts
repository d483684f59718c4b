/**
 * The function panel's state (media/src/functionPanelProtocol.ts) and how it changes: a
 * `metaflow/functionProgress` event, a request sent, its answer. Pure: unit-tested. The host
 * keeps it and sends all of it to the page on every change, so a reloaded page shows the same.
 */
import { HISTORY_MAX, type FunctionPanelState, type RequestRecord } from '../../../media/src/functionPanelProtocol';
import type { DeployOptions, DeployStage, DeployTarget, FunctionInfo, FunctionProgressParams } from '../common/functionsProtocol';

export type { FunctionPanelState, RequestRecord } from '../../../media/src/functionPanelProtocol';

// The panel's stage and target names are the protocol's: fail the build if they drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const sameStages: Same<DeployStage, FunctionPanelState['stage']> = true;
const sameTargets: Same<DeployTarget, FunctionPanelState['target']> = true;
void sameStages;
void sameTargets;

export interface DeploymentSpec {
  deployment_id: string;
  function: Pick<FunctionInfo, 'name' | 'module'>;
  task: string;
  target: DeployTarget;
  options?: DeployOptions;
}

export function initialState(spec: DeploymentSpec): FunctionPanelState {
  return {
    deployment_id: spec.deployment_id,
    function: spec.function.name,
    module: spec.function.module,
    task: spec.task,
    target: spec.target,
    stage: 'bind',
    message: 'Starting the deployment',
    reference: null,
    url: null,
    openapi: null,
    input_example: null,
    done: null,
    total: null,
    input_file: spec.options?.input_file ?? null,
    output_file: spec.options?.output_file ?? null,
    error: null,
    history: [],
  };
}

/** `state` after a progress event of its deployment (fields the event leaves out are kept). */
export function applyProgress(state: FunctionPanelState, event: FunctionProgressParams): FunctionPanelState {
  const next: FunctionPanelState = { ...state, stage: event.stage, message: event.message };
  if (event.reference !== undefined) next.reference = event.reference;
  if (event.url !== undefined) next.url = event.url;
  if (event.openapi !== undefined) next.openapi = event.openapi;
  if (event.input_example !== undefined) next.input_example = event.input_example;
  if (typeof event.done === 'number') next.done = event.done;
  if (event.total !== undefined) next.total = event.total;
  if (event.output_file !== undefined) next.output_file = event.output_file;
  if (event.error !== undefined) next.error = event.error;
  return next;
}

/** `state` with a new pending request first (the oldest dropped past HISTORY_MAX). */
export function addRequest(state: FunctionPanelState, body: unknown, now: number): { state: FunctionPanelState; record: RequestRecord } {
  const id = (state.history[0]?.id ?? 0) + 1;
  const record: RequestRecord = { id, sent_at: now, body, status: null, answer: null, elapsed_ms: null, error: null };
  return { state: { ...state, history: [record, ...state.history].slice(0, HISTORY_MAX) }, record };
}

/** `state` with request `id` answered (or failed, with `error`). */
export function settleRequest(
  state: FunctionPanelState,
  id: number,
  outcome: { status: number; body: unknown; elapsed_ms: number } | { error: string },
): FunctionPanelState {
  const history = state.history.map((r) =>
    r.id !== id ? r : 'error' in outcome ? { ...r, error: outcome.error } : { ...r, status: outcome.status, answer: outcome.body, elapsed_ms: outcome.elapsed_ms },
  );
  return { ...state, history };
}
