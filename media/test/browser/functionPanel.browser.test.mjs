// The function panel in real Chromium, on its dev page (dev/function.html, same CSP as the
// VS Code host): the deployment's facts, the OpenAPI operations with their fields, markup
// from the server shown as text, Send posting the editor's JSON (and refusing text that is
// not JSON), answers and history arriving while the editor keeps its focus, Stop, a batch.
// Run: npm run test:browser --workspace media (after `npm run build --workspace media`).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { devPage, launchChromium, openPage } from './harness.mjs';

const url = devPage('function.html');
let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => browser?.close());

const open = (query = '') => openPage(browser, `${url}${query}`, () => document.querySelector('.fp-facts'));
const posted = (page, type) => page.evaluate((t) => window.mfFunction.messages.filter((m) => m.type === t), type);

test('a served deployment: facts, reference, URL and the OpenAPI operations, markup as text', async () => {
  const { page, context, problems } = await open();
  const facts = await page.locator('.fp-facts').first().innerText();
  for (const text of ['functions.predict.predict', 'TrainingFlow/1764200000000000/end/12', 'Served with FastAPI']) assert.ok(facts.includes(text), `${text} in ${facts}`);
  assert.equal(await page.locator('.fp-stage').innerText(), 'READY');
  assert.equal(await page.locator('.fp-url').innerText(), 'http://127.0.0.1:8123');
  const ops = await page.locator('.fp-operation__head').allInnerTexts();
  assert.deepEqual(ops.map((t) => t.split(/\s+/).slice(0, 2).join(' ')), ['POST /predict', 'GET /health']);
  const fields = await page.locator('.fp-operation').first().locator('.fp-field').allInnerTexts();
  assert.deepEqual(fields.map((t) => t.replace(/\s+/g, ' ').trim()), ['x number required', '<img src=x onerror=alert(1)> string', 'y number required']);
  assert.equal(await page.locator('img').count(), 0, 'no element was made from the markup');
  await page.locator('.fp-copy').click();
  await page.locator('.fp-docs').click();
  assert.equal((await posted(page, 'copyReference')).length, 1);
  assert.equal((await posted(page, 'openDocs')).length, 1);
  assert.deepEqual(problems, []);
  assert.deepEqual(await page.evaluate(() => window.mfFunction.violations), []);
  await context.close();
});

test('Send posts the JSON typed; the answer and the history come back while the editor keeps focus', async () => {
  const { page, context } = await open();
  const editor = page.getByLabel('Request body (JSON)');
  assert.deepEqual(JSON.parse(await editor.inputValue()), { x: 0 }, 'prefilled from the input example');
  await editor.fill('{x: 1}');
  await page.locator('.fp-send').click();
  assert.match(await page.locator('.fp-editor__error').innerText(), /^Not JSON/);
  assert.deepEqual(await posted(page, 'send'), [], 'nothing sent');

  await editor.fill('{"x": 4}');
  await editor.press('Control+Enter');
  await page.locator('.fp-answer__head .fp-status--ok').waitFor();
  assert.deepEqual(await posted(page, 'send'), [{ type: 'send', body: { x: 4 } }]);
  assert.deepEqual(JSON.parse(await page.locator('.fp-answer').innerText()), { y: 9 });
  assert.equal(await page.locator('.fp-elapsed').innerText(), '1.8 ms');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'fp-editor', 'the editor kept its focus');

  await editor.fill('{"z": 1}');
  await page.locator('.fp-send').click();
  await page.locator('.fp-answer__head .fp-status--error').waitFor();
  assert.deepEqual(await page.locator('.fp-history .fp-status').allInnerTexts(), ['422', '200']);
  // A request of the history goes back into the editor.
  await page.locator('.fp-history__item').nth(1).click();
  assert.deepEqual(JSON.parse(await editor.inputValue()), { x: 4 });

  await page.locator('.fp-stop').click();
  await page.locator('.fp-stage--stopped').waitFor();
  assert.equal(await page.locator('.fp-send').isDisabled(), true, 'nothing can be sent to a stopped deployment');
  assert.equal(await page.locator('.fp-stop').isDisabled(), true);
  await context.close();
});

test('a batch shows its records done and its files, without a request editor', async () => {
  const { page, context } = await open('?target=batch');
  assert.equal(await page.locator('.fp-counts').innerText(), '8 of 20 records');
  assert.equal(await page.locator('.fp-progress').getAttribute('value'), '8');
  assert.equal(await page.locator('.fp-editor').isVisible(), false);
  assert.ok((await page.locator('.fp-body').innerText()).includes('/ws/functions/inputs.predictions.jsonl'));
  assert.equal(await page.locator('.fp-open-output').isDisabled(), true, 'the output opens once the batch is done');
  await context.close();
});
