// Builds the DAG front-end with esbuild's node API.
//   node build.mjs           -> dist/dag.js (IIFE, ES2020, minified, external sourcemap),
//                               dist/dag.css, dist/dev.js (the standalone dev page's driver)
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

await Promise.all([
  build({
    ...browser,
    entryPoints: [join(root, 'src/dag/main.ts')],
    outfile: join(root, 'dist/dag.js'),
    minify: true,
    sourcemap: 'external',
    legalComments: 'external',
  }),
  build({
    entryPoints: [join(root, 'src/dag/dag.css')],
    outfile: join(root, 'dist/dag.css'),
    bundle: true,
    minify: true,
    target: ['chrome100', 'firefox100', 'safari15'],
    logLevel: 'warning',
  }),
  build({
    ...browser,
    entryPoints: [join(root, 'dev/dev.ts')],
    outfile: join(root, 'dist/dev.js'),
    sourcemap: 'inline',
  }),
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
