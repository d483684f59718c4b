/**
 * Entry point of the function panel bundle (dist/functionPanel.js): mounts the panel, says
 * `ready`, and renders every `state` the host sends. The request being typed survives a
 * reload of the page (webview state).
 */
import { isRecord } from '../guards';
import { createTransport } from '../host';
import type { FunctionPanelToHost, HostToFunctionPanel } from '../functionPanelProtocol';
import { parseFunctionPanelMessage } from './messages';
import { FunctionPanel, type SavedPanel } from './panel';

function parseSaved(value: unknown): SavedPanel | null {
  return isRecord(value) && typeof value.deployment_id === 'string' && typeof value.draft === 'string' ? { deployment_id: value.deployment_id, draft: value.draft } : null;
}

function start(): void {
  const host = createTransport<HostToFunctionPanel, FunctionPanelToHost>(parseFunctionPanelMessage, 'metaflow-studio.function.state');
  const mount = document.getElementById('root') ?? document.body;
  const panel = new FunctionPanel(mount, (message) => host.post(message), (saved) => host.setState(saved), parseSaved(host.getState()));
  host.onMessage((message) => panel.show(message.state));
  host.post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
