/**
 * The theme choice: follow the system (default), light, dark or high contrast. Saved in
 * localStorage; applied as `data-theme` on <html>, which theme.css maps onto the one set
 * of --mf-* variables. Inside VS Code the --vscode-* variables win and the toggle is hidden.
 */

export type ThemeChoice = 'auto' | 'light' | 'dark' | 'hc';
export const THEME_CHOICES: readonly ThemeChoice[] = ['auto', 'light', 'dark', 'hc'];
export const THEME_WORDS: Record<ThemeChoice, string> = { auto: 'System theme', light: 'Light', dark: 'Dark', hc: 'High contrast' };
export const THEME_KEY = 'mfstudio.ui.theme';

export function savedTheme(storage: Pick<Storage, 'getItem'> | null): ThemeChoice {
  try {
    const value = storage?.getItem(THEME_KEY);
    return THEME_CHOICES.includes(value as ThemeChoice) ? (value as ThemeChoice) : 'auto';
  } catch {
    return 'auto'; // storage disabled
  }
}

export function applyTheme(choice: ThemeChoice, root: HTMLElement, storage: Pick<Storage, 'setItem' | 'removeItem'> | null): void {
  if (choice === 'auto') root.removeAttribute('data-theme');
  else root.dataset.theme = choice;
  try {
    if (choice === 'auto') storage?.removeItem(THEME_KEY);
    else storage?.setItem(THEME_KEY, choice);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}

/** True inside a VS Code webview (VS Code sets a theme class on <body>). */
export function inVsCode(body: HTMLElement): boolean {
  return ['vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light'].some((c) => body.classList.contains(c));
}
