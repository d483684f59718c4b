/**
 * Zoom and pan math: the view transform `screen = graph * k + (x, y)`.
 *
 * Pure. Used by the wheel/drag/buttons handlers, by "fit", and by `highlight`, which pans
 * just enough to bring a node on screen without changing the zoom.
 */
import type { Box, Point } from './geometry';

export interface Transform {
  x: number;
  y: number;
  k: number;
}

export interface Size {
  width: number;
  height: number;
}

export const ZOOM = { min: 0.1, max: 3, step: 1.25, fitMax: 1, padding: 24, readable: 0.45 } as const;

export const IDENTITY: Transform = { x: 0, y: 0, k: 1 };

export function clampScale(k: number): number {
  if (!Number.isFinite(k) || k <= 0) return 1;
  return Math.min(ZOOM.max, Math.max(ZOOM.min, k));
}

/**
 * The transform that shows all of `bounds` centred in `view`, never above `maxScale` nor
 * below `minScale` (a graph too big for that starts at its top, centred horizontally: a
 * new 200-step flow opens readable at its start step rather than as a speck).
 */
export function fitTransform(
  bounds: Box,
  view: Size,
  padding: number = ZOOM.padding,
  maxScale: number = ZOOM.fitMax,
  minScale: number = ZOOM.min,
): Transform {
  const w = Math.max(1, view.width - 2 * padding);
  const h = Math.max(1, view.height - 2 * padding);
  if (bounds.width <= 0 || bounds.height <= 0) return { x: view.width / 2 - bounds.x, y: view.height / 2 - bounds.y, k: 1 };
  const k = clampScale(Math.max(minScale, Math.min(maxScale, w / bounds.width, h / bounds.height)));
  return {
    x: view.width / 2 - (bounds.x + bounds.width / 2) * k,
    // Tall graphs that do not fit at the smallest scale start at their top.
    y: bounds.height * k > h ? padding - bounds.y * k : view.height / 2 - (bounds.y + bounds.height / 2) * k,
    k,
  };
}

/** Zooms by `factor` keeping the graph point under `at` (screen coordinates) fixed. */
export function zoomAt(t: Transform, factor: number, at: Point): Transform {
  const k = clampScale(t.k * factor);
  const gx = (at.x - t.x) / t.k;
  const gy = (at.y - t.y) / t.k;
  return { x: at.x - gx * k, y: at.y - gy * k, k };
}

/** Wheel delta (pixels) -> zoom factor; smooth for trackpads, ~10% per mouse notch. */
export function wheelFactor(deltaY: number, deltaMode = 0): number {
  const pixels = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-Math.max(-400, Math.min(400, pixels)) * 0.001);
}

export function panBy(t: Transform, dx: number, dy: number): Transform {
  return { x: t.x + dx, y: t.y + dy, k: t.k };
}

/** `box` (graph coordinates) in screen coordinates under `t`. */
export function toScreen(t: Transform, box: Box): Box {
  return { x: box.x * t.k + t.x, y: box.y * t.k + t.y, width: box.width * t.k, height: box.height * t.k };
}

/**
 * The transform that brings `box` fully on screen with `margin`, panning as little as
 * possible and never changing the zoom; `t` itself when the box is already visible.
 * A box larger than the view is aligned to its top-left.
 */
export function revealTransform(t: Transform, box: Box, view: Size, margin = 32): Transform {
  const s = toScreen(t, box);
  const shift = (start: number, size: number, room: number): number => {
    if (start < margin) return margin - start;
    if (start + size > room - margin) return Math.max(margin - start, room - margin - (start + size));
    return 0;
  };
  const dx = shift(s.x, s.width, view.width);
  const dy = shift(s.y, s.height, view.height);
  return dx === 0 && dy === 0 ? t : { x: t.x + dx, y: t.y + dy, k: t.k };
}

/** `transform` attribute text for the viewport group. */
export function transformAttr(t: Transform): string {
  const r = (v: number): number => Math.round(v * 100) / 100;
  return `translate(${r(t.x)},${r(t.y)}) scale(${Math.round(t.k * 10000) / 10000})`;
}

/** True when `t` is a usable transform (e.g. read back from saved state). */
export function isTransform(value: unknown): value is Transform {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return [v.x, v.y, v.k].every((n) => typeof n === 'number' && Number.isFinite(n)) && (v.k as number) > 0;
}
