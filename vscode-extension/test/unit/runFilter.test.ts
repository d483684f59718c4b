import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeFilter, filterParams, isFiltered, normaliseFilter, parseSince } from '../../src/views/runFilter';

const NOW = Date.parse('2026-11-26T12:00:00Z');

describe('run filter: since', () => {
  it('reads relative times in minutes, hours, days and weeks', () => {
    assert.deepEqual(parseSince('30m', NOW), { since: NOW / 1000 - 1800 });
    assert.deepEqual(parseSince(' 24h ', NOW), { since: NOW / 1000 - 86_400 });
    assert.deepEqual(parseSince('7D', NOW), { since: NOW / 1000 - 7 * 86_400 });
    assert.deepEqual(parseSince('2w', NOW), { since: NOW / 1000 - 14 * 86_400 });
    assert.deepEqual(parseSince('1.5h', NOW), { since: NOW / 1000 - 5400 });
  });

  it('reads dates and date-times as local time', () => {
    assert.deepEqual(parseSince('2026-11-01', NOW), { since: Date.parse('2026-11-01') / 1000 });
    assert.deepEqual(parseSince('2026-11-01 08:30', NOW), { since: Date.parse('2026-11-01T08:30') / 1000 });
  });

  it('says what is accepted for anything else, and refuses the future', () => {
    for (const text of ['yesterday', '24', 'h', '2026-13-45', '']) {
      const parsed = parseSince(text, NOW);
      assert.ok('error' in parsed, text);
      assert.match(parsed.error, /30m, 24h, 7d, 2w or a date/);
    }
    const future = parseSince('2027-01-01', NOW);
    assert.ok('error' in future && future.error.includes('in the future'));
  });
});

describe('run filter: state and params', () => {
  it('drops unknown statuses, blank parts and bad times from stored state', () => {
    assert.deepEqual(normaliseFilter({ status: 'done', since: 'soon', tag: '  ' }), {});
    assert.deepEqual(normaliseFilter({ status: 'failed', since: ' 24h', tag: ' nightly ' }), { status: 'failed', since: '24h', tag: 'nightly' });
    assert.deepEqual(normaliseFilter(undefined), {});
    assert.deepEqual(normaliseFilter('failed'), {});
  });

  it('describes the filter for the view and knows when there is none', () => {
    assert.equal(describeFilter({}), '');
    assert.equal(isFiltered({}), false);
    assert.equal(describeFilter({ status: 'failed', since: '24h', tag: 'nightly' }), 'failed · since 24h · tag nightly');
    assert.equal(isFiltered({ tag: 'x' }), true);
  });

  it('turns the filter into listRuns params at request time', () => {
    assert.deepEqual(filterParams({}, NOW), {});
    assert.deepEqual(filterParams({ status: 'running', since: '1h', tag: 'nightly' }, NOW), {
      status: 'running',
      since: NOW / 1000 - 3600,
      tags: ['nightly'],
    });
  });
});
