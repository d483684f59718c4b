/**
 * DOM helpers. Every user string enters the page through `textContent` or
 * `setAttribute` here, never as markup (the view runs under a strict CSP and shows step
 * names, docstrings and decorator arguments).
 */

export const SVG_NS = 'http://www.w3.org/2000/svg';

type Attrs = Record<string, string | number | null | undefined>;

function setAttrs(node: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined) node.removeAttribute(name);
    else node.setAttribute(name, String(value));
  }
}

/** An SVG element with attributes and, optionally, text content. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** An HTML element with attributes and, optionally, text content. */
export function html<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  if (text !== undefined) node.textContent = text;
  return node;
}

export function append<T extends Node>(parent: T, ...children: (Node | null | undefined | false)[]): T {
  for (const child of children) if (child) parent.appendChild(child);
  return parent;
}

export function clear(node: ParentNode): void {
  node.replaceChildren();
}

/** A 16x16 stroke icon from path data (trusted constants only). */
export function icon(paths: readonly string[], className = 'mf-icon'): SVGSVGElement {
  const root = svg('svg', { class: className, viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true', focusable: 'false' });
  for (const d of paths) root.appendChild(svg('path', { d }));
  return root;
}
