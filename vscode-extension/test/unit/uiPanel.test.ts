import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRoute } from '../../../media/src/ui/router';
import { apiResult, compareRoute, lineageRoute, panelTitle, parsePageMessage, runRoute, unavailable } from '../../src/common/uiProtocol';
import { buildUiHtml } from '../../src/views/uiHtml';

const inputs = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/media/ui.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/media/ui.css',
  nonce: 'abcDEF123_-',
  route: '#/run/TrainingFlow/12',
  title: 'TrainingFlow/12',
};

describe('UI panel HTML', () => {
  it('mounts the UI bundle on #app with its first route, under the nonce CSP only', () => {
    const html = buildUiHtml(inputs);
    assert.match(html, /<div id="app" data-route="#\/run\/TrainingFlow\/12"/);
    assert.deepEqual([...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]), [`<script nonce="abcDEF123_-" src="${inputs.scriptUri}">`]);
    assert.match(html, /script-src &#39;nonce-abcDEF123_-&#39;/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|<style|style="|\son[a-z]+=|frame-src/i);
  });

  it('escapes what it is given and refuses what is not a route or a nonce', () => {
    const html = buildUiHtml({ ...inputs, route: '#/lineage/F/1/a%22b', title: '<img src=x onerror=alert(1)>' });
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.doesNotMatch(html, /<img/);
    assert.throws(() => buildUiHtml({ ...inputs, route: 'javascript:alert(1)' }), /location hash/);
    assert.throws(() => buildUiHtml({ ...inputs, nonce: 'a"b' }), /nonce/);
  });
});

describe('UI panel routes', () => {
  it('open a run, a step or a task, and parse back to what was asked', () => {
    assert.deepEqual(parseRoute(runRoute('TrainingFlow/12')), { name: 'run', flow: 'TrainingFlow', run: '12', step: null, task: null });
    assert.deepEqual(parseRoute(runRoute('TrainingFlow/12/train/4')), { name: 'run', flow: 'TrainingFlow', run: '12', step: 'train', task: '4' });
    assert.throws(() => runRoute('TrainingFlow'), /not a run, step or task pathspec/);
  });

  it('compare 2 to 8 runs of one flow, saying what is wrong otherwise', () => {
    assert.deepEqual(parseRoute(compareRoute(['F/1', 'F/2'])), { name: 'compare', runs: ['F/1', 'F/2'] });
    assert.throws(() => compareRoute(['F/1']), /2 to 8 runs; 1 selected/);
    assert.throws(() => compareRoute(Array.from({ length: 9 }, (_, i) => `F/${i}`)), /9 selected/);
    assert.throws(() => compareRoute(['F/1', 'G/2']), /one flow; the selection has F, G/);
  });

  it('lineage of an artifact item (its task pathspec and name)', () => {
    assert.deepEqual(parseRoute(lineageRoute('F/3/train/7', 'model')), { name: 'lineage', flow: 'F', run: '3', artifact: 'model' });
    assert.throws(() => lineageRoute('F', 'model'), /task pathspec/);
  });

  it('panel titles come from the page title without the brand', () => {
    assert.equal(panelTitle('Compare runs · Metaflow Studio'), 'Compare runs');
    assert.equal(panelTitle('Metaflow Studio'), 'Metaflow');
  });
});

describe('UI panel messages', () => {
  it('accepts the page messages of docs/ui-api.md and ignores anything else', () => {
    assert.deepEqual(parsePageMessage({ type: 'api', id: 'r1', path: '/api/run/F/1' }), { type: 'api', id: 'r1', path: '/api/run/F/1' });
    assert.deepEqual(parsePageMessage({ type: 'subscribe', id: 's1', topic: 'run', run: 'F/1' }), { type: 'subscribe', id: 's1', topic: 'run', run: 'F/1' });
    assert.deepEqual(parsePageMessage({ type: 'unsubscribe', id: 's1' }), { type: 'unsubscribe', id: 's1' });
    for (const bad of [null, 'api', [], { type: 'api', id: 'r1', path: 'http://evil/' }, { type: 'api', id: '', path: '/api/flows' }, { type: 'subscribe', id: 's1' }, { type: 'eval', code: '1' }, { type: 'api', id: 'x'.repeat(101), path: '/api/flows' }]) {
      assert.equal(parsePageMessage(bad), undefined, JSON.stringify(bad));
    }
  });

  it('answers: the body when ok, else the error body the page shows', () => {
    assert.deepEqual(apiResult('r1', { status: 200, body: { flows: [] } }), { type: 'apiResult', id: 'r1', body: { flows: [] } });
    assert.deepEqual(apiResult('r2', { status: 404, body: { error: { kind: 'not_found', message: 'No run F/9', nearest: ['F/8'] } } }), {
      type: 'apiResult',
      id: 'r2',
      error: { kind: 'not_found', message: 'No run F/9', nearest: ['F/8'] },
    });
    assert.deepEqual(apiResult('r3', { status: 500, body: {} }), { type: 'apiResult', id: 'r3', error: { kind: 'internal', message: 'The server answered with status 500.', nearest: [] } });
    assert.deepEqual(unavailable('r4', 'not running'), { type: 'apiResult', id: 'r4', error: { kind: 'unavailable', message: 'not running', nearest: [] } });
  });
});
