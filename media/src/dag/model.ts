/**
 * FlowGraph -> DAG model: what to draw, before any geometry.
 *
 * Pure and DOM-free (unit-tested under Node). Decides node kinds, subtitles, badges,
 * sizes, edge labels (foreach artifact, switch case keys, parallel width), self-loops
 * (recursive switch), "ghost" nodes for transitions to steps that do not exist yet (a
 * half-typed `self.next(self.`), and which diagnostics belong to which step.
 */
import type {
  DecoratorInfo,
  DiagnosticInfo,
  FlowGraph,
  ParameterInfo,
  StepInfo,
  StepType,
} from '../protocol';

export type NodeSeverity = 'error' | 'warning' | null;

export interface Badge {
  /** What the node shows, e.g. `@retry`. */
  text: string;
  /** The decorator as written with its attributes, e.g. `@retry(times=2)`. */
  title: string;
}

export interface DagNode {
  /** The step name: the key used for diffs, DOM `data-step` and `revealStep`. */
  id: string;
  type: StepType;
  /** `start`/`end` by name: they get the accent look whatever their type. */
  terminal: 'start' | 'end' | null;
  /** Name as displayed (ellipsised when very long; the tooltip has the full name). */
  label: string;
  /** Second line: the step's kind in words, e.g. `foreach grid`, `parallel ×4`. */
  subtitle: string;
  badges: Badge[];
  /** Badges not shown for lack of room (`+N`). */
  hiddenBadges: number;
  severity: NodeSeverity;
  /** Diagnostic messages of this step, in source order. */
  messages: string[];
  /** Plain-text tooltip (name, kind, docstring, decorators, diagnostics). */
  tooltip: string;
  /** True for a target of `self.next` that is not a step of the flow. */
  ghost: boolean;
  /** Draws a self-loop: a switch case that goes back to the same step. */
  selfLoop: boolean;
  width: number;
  height: number;
  line: number;
}

export type EdgeKind = 'linear' | 'split' | 'foreach' | 'parallel' | 'switch' | 'join' | 'missing';

export interface DagEdge {
  /** `from->to`: the key used for diffs. */
  id: string;
  from: string;
  to: string;
  kind: EdgeKind;
  label: string | null;
  selfLoop: boolean;
}

export interface DagModel {
  flow: string | null;
  /** The flow class's docstring, shown as text in the side panel. */
  flowDoc: string;
  file: string;
  nodes: DagNode[];
  edges: DagEdge[];
  parameters: ParameterInfo[];
  flowDecorators: Badge[];
  /** Diagnostics that no step's source range contains (syntax errors, flow-level lint). */
  otherDiagnostics: DiagnosticInfo[];
  errorCount: number;
  warningCount: number;
}

/** Text metrics, estimated (the layout runs without a DOM; names use a monospace font). */
export const METRICS = {
  nameCharWidth: 7.8, // 13px monospace
  subtitleCharWidth: 6.2, // 11px UI font, average
  badgeCharWidth: 6.3, // 10.5px monospace
  badgePadding: 6,
  badgeGap: 4,
  badgeHeight: 16,
  paddingLeft: 38, // room for the kind icon
  paddingRight: 14,
  minWidth: 150,
  maxWidth: 300,
  height: 48,
  heightWithBadges: 68,
  maxBadges: 3,
  labelCharWidth: 6.2, // 11px edge labels
  labelHeight: 18,
} as const;

const SUBTITLES: Record<StepType, string> = {
  start: 'start',
  end: 'end',
  linear: 'step',
  join: 'join',
  'split-static': 'split',
  'split-foreach': 'foreach',
  'split-parallel': 'parallel',
  'split-switch': 'switch',
};

