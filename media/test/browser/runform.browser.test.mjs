// The run form in real Chromium, on its dev page (dev/runform.html, same CSP as the VS Code
// host): one input per parameter by kind, client-side checks, server errors, the launch
// payload, the target picker, lint errors blocking the run, markup shown as text.
// Run: npm run test:browser --workspace media (after `npm run build --workspace media`).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { devPage, launchChromium, openPage, screenshot } from './harness.mjs';

const url = devPage('runform.html');
let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => browser?.close());

const open = (query = '', options = {}) => openPage(browser, `${url}${query}`, () => document.querySelector('.rf-field'), options);
const posted = (page, type) => page.evaluate((t) => window.mfForm.messages.filter((m) => m.type === t), type);
const send = (page, message) => page.evaluate((m) => window.mfForm.send(m), message);
const field = (page, key) => page.locator(`.rf-field[data-key="${key}"]`);
const errorOf = (page, key) => page.locator(`[data-key="${key}"] .rf-field__error`);
const focusedKey = (page) => page.evaluate(() => document.activeElement?.closest('[data-key]')?.dataset.key ?? null);

test('one input per parameter, typed by kind, labelled, required marked', async () => {
  const { page, context, problems } = await open();
  const inputs = await page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('.rf-section .rf-field')].map((f) => {
        const input = f.querySelector('input, textarea');
        return [f.dataset.key, `${input.localName}:${input.type}:${input.getAttribute('step') ?? ''}`];
      }),
    ),
  );
  assert.deepEqual(inputs, {
    dataset: 'input:text:',
    learning_rate: 'input:number:any',
    epochs: 'input:number:1',
    seed: 'input:number:1',
    dry_run: 'input:checkbox:',
    grid: 'textarea:textarea:',
    labels: 'input:text:',
    settings: 'textarea:textarea:',
    notes: 'input:text:',
    tags: 'input:text:',
    max_workers: 'input:number:1',
    with: 'textarea:textarea:',
  });
  await page.getByLabel('epochs').fill('4'); // labels are tied to their inputs
  assert.equal(await page.locator('#' + (await page.getByLabel('epochs').getAttribute('id'))).inputValue(), '4');
  assert.equal(await page.getByLabel('dataset').getAttribute('aria-required'), 'true');
  assert.equal(await field(page, 'dataset').locator('.rf-label__required').count(), 1);
  assert.equal(await field(page, 'epochs').locator('.rf-label__required').count(), 0);
  assert.equal(await page.getByLabel('epochs').getAttribute('placeholder'), 'default: 3', 'blank means the flow default');
  assert.equal(await page.getByLabel('seed').getAttribute('placeholder'), 'default: int(time.time())');
  assert.equal(await page.getByLabel('dry_run').isChecked(), false);
  assert.match(await page.getByLabel('learning_rate').getAttribute('aria-describedby'), /-help/);
  assert.equal(await field(page, 'learning_rate').locator('.rf-field__help').textContent(), 'Step size of the optimiser');
  assert.equal(await page.locator('.rf-title').textContent(), 'Run TrainFlow');
  assert.deepEqual(await page.evaluate(() => window.mfForm.violations), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('client-side checks: JSON as it is typed (with its position), required on Run, focus on the first', async () => {
  const { page, context } = await open();
  await page.getByLabel('grid').fill('{"depth": [4, 8}');
  await page.waitForSelector('[data-key="grid"] .rf-field__error:not([hidden])');
  assert.equal(await errorOf(page, 'grid').textContent(), "Not valid JSON at line 1, column 16: expected ',' or ']'.");
  assert.equal(await page.getByLabel('grid').getAttribute('aria-invalid'), 'true');
  await page.getByLabel('grid').fill('{"depth": [4, 8]}');
  assert.equal(await errorOf(page, 'grid').isHidden(), true, 'fixed: the error goes away');
  assert.equal(await errorOf(page, 'dataset').isHidden(), true, 'a fresh form is not covered in errors');

  await page.getByLabel('max workers').fill('0');
  assert.equal(await errorOf(page, 'max_workers').textContent(), 'Expected a whole number of 1 or more.');
  await page.getByLabel('extra decorators').fill('retry\nnot a spec');
  assert.match(await errorOf(page, 'with').textContent(), /^Line 2: "not a spec": expected a decorator name/);
  await page.getByRole('button', { name: 'Run' }).click();
  assert.equal(await errorOf(page, 'dataset').textContent(), 'Required: the flow has no default for it.');
  assert.equal(await focusedKey(page), 'dataset', 'the first invalid input gets the focus');
  assert.deepEqual(await posted(page, 'launch'), [], 'nothing is launched while there are errors');
  await context.close();
});

test('launch sends the typed values; the button shows progress; the host says when it started', async () => {
  const { page, context } = await open();
  await page.getByLabel('dataset').fill('s3://bucket/shards');
  await page.getByLabel('epochs').fill('5');
  await page.getByLabel('learning_rate').fill('0.5');
  await page.getByLabel('dry_run').check();
  await page.getByLabel('grid').fill('{"depth": [2]}');
  await page.getByLabel('tags').fill('nightly, exp 1, nightly');
  await page.getByLabel('max workers').fill('8');
  await page.getByLabel('extra decorators').fill('retry:times=2\n');
  assert.equal(await page.locator('.rf-target-options').isHidden(), true, 'local has no options');
  await page.getByLabel('AWS Batch').check();
  assert.equal(await page.locator('.rf-target-options .rf-field').count(), 4, 'the target’s options appear when it is chosen');
  await page.getByLabel('CPUs').fill('2');
  await page.getByLabel('Memory (MB)').fill('8192');
  await page.getByLabel('dataset').press('Enter'); // Enter in a text input runs, as in any form
  await page.waitForFunction(() => window.mfForm.messages.some((m) => m.type === 'launch'));
  const [launch] = await posted(page, 'launch');
  assert.deepEqual(launch.values, {
    params: { dataset: 's3://bucket/shards', learning_rate: 0.5, epochs: 5, dry_run: true, grid: '{"depth": [2]}' },
    tags: ['nightly', 'exp 1'],
    max_workers: 8,
    with_specs: ['retry:times=2'],
    target: 'batch',
    target_options: { cpu: '2', memory: '8192' },
  });
  const run = page.locator('button.rf-run');
  assert.equal(await run.isDisabled(), true);
  assert.equal(await run.textContent(), 'Starting…');
  await send(page, { type: 'launching' });
  await send(page, { type: 'launched', run: 'TrainFlow/1733' });
  await page.waitForFunction(() => !document.querySelector('button.rf-run').disabled);
  assert.equal(await page.locator('.rf-status').textContent(), 'Run started: TrainFlow/1733');
  assert.equal(await run.textContent(), 'Run');
  await context.close();
});

test('server errors show next to their inputs, the first gets the focus; failures in a banner', async () => {
  const { page, context } = await open('?values=1');
  await page.getByRole('button', { name: 'Run' }).click();
  assert.equal((await posted(page, 'launch')).length, 1, 'last values are valid as they are');
  await send(page, { type: 'errors', errors: { with: '"x": bad', labels: 'no file at /work/flows/labels.csv', elsewhere: 'something else' } });
  await page.waitForSelector('[data-key="labels"] .rf-field__error:not([hidden])');
  assert.equal(await errorOf(page, 'labels').textContent(), 'no file at /work/flows/labels.csv');
  assert.equal(await errorOf(page, 'with').textContent(), '"x": bad');
  assert.equal(await focusedKey(page), 'labels', 'the first one in the form, not in the message');
  assert.match(await page.locator('.rf-banner--failed').textContent(), /elsewhere: something else/);
  assert.equal(await page.locator('button.rf-run').isDisabled(), false);
  await send(page, { type: 'failed', message: 'python: No module named metaflow' });
  await page.waitForFunction(() => document.querySelector('.rf-banner--failed').textContent.includes('No module named metaflow'));
  assert.equal(await page.locator('.rf-banner--failed').getAttribute('role'), 'alert');
  await context.close();
});

test('files are picked by the host; unavailable targets are disabled with their reason; Cancel', async () => {
  const { page, context } = await open();
  await field(page, 'labels').getByRole('button', { name: 'Browse for labels' }).click();
  assert.deepEqual(await posted(page, 'pickFile'), [{ type: 'pickFile', field: 'labels' }]);
  await send(page, { type: 'pickedFile', field: 'labels', path: '/data/labels.csv' });
  await page.waitForFunction(() => document.activeElement?.value === '/data/labels.csv');
  const k8s = page.getByLabel('Kubernetes');
  assert.equal(await k8s.isDisabled(), true);
  const reason = await page.locator(`#${await k8s.getAttribute('aria-describedby')}`).textContent();
  assert.match(reason, /^not configured in .*METAFLOW_KUBERNETES_NAMESPACE/);
  assert.equal(await page.getByLabel('Local').isChecked(), true);
  await page.getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await posted(page, 'cancel')).length, 1);
  await context.close();
});

