import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RUNS } from '../dev/ui-fixtures';
import { ApiError, hostApi } from '../src/ui/api';
import { isRunPage } from '../src/ui/decode';
import type { UiEvent } from '../src/ui/types';

/** A VS Code webview's message link, with the extension played by the test. */
function fakePort() {
  const posted: Record<string, unknown>[] = [];
  let deliver: (message: unknown) => void = () => undefined;
  return {
    posted,
    send: (message: unknown) => deliver(message),
    port: { post: (m: unknown) => posted.push(m as Record<string, unknown>), onMessage: (h: (m: unknown) => void) => (deliver = h) },
  };
}

test('a request travels as {type:api, id, path} and its apiResult answers it', async () => {
  const fake = fakePort();
  const api = hostApi(fake.port);
  const pending = api.get('/api/runs?flow=TrainingFlow', isRunPage);
  assert.deepEqual(fake.posted, [{ type: 'api', id: 'r1', path: '/api/runs?flow=TrainingFlow' }]);
  fake.send({ type: 'apiResult', id: 'r9', body: {} }); // someone else's answer: ignored
  fake.send({ type: 'apiResult', id: 'r1', body: RUNS });
  assert.deepEqual(await pending, RUNS);
});

test('an error answer rejects with the server message and nearest; a wrong shape too', async () => {
  const fake = fakePort();
  const api = hostApi(fake.port);
  const missing = api.get('/api/run/F/9', isRunPage);
  fake.send({ type: 'apiResult', id: 'r1', error: { kind: 'not_found', message: 'No run F/9', nearest: ['F/8'] } });
  await assert.rejects(missing, (e: unknown) => e instanceof ApiError && e.kind === 'not_found' && e.nearest[0] === 'F/8' && e.path === '/api/run/F/9');
  const wrong = api.get('/api/runs?flow=F', isRunPage);
  fake.send({ type: 'apiResult', id: 'r2', body: { runs: 'nope' } });
  await assert.rejects(wrong, (e: unknown) => e instanceof ApiError && e.kind === 'bad_answer');
});

test('subscriptions: subscribe/unsubscribe messages, events routed by id, none after unsubscribing', () => {
  const fake = fakePort();
  const api = hostApi(fake.port);
  const got: UiEvent[] = [];
  const stop = api.subscribe({ topic: 'runs', flow: 'F' }, (e) => got.push(e));
  assert.deepEqual(fake.posted, [{ type: 'subscribe', id: 's1', topic: 'runs', flow: 'F' }]);
  fake.send({ type: 'uiEvent', event: { type: 'runs', id: 's1', flow: 'F' } });
  fake.send({ type: 'uiEvent', event: { type: 'runs', id: 's2', flow: 'G' } });
  assert.deepEqual(got, [{ type: 'runs', id: 's1', flow: 'F' }]);
  stop();
  stop();
  assert.deepEqual(fake.posted.at(-1), { type: 'unsubscribe', id: 's1' });
  assert.equal(fake.posted.length, 2, 'unsubscribing twice sends one message');
  fake.send({ type: 'uiEvent', event: { type: 'runs', id: 's1', flow: 'F' } });
  assert.equal(got.length, 1);
  assert.equal(api.cardUrl('F/1/s/2', 'h'), null, 'no card base: cards are not shown');
  assert.equal(hostApi(fake.port, { cardBase: 'https://x' }).cardUrl('F/1/a b/2', 'h'), 'https://x/card/F/1/a%20b/2/h');
});
