/** Spacing of the layout and the shape of a placement, shared by layout.ts and blocks.ts. */
import { METRICS } from './model';
import type { Box, Point } from './geometry';

export const SPACING = {
  nodesep: 40,
  ranksep: 44,
  edgesep: 18,
  margin: 16,
  loopReach: 46,
  arrowLength: 8,
} as const;

export function labelSize(text: string): { width: number; height: number } {
  return { width: Math.ceil(text.length * METRICS.labelCharWidth + 14), height: METRICS.labelHeight };
}

/** Centres of nodes and geometry of edges, as dagre returns them. */
export interface Placement {
  centers: Map<string, Point>;
  edges: Map<string, { points: Point[]; label: Box | null }>;
}

