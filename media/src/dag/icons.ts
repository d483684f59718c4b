/** Icon path data (16x16 grid): step kinds and toolbar actions. Trusted constants. */
import type { StepRunStatus, StepType } from '../protocol';

export const KIND_ICONS: Record<StepType | 'ghost', readonly string[]> = {
  start: ['M5 3.5v9l7.5-4.5z'],
  end: ['M4 4h8v8H4z'],
  linear: ['M8 1.5v4', 'M8 10.5v4', 'M10.5 8a2.5 2.5 0 1 1-5 0a2.5 2.5 0 1 1 5 0z'],
  join: ['M3 2.5l5 5.5', 'M13 2.5l-5 5.5', 'M8 8v6', 'M5.5 11.5L8 14l2.5-2.5'],
  'split-static': ['M8 2v5', 'M8 7l-5 6.5', 'M8 7l5 6.5'],
  'split-foreach': ['M8 1.5v4.5', 'M8 6l-5.5 7.5', 'M8 6v7.5', 'M8 6l5.5 7.5'],
  'split-parallel': ['M3.5 2.5v11', 'M8 2.5v11', 'M12.5 2.5v11'],
  'split-switch': ['M8 1.5l6.5 6.5l-6.5 6.5l-6.5-6.5z', 'M8 5.5v3.5', 'M8 11v0.5'],
  ghost: ['M6 6a2 2 0 1 1 3 1.7c-.6.4-1 .8-1 1.6', 'M8 11.5v.5'],
};

export const TOOL_ICONS = {
  zoomIn: ['M11.5 7a4.5 4.5 0 1 1-9 0a4.5 4.5 0 1 1 9 0z', 'M7 5v4', 'M5 7h4', 'M10.3 10.3l3.7 3.7'],
  zoomOut: ['M11.5 7a4.5 4.5 0 1 1-9 0a4.5 4.5 0 1 1 9 0z', 'M5 7h4', 'M10.3 10.3l3.7 3.7'],
  fit: ['M2 5.5V2h3.5', 'M10.5 2H14v3.5', 'M14 10.5V14h-3.5', 'M5.5 14H2v-3.5', 'M5.5 6h5v4h-5z'],
  svg: ['M8 2v8', 'M4.5 6.5L8 10l3.5-3.5', 'M2.5 11v2.5h11V11'],
  png: ['M8 2v8', 'M4.5 6.5L8 10l3.5-3.5', 'M2.5 11v2.5h11V11'],
  panel: ['M2 3h12v10H2z', 'M10 3v10'],
  error: ['M8 1.5a6.5 6.5 0 1 1 0 13a6.5 6.5 0 1 1 0-13z', 'M8 4.5v4.5', 'M8 11v.5'],
  warning: ['M8 1.5l7 12.5H1z', 'M8 6v4', 'M8 11.8v.4'],
} as const;

/** Run status glyphs, drawn centred on (0,0) inside a circle of radius 8. */
export const RUN_ICONS: Record<StepRunStatus, readonly string[]> = {
  pending: ['M0 -3.6V0l2.4 1.7'],
  running: ['M0 -4a4 4 0 1 1 -4 4'],
  succeeded: ['M-3.6 0.2l2.4 2.4l4.8-5'],
  failed: ['M-2.8 -2.8l5.6 5.6', 'M2.8 -2.8l-5.6 5.6'],
};
