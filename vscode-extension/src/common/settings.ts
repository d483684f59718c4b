/**
 * The extension's settings (`metaflow.*`), read into one typed object per workspace folder.
 * Pure: it takes anything with a `get` (vscode.WorkspaceConfiguration fits), so the
 * normalisation rules are unit-tested without an editor.
 */

export type TraceLevel = 'off' | 'messages' | 'verbose';

export interface Settings {
  /** An explicit interpreter, or undefined to discover one. */
  pythonPath: string | undefined;
  serverEnabled: boolean;
  /** Extra environment variables for the server process. */
  serverEnv: Record<string, string>;
  trace: TraceLevel;
  dagFollowCursor: boolean;
  /** A folder holding `.metaflow` for the Runs view, besides the workspace folders. */
  datastoreRoot: string | undefined;
}

/** The part of vscode.WorkspaceConfiguration this module reads. */
export interface ConfigurationLike {
  get(section: string): unknown;
}

/** Settings whose change requires a server restart (checked with affectsConfiguration). */
export const RESTART_SETTINGS = ['metaflow.pythonPath', 'metaflow.server', 'metaflow.datastoreRoot'] as const;

const TRACE_LEVELS: readonly TraceLevel[] = ['off', 'messages', 'verbose'];

/**
 * Reads `metaflow.*` from `config` (the `metaflow` section). Wrong types fall back to the
 * defaults; `${workspaceFolder}` and a leading `~` in pythonPath are expanded, blank means unset.
 */
export function readSettings(
  config: ConfigurationLike,
  context: { workspaceFolder?: string; home?: string } = {},
): Settings {
  return {
    pythonPath: normalisePath(config.get('pythonPath'), context),
    serverEnabled: asBoolean(config.get('server.enabled'), true),
    serverEnv: asStringRecord(config.get('server.env')),
    trace: asTrace(config.get('trace.server')),
    dagFollowCursor: asBoolean(config.get('dag.followCursor'), true),
    datastoreRoot: normalisePath(config.get('datastoreRoot'), context),
  };
}

function normalisePath(
  value: unknown,
  context: { workspaceFolder?: string; home?: string },
): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    return undefined;
  }
  let path = value.trim();
  if (context.workspaceFolder !== undefined) {
    path = path.split('${workspaceFolder}').join(context.workspaceFolder);
  }
  if (context.home !== undefined && (path === '~' || path.startsWith('~/'))) {
    path = context.home + path.slice(1);
  }
  return path;
}

function asBoolean(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

function asTrace(value: unknown): TraceLevel {
  return TRACE_LEVELS.find((level) => level === value) ?? 'off';
}

function asStringRecord(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return result;
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') {
      result[key] = item;
    } else if (typeof item === 'number' || typeof item === 'boolean') {
      result[key] = String(item);
    }
  }
  return result;
}
