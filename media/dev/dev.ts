/**
 * Driver of the standalone dev page (dev/dag.html), bundled to dist/dev.js.
 *
 * Plays the host over window.postMessage: waits for the view's `ready`, then sends the
 * sample graph (or `?steps=N`: a synthetic flow of N steps). `?theme=vscode-dark|
 * vscode-light|vscode-hc` imitates a VS Code theme (its --vscode-* variables and body
 * class); without it the page follows prefers-color-scheme. Everything the view posts and
 * every CSP violation is recorded on `window.mfDev` for Playwright checks.
 */
import type { FlowGraph, HostToView, ViewToHost } from '../src/protocol';
import sample from './sample-graph.json';
import { syntheticGraph } from './synthetic';

interface DevApi {
  messages: ViewToHost[];
  violations: string[];
  graph: FlowGraph;
  send(message: HostToView): void;
}

declare global {
  interface Window {
    mfDev: DevApi;
  }
}

const THEMES: Record<string, { body: string; vars: Record<string, string> }> = {
  'vscode-dark': {
    body: 'vscode-dark',
    vars: {
      'editor-background': '#1f1f1f', 'editor-foreground': '#cccccc', descriptionForeground: '#9d9d9d',
      'sideBar-background': '#181818', 'panel-border': '#2b2b2b', 'button-background': '#0078d4',
      'button-foreground': '#ffffff', focusBorder: '#0078d4', errorForeground: '#f85149',
      'editorWarning-foreground': '#cca700', 'badge-background': '#616161', 'badge-foreground': '#f8f8f8',
      'toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)', 'charts-blue': '#3794ff', 'charts-purple': '#b180d7',
      'charts-green': '#89d185', 'charts-orange': '#d18616', 'charts-yellow': '#cca700',
    },
  },
  'vscode-light': {
    body: 'vscode-light',
    vars: {
      'editor-background': '#ffffff', 'editor-foreground': '#3b3b3b', descriptionForeground: '#717171',
      'sideBar-background': '#f8f8f8', 'panel-border': '#e5e5e5', 'button-background': '#005fb8',
      'button-foreground': '#ffffff', focusBorder: '#005fb8', errorForeground: '#a1260d',
      'editorWarning-foreground': '#bf8803', 'badge-background': '#cccccc', 'badge-foreground': '#3b3b3b',
      'toolbar-hoverBackground': 'rgba(184, 184, 184, 0.31)', 'charts-blue': '#1a85ff', 'charts-purple': '#652d90',
      'charts-green': '#388a34', 'charts-orange': '#d18616', 'charts-yellow': '#bf8803',
    },
  },
  'vscode-hc': {
    body: 'vscode-high-contrast',
    vars: {
      'editor-background': '#000000', 'editor-foreground': '#ffffff', descriptionForeground: '#ffffff',
      'sideBar-background': '#000000', 'panel-border': '#6fc3df', 'button-background': '#000000',
      'button-foreground': '#ffffff', focusBorder: '#f38518', contrastBorder: '#6fc3df',
      contrastActiveBorder: '#f38518', errorForeground: '#f48771', 'editorWarning-foreground': '#ffd370',
      'badge-background': '#000000', 'badge-foreground': '#ffffff', 'charts-blue': '#3794ff',
      'charts-purple': '#b180d7', 'charts-green': '#89d185', 'charts-orange': '#d18616', 'charts-yellow': '#ffd370',
    },
  },
};

const params = new URLSearchParams(window.location.search);
const steps = Number(params.get('steps') ?? '0');
const graph: FlowGraph = steps > 0 ? syntheticGraph(steps) : (sample as FlowGraph);

const theme = THEMES[params.get('theme') ?? ''];
if (theme) {
  for (const [name, value] of Object.entries(theme.vars)) document.documentElement.style.setProperty(`--vscode-${name}`, value);
  const applyBody = (): void => document.body.classList.add(theme.body);
  if (document.body) applyBody();
  else document.addEventListener('DOMContentLoaded', applyBody, { once: true });
}

const api: DevApi = {
  messages: [],
  violations: [],
  graph,
  send: (message) => window.postMessage(message, '*'),
};
window.mfDev = api;

document.addEventListener('securitypolicyviolation', (event) => {
  api.violations.push(`${event.violatedDirective}: ${event.blockedURI || event.sample}`);
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data as ViewToHost | null;
  if (typeof data !== 'object' || data === null || typeof data.type !== 'string') return;
  if (!['ready', 'revealStep', 'exported', 'rendered', 'error'].includes(data.type)) return;
  api.messages.push(data);
  if (data.type === 'ready' && params.get('manual') === null) api.send({ type: 'graph', graph });
  if (data.type === 'error') console.error(`[dag view] ${data.message}`);
});
