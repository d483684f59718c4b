/**
 * The Gantt chart's geometry, before any DOM (pure; unit-tested): one lane per task attempt
 * grouped by step in first-start order, a linear time scale and "nice" axis ticks.
 */
import type { Timeline, TimelineBar } from './types';

export interface TimeScale {
  start: number;
  end: number;
  /** Pixels for epoch seconds `t`. */
  x(t: number): number;
}

/** A linear scale mapping [start, end] (epoch seconds) onto [0, width] pixels. */
export function timeScale(start: number, end: number, width: number): TimeScale {
  const span = end > start ? end - start : 1;
  return { start, end, x: (t) => ((t - start) / span) * width };
}

const STEPS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 43_200, 86_400];

/** Tick offsets (seconds from the start) at a round interval giving at most `maxTicks`. */
export function ticks(spanSeconds: number, maxTicks = 8): number[] {
  const span = Math.max(spanSeconds, 0.1);
  const step = STEPS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / 86_400) * 86_400;
  const out: number[] = [];
  for (let t = 0; t <= span + 1e-9; t += step) out.push(Math.round(t * 1000) / 1000);
  return out;
}

/** `0 s`, `30 s`, `2 m`, `1 h 30 m`: an axis label for `seconds` from the start. */
export function tickLabel(seconds: number): string {
  if (seconds < 60) return `${Number(seconds.toPrecision(3))} s`;
  if (seconds < 3600) return `${Number((seconds / 60).toPrecision(3))} m`;
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  return m ? `${h} h ${m} m` : `${h} h`;
}

export interface Lane {
  bar: TimelineBar;
  /** 0-based row. */
  row: number;
  /** True on the first lane of a step (the chart labels it). */
  firstOfStep: boolean;
  /** The bar's start (bars without a recorded start get no lane). */
  start: number;
  /** The bar's end: its finish, or `now` while it runs. */
  end: number;
}

/** Lanes: steps in order of their first start, tasks and attempts in start order within. */
export function lanes(timeline: Timeline, now: number): Lane[] {
  const started = timeline.bars.flatMap((bar) => (bar.started_at === null ? [] : [{ bar, start: bar.started_at }]));
  const firstStart = new Map<string, number>();
  for (const { bar, start } of started) firstStart.set(bar.step, Math.min(firstStart.get(bar.step) ?? Infinity, start));
  started.sort(
    (a, b) =>
      (firstStart.get(a.bar.step) ?? 0) - (firstStart.get(b.bar.step) ?? 0) || a.bar.step.localeCompare(b.bar.step) || a.start - b.start || a.bar.attempt - b.bar.attempt,
  );
  let previous: string | null = null;
  return started.map(({ bar, start }, row) => {
    const lane = { bar, row, firstOfStep: bar.step !== previous, start, end: bar.finished_at ?? Math.max(now, start) };
    previous = bar.step;
    return lane;
  });
}

/** The chart's time range: the run's, widened to every bar (a running bar ends `now`). */
export function timeRange(timeline: Timeline, laneList: readonly Lane[], now: number): { start: number; end: number } {
  let start = timeline.started_at ?? Infinity;
  let end = timeline.finished_at ?? (laneList.length > 0 ? -Infinity : now);
  for (const l of laneList) {
    start = Math.min(start, l.start);
    end = Math.max(end, l.end);
  }
  if (!Number.isFinite(start)) start = now;
  if (!Number.isFinite(end) || end < start) end = start;
  return { start, end };
}
