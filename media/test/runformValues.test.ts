import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SAMPLE_FORM, SAMPLE_VALUES } from '../dev/sample-form';
import { parseFormMessage } from '../src/runform/messages';
import {
  carryOver,
  defaultHint,
  fieldError,
  initialDraft,
  isDraft,
  optionKey,
  parseTags,
  parseWithSpecs,
  toValues,
  validateDraft,
  withSpecError,
} from '../src/runform/values';
import type { RunFormField, RunFormState } from '../src/runFormProtocol';

const field = (name: string): RunFormField => {
  const f = SAMPLE_FORM.fields.find((x) => x.name === name);
  assert.ok(f, name);
  return f;
};

test('a fresh form starts blank (the flow defaults) on the first available target', () => {
  const draft = initialDraft(SAMPLE_FORM);
  assert.equal(draft.params.epochs, '');
  assert.equal(draft.params.dry_run, null, 'a boolean left alone keeps the flow default');
  assert.equal(draft.target, 'local');
  assert.deepEqual(toValues(SAMPLE_FORM, draft), { params: {}, tags: [], max_workers: null, with_specs: [], target: 'local', target_options: {} });
});

test('the last values fill the form and come back unchanged', () => {
  const state: RunFormState = { ...SAMPLE_FORM, values: SAMPLE_VALUES };
  const draft = initialDraft(state);
  assert.equal(draft.params.epochs, '5');
  assert.equal(draft.params.dry_run, true);
  assert.equal(draft.tags, 'nightly, exp-12');
  assert.equal(draft.target, 'batch');
  assert.deepEqual(toValues(state, draft), SAMPLE_VALUES);
});

test('last values for a target that is no longer available fall back to local', () => {
  const state: RunFormState = { ...SAMPLE_FORM, values: { ...SAMPLE_VALUES, target: 'kubernetes' } };
  assert.equal(initialDraft(state).target, 'local');
});

test('values are typed by kind; blank fields are left out', () => {
  const draft = initialDraft(SAMPLE_FORM);
  Object.assign(draft.params, { dataset: ' s3://b ', learning_rate: '1e-3', epochs: '7', dry_run: false, grid: '{"depth": [2]}', seed: '', notes: '  ' });
  draft.params.seed = '12345678901234567890';
  const values = toValues(SAMPLE_FORM, draft);
  assert.deepEqual(values.params, { dataset: 's3://b', learning_rate: 0.001, epochs: 7, seed: '12345678901234567890', dry_run: false, grid: '{"depth": [2]}' });
});

test('each kind is checked as the server checks it', () => {
  assert.equal(fieldError(field('epochs'), '3'), null);
  assert.equal(fieldError(field('epochs'), ' -3 '), null);
  assert.equal(fieldError(field('epochs'), '2.5'), 'Expected a whole number, got "2.5".');
  assert.equal(fieldError(field('epochs'), '', true), 'Expected a whole number.');
  assert.equal(fieldError(field('learning_rate'), '.5'), null);
  assert.equal(fieldError(field('learning_rate'), '0x10'), 'Expected a number, got "0x10".');
  assert.equal(fieldError(field('learning_rate'), '1e400'), 'Expected a number, got "1e400".');
  assert.equal(fieldError(field('grid'), '{"a": [1, 2}'), "Not valid JSON at line 1, column 12: expected ',' or ']'.");
  assert.equal(fieldError(field('settings'), '{"a": 1}'), null);
  assert.equal(fieldError(field('dry_run'), true), null);
  assert.equal(fieldError(field('labels'), 'labels.csv'), null);
});

test('required means: no default in the source, so blank is an error', () => {
  assert.equal(fieldError(field('dataset'), ''), 'Required: the flow has no default for it.');
  assert.equal(fieldError(field('dataset'), '   '), 'Required: the flow has no default for it.');
  assert.equal(fieldError({ ...field('epochs'), required: true }, ''), null, 'required with a default: blank uses it');
  assert.equal(defaultHint(field('dataset')), 'required');
  assert.equal(defaultHint(field('seed')), 'default: int(time.time())');
  assert.equal(defaultHint(field('grid')), 'default: {"depth":[4,8],"eta":0.1}');
  assert.equal(defaultHint(field('dry_run')), 'default: false');
  assert.equal(defaultHint(field('labels')), 'no default');
});

