// Builds the extension with esbuild.
//   node build.mjs               src/extension.ts -> dist/extension.js and the lazily loaded
//                                src/common/languageClient.ts -> dist/languageClient.js (CJS,
//                                node target, 'vscode' external); ../media/dist/{dag,runform,ui,functionPanel}.{js,css} ->
//                                dist/media/; test/suite/*.ts -> out/test/ (in-host mocha
//                                tests, entry out/test/index.js)
//   node build.mjs --production  the same, minified and without source maps (the .vsix)
//   node build.mjs --tests       only test/unit/*.test.ts -> out/unit/ for `node --test`
//                                (pure modules: no media bundle needed)
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
const unitTestsOnly = process.argv.includes('--tests');
const started = performance.now();

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  absWorkingDir: here,
};

function tsFiles(folder, suffix) {
  const dir = join(here, folder);
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(suffix))
        .map((f) => join(folder, f))
    : [];
}

function copyMedia() {
  const source = join(here, '..', 'media', 'dist');
  const target = join(here, 'dist', 'media');
  const files = ['dag.js', 'dag.css', 'runform.js', 'runform.css', 'ui.js', 'ui.css', 'functionPanel.js', 'functionPanel.css'];
  const missing = files.filter((f) => !existsSync(join(source, f)));
  if (missing.length > 0) {
    throw new Error(
      `media/dist/${missing.join(', ')} missing: build the DAG front-end first ` +
        '(npm run build --workspace media, or npm run build at the repository root).',
    );
  }
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  // The bundle's third-party license notices (esbuild's legalComments) travel with it.
  const notices = files.map((f) => `${f}.LEGAL.txt`).filter((f) => existsSync(join(source, f)));
  for (const file of [...files, ...notices]) {
    copyFileSync(join(source, file), join(target, file));
  }
}

// src/common/languageClient.ts (vscode-languageclient: most of the code) becomes its own
// file, required by dist/extension.js only when the server starts, so that activation
// loads a small bundle.
const lazyClient = {
  name: 'lazy-language-client',
  setup(b) {
    b.onResolve({ filter: /^\.\/languageClient$/ }, () => ({ path: './languageClient.js', external: true }));
  },
};

async function buildExtension() {
  for (const name of ['extension', 'languageClient']) {
    rmSync(join(here, 'dist', `${name}.js.map`), { force: true });
  }
  const bundle = { ...common, external: ['vscode'], minify: production, sourcemap: production ? false : 'linked' };
  await build({
    ...bundle,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    plugins: [lazyClient],
    // import('./languageClient') becomes require(): the extension host loads CommonJS.
    supported: { 'dynamic-import': false },
  });
  await build({ ...bundle, entryPoints: ['src/common/languageClient.ts'], outfile: 'dist/languageClient.js' });
  copyMedia();

  // In-host tests run inside the real extension host: 'vscode' comes from the host and
  // mocha from the workspace's node_modules.
  rmSync(join(here, 'out', 'test'), { recursive: true, force: true });
  await build({
    ...common,
    entryPoints: tsFiles('test/suite', '.ts'),
    outdir: 'out/test',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
  });
}

async function buildUnitTests() {
  rmSync(join(here, 'out', 'unit'), { recursive: true, force: true });
  await build({
    ...common,
    entryPoints: tsFiles('test/unit', '.test.ts'),
    outdir: 'out/unit',
    sourcemap: 'inline',
  });
}

await (unitTestsOnly ? buildUnitTests() : buildExtension());
const what = unitTestsOnly ? 'unit tests' : production ? 'extension (production)' : 'extension';
console.log(`vscode-extension: built ${what} in ${(performance.now() - started).toFixed(0)} ms`);
