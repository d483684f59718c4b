/**
 * The Runs tree's nodes and how each looks (label, description, icon, tooltip, context
 * value), as plain data. Pure, so the wording is unit-tested without an editor; runsTree.ts
 * turns an ItemSpec into a vscode.TreeItem. Everything shown comes from the server's
 * payloads: nothing here knows how Metaflow stores runs.
 */
import { Commands } from '../common/constants';
import type {
  ArtifactInfo,
  ArtifactPreview,
  RunInfo,
  RunStatus,
  StepSummary,
  TaskInfo,
} from '../common/runsProtocol';

export type RunsNode =
  | { kind: 'flow'; root: string; flow: string; showRoot: boolean }
  | { kind: 'run'; root: string; run: RunInfo }
  | { kind: 'step'; root: string; run: string; step: StepSummary }
  | { kind: 'task'; root: string; task: TaskInfo }
  | { kind: 'artifact'; root: string; artifact: ArtifactInfo }
  | { kind: 'preview'; parentId: string; index: number; text: string }
  | { kind: 'loadMore'; root: string; flow: string; cursor: string }
  | { kind: 'message'; parentId: string; text: string; severity: 'info' | 'warning' | 'error'; detail?: string };

export interface ItemSpec {
  /** Stable across refreshes, so expanded nodes stay expanded. */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon id, optionally with a theme colour id. */
  icon?: { id: string; color?: string };
  /** For `when` clauses in package.json (`viewItem == task.failed`, ...). */
  contextValue: string;
  collapsible: boolean;
  /** A command run on click. */
  command?: { command: string; title: string; arguments: unknown[] };
}

/** Preview lines shown under an artifact before "…". */
export const PREVIEW_MAX_LINES = 40;

