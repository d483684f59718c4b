/**
 * Entry point of the UI bundle (dist/ui.js), loaded by the standalone server's shell (a
 * page with only `<div id="app">` and the two asset links) and by VS Code webviews. Picks
 * the transport: VS Code's postMessage when `acquireVsCodeApi` exists, else HTTP + WebSocket.
 */
import type { StudioApi } from './api';
import { hostApi, httpApi } from './api';
import { mountApp } from './app';

function vscodeApi(): StudioApi | null {
  const acquire = globalThis.acquireVsCodeApi;
  if (typeof acquire !== 'function') return null;
  const vscode = acquire();
  const mount = document.getElementById('app');
  return hostApi(
    {
      post: (message) => vscode.postMessage(message),
      onMessage: (handler) => window.addEventListener('message', (event: MessageEvent<unknown>) => handler(event.data)),
    },
    // The extension may name a base URL it serves cards from (data-card-base on #app).
    mount?.dataset.cardBase !== undefined ? { cardBase: mount.dataset.cardBase } : {},
  );
}

function start(): void {
  const mount = document.getElementById('app') ?? document.body;
  mountApp(mount, vscodeApi() ?? httpApi());
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
