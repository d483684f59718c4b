// Builds the DAG front-end with esbuild's node API.
//   node build.mjs           -> dist/dag.js, dist/runform.js, dist/ui.js and dist/functionPanel.js (IIFE, ES2020,
//                               minified, external sourcemaps), their .css, and the dev pages'
//                               drivers dist/dev.js, dist/runform-dev.js, dist/ui-dev.js and dist/function-dev.js
//   node build.mjs --tests   -> also compiles test/**/*.test.ts to out/tests/ for `node --test`
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const withTests = process.argv.includes('--tests');

/** Every file under `dir` whose name ends with `suffix`, recursively. */
function filesUnder(dir, suffix) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => join(entry.parentPath, entry.name));
}

const started = performance.now();
const browser = { bundle: true, format: 'iife', target: 'es2020', platform: 'browser', logLevel: 'warning' };

/** A front-end page: its script and its stylesheet, each bundled into dist/. */
const page = (name, script, style) => [
  build({
    ...browser,
    entryPoints: [join(root, script)],
    outfile: join(root, `dist/${name}.js`),
    minify: true,
    sourcemap: 'external',
    legalComments: 'external',
  }),
  build({
    entryPoints: [join(root, style)],
    outfile: join(root, `dist/${name}.css`),
    bundle: true,
    minify: true,
    target: ['chrome100', 'firefox100', 'safari15'],
    logLevel: 'warning',
  }),
];
const devDriver = (name, script) => build({ ...browser, entryPoints: [join(root, script)], outfile: join(root, `dist/${name}.js`), sourcemap: 'inline' });

await Promise.all([
  ...page('dag', 'src/dag/main.ts', 'src/dag/dag.css'),
  ...page('runform', 'src/runform/main.ts', 'src/runform/runform.css'),
  ...page('ui', 'src/ui/main.ts', 'src/ui/ui.css'),
  ...page('functionPanel', 'src/functionPanel/main.ts', 'src/functionPanel/functionPanel.css'),
  devDriver('dev', 'dev/dev.ts'),
  devDriver('runform-dev', 'dev/runform-dev.ts'),
  devDriver('ui-dev', 'dev/ui-dev.ts'),
  devDriver('function-dev', 'dev/function-dev.ts'),
]);

if (withTests) {
  const outdir = join(root, 'out/tests');
  rmSync(outdir, { recursive: true, force: true });
  const entryPoints = filesUnder(join(root, 'test'), '.test.ts');
  await build({
    entryPoints,
    outdir,
    outbase: join(root, 'test'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    sourcemap: 'inline',
    logLevel: 'warning',
    // node:test and friends stay imports; everything of ours (and dagre) is bundled in.
    packages: 'bundle',
    external: ['node:*'],
  });
  console.log(`built ${entryPoints.length} test file(s): ${entryPoints.map((f) => relative(root, f)).join(', ')}`);
}
console.log(`media built in ${Math.round(performance.now() - started)} ms`);
