/**
 * Entry point of the DAG front-end bundle (dist/dag.js): builds the page, connects it to
 * its host, restores the saved state and says `ready`. Hosts load dist/dag.css and this
 * script into an empty page (an element with id `root` is used when present).
 */
import { createHost } from '../host';
import type { HostToView } from '../protocol';
import { buildShell } from './shell';
import { DagView, parseSavedState } from './view';

function start(): void {
  const host = createHost();
  const mount = document.getElementById('root') ?? document.body;
  let view: DagView | null = null;

  const exportAndPost = async (format: 'svg' | 'png', download: boolean): Promise<void> => {
    if (!view) return;
    try {
      const data = await view.export(format);
      host.post({ type: 'exported', format, data });
      if (download && host.kind === 'window' && window.parent === window) {
        // Top-level standalone page: also save the file the way browsers do.
        const a = document.createElement('a');
        a.download = `${view.flow ?? 'flow'}.${format}`;
        a.href = format === 'svg' ? URL.createObjectURL(new Blob([data], { type: 'image/svg+xml' })) : data;
        a.click();
        if (format === 'svg') setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      }
    } catch (error) {
      host.post({ type: 'error', message: `Export to ${format.toUpperCase()} failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  };

  const shell = buildShell(mount, (action) => {
    if (!view) return;
    switch (action) {
      case 'zoomIn':
        view.zoomBy(1.25, null);
        break;
      case 'zoomOut':
        view.zoomBy(0.8, null);
        break;
      case 'fit':
        view.fit();
        break;
      case 'svg':
      case 'png':
        void exportAndPost(action, true);
        break;
      case 'panel':
        view.togglePanel();
        break;
    }
  });
  view = new DagView(shell, host);
  const current = view;

  const handle = (message: HostToView): void => {
    try {
      switch (message.type) {
        case 'graph': {
          const { nodes, millis } = current.showGraph(message.graph);
          host.post({ type: 'rendered', flow: message.graph.flow, nodes, millis });
          break;
        }
        case 'highlight':
          current.highlight(message.step);
          break;
        case 'export':
          void exportAndPost(message.format, false);
          break;
        case 'fit':
          current.fit();
          break;
        case 'runState':
          current.showRun(message.state);
          break;
      }
    } catch (error) {
      host.post({ type: 'error', message: `The DAG view failed on '${message.type}': ${error instanceof Error ? error.message : String(error)}` });
    }
  };
  host.onMessage(handle);

  const saved = parseSavedState(host.getState());
  // Narrow views (an editor split) start with the details panel closed.
  if (!saved) current.togglePanel(window.innerWidth >= 900);
  const restored = saved ? current.restore(saved) : null;
  if (saved?.graph && restored) host.post({ type: 'rendered', flow: saved.graph.flow, ...restored });
  host.post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
