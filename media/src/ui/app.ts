/**
 * The single-page app: the header (brand, navigation, theme toggle), hash routing and the
 * view of the current route. `mountApp` is host-independent: main.ts passes the standalone
 * server's or VS Code's StudioApi, the dev page a fake one. The runs view is part of the
 * entry; the other views load on first use (lazyView.ts).
 */
import { append, html } from '../dag/dom';
import type { StudioApi } from './api';
import type { Route } from './router';
import { RUNS_PAGE_SIZE, formatRoute, parseRoute } from './router';
import { THEME_CHOICES, THEME_WORDS, applyTheme, inVsCode, savedTheme } from './theme';
import type { ThemeChoice } from './theme';
import { lazyView } from './lazyView';
import { runsView } from './views/runs';
import type { View, ViewContext } from './widgets';

export interface AppOptions {
  /** Runs per page in the runs view (the server's cap is 1,000). */
  runsPageSize?: number;
}

export interface App {
  /** The route shown now. */
  readonly route: Route;
  dispose(): void;
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function themeToggle(): HTMLSelectElement {
  const select = html('select', { class: 'ui-input ui-theme', 'aria-label': 'Theme', 'data-testid': 'theme-toggle' });
  for (const choice of THEME_CHOICES) select.append(html('option', { value: choice }, THEME_WORDS[choice]));
  const current = savedTheme(storage());
  select.value = current;
  applyTheme(current, document.documentElement, storage());
  select.addEventListener('change', () => applyTheme(select.value as ThemeChoice, document.documentElement, storage()));
  return select;
}

export function mountApp(mount: HTMLElement, api: StudioApi, options: AppOptions = {}): App {
  const pageSize = options.runsPageSize ?? RUNS_PAGE_SIZE;
  const main = html('main', { class: 'ui-main', id: 'ui-main' });
  const nav = append(html('nav', { class: 'ui-nav', 'aria-label': 'Views' }), html('a', { class: 'ui-nav__item', href: '#/', 'data-testid': 'nav-runs' }, 'Runs'));
  const header = append(
    html('header', { class: 'ui-header' }),
    append(html('a', { class: 'ui-brand', href: '#/' }), html('span', { class: 'ui-brand__mark', 'aria-hidden': 'true' }, '◆'), document.createTextNode(' Metaflow Studio')),
    nav,
  );
  const live = html('span', { class: 'ui-live', role: 'status', 'data-testid': 'live-status', hidden: '' });
  header.append(live);
  api.onConnection?.((state) => {
    live.hidden = state === 'live';
    live.dataset.state = state;
    live.textContent = state === 'refused' ? 'Live updates refused: open the address with its ?token= again' : 'Live updates paused: reconnecting…';
  });
  if (!inVsCode(document.body)) header.append(themeToggle());
  mount.replaceChildren(append(html('div', { class: 'ui-app', 'data-testid': 'app' }), header, main));

  let route = parseRoute(window.location.hash);
  let view: View | null = null;

  const ctx: ViewContext = {
    api,
    navigate(next, replace = false) {
      const hash = formatRoute(next);
      if (hash === window.location.hash) return;
      if (replace) {
        history.replaceState(history.state, '', hash);
        show(parseRoute(hash));
      } else {
        window.location.hash = hash; // hashchange shows it
      }
    },
  };

  const show = (next: Route): void => {
    route = next;
    document.body.dataset.view = next.name;
    if (view?.update?.(next)) return;
    view?.dispose();
    main.replaceChildren();
    main.scrollTop = 0;
    switch (next.name) {
      case 'runs':
        view = runsView(ctx, main, next, pageSize);
        document.title = next.flow ? `${next.flow} runs · Metaflow Studio` : 'Metaflow Studio';
        break;
      case 'run':
        view = lazyView(ctx, main, next, async () => (await import('./views/run')).runView);
        document.title = `${next.flow}/${next.run} · Metaflow Studio`;
        break;
      case 'compare':
        view = lazyView(ctx, main, next, async () => (await import('./views/compare')).compareView);
        document.title = 'Compare runs · Metaflow Studio';
        break;
      case 'lineage':
        view = lazyView(ctx, main, next, async () => (await import('./views/lineage')).lineageView);
        document.title = `Lineage of ${next.artifact} · Metaflow Studio`;
        break;
      case 'unknown':
        view = null;
        main.append(html('div', { class: 'ui-error', role: 'alert', 'data-testid': 'error-banner' }, `Nothing lives at ${next.hash}. `), append(html('p'), html('a', { class: 'ui-link', href: '#/' }, 'Back to the runs')));
        break;
    }
  };

  const onHash = (): void => show(parseRoute(window.location.hash));
  window.addEventListener('hashchange', onHash);
  show(route);
  return {
    get route() {
      return route;
    },
    dispose() {
      window.removeEventListener('hashchange', onHash);
      view?.dispose();
    },
  };
}
