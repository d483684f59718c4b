/**
 * The run's timeline: a Gantt chart in SVG, one bar per task attempt, coloured by status,
 * with a time axis and a hover title per bar. Clicking a bar opens that task.
 */
import { append, html, svg } from '../../dag/dom';
import { formatDuration, formatTime } from '../format';
import { lanes, tickLabel, ticks, timeRange, timeScale } from '../timelineModel';
import type { Timeline } from '../types';

const ROW = 18;
const GAP = 4;
const LABEL = 140;
const AXIS = 22;

/** Draws `timeline` into `host` (replacing what was there), `width` pixels wide. */
export function drawTimeline(host: HTMLElement, timeline: Timeline, width: number, now: number, onPick: (step: string, task: string) => void): void {
  const laneList = lanes(timeline, now);
  if (laneList.length === 0) {
    host.replaceChildren(html('p', { class: 'ui-empty' }, 'No task has started yet.'));
    return;
  }
  const range = timeRange(timeline, laneList, now);
  const plot = Math.max(120, width - LABEL - 16);
  const scale = timeScale(range.start, range.end, plot);
  const height = AXIS + laneList.length * (ROW + GAP) + GAP;
  const root = svg('svg', { class: 'ui-timeline__svg', width: LABEL + plot + 16, height, role: 'img', 'aria-label': `Timeline of ${timeline.run}: ${laneList.length} task attempts` });
  const axis = svg('g', { class: 'ui-timeline__axis', transform: `translate(${LABEL},0)` });
  for (const t of ticks(range.end - range.start)) {
    const x = scale.x(range.start + t);
    append(axis, svg('line', { class: 'ui-timeline__grid', x1: x, x2: x, y1: AXIS - 4, y2: height }), svg('text', { class: 'ui-timeline__tick', x, y: AXIS - 8 }, tickLabel(t)));
  }
  root.append(axis);
  const bars = svg('g', { class: 'ui-timeline__bars' });
  for (const lane of laneList) {
    const y = AXIS + GAP + lane.row * (ROW + GAP);
    const b = lane.bar;
    if (lane.firstOfStep) bars.append(svg('text', { class: 'ui-timeline__label', x: LABEL - 8, y: y + ROW / 2 }, b.step));
    const x = LABEL + scale.x(lane.start);
    const w = Math.max(2, scale.x(lane.end) - scale.x(lane.start));
    const title = `${b.pathspec} attempt ${b.attempt}: ${b.status}\nstarted ${formatTime(lane.start)}, ${b.finished_at === null ? 'running' : `took ${formatDuration(b.finished_at - lane.start)}`}`;
    const g = svg('g', { class: `ui-timeline__bar ui-timeline__bar--${b.status}`, 'data-task': b.pathspec, 'data-attempt': b.attempt, tabindex: 0, role: 'button', 'aria-label': title });
    append(g, svg('title', {}, title), svg('rect', { x, y, width: w, height: ROW, rx: 3 }));
    if (b.attempt > 0) g.append(svg('text', { class: 'ui-timeline__attempt', x: x + 4, y: y + ROW / 2 }, `#${b.attempt}`));
    const pick = (): void => onPick(b.step, b.task_id);
    g.addEventListener('click', pick);
    g.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        pick();
      }
    });
    bars.append(g);
  }
  root.append(bars);
  host.replaceChildren(root);
}
