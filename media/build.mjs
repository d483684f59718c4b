// Builds the DAG front-end with esbuild's node API.
//   node build.mjs           -> dist/dag.js, dist/runform.js, dist/ui.js and dist/functionPanel.js (IIFE, ES2020,
//                               minified, external sourcemaps), their .css, and the dev pages'
//                               drivers dist/dev.js, dist/runform-dev.js, dist/ui-dev.js and dist/function-dev.js;
//                               the standalone UI's split build (ui-app.js, ui-chunk-*.js,
//                               ui-boot.js, ui-shell.json: see standaloneUi)
//   node build.mjs --tests   -> also compiles test/**/*.test.ts to out/tests/ for `node --test`
import { build } from 'esbuild';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
/**
 * The standalone server's packaging of the UI: ES modules split by esbuild, so the runs page
 * (the entry) loads without dagre and the other views (chunks loaded on navigation), and
 * the boot script the server inlines (src/ui/boot.ts). dist/ui-shell.json tells the server
 * the entry, the chunks to preload and the boot script. ui.js stays the whole app in one
 * classic script for the VS Code webviews.
 */
async function standaloneUi() {
  const dist = join(root, 'dist');
  mkdirSync(dist, { recursive: true }); // a fresh checkout has none yet
  for (const old of readdirSync(dist)) if (old.startsWith('ui-chunk-')) rmSync(join(dist, old));
  const [app] = await Promise.all([
    build({
      ...browser,
      format: 'esm',
      splitting: true,
      entryPoints: { 'ui-app': join(root, 'src/ui/main.ts') },
      outdir: dist,
      chunkNames: 'ui-chunk-[hash]',
      minify: true,
      sourcemap: 'external',
      legalComments: 'external',
      metafile: true,
    }),
    build({ ...browser, entryPoints: [join(root, 'src/ui/boot.ts')], outfile: join(dist, 'ui-boot.js'), minify: true }),
  ]);
  const [, entry] = Object.entries(app.metafile.outputs).find(([out]) => out.endsWith('/ui-app.js'));
  const preload = entry.imports.filter((i) => i.kind === 'import-statement').map((i) => i.path.split('/').pop());
  writeFileSync(join(dist, 'ui-shell.json'), `${JSON.stringify({ script: 'ui-app.js', preload, style: 'ui.css', boot: 'ui-boot.js' }, null, 2)}\n`);
}

const devDriver = (name, script) => build({ ...browser, entryPoints: [join(root, script)], outfile: join(root, `dist/${name}.js`), sourcemap: 'inline' });

await Promise.all([
  ...page('dag', 'src/dag/main.ts', 'src/dag/dag.css'),
  ...page('runform', 'src/runform/main.ts', 'src/runform/runform.css'),
  ...page('ui', 'src/ui/main.ts', 'src/ui/ui.css'),
  standaloneUi(),
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
