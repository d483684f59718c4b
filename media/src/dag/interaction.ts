/**
 * Pointer and keyboard input on the drawing: drag to pan, wheel to zoom around the
 * pointer, click or Enter on a node to reveal its step, +/-/0 keys to zoom and fit.
 * A drag that starts on a node pans and does not count as a click. Pressing a node does not
 * focus the view, so the editor the click reveals keeps the keyboard.
 */
import type { Point } from './geometry';
import { wheelFactor } from './viewport';

export interface InteractionHandlers {
  pan(dx: number, dy: number): void;
  zoom(factor: number, at: Point | null): void;
  fit(): void;
  activate(step: string): void;
}

const CLICK_SLOP = 4;

function stepOf(target: EventTarget | null): string | null {
  const node = target instanceof Element ? target.closest('.mf-node[data-step]') : null;
  return node?.getAttribute('data-step') ?? null;
}

export function attachInteraction(canvas: SVGSVGElement, handlers: InteractionHandlers): void {
  let drag: { id: number; start: Point; last: Point; moved: boolean; step: string | null } | null = null;
  const local = (event: MouseEvent): Point => {
    const r = canvas.getBoundingClientRect();
    return { x: event.clientX - r.left, y: event.clientY - r.top };
  };

  // A click on a node hands the keyboard to the editor (the host reveals the step there).
  // Focus taken by the press would bring the webview back: VS Code polls the webview's focus
  // and, some 250 ms later, re-activates the panel over the editor just revealed. Keyboard
  // users reach nodes with Tab, and a press elsewhere on the drawing still focuses it.
  canvas.addEventListener('mousedown', (event) => {
    if (stepOf(event.target) !== null) event.preventDefault();
  });
  canvas.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    const p = local(event);
    drag = { id: event.pointerId, start: p, last: p, moved: false, step: stepOf(event.target) };
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drag || drag.id !== event.pointerId) return;
    const p = local(event);
    if (!drag.moved && Math.hypot(p.x - drag.start.x, p.y - drag.start.y) < CLICK_SLOP) return;
    if (!drag.moved) {
      drag.moved = true;
      canvas.setPointerCapture(event.pointerId);
      canvas.classList.add('mf-canvas--panning');
    }
    handlers.pan(p.x - drag.last.x, p.y - drag.last.y);
    drag.last = p;
  });
  const end = (event: PointerEvent, cancelled: boolean): void => {
    if (!drag || drag.id !== event.pointerId) return;
    const { moved, step } = drag;
    drag = null;
    canvas.classList.remove('mf-canvas--panning');
    if (canvas.hasPointerCapture(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
    if (!moved && !cancelled && step !== null && stepOf(event.target) === step) handlers.activate(step);
  };
  canvas.addEventListener('pointerup', (event) => end(event, false));
  canvas.addEventListener('pointercancel', (event) => end(event, true));

  canvas.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      handlers.zoom(wheelFactor(event.deltaY, event.deltaMode), local(event));
    },
    { passive: false },
  );

  canvas.addEventListener('keydown', (event) => {
    const step = stepOf(event.target);
    if (step !== null && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      handlers.activate(step);
      return;
    }
    const panStep = 48;
    const keys: Record<string, () => void> = {
      '+': () => handlers.zoom(1.25, null),
      '=': () => handlers.zoom(1.25, null),
      '-': () => handlers.zoom(0.8, null),
      '0': () => handlers.fit(),
      ArrowLeft: () => handlers.pan(panStep, 0),
      ArrowRight: () => handlers.pan(-panStep, 0),
      ArrowUp: () => handlers.pan(0, panStep),
      ArrowDown: () => handlers.pan(0, -panStep),
    };
    const action = event.ctrlKey || event.metaKey || event.altKey ? undefined : keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
}
