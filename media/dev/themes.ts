/**
 * VS Code themes imitated by the dev pages (`?theme=vscode-dark|vscode-light|vscode-hc`):
 * the --vscode-* variables the front-end reads, with the values of VS Code's default
 * themes, and the body class VS Code sets.
 */

export const THEMES: Record<string, { body: string; vars: Record<string, string> }> = {
  'vscode-dark': {
    body: 'vscode-dark',
    vars: {
      'editor-background': '#1f1f1f', 'editor-foreground': '#cccccc', descriptionForeground: '#9d9d9d',
      'sideBar-background': '#181818', 'panel-border': '#2b2b2b', 'button-background': '#0078d4',
      'button-foreground': '#ffffff', focusBorder: '#0078d4', errorForeground: '#f85149',
      'editorWarning-foreground': '#cca700', 'badge-background': '#616161', 'badge-foreground': '#f8f8f8',
      'toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)', 'charts-blue': '#3794ff', 'charts-purple': '#b180d7',
      'charts-green': '#89d185', 'charts-orange': '#d18616', 'charts-yellow': '#cca700',
      'input-background': '#313131', 'input-foreground': '#cccccc', 'input-border': '#3c3c3c',
      'input-placeholderForeground': '#989898', 'inputValidation-errorBorder': '#be1100',
      'inputValidation-errorBackground': '#5a1d1d', 'button-secondaryBackground': '#313131',
      'button-secondaryForeground': '#cccccc', 'button-hoverBackground': '#026ec1',
      'testing-iconPassed': '#73c991', 'testing-iconFailed': '#f14c4c', 'progressBar-background': '#0078d4',
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
      'input-background': '#ffffff', 'input-foreground': '#3b3b3b', 'input-border': '#cecece',
      'input-placeholderForeground': '#767676', 'inputValidation-errorBorder': '#be1100',
      'inputValidation-errorBackground': '#f2dede', 'button-secondaryBackground': '#e5e5e5',
      'button-secondaryForeground': '#3b3b3b', 'button-hoverBackground': '#0258a8',
      'testing-iconPassed': '#388a34', 'testing-iconFailed': '#f14c4c', 'progressBar-background': '#005fb8',
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
      'input-background': '#000000', 'input-foreground': '#ffffff', 'input-border': '#6fc3df',
      'inputValidation-errorBorder': '#f48771', 'inputValidation-errorBackground': '#000000',
      'button-border': '#6fc3df', 'testing-iconPassed': '#73c991', 'testing-iconFailed': '#f48771',
    },
  },
};

/** Imitates the VS Code theme `name` (its --vscode-* variables and body class); none: the page follows prefers-color-scheme. */
export function applyTheme(name: string | null): void {
  const theme = THEMES[name ?? ''];
  if (!theme) return;
  for (const [variable, value] of Object.entries(theme.vars)) document.documentElement.style.setProperty(`--vscode-${variable}`, value);
  const applyBody = (): void => document.body.classList.add(theme.body);
  if (document.body) applyBody();
  else document.addEventListener('DOMContentLoaded', applyBody, { once: true });
}
