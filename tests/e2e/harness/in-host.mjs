/**
 * Runs the extension's mocha tests inside code-server's real extension host.
 *
 * Why: VS Code's own test runner (@vscode/test-electron) downloads an editor, which cannot
 * work here. code-server started with `enable-smoke-test-driver` honours the same
 * `extensionDevelopmentPath` / `extensionTestsPath` payload when a browser opens the
 * workbench, and reports the tests' exit code through `window.codeAutomationExit`.
 */
import util from 'node:util';
import { launchChromium } from './browser.mjs';

/** Extension-host log lines that are workbench plumbing, not test output. */
const NOISE = /^(Resolving|Resolved|Creating a socket|Updating|\[|Failed: getaddrinfo|Canceled: Canceled|Creation of workbench contribution|Error: Timed out waiting for authentication provider)/;

/**
 * @param {{baseUrl: string, url: string}} cs a code-server started with smokeDriver: true
 * @param {{extensionDevelopmentPath: string, extensionTestsPath: string, timeoutMs?: number, onLine?: (line: string) => void}} o
 * @returns {Promise<{exitCode: number | 'timeout', output: string[], millis: number}>}
 */
export async function runInHostTests(cs, o) {
  const payload = JSON.stringify([
    // code-server's remote authority is literally "remote"
    ['extensionDevelopmentPath', `vscode-remote://remote${o.extensionDevelopmentPath}`],
    ['extensionTestsPath', `vscode-remote://remote${o.extensionTestsPath}`],
  ]);
  const url = `${cs.url}&payload=${encodeURIComponent(payload)}`;
  const started = Date.now();
  const output = [];
  const b = await launchChromium();
  try {
    let done;
    const exited = new Promise((r) => (done = r));
    await b.page.exposeFunction('codeAutomationExit', (code) => done(code));
    // The extension host's console is mirrored into the page as console.log('%c INFO', css, fmt, ...args).
    b.page.on('console', async (m) => {
      try {
        const v = await Promise.all(m.args().map((a) => a.jsonValue()));
        if (typeof v[0] === 'string' && /^%c\s+(INFO|ERR|WARN)/.test(v[0]) && v.length > 2) {
          const line = util.format(...v.slice(2));
          if (!NOISE.test(line)) {
            output.push(line);
            o.onLine?.(line);
          }
        }
      } catch {
        /* the page navigated while reading the message */
      }
    });
    await b.page.goto(url);
    const timeoutMs = o.timeoutMs ?? 120000;
    let timer;
    const exitCode = await Promise.race([
      exited,
      new Promise((r) => (timer = setTimeout(() => r('timeout'), timeoutMs))),
    ]);
    clearTimeout(timer);
    return { exitCode, output, millis: Date.now() - started };
  } finally {
    await b.close();
  }
}
