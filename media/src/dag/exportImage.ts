/**
 * Export of the drawing as a standalone SVG file or a PNG data: URL.
 *
 * The live SVG is themed by CSS variables that do not exist outside the host, so the
 * export walks the drawing and inlines each element's computed paint and font as
 * presentation attributes, with colours resolved to plain `#rrggbb` / `rgba()` through a
 * 1x1 canvas (this also resolves `color-mix()` and system colours). The result is then
 * serialised by svgText.ts, which escapes every text and attribute value.
 */
import type { Box } from './geometry';
import { el, serializeSvg } from './svgText';
import type { SvgElementData } from './svgText';

const GEOMETRY = ['d', 'x', 'y', 'width', 'height', 'rx', 'ry', 'cx', 'cy', 'r', 'x1', 'y1', 'x2', 'y2', 'points', 'transform', 'viewBox'];
const DATA = ['data-step', 'data-from', 'data-to', 'data-missing', 'class'];
/** Inherited presentation properties, with SVG's initial values: an element only gets the
 * ones that differ from what it inherits, which keeps the file small. */
const INHERITED: Record<string, string> = {
  fill: '#000000',
  stroke: 'none',
  'stroke-width': '1px',
  'stroke-dasharray': 'none',
  'stroke-linecap': 'butt',
  'stroke-linejoin': 'miter',
  'fill-opacity': '1',
  'stroke-opacity': '1',
  'font-family': '',
  'font-size': '',
  'font-weight': '400',
  'font-style': 'normal',
  'text-anchor': 'start',
  'letter-spacing': 'normal',
};
/** Not inherited: emitted when not at their initial value. */
const OWN: Record<string, string> = { opacity: '1', 'dominant-baseline': 'auto' };

/** Resolves any CSS colour to `#rrggbb` or `rgba(r,g,b,a)`, caching per input. */
export class ColorResolver {
  private readonly cache = new Map<string, string>();
  private readonly ctx: CanvasRenderingContext2D | null;

  constructor() {
    const canvas = document.createElement('canvas');
    canvas.width = 1;
    canvas.height = 1;
    this.ctx = canvas.getContext('2d', { willReadFrequently: true });
  }

  resolve(color: string): string {
    const key = color.trim();
    if (key === '' || key === 'none' || key.startsWith('url(')) return key || 'none';
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    let out = key;
    const ctx = this.ctx;
    if (ctx) {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = '#000';
      ctx.fillStyle = key;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
      const hex = (v: number | undefined): string => (v ?? 0).toString(16).padStart(2, '0');
      if (a === 0) out = 'none';
      else if (a === 255) out = `#${hex(r)}${hex(g)}${hex(b)}`;
      else out = `rgba(${r ?? 0},${g ?? 0},${b ?? 0},${Math.round(((a ?? 0) / 255) * 1000) / 1000})`;
    }
    this.cache.set(key, out);
    return out;
  }
}

function copyElement(source: Element, colors: ColorResolver, inherited: Readonly<Record<string, string>>): SvgElementData | null {
  const tag = source.localName;
  if (tag === 'title' || tag === 'desc') return el(tag, {}, [], source.textContent ?? '');
  const style = getComputedStyle(source);
  if (style.display === 'none' || style.visibility === 'hidden') return null;
  const attrs: Record<string, string> = {};
  for (const name of [...GEOMETRY, ...DATA]) {
    const value = source.getAttribute(name);
    if (value !== null) attrs[name] = value;
  }
  const mine: Record<string, string> = {};
  for (const name of Object.keys(INHERITED)) {
    let value = style.getPropertyValue(name).trim();
    if (name === 'fill' || name === 'stroke') value = colors.resolve(value);
    mine[name] = value;
    if (value && value !== inherited[name]) attrs[name] = value;
  }
  for (const [name, initial] of Object.entries(OWN)) {
    const value = style.getPropertyValue(name).trim();
    if (value && value !== initial) attrs[name] = value;
  }
  if (tag === 'text' || tag === 'tspan') return el(tag, attrs, [], source.textContent ?? '');
  const children: SvgElementData[] = [];
  for (const child of Array.from(source.children)) {
    const copy = copyElement(child, colors, mine);
    if (copy) children.push(copy);
  }
  return el(tag, attrs, children);
}

/**
 * A standalone SVG of `content` (the graph layers, in graph coordinates) cropped to
 * `bounds`, on the background colour of `themed` (the element carrying the theme).
 */
export function exportSvg(content: readonly Element[], bounds: Box, themed: Element, title: string): string {
  const colors = new ColorResolver();
  const background = colors.resolve(getComputedStyle(themed).backgroundColor || '#ffffff');
  const width = Math.ceil(bounds.width);
  const height = Math.ceil(bounds.height);
  const layers = content.map((c) => copyElement(c, colors, INHERITED)).filter((c): c is SvgElementData => c !== null);
  const root = el(
    'svg',
    {
      width: String(width),
      height: String(height),
      viewBox: `${Math.floor(bounds.x)} ${Math.floor(bounds.y)} ${width} ${height}`,
    },
    [
      el('title', {}, [], title),
      el('rect', { x: String(Math.floor(bounds.x)), y: String(Math.floor(bounds.y)), width: String(width), height: String(height), fill: background === 'none' ? '#ffffff' : background }),
      ...layers,
    ],
  );
  return serializeSvg(root);
}

/** Largest scale (up to `preferred`) that keeps the canvas within browser limits. */
export function pngScale(width: number, height: number, preferred = 2): number {
  const maxSide = 16384;
  const maxArea = 64 * 1024 * 1024;
  const bySide = maxSide / Math.max(1, width, height);
  const byArea = Math.sqrt(maxArea / Math.max(1, width * height));
  return Math.max(0.1, Math.min(preferred, bySide, byArea));
}

/** Rasterises SVG text to a PNG data: URL (via an <img> from a data: URL, allowed by img-src). */
export function svgToPng(svgText: string, width: number, height: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    const scale = pngScale(width, height);
    image.addEventListener('load', () => {
      try {
        const canvas = document.createElement('canvas');
        canvas.width = Math.max(1, Math.round(width * scale));
        canvas.height = Math.max(1, Math.round(height * scale));
        const ctx = canvas.getContext('2d');
        if (!ctx) throw new Error('no 2D canvas available');
        ctx.scale(scale, scale);
        ctx.drawImage(image, 0, 0, width, height);
        resolve(canvas.toDataURL('image/png'));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    image.addEventListener('error', () => reject(new Error('the SVG could not be rasterised')));
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  });
}
