/**
 * Which in-host suites a run executes (index.ts): the ones MFSTUDIO_INHOST_SUITES names, else
 * all but the DEDICATED_SUITES, which need a host of their own and are asked for by name.
 * Pure, so the unit tests check it without an editor.
 */

/** Suites that need extensions the usual host must not have (tests/e2e/python-extension.e2e.mjs). */
export const DEDICATED_SUITES: readonly string[] = ['pythonExtension'];

/**
 * @param files the names in out/test/
 * @param only MFSTUDIO_INHOST_SUITES: comma-separated file stems ("runs,debug")
 * @returns the `*.test.js` names to run, sorted
 */
export function selectSuites(files: readonly string[], only: string | undefined): string[] {
  const stems = files.filter((file) => file.endsWith('.test.js')).map((file) => file.slice(0, -'.test.js'.length));
  const wanted = (only ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = wanted.filter((s) => !stems.includes(s));
  if (unknown.length > 0) {
    throw new Error(`MFSTUDIO_INHOST_SUITES names no such suite: ${unknown.join(', ')} (there are: ${stems.join(', ')}).`);
  }
  const chosen = wanted.length > 0 ? wanted : stems.filter((s) => !DEDICATED_SUITES.includes(s));
  return [...new Set(chosen)].sort().map((s) => `${s}.test.js`);
}
