/**
 * Entry point of the run form bundle (dist/runform.js): builds the form, connects it to its
 * host, and says `ready`; the host answers with `form`. Hosts load dist/runform.css and this
 * script into an empty page (an element with id `root` is used when present).
 */
import { createTransport } from '../host';
import type { FormToHost, HostToForm } from '../runFormProtocol';
import type { SavedForm } from './form';
import { RunForm } from './form';
import { parseFormMessage } from './messages';
import { isDraft } from './values';

function parseSaved(value: unknown): SavedForm | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  return typeof v.flow === 'string' && typeof v.file === 'string' && isDraft(v.draft) ? { flow: v.flow, file: v.file, draft: v.draft } : null;
}

function start(): void {
  const host = createTransport<HostToForm, FormToHost>(parseFormMessage, 'metaflow-studio.runform.state');
  const mount = document.getElementById('root') ?? document.body;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  // The draft is saved shortly after the last keystroke, so it survives a reload of the page.
  const save = (saved: SavedForm): void => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => host.setState(saved), 150);
  };
  const form = new RunForm(mount, (message) => host.post(message), save);
  const saved = parseSaved(host.getState());

  host.onMessage((message) => {
    switch (message.type) {
      case 'form':
        form.show(message.state, saved);
        break;
      case 'errors':
        form.showErrors(message.errors);
        break;
      case 'pickedFile':
        form.pickedFile(message.field, message.path);
        break;
      case 'launching':
        form.setLaunching(true);
        break;
      case 'launched':
        form.launched(message.run);
        break;
      case 'failed':
        form.failed(message.message);
        break;
    }
  });
  host.post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
