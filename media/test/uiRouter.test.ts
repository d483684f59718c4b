import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Route } from '../src/ui/router';
import { NO_FILTERS, apiPath, formatRoute, parseRoute, routeOfPathspec, runsPath, sinceEpoch } from '../src/ui/router';

test('every route survives format -> parse, names with / ? # % and spaces included', () => {
  const routes: Route[] = [
    { name: 'runs', flow: null, filters: NO_FILTERS },
    { name: 'runs', flow: 'TrainingFlow', filters: { status: 'failed', tag: 'a b,c', user: 'ann', since: '24h', q: '17&x=1' } },
    { name: 'run', flow: 'TrainingFlow', run: '1764', step: null, task: null },
    { name: 'run', flow: 'F', run: '1', step: 'train', task: null },
    { name: 'run', flow: 'F', run: '1', step: 'tr/ain?#', task: '4 2%' },
    { name: 'compare', runs: ['F/1', 'F/2', 'F/3'] },
    { name: 'lineage', flow: 'F', run: '1', artifact: 'model' },
  ];
  for (const route of routes) assert.deepEqual(parseRoute(formatRoute(route)), route, formatRoute(route));
});

test('the hashes users type or share parse into routes', () => {
  assert.deepEqual(parseRoute(''), { name: 'runs', flow: null, filters: NO_FILTERS });
  assert.deepEqual(parseRoute('#/'), { name: 'runs', flow: null, filters: NO_FILTERS });
  assert.deepEqual(parseRoute('#/run/F/12/task/train/4'), { name: 'run', flow: 'F', run: '12', step: 'train', task: '4' });
  assert.deepEqual(parseRoute('#/compare?runs=F/1,F/2'), { name: 'compare', runs: ['F/1', 'F/2'] });
  assert.deepEqual(parseRoute('#/lineage/F/1/model'), { name: 'lineage', flow: 'F', run: '1', artifact: 'model' });
  assert.equal(formatRoute({ name: 'runs', flow: null, filters: NO_FILTERS }), '#/');
});

test('malformed hashes are unknown routes (the page says so), and bad filter values are dropped', () => {
  for (const hash of ['#/run/F', '#/run/F/1/task/train', '#/run/F/1/bogus/x', '#/nope', '#/compare', '#/run/F/%E0%A4%A/x', '#/lineage/F/1']) {
    assert.equal(parseRoute(hash).name, 'unknown', hash);
  }
  const route = parseRoute('#/?flow=F&status=exploded&since=forever');
  assert.deepEqual(route, { name: 'runs', flow: 'F', filters: NO_FILTERS });
});

test('runsPath sends every filter the server knows, repeated tags and epoch `since`', () => {
  const path = runsPath('My Flow', { status: 'failed', tag: 'a, b', user: 'ann', since: '1h', q: 'x y' }, 50, 'c42', 10_000);
  const url = new URL(path, 'http://x');
  assert.equal(url.pathname, '/api/runs');
  assert.equal(url.searchParams.get('flow'), 'My Flow');
  assert.deepEqual(url.searchParams.getAll('tag'), ['a', 'b']);
  assert.equal(url.searchParams.get('since'), '6400');
  assert.equal(url.searchParams.get('status'), 'failed');
  assert.equal(url.searchParams.get('user'), 'ann');
  assert.equal(url.searchParams.get('q'), 'x y');
  assert.equal(url.searchParams.get('limit'), '50');
  assert.equal(url.searchParams.get('cursor'), 'c42');
  assert.equal(new URL(runsPath('F', NO_FILTERS, 20, null, 0), 'http://x').search, '?flow=F&limit=20', 'no empty parameters');
  assert.equal(sinceEpoch('', 100), null);
  assert.equal(sinceEpoch('7d', 1_000_000), 1_000_000 - 604_800);
});

test('pathspecs become routes and encoded API paths', () => {
  assert.deepEqual(routeOfPathspec('F/1/train/4'), { name: 'run', flow: 'F', run: '1', step: 'train', task: '4' });
  assert.deepEqual(routeOfPathspec('F/1'), { name: 'run', flow: 'F', run: '1', step: null, task: null });
  assert.equal(routeOfPathspec('F'), null, 'a flow alone is not a run');
  assert.equal(routeOfPathspec('F/1/s/t/x'), null);
  assert.equal(apiPath('run', 'F/1', '/graph'), '/api/run/F/1/graph');
  assert.equal(apiPath('artifact', 'F/1/s/2/a b?'), '/api/artifact/F/1/s/2/a%20b%3F');
});
