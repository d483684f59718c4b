/**
 * A task's log in the task panel: stdout or stderr, follow mode through the `log`
 * subscription (new lines appended as the server reads them), bounded to MAX_LINES so a
 * chatty task cannot grow the page without limit. Lines are text nodes, never markup.
 */
import { append, html } from '../../dag/dom';
import { isLogExcerpt } from '../decode';
import { apiPath } from '../router';
import type { LogLine, LogStream } from '../types';
import type { ViewContext } from '../widgets';
import { errorBanner, loading } from '../widgets';

export const MAX_LINES = 5000;
const TAIL = 1000;

/** Mounts the log tab of `task` into `mount`; returns its disposer. */
export function logPanel(ctx: ViewContext, mount: HTMLElement, task: string): () => void {
  let stream: LogStream = 'stdout';
  let follow = true;
  let unsubscribe: (() => void) | null = null;
  let generation = 0;

  const streamSelect = html('select', { class: 'ui-input', 'aria-label': 'Log stream', 'data-testid': 'log-stream' });
  streamSelect.append(html('option', { value: 'stdout' }, 'stdout'), html('option', { value: 'stderr' }, 'stderr'));
  const followBox = html('input', { type: 'checkbox', 'data-testid': 'log-follow' });
  followBox.checked = true;
  const note = html('span', { class: 'ui-muted ui-log__note', role: 'status', 'data-testid': 'log-note' });
  const pre = html('pre', { class: 'ui-log', 'data-testid': 'log-lines', tabindex: 0 });
  append(mount, append(html('div', { class: 'ui-log__bar' }), streamSelect, append(html('label', { class: 'ui-check' }), followBox, document.createTextNode(' Follow')), note), pre);

  const lineCount = (): number => pre.childElementCount;
  const addLines = (lines: readonly LogLine[], reset: boolean): void => {
    const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    if (reset) pre.replaceChildren();
    const fragment = document.createDocumentFragment();
    for (const line of lines.slice(-MAX_LINES)) fragment.append(html('span', { class: `ui-log__line ui-log__line--${line.source}` }, `${line.text}\n`));
    pre.append(fragment);
    // Bounded: drop the oldest lines beyond MAX_LINES.
    let extra = lineCount() - MAX_LINES;
    while (extra > 0 && pre.firstChild) {
      pre.firstChild.remove();
      extra -= 1;
    }
    if (follow && (atBottom || reset)) pre.scrollTop = pre.scrollHeight;
  };
  const setNote = (available: boolean, truncated = false): void => {
    if (!available) note.textContent = 'The log appears when the task ends (Metaflow writes local logs at the end of a task).';
    else if (lineCount() === 0) note.textContent = `No ${stream} output.`;
    else {
      const n = lineCount();
      note.textContent = `${truncated || n >= MAX_LINES ? 'Last ' : ''}${n} line${n === 1 ? '' : 's'}`;
    }
  };

  const start = (): void => {
    unsubscribe?.();
    unsubscribe = null;
    const mine = ++generation;
    pre.replaceChildren();
    note.replaceChildren(loading('Loading the log…'));
    if (follow) {
      unsubscribe = ctx.api.subscribe({ topic: 'log', task, stream }, (event) => {
        if (mine !== generation) return;
        if (event.type === 'log') {
          addLines(event.lines, event.reset);
          setNote(event.available);
        } else if (event.type === 'error') {
          note.replaceChildren(errorBanner(new Error(event.error.message), 'The log could not be followed.'));
        }
      });
      return;
    }
    void ctx.api
      .get(`${apiPath('logs', task)}?stream=${stream}&tail=${TAIL}`, isLogExcerpt)
      .then((excerpt) => {
        if (mine !== generation) return;
        addLines(excerpt.lines, true);
        setNote(excerpt.available, excerpt.truncated);
      })
      .catch((error: unknown) => {
        if (mine === generation) note.replaceChildren(errorBanner(error, `Could not read the ${stream} of ${task}.`));
      });
  };

  streamSelect.addEventListener('change', () => {
    stream = streamSelect.value === 'stderr' ? 'stderr' : 'stdout';
    start();
  });
  followBox.addEventListener('change', () => {
    follow = followBox.checked;
    start();
  });
  start();
  return () => {
    generation += 1;
    unsubscribe?.();
  };
}