test('lint errors: a banner lists them and the flow cannot be run', async () => {
  const { page, context } = await open('?lint=1');
  const banner = page.locator('.rf-banner').first();
  assert.equal(await banner.isVisible(), true);
  assert.match(await banner.textContent(), /^TrainFlow has 2 errors: fix them before running\./);
  assert.equal(await page.locator('button.rf-run').isDisabled(), true);
  await page.getByLabel('dataset').fill('x');
  await page.getByLabel('dataset').press('Control+Enter');
  await page.getByLabel('dataset').press('Enter');
  assert.deepEqual(await posted(page, 'launch'), []);
  await context.close();
});

test('help, defaults, reasons and lint messages with markup are shown as text; nothing executes', async () => {
  const { page, context, problems } = await open('?lint=1');
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => window.mfPwned), undefined);
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.locator('script').count(), 2); // runform-dev.js and runform.js only
  assert.match(await field(page, 'notes').locator('.rf-field__help').textContent(), /<img src=x onerror="window\.mfPwned=1"><script>/);
  assert.equal(await page.getByLabel('notes').getAttribute('placeholder'), 'default: <b>"quoted" & <i>escaped</i></b>');
  assert.match(await page.locator('.rf-banner__list').textContent(), /<img src=x/);
  assert.deepEqual(await page.evaluate(() => window.mfForm.violations), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('what was typed survives a reload of the page', async () => {
  const { page, context } = await open();
  await page.getByLabel('dataset').fill('kept');
  await page.getByLabel('dry_run').check();
  await page.waitForTimeout(300); // saved shortly after the last change
  await page.reload();
  await page.waitForSelector('.rf-field');
  assert.equal(await page.getByLabel('dataset').inputValue(), 'kept');
  assert.equal(await page.getByLabel('dry_run').isChecked(), true);
  await context.close();
});

test('screenshots of the form in light and dark', async () => {
  for (const [name, scheme, theme] of [
    ['runform-light', 'light', 'vscode-light'],
    ['runform-dark', 'dark', 'vscode-dark'],
  ]) {
    // Tall enough for the whole form, so the sticky Run bar sits at the end.
    const { page, context } = await open(`?values=1&theme=${theme}`, { colorScheme: scheme, reducedMotion: 'reduce', viewport: { width: 820, height: 1880 } });
    await page.getByLabel('grid').fill('{"depth": [4, 8, 16],\n "eta": 0.1,}');
    await page.getByLabel('dataset').fill('');
    await page.getByLabel('dataset').blur();
    console.log(`# ${await screenshot(page, name)}`);
    await context.close();
  }
});
