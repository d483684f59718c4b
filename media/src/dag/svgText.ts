/**
 * A tiny SVG document model and its serialiser, for the standalone export.
 *
 * Pure. Every text and attribute value is escaped here, so step names, docstrings and
 * decorator arguments (`<script>`, `&`, quotes) come out as inert text; element and
 * attribute names are checked against a strict pattern since they never come from users.
 */

export interface SvgElementData {
  tag: string;
  attrs: Record<string, string>;
  /** Text content (for `text`, `tspan`, `title`, `desc`); children are ignored when set. */
  text?: string;
  children: SvgElementData[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

/** Escapes text content: `&`, `<`, `>`. */
export function escapeXmlText(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** Escapes a double-quoted attribute value: `&`, `<`, `>`, `"`, `'` and line breaks. */
export function escapeXmlAttr(value: string): string {
  return value.replace(/[&<>"'\n\r\t]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&#39;';
      case '\n':
        return '&#10;';
      case '\r':
        return '&#13;';
      default:
        return '&#9;';
    }
  });
}

/** Drops characters XML 1.0 does not allow at all (control characters, lone surrogates). */
export function stripInvalidXmlChars(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}

export function el(tag: string, attrs: Record<string, string> = {}, children: SvgElementData[] = [], text?: string): SvgElementData {
  return text === undefined ? { tag, attrs, children } : { tag, attrs, children, text };
}

function serialize(node: SvgElementData, out: string[]): void {
  if (!NAME.test(node.tag)) throw new Error(`invalid SVG element name: ${node.tag}`);
  out.push('<', node.tag);
  for (const [name, value] of Object.entries(node.attrs)) {
    if (!NAME.test(name) || /^on/i.test(name)) throw new Error(`invalid SVG attribute name: ${name}`);
    out.push(' ', name, '="', escapeXmlAttr(stripInvalidXmlChars(value)), '"');
  }
  if (node.text !== undefined) {
    out.push('>', escapeXmlText(stripInvalidXmlChars(node.text)), '</', node.tag, '>');
  } else if (node.children.length === 0) {
    out.push('/>');
  } else {
    out.push('>');
    for (const child of node.children) serialize(child, out);
    out.push('</', node.tag, '>');
  }
}

/** A standalone SVG file: XML declaration, then `root` (which should be an `svg`). */
export function serializeSvg(root: SvgElementData): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  const withNs = root.tag === 'svg' && !root.attrs.xmlns ? { ...root, attrs: { xmlns: 'http://www.w3.org/2000/svg', ...root.attrs } } : root;
  serialize(withNs, out);
  out.push('\n');
  return out.join('');
}
