/**
 * Small geometry helpers shared by the layout, the renderer and the export: points,
 * boxes, smooth edge paths and arrowheads. Pure and DOM-free.
 */

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const round = (v: number): number => Math.round(v * 10) / 10;
const fmt = (p: Point): string => `${round(p.x)},${round(p.y)}`;

/**
 * An SVG path `d` for a smooth curve guided by `points`: a uniform cubic B-spline with
 * clamped ends, so it starts and ends exactly on the first and last points and leaves
 * and enters along the first and last segments (where the arrowhead sits).
 */
export function splinePath(points: readonly Point[]): string {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return '';
  if (points.length === 1) return `M${fmt(first)}`;
  if (points.length === 2) return `M${fmt(first)}L${fmt(last)}`;
  const q = [first, first, ...points, last, last];
  let d = `M${fmt(first)}`;
  for (let i = 1; i + 2 < q.length; i += 1) {
    const a = q[i] as Point;
    const b = q[i + 1] as Point;
    const c = q[i + 2] as Point;
    const c1 = { x: (2 * a.x + b.x) / 3, y: (2 * a.y + b.y) / 3 };
    const c2 = { x: (a.x + 2 * b.x) / 3, y: (a.y + 2 * b.y) / 3 };
    const end = { x: (a.x + 4 * b.x + c.x) / 6, y: (a.y + 4 * b.y + c.y) / 6 };
    d += `C${fmt(c1)} ${fmt(c2)} ${fmt(end)}`;
  }
  return d;
}

/**
 * Pulls the last point of `points` back by `by` along the last segment, so a line drawn
 * through them stops at the base of an arrowhead whose tip is the original last point.
 */
export function shortenEnd(points: readonly Point[], by: number): Point[] {
  const out = points.map((p) => ({ ...p }));
  const last = out[out.length - 1];
  const prev = out[out.length - 2];
  if (!last || !prev) return out;
  const dx = last.x - prev.x;
  const dy = last.y - prev.y;
  const len = Math.hypot(dx, dy);
  if (len <= by) return out;
  last.x -= (dx / len) * by;
  last.y -= (dy / len) * by;
  return out;
}

/** A closed triangle path with its tip at `tip`, pointing from `from` towards `tip`. */
export function arrowPath(from: Point, tip: Point, length = 8, halfWidth = 4.5): string {
  const dx = tip.x - from.x;
  const dy = tip.y - from.y;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  const base = { x: tip.x - ux * length, y: tip.y - uy * length };
  const left = { x: base.x - uy * halfWidth, y: base.y + ux * halfWidth };
  const right = { x: base.x + uy * halfWidth, y: base.y - ux * halfWidth };
  return `M${fmt(tip)}L${fmt(left)}L${fmt(right)}Z`;
}

/** The smallest box holding every box of `boxes` (an empty box at 0,0 for none). */
export function unionBox(boxes: Iterable<Box>): Box {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const b of boxes) {
    x0 = Math.min(x0, b.x);
    y0 = Math.min(y0, b.y);
    x1 = Math.max(x1, b.x + b.width);
    y1 = Math.max(y1, b.y + b.height);
  }
  if (!Number.isFinite(x0)) return { x: 0, y: 0, width: 0, height: 0 };
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