/** The one-line description of a step's kind shown under its name. */
export function subtitleOf(step: StepInfo, joins: ReadonlyMap<string, StepType> = new Map(), name = ''): string {
  switch (step.type) {
    case 'split-foreach':
      return step.foreach_artifact ? `foreach ${step.foreach_artifact}` : 'foreach';
    case 'split-parallel':
      return step.num_parallel != null ? `parallel ×${String(step.num_parallel)}` : 'parallel';
    case 'split-switch':
      return step.condition ? `switch on ${step.condition}` : 'switch';
    case 'split-static':
      return `split ×${step.next.length}`;
    case 'join': {
      const split = joins.get(name);
      if (split === 'split-foreach') return 'join foreach';
      if (split === 'split-parallel') return 'join parallel';
      return step.in_funcs.length > 1 ? `join ${step.in_funcs.length} branches` : 'join';
    }
    case 'start':
    case 'end':
      return ''; // the name says it all
    default:
      return SUBTITLES[step.type];
  }
}

/** `value` as it would read in Python source, short. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** `@name(k=v, ...)`: the decorator with its attributes, for tooltips. */
export function decoratorTitle(decorator: DecoratorInfo): string {
  const attrs = Object.entries(decorator.attributes ?? {}).map(([k, v]) => `${k}=${formatValue(v)}`);
  return attrs.length > 0 ? `@${decorator.name}(${attrs.join(', ')})` : `@${decorator.name}`;
}

export function badgeOf(decorator: DecoratorInfo): Badge {
  return { text: `@${decorator.name}`, title: decoratorTitle(decorator) };
}

export function badgeWidth(badge: Badge): number {
  return Math.ceil(badge.text.length * METRICS.badgeCharWidth + 2 * METRICS.badgePadding);
}

