/**
 * What the compare view shows, before any DOM (pure; unit-tested): which rows survive the
 * "differences only" toggle, the numeric deltas against the baseline (the first run) and
 * the bar lengths of the small charts.
 */
import { formatDuration, formatNumber } from './format';
import type { ArtifactDiff, ParameterDiff, StepDiff, Comparison } from './types';

/** True when the per-run values are not all equal (nulls count as a value). */
export function valuesDiffer(values: readonly unknown[]): boolean {
  return values.some((v) => v !== values[0]);
}

export function parameterRows(c: Comparison, differencesOnly: boolean): ParameterDiff[] {
  return differencesOnly ? c.parameters.filter((p) => p.differs) : c.parameters;
}

export function artifactRows(c: Comparison, differencesOnly: boolean): ArtifactDiff[] {
  return differencesOnly ? c.artifacts.filter((a) => a.status !== 'same') : c.artifacts;
}

/**
 * Steps whose statuses differ, or whose durations differ by more than `tolerance` of the
 * baseline and more than `floor` seconds (a few ms of scheduling jitter is not a difference).
 */
export function stepRows(c: Comparison, differencesOnly: boolean, tolerance = 0.05, floor = 0.1): StepDiff[] {
  if (!differencesOnly) return c.steps;
  return c.steps.filter((s) => {
    if (valuesDiffer(s.statuses)) return true;
    const base = s.durations[0];
    return s.durations.some((d) => d === null || base === null || base === undefined || Math.abs(d - base) > Math.max(tolerance * Math.abs(base), floor));
  });
}

/**
 * The delta of `value` against `base`: `+0.04 (+4.4%)`, `−1.2`, `=` when equal; null when
 * either is missing (the cell shows the value alone). The percent is left out for a zero base.
 */
export function numericDelta(base: number | null | undefined, value: number | null | undefined): { text: string; sign: -1 | 0 | 1 } | null {
  if (base === null || base === undefined || value === null || value === undefined) return null;
  const diff = value - base;
  if (diff === 0) return { text: '=', sign: 0 };
  const sign = diff > 0 ? 1 : -1;
  const abs = formatNumber(Math.abs(diff));
  const pct = base !== 0 ? ` (${sign > 0 ? '+' : '−'}${formatNumber(Math.abs((diff / base) * 100))}%)` : '';
  return { text: `${sign > 0 ? '+' : '−'}${abs}${pct}`, sign };
}

/** A duration delta in words: `+1.2 s`, `−0.8 s`, `=`; null when either is missing. */
export function durationDelta(base: number | null | undefined, value: number | null | undefined): { text: string; sign: -1 | 0 | 1 } | null {
  if (base === null || base === undefined || value === null || value === undefined) return null;
  const diff = value - base;
  if (Math.abs(diff) < 0.05) return { text: '=', sign: 0 };
  return { text: `${diff > 0 ? '+' : '−'}${formatDuration(Math.abs(diff))}`, sign: diff > 0 ? 1 : -1 };
}

export interface Bar {
  /** 0..1 of the chart's width, from the zero line (or the left edge). */
  start: number;
  width: number;
  value: number;
}

/**
 * Horizontal bars for `values` on one shared scale that includes zero, so negative and
 * positive values read correctly; missing values get no bar (null).
 */
export function barScale(values: readonly (number | null)[]): { bars: (Bar | null)[]; zero: number } {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = Math.min(0, ...present);
  const hi = Math.max(0, ...present);
  const span = hi - lo || 1;
  const zero = (0 - lo) / span;
  const bars = values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    const at = (v - lo) / span;
    return { start: Math.min(at, zero), width: Math.abs(at - zero), value: v };
  });
  return { bars, zero };
}

/** The short label of a run pathspec in column heads: its run id. */
export function runLabel(pathspec: string): string {
  return pathspec.split('/')[1] ?? pathspec;
}
