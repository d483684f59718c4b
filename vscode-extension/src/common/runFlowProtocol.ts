/**
 * Running flows: the requests and notifications of pyserver/mfstudio/lsp/run_flow.py
 * (method names in lsp/protocol.py). The run form's payloads are typed once, in
 * media/src/runFormProtocol.ts, and the DAG overlay's RunState in media/src/protocol.ts.
 */
import type { RunState } from '../../../media/src/protocol';
import type { RunFormState, RunFormValues } from '../../../media/src/runFormProtocol';

export type { FormToHost, HostToForm, RunFormState, RunFormValues } from '../../../media/src/runFormProtocol';
export type { RunState } from '../../../media/src/protocol';

export const RunFlowRequests = {
  runForm: 'metaflow/runForm',
  launchRun: 'metaflow/launchRun',
  resumeRun: 'metaflow/resumeRun',
  cancelRun: 'metaflow/cancelRun',
  watchRun: 'metaflow/watchRun',
  unwatchRun: 'metaflow/unwatchRun',
} as const;

export const RUN_OUTPUT_NOTIFICATION = 'metaflow/runOutput';
export const RUN_STATE_NOTIFICATION = 'metaflow/runState';

/** `metaflow/launchRun` / `resumeRun`: started, or validation errors by form key. */
export type LaunchAnswer = { launch_id: string; cwd: string; argv: string[] } | { errors: Record<string, string> };

export interface RunFlowParams {
  'metaflow/runForm': { uri: string; flow?: string };
  'metaflow/launchRun': { uri: string; flow?: string; values: RunFormValues };
  'metaflow/resumeRun': { uri: string; run: string; step?: string };
  'metaflow/cancelRun': { launch_id: string };
  'metaflow/watchRun': { run?: string; flow?: string; uri?: string; root?: string };
  'metaflow/unwatchRun': { watch_id: string };
}

export interface RunFlowResults {
  'metaflow/runForm': RunFormState;
  'metaflow/launchRun': LaunchAnswer;
  'metaflow/resumeRun': LaunchAnswer;
  'metaflow/cancelRun': { cancelled: boolean };
  'metaflow/watchRun': { watch_id: string };
  'metaflow/unwatchRun': { stopped: boolean };
}

export type RunFlowMethod = keyof RunFlowParams;

/** `metaflow/runOutput`: lines of a launch; the last one carries `exit_code`. */
export interface RunOutputParams {
  launch_id: string;
  run: string | null;
  lines: string[];
  exit_code: number | null;
  cancelled: boolean;
}

/** `metaflow/runState`: a new state of a watched run (a launch's own watch has `launch_id`). */
export interface RunStateParams {
  watch_id: string;
  launch_id: string | null;
  state: RunState;
}
