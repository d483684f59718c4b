/**
 * The debugging requests of the language server (pyserver/mfstudio/lsp/protocol.py:
 * DEBUG_PLAN, LAUNCH_CONFIGURATIONS) and the `metaflow` debug type's names. The requests
 * join the run requests' typed map, so `server.request('metaflow/debugPlan', ...)` is typed.
 */

/** The debug type package.json contributes (mfstudio.launch.debug.DEBUG_TYPE). */
export const DEBUG_TYPE = 'metaflow';

export const DebugCommands = {
  debugStep: 'metaflow.debugStep',
  debugFailedTask: 'metaflow.runs.debugFailedTask',
  generateLaunchJson: 'metaflow.generateLaunchJson',
} as const;

export type DebugMode = 'spin' | 'run';

/** mfstudio.launch.debug.DebugPlan.to_json(). */
export interface DebugPlan {
  mode: DebugMode;
  flow_file: string;
  /** `Flow/run/step/task` for spin. */
  task: string | null;
  /** Which task and why that one, in words for the user. */
  why: string;
  /** What debugpy runs: mfstudio's in-process task runner, else the flow file. */
  program: string;
  args: string[];
  /** Why the task runs in spin's child process rather than in the launched one; null: in process. */
  forks: string | null;
}

/** A module the interpreter cannot import, and the command that installs it there. */
export interface InterpreterProblem {
  module: string;
  message: string;
  install: string[];
}

export interface DebugPlanParams {
  uri: string;
  step?: string;
  task?: string;
  flow?: string;
  mode?: DebugMode;
}

export interface DebugPlanResult {
  plan: DebugPlan;
  /** The arguments of debugpy's `launch` request (`python: [path, ...]`, `subProcess`, ...),
   * and `adapterCommand`: how to start debugpy's adapter for it. */
  launch: Record<string, unknown> & { python: string[]; cwd: string; program: string; adapterCommand: string[] };
  python: string;
  cwd: string;
  datastore: string | null;
  problems: InterpreterProblem[];
}

/** One launch.json entry of the `metaflow` type. */
export interface MetaflowLaunchEntry {
  type: typeof DEBUG_TYPE;
  request: 'launch';
  name: string;
  flowFile: string;
  mode: DebugMode;
  step?: string;
  task?: string;
}

declare module '../common/runsProtocol' {
  interface RunRequestTypes {
    'metaflow/debugPlan': [DebugPlanParams, DebugPlanResult];
    'metaflow/launchConfigurations': [{ uri: string; flow?: string; flow_file?: string }, { configurations: MetaflowLaunchEntry[] }];
  }
}
