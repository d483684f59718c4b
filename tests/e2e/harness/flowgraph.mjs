/**
 * The reference answer for UI assertions: what `.venv/bin/mfstudio graph FILE --json` says
 * about a flow (its steps, their `def` lines, its diagnostics).
 *
 * Why: the DAG and the diagnostics the workbench shows must agree with the command line on
 * the same text, so the tests ask the CLI instead of hard-coding step lists.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MFSTUDIO_CLI, metaflowEnv } from './workbench.mjs';

/** Runs `mfstudio graph <file> --json`; exit 1 (error diagnostics) still yields the JSON. */
export function graphOfFile(file) {
  return new Promise((resolve, reject) => {
    execFile(
      MFSTUDIO_CLI,
      ['graph', file, '--json'],
      { env: { ...process.env, ...metaflowEnv(os.tmpdir()) }, timeout: 30000 },
      (err, stdout, stderr) => {
        if (err && err.code !== 1) {
          reject(new Error(`mfstudio graph ${file} failed (${err.code}): ${stderr}`));
          return;
        }
        try {
          resolve(JSON.parse(stdout));
        } catch (e) {
          reject(new Error(`mfstudio graph printed no JSON: ${e}\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

/** The same for source text that exists only in an editor: written to a temp file first. */
export async function graphOfText(text, name = 'flow.py') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfstudio-graph-'));
  try {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return await graphOfFile(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** 1-based number of the first line whose trimmed text is `trimmed` (after line `from`). */
export function lineOf(text, trimmed, from = 0) {
  const lines = text.split('\n');
  for (let i = from; i < lines.length; i++) if (lines[i].trim() === trimmed) return i + 1;
  throw new Error(`no line "${trimmed}"`);
}

/** Replaces the content (after indentation) of 1-based line `line`. */
export function replaceLine(text, line, content) {
  const lines = text.split('\n');
  const indent = lines[line - 1].match(/^\s*/)[0];
  lines[line - 1] = indent + content;
  return lines.join('\n');
}

/** Inserts `added` lines after 1-based line `line`. */
export function insertAfter(text, line, added) {
  const lines = text.split('\n');
  lines.splice(line, 0, ...added);
  return lines.join('\n');
}