test('tags, max workers, --with specs and target options', () => {
  assert.deepEqual(parseTags(' a, b ,, a,c '), ['a', 'b', 'c']);
  assert.deepEqual(parseWithSpecs('retry\n\n  kubernetes:cpu=2 \n'), ['retry', 'kubernetes:cpu=2']);
  assert.equal(withSpecError('retry:times=2,minutes_between_retries=1'), null);
  assert.match(withSpecError('2retry') ?? '', /expected a decorator name/);
  assert.match(withSpecError('retry:times') ?? '', /key=value/);
  const draft = initialDraft(SAMPLE_FORM);
  Object.assign(draft, { tags: `ok, ${'x'.repeat(513)}`, maxWorkers: '0', withSpecs: 'retry\nbad spec', target: 'batch' });
  draft.targetOptions.batch = { cpu: 'two', memory: '8192', image: 'my image' };
  draft.params.dataset = 'x';
  const errors = validateDraft(SAMPLE_FORM, draft);
  assert.deepEqual(Object.keys(errors), ['target.cpu', 'target.image', 'tags', 'max_workers', 'with']);
  assert.match(errors.with ?? '', /^Line 2: /);
  assert.equal(errors[optionKey('image')], 'A value cannot contain commas, "=" or spaces.');
});

test('an unavailable target is refused with its reason; options of another target are not sent', () => {
  const draft = initialDraft(SAMPLE_FORM);
  draft.params.dataset = 'x';
  draft.target = 'kubernetes';
  assert.match(validateDraft(SAMPLE_FORM, draft).target ?? '', /^Kubernetes is not available: not configured/);
  draft.target = 'batch';
  draft.targetOptions = { batch: { cpu: '2', gpu: ' ' }, kubernetes: { cpu: '8' } };
  assert.deepEqual(validateDraft(SAMPLE_FORM, draft), {});
  assert.deepEqual(toValues(SAMPLE_FORM, draft).target_options, { cpu: '2' });
});

test('what was typed survives a new version of the form (kept fields only) and is checked when restored', () => {
  const draft = initialDraft(SAMPLE_FORM);
  draft.params.epochs = '9';
  draft.params.dry_run = true;
  draft.tags = 'a';
  const changed: RunFormState = {
    ...SAMPLE_FORM,
    fields: [...SAMPLE_FORM.fields.filter((f) => f.name !== 'epochs' && f.name !== 'dry_run'), { ...field('dry_run'), kind: 'string', type: 'str' }, { ...field('seed'), name: 'extra' }],
  };
  const next = carryOver(changed, draft);
  assert.equal(next.params.epochs, undefined);
  assert.equal(next.params.extra, '');
  assert.equal(next.params.dry_run, '', 'a boolean value does not fill a text field');
  assert.equal(next.tags, 'a');
  assert.ok(isDraft(next));
  assert.ok(!isDraft({ ...next, params: { a: 1 } }));
  assert.ok(!isDraft({ ...next, targetOptions: { batch: { cpu: 2 } } }));
});

test('host messages to the form are checked before use', () => {
  assert.deepEqual(parseFormMessage({ type: 'form', state: SAMPLE_FORM }), { type: 'form', state: SAMPLE_FORM });
  assert.deepEqual(parseFormMessage({ type: 'errors', errors: { epochs: 'bad' } }), { type: 'errors', errors: { epochs: 'bad' } });
  assert.deepEqual(parseFormMessage({ type: 'launched', run: null }), { type: 'launched', run: null });
  assert.deepEqual(parseFormMessage({ type: 'pickedFile', field: 'labels', path: '/x.csv' }), { type: 'pickedFile', field: 'labels', path: '/x.csv' });
  for (const bad of [
    { type: 'form', state: { ...SAMPLE_FORM, fields: [{ ...field('epochs'), kind: 'date' }] } },
    { type: 'form', state: { ...SAMPLE_FORM, lint_errors: [1] } },
    { type: 'errors', errors: { epochs: 1 } },
    { type: 'failed' },
    { type: 'launch', values: {} },
    { type: 'ready' },
  ]) {
    assert.equal(parseFormMessage(bad), null, JSON.stringify(bad));
  }
});