const STATUS_ICONS: Record<RunStatus, { id: string; color?: string }> = {
  running: { id: 'loading~spin' },
  succeeded: { id: 'check', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
};

/** `820 B`, `1.2 kB`, `3.4 MB` (decimal units, like Metaflow's own sizes). */
export function formatSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** `0.4s`, `12s`, `3m 05s`, `2h 04m`. */
export function formatDuration(seconds: number): string {
  if (seconds < 10) {
    return `${Math.max(0, seconds).toFixed(1)}s`;
  }
  const whole = Math.round(seconds);
  if (whole < 60) {
    return `${whole}s`;
  }
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) {
    return `${minutes}m ${String(whole % 60).padStart(2, '0')}s`;
  }
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** `2026-11-26 20:59` in local time (sortable, unambiguous). */
export function formatTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `builtins.float` -> `float`, `pandas.core.frame.DataFrame` -> `DataFrame`. */
export function shortType(type: string): string {
  return type.slice(type.lastIndexOf('.') + 1) || type;
}

/** The status a step shows: failed if any task failed, running if any runs. */
export function stepStatus(step: StepSummary): RunStatus {
  if ((step.tasks.failed ?? 0) > 0) {
    return 'failed';
  }
  return (step.tasks.running ?? 0) > 0 ? 'running' : 'succeeded';
}

/** `6 tasks`, `6 tasks · 1 failed · 2 running`. */
export function taskCounts(step: StepSummary): string {
  const total = (step.tasks.succeeded ?? 0) + (step.tasks.failed ?? 0) + (step.tasks.running ?? 0);
  const parts = [`${total} ${total === 1 ? 'task' : 'tasks'}`];
  if ((step.tasks.failed ?? 0) > 0) {
    parts.push(`${step.tasks.failed} failed`);
  }
  if ((step.tasks.running ?? 0) > 0) {
    parts.push(`${step.tasks.running} running`);
  }
  return parts.join(' · ');
}

export function nodeId(node: RunsNode): string {
  switch (node.kind) {
    case 'flow':
      return `${node.root}|${node.flow}`;
    case 'run':
      return `${node.root}|${node.run.pathspec}`;
    case 'step':
      return `${node.root}|${node.run}/${node.step.name}`;
    case 'task':
      return `${node.root}|${node.task.pathspec}`;
    case 'artifact':
      return `${node.root}|${node.artifact.pathspec}|${node.artifact.name}`;
    case 'preview':
      return `${node.parentId}|preview:${node.index}`;
    case 'loadMore':
      return `${node.root}|${node.flow}|more`;
    case 'message':
      return `${node.parentId}|message:${node.text}`;
  }
}

/** The pathspec a node stands for (what "Copy pathspec" copies), if any. */
export function pathspecOf(node: RunsNode): string | undefined {
  switch (node.kind) {
    case 'flow':
      return node.flow;
    case 'run':
      return node.run.pathspec;
    case 'step':
      return `${node.run}/${node.step.name}`;
    case 'task':
      return node.task.pathspec;
    case 'artifact':
      return `${node.artifact.pathspec}/${node.artifact.name}`;
    default:
      return undefined;
  }
}

function runItem(node: Extract<RunsNode, { kind: 'run' }>): Omit<ItemSpec, 'id'> {
  const { run } = node;
  const description: string[] = [];
  if (run.started_at !== null) {
    description.push(formatTime(run.started_at));
  }
  if (run.duration_s !== null) {
    description.push(formatDuration(run.duration_s));
  }
  if (run.tags.length > 0) {
    description.push(run.tags.join(', '));
  }
  const params = Object.entries(run.parameters).map(([k, v]) => `${k}=${v}`);
  const tooltip = [
    `${run.pathspec}: ${run.status}`,
    run.user !== null ? `user: ${run.user}` : undefined,
    run.started_at !== null ? `started: ${formatTime(run.started_at)}` : undefined,
    run.finished_at !== null ? `finished: ${formatTime(run.finished_at)}` : undefined,
    run.tags.length > 0 ? `tags: ${run.tags.join(', ')}` : undefined,
    params.length > 0 ? `parameters: ${params.join(', ')}` : undefined,
    run.origin_run_id ? `resumed from run ${run.origin_run_id}` : undefined,
  ].filter((line) => line !== undefined);
  return {
    label: run.run_id,
    description: description.join(' · '),
    tooltip: tooltip.join('\n'),
    icon: STATUS_ICONS[run.status],
    contextValue: `run.${run.status}`,
    collapsible: true,
  };
}

function taskItem(task: TaskInfo): Omit<ItemSpec, 'id'> {
  const attempt = task.attempt === null ? 'not started' : `attempt ${task.attempt}`;
  return {
    label: `${task.step}/${task.task_id}`,
    description: `${attempt} · ${task.status}`,
    tooltip: `${task.pathspec}\n${attempt}, ${task.status}${task.finished_at !== null ? `, finished ${formatTime(task.finished_at)}` : ''}`,
    icon: STATUS_ICONS[task.status],
    contextValue: `task.${task.status}`,
    collapsible: true,
  };
}

/** How `node` looks in the tree. */
export function itemSpec(node: RunsNode): ItemSpec {
  const id = nodeId(node);
  switch (node.kind) {
    case 'flow':
      return {
        id,
        label: node.flow,
        description: node.showRoot ? node.root : undefined,
        tooltip: `${node.flow} (runs in ${node.root}/.metaflow)`,
        icon: { id: 'type-hierarchy' },
        contextValue: 'flow',
        collapsible: true,
      };
    case 'run':
      return { id, ...runItem(node) };
    case 'step': {
      const status = stepStatus(node.step);
      const failure = node.step.first_failure;
      return {
        id,
        label: node.step.name,
        description: taskCounts(node.step) + (node.step.duration_s !== null ? ` · ${formatDuration(node.step.duration_s)}` : ''),
        tooltip: failure ? `First failure: ${failure.pathspec}\n${failure.exception_type ?? ''}: ${failure.message ?? ''}` : undefined,
        icon: STATUS_ICONS[status],
        contextValue: `step.${status}`,
        collapsible: true,
      };
    }
    case 'task':
      return { id, ...taskItem(node.task) };
    case 'artifact':
      return {
        id,
        label: node.artifact.name,
        description: `${formatSize(node.artifact.size)} · ${shortType(node.artifact.type)}`,
        tooltip: `${node.artifact.type}, ${formatSize(node.artifact.size)} (${node.artifact.encoding})\nsha ${node.artifact.sha}\nExpand to preview the value.`,
        icon: { id: 'symbol-variable' },
        contextValue: 'artifact',
        collapsible: true,
      };
    case 'preview':
      return { id, label: node.text === '' ? ' ' : node.text, contextValue: 'preview', collapsible: false };
    case 'loadMore':
      return {
        id,
        label: 'Load more runs…',
        icon: { id: 'more' },
        contextValue: 'loadMore',
        collapsible: false,
        command: { command: Commands.loadMoreRuns, title: 'Load more runs', arguments: [node] },
      };
    case 'message':
      return {
        id,
        label: node.text,
        tooltip: node.detail ?? node.text,
        icon: node.severity === 'info' ? { id: 'info' } : { id: node.severity, color: node.severity === 'error' ? 'errorForeground' : 'problemsWarningIcon.foreground' },
        contextValue: 'message',
        collapsible: false,
      };
  }
}

/** The lines an artifact's preview shows: a header for shaped values, then the text. */
export function previewLines(preview: ArtifactPreview): string[] {
  const lines: string[] = [];
  if (preview.shape) {
    const what = preview.kind === 'dataframe' ? 'DataFrame' : preview.kind === 'array' ? 'array' : shortType(preview.type);
    const dtype = preview.dtype ? `, ${preview.dtype}` : '';
    lines.push(`${what} ${preview.shape.join(' × ')}${dtype}`);
  }
  if (preview.columns && preview.columns.length > 0) {
    lines.push(`columns: ${preview.columns.join(', ')}`);
  }
  const body = preview.preview.split(/\r?\n/);
  lines.push(...body.slice(0, PREVIEW_MAX_LINES));
  if (body.length > PREVIEW_MAX_LINES || preview.truncated) {
    lines.push('…');
  }
  return lines;
}
