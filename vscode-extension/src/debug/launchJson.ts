/**
 * Merging entries into a launch.json text with JSONC edits, so the user's entries, comments
 * and formatting stay exactly as they were: an entry is appended only when no configuration
 * of that name exists (the user's version wins), nothing is ever removed. Pure (text in,
 * text out) so it is unit-tested without an editor.
 */
// The ES module build: esbuild cannot bundle the UMD one (it requires its parts lazily).
import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from 'jsonc-parser/lib/esm/main.js';

export interface MergeResult {
  text: string;
  /** Names of the entries appended. */
  added: string[];
  /** Names already present, left as the user wrote them. */
  kept: string[];
}

const EMPTY = '{\n  // Metaflow Studio: "Metaflow: Generate launch.json"\n  "version": "0.2.0",\n  "configurations": []\n}\n';
const FORMAT = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/** Appends each entry whose name is new; throws with the line when `text` is not valid JSONC. */
export function mergeLaunchJson(text: string, entries: ReadonlyArray<{ name: string }>): MergeResult {
  let merged = text.trim() === '' ? EMPTY : text;
  const errors: ParseError[] = [];
  const tree: unknown = parse(merged, errors, { allowTrailingComma: true });
  const [first] = errors;
  if (first !== undefined) {
    throw new Error(`launch.json line ${lineOf(merged, first.offset)}: ${printParseErrorCode(first.error)}; fix it, then generate again.`);
  }
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) {
    throw new Error('launch.json must hold an object with "configurations"; fix it, then generate again.');
  }
  const existing = (tree as { configurations?: unknown }).configurations;
  if (existing !== undefined && !Array.isArray(existing)) {
    throw new Error('launch.json\'s "configurations" is not a list; fix it, then generate again.');
  }
  if (existing === undefined) {
    merged = applyEdits(merged, modify(merged, ['configurations'], [], FORMAT));
  }
  const names = new Set(
    (existing ?? []).map((c: unknown) => (typeof c === 'object' && c !== null ? (c as { name?: unknown }).name : undefined)),
  );
  const added: string[] = [];
  const kept: string[] = [];
  for (const entry of entries) {
    if (names.has(entry.name)) {
      kept.push(entry.name);
      continue;
    }
    merged = applyEdits(merged, modify(merged, ['configurations', -1], entry, { ...FORMAT, isArrayInsertion: true }));
    names.add(entry.name);
    added.push(entry.name);
  }
  return { text: merged, added, kept };
}
