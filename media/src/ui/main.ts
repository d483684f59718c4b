/**
 * Entry point of the UI bundle (dist/ui.js), loaded by the standalone server's shell (a
 * page with only `<div id="app">` and the two asset links) and by VS Code webviews. Picks
 * the transport: VS Code's postMessage when `acquireVsCodeApi` exists, else HTTP + WebSocket.
 */
import { httpApi } from './api';
import { mountApp } from './app';
import { webviewApi } from './vscodeHost';

function start(): void {
  const mount = document.getElementById('app') ?? document.body;
  const acquire = globalThis.acquireVsCodeApi;
  // In a webview: postMessage, the extension's first route, links and `rendered` reports.
  // Standalone: mounted at once, not after the boot script's answers (measured: drawing the
  // page while the server answers beats one frame for the page and its rows after it).
  mountApp(mount, typeof acquire === 'function' ? webviewApi(acquire(), mount) : httpApi());
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