/** Shortens `text` to `max` characters with an ellipsis. */
export function ellipsis(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

function maxNameChars(): number {
  return Math.floor((METRICS.maxWidth - METRICS.paddingLeft - METRICS.paddingRight) / METRICS.nameCharWidth);
}

/** Node size from its texts: wide enough for name, subtitle and badges, within bounds. */
export function nodeSize(label: string, subtitle: string, badges: readonly Badge[], hidden: number): { width: number; height: number } {
  const name = label.length * METRICS.nameCharWidth;
  const sub = subtitle.length * METRICS.subtitleCharWidth;
  let row = badges.reduce((sum, b) => sum + badgeWidth(b) + METRICS.badgeGap, 0);
  if (hidden > 0) row += badgeWidth({ text: `+${hidden}`, title: '' });
  const inner = Math.max(name, sub, row - 24); // badges start under the icon column
  const width = Math.min(METRICS.maxWidth, Math.max(METRICS.minWidth, Math.ceil(inner + METRICS.paddingLeft + METRICS.paddingRight)));
  return { width, height: badges.length > 0 ? METRICS.heightWithBadges : METRICS.height };
}

function stepOfLine(steps: [string, StepInfo][], line: number): string | null {
  // Innermost match wins (ranges of steps never nest, but be safe with half-typed files).
  let best: string | null = null;
  let bestSpan = Infinity;
  for (const [name, step] of steps) {
    // A step inherited from another module has ranges in that module, not this file.
    if (step.source_file) continue;
    const { line: from, end_line: to } = step.range;
    if (line >= from && line <= to && to - from < bestSpan) {
      best = name;
      bestSpan = to - from;
    }
  }
  return best;
}

function tooltipOf(name: string, step: StepInfo, subtitle: string, messages: string[]): string {
  const lines = [`${name} — ${subtitle || step.type} (line ${step.line})`];
  if (step.doc) lines.push('', step.doc.trim());
  if (step.decorators.length > 0) lines.push('', ...step.decorators.map(decoratorTitle));
  if (messages.length > 0) lines.push('', ...messages);
  return lines.join('\n');
}

function edgeKindOf(step: StepInfo, target: string, steps: Record<string, StepInfo>): EdgeKind {
  if (!(target in steps)) return 'missing';
  switch (step.type) {
    case 'split-foreach':
      return 'foreach';
    case 'split-parallel':
      return 'parallel';
    case 'split-switch':
      return 'switch';
    case 'split-static':
      return 'split';
    default:
      return steps[target]?.type === 'join' ? 'join' : 'linear';
  }
}

function edgeLabelOf(step: StepInfo, target: string): string | null {
  switch (step.type) {
    case 'split-foreach':
      return step.foreach_artifact ? `foreach: ${step.foreach_artifact}` : 'foreach';
    case 'split-parallel':
      return step.num_parallel != null ? `parallel ×${String(step.num_parallel)}` : 'parallel';
    case 'split-switch': {
      const keys = Object.entries(step.switch_cases ?? {})
        .filter(([, to]) => to === target)
        .map(([key]) => key);
      return keys.length > 0 ? keys.join(' | ') : null;
    }
    default:
      return null;
  }
}

/** Builds the model of what to draw for `graph`. */
export function buildModel(graph: FlowGraph): DagModel {
  const steps = graph.steps ?? {};
  const entries = Object.entries(steps);
  const severities = new Map<string, NodeSeverity>();
  const messages = new Map<string, string[]>();
  const otherDiagnostics: DiagnosticInfo[] = [];
  let errorCount = 0;
  let warningCount = 0;

  for (const d of graph.diagnostics ?? []) {
    if (d.severity === 'error') errorCount += 1;
    else if (d.severity === 'warning') warningCount += 1;
    const owner = stepOfLine(entries, d.line);
    if (owner === null) {
      otherDiagnostics.push(d);
      continue;
    }
    const list = messages.get(owner) ?? [];
    list.push(`${d.severity === 'error' ? 'Error' : d.severity === 'warning' ? 'Warning' : 'Info'} (line ${d.line}): ${d.message}`);
    messages.set(owner, list);
    const current = severities.get(owner) ?? null;
    if (d.severity === 'error') severities.set(owner, 'error');
    else if (d.severity === 'warning' && current !== 'error') severities.set(owner, 'warning');
  }

  const nodes: DagNode[] = [];
  const edges: DagEdge[] = [];
  const edgeIds = new Set<string>();
  const ghosts = new Set<string>();
  const nameChars = maxNameChars();

  // Which kind of split each join closes (a foreach join reads "join foreach").
  const joins = new Map<string, StepType>();
  for (const [, step] of entries) if (step.matching_join) joins.set(step.matching_join, step.type);

  for (const [name, step] of entries) {
    const subtitle = subtitleOf(step, joins, name);
    const all = step.decorators.map(badgeOf);
    const badges = all.slice(0, all.length > METRICS.maxBadges ? METRICS.maxBadges - 1 : METRICS.maxBadges);
    const hidden = all.length - badges.length;
    const label = ellipsis(name, nameChars);
    const stepMessages = messages.get(name) ?? [];
    const selfLoop = step.next.includes(name);
    nodes.push({
      id: name,
      type: step.type,
      terminal: name === 'start' ? 'start' : name === 'end' ? 'end' : null,
      label,
      subtitle,
      badges,
      hiddenBadges: hidden,
      severity: severities.get(name) ?? null,
      messages: stepMessages,
      tooltip: tooltipOf(name, step, subtitle, stepMessages),
      ghost: false,
      selfLoop,
      ...nodeSize(label, subtitle, badges, hidden),
      line: step.line,
    });
    for (const target of step.next) {
      const id = `${name}->${target}`;
      if (edgeIds.has(id)) continue;
      edgeIds.add(id);
      const kind = edgeKindOf(step, target, steps);
      if (kind === 'missing') ghosts.add(target);
      edges.push({ id, from: name, to: target, kind, label: edgeLabelOf(step, target), selfLoop: target === name });
    }
  }

  for (const name of ghosts) {
    const label = ellipsis(name, nameChars);
    nodes.push({
      id: name,
      type: 'linear',
      terminal: null,
      label,
      subtitle: 'not defined',
      badges: [],
      hiddenBadges: 0,
      severity: null,
      messages: [],
      tooltip: `${name} — no step of this name is defined`,
      ghost: true,
      selfLoop: false,
      ...nodeSize(label, 'not defined', [], 0),
      line: 0,
    });
  }

  return {
    flow: graph.flow,
    flowDoc: graph.flow_doc ?? '',
    file: graph.file,
    nodes,
    edges,
    parameters: graph.parameters ?? [],
    flowDecorators: (graph.flow_decorators ?? []).map(badgeOf),
    otherDiagnostics,
    errorCount,
    warningCount,
  };
}
