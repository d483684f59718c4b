/**
 * Small pieces every view uses: the error banner, status badges, links to routes, tables.
 * Built with DOM calls only (../dag/dom.ts): every datum enters as text.
 */
import { append, html } from '../dag/dom';
import { ApiError } from './api';
import type { StudioApi } from './api';
import type { Route } from './router';
import { formatRoute, routeOfPathspec } from './router';

/** What a view gets from the app. */
export interface ViewContext {
  api: StudioApi;
  /** Goes to `route`: a new history entry, or `replace` the current one (typing in a filter). */
  navigate(route: Route, replace?: boolean): void;
}

/** A mounted view; `update` takes a new route of the same view without remounting (false: remount). */
export interface View {
  update?(route: Route): boolean;
  dispose(): void;
}

/** A link to a route (a real `href`, so middle-click and copy-link work). */
export function routeLink(route: Route, text: string, className = 'ui-link'): HTMLAnchorElement {
  return html('a', { class: className, href: formatRoute(route) }, text);
}

/** The error banner: what failed, the server's message and its `nearest` suggestions as links. */
export function errorBanner(error: unknown, what: string): HTMLElement {
  const banner = html('div', { class: 'ui-error', role: 'alert', 'data-testid': 'error-banner' });
  append(banner, html('strong', { class: 'ui-error__what' }, what), html('span', { class: 'ui-error__message' }, error instanceof Error ? error.message : String(error)));
  if (error instanceof ApiError && error.nearest.length > 0) {
    const list = html('span', { class: 'ui-error__nearest' }, 'Did you mean: ');
    error.nearest.forEach((pathspec, i) => {
      const route = routeOfPathspec(pathspec);
      if (i > 0) list.append(', ');
      list.append(route ? routeLink(route, pathspec, 'ui-link ui-error__suggestion') : html('code', {}, pathspec));
    });
    banner.append(list);
  }
  return banner;
}

/** A status word with its colour class (`ui-status--failed`). */
export function statusBadge(status: string): HTMLElement {
  return html('span', { class: `ui-status ui-status--${status}`, 'data-status': status }, status);
}

/** A tag chip. */
export function chip(text: string, className = 'ui-chip'): HTMLElement {
  return html('span', { class: className }, text);
}

/** A table with a header row; returns the table and its body. */
export function table(headers: readonly string[], className: string): { table: HTMLTableElement; body: HTMLTableSectionElement } {
  const head = html('tr');
  for (const h of headers) head.append(html('th', { scope: 'col' }, h));
  const body = html('tbody');
  const t = append(html('table', { class: `ui-table ${className}` }), append(html('thead'), head), body);
  return { table: t, body };
}

/** A table cell holding `content` (text or nodes). */
export function cell(content: string | Node | null, className?: string): HTMLTableCellElement {
  const td = html('td', className ? { class: className } : {});
  if (content !== null) td.append(content);
  return td;
}

/** A "Loading…" placeholder. */
export function loading(text = 'Loading…'): HTMLElement {
  return html('p', { class: 'ui-loading', role: 'status' }, text);
}

/** A section with a heading. */
export function section(title: string, className: string, ...children: (Node | null)[]): HTMLElement {
  return append(html('section', { class: `ui-section ${className}` }), html('h2', { class: 'ui-section__title' }, title), ...children);
}
