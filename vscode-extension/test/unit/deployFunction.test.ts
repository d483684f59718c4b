import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cannotBind, defaultOutputFile, functionItems, parseDeployArgs, readsText, targetItems, taskItems } from '../../src/commands/deployPicks';
import { endsProgress, ProgressBook } from '../../src/commands/deployProgress';
import { startsServer } from '../../src/common/flowDocuments';
import type { FunctionInfo, FunctionTask } from '../../src/common/functionsProtocol';
import { addRequest, applyProgress, initialState, settleRequest } from '../../src/views/functionPanelState';

const predict: FunctionInfo = {
  name: 'predict',
  uri: 'file:///ws/functions/predict.py',
  line: 12,
  module: 'functions.predict',
  reads: ['model', 'feature_names'],
  batch: false,
  doc: 'Predict y for x.\n\nLonger text.',
};

function task(pathspec: string, missing: string[] = [], run_status: FunctionTask['run_status'] = 'succeeded'): FunctionTask {
  const [flow = '', run = '', step = ''] = pathspec.split('/');
  return { pathspec, flow, run, step, finished_at: null, run_status, missing };
}

describe('deploy as function: the command arguments', () => {
  it('takes nothing (palette), [uri, name] (code lens), a Runs tree task, or a whole request', () => {
    assert.deepEqual(parseDeployArgs([]), {});
    assert.deepEqual(parseDeployArgs(['file:///ws/f.py', 'predict']), { uri: 'file:///ws/f.py', function: 'predict' });
    assert.deepEqual(parseDeployArgs([{ kind: 'task', root: '/ws', task: { pathspec: 'TrainingFlow/3/end/9' } }]), { task: 'TrainingFlow/3/end/9' });
    assert.deepEqual(
      parseDeployArgs([{ uri: 'file:///ws/f.py', function: 'predict', task: 'F/1/end/2', target: 'batch', input: '/ws/in.jsonl', options: { port: 0, route: '/p', junk: 1 } }]),
      { uri: 'file:///ws/f.py', function: 'predict', task: 'F/1/end/2', target: 'batch', options: { port: 0, route: '/p', input_file: '/ws/in.jsonl' } },
    );
  });

  it('refuses an unknown target, naming the ones there are', () => {
    assert.throws(() => parseDeployArgs([{ function: 'predict', target: 'lambda' }]), /Unknown deploy target "lambda": use one of call, serve, batch/);
  });
});

describe('deploy as function: quick pick items', () => {
  it('shows a function with its module, the first line of its doc and what it reads', () => {
    const [item] = functionItems([predict]);
    assert.equal(item?.label, '$(symbol-function) predict');
    assert.equal(item?.description, 'functions.predict');
    assert.equal(item?.detail, 'Predict y for x. · reads model, feature_names');
    assert.equal(functionItems([{ ...predict, batch: true, doc: null, reads: null }])[0]?.detail, 'reads artifacts by name at run time');
    assert.equal(functionItems([{ ...predict, batch: true }])[0]?.description, 'functions.predict · batch');
    assert.equal(readsText([]), 'reads no artifacts');
  });

  it('puts the suggested task first and marked, tasks lacking artifacts last with what they lack', () => {
    const tasks = [task('F/9/start/1', ['model']), task('F/8/end/5', [], 'failed'), task('F/7/end/4'), task('F/6/end/3')];
    const items = taskItems(tasks, 'F/7/end/4');
    assert.deepEqual(
      items.map((i) => i.value.pathspec),
      ['F/7/end/4', 'F/8/end/5', 'F/6/end/3', 'F/9/start/1'],
    );
    assert.equal(items[0]?.label, '$(star-full) F/7/end/4');
    assert.match(items[0]?.description ?? '', /^suggested · succeeded/);
    assert.equal(items[3]?.label, '$(circle-slash) F/9/start/1');
    assert.match(items[3]?.description ?? '', /^lacks model/);
    assert.match(items[3]?.detail ?? '', /Cannot be bound/);
    assert.equal(cannotBind(tasks[0] as FunctionTask), 'F/9/start/1 lacks model, which the function reads.');
    assert.equal(cannotBind(tasks[2] as FunctionTask), null);
  });

  it('offers the three targets in order, and a batch output beside its input', () => {
    assert.deepEqual(
      targetItems(predict).map((i) => [i.value, i.label]),
      [
        ['call', 'Test call (local process)'],
        ['serve', 'Serve with FastAPI'],
        ['batch', 'Batch on Ray (JSON Lines file)'],
      ],
    );
    assert.equal(defaultOutputFile('/ws/functions/inputs.jsonl'), '/ws/functions/inputs.predictions.jsonl');
    assert.equal(defaultOutputFile('C:\\ws\\records'), 'C:\\ws\\records.predictions.jsonl');
  });

  it('starts the server for a document that defines a function, not for any Python file', () => {
    const doc = (text: string) => ({ languageId: 'python', uri: { scheme: 'file' }, getText: () => text });
    assert.equal(startsServer(doc('from metaflow import json_function\n@json_function\ndef f(d, p): ...')), true);
    assert.equal(startsServer(doc('from metaflow import FlowSpec')), true);
    assert.equal(startsServer(doc('import json\njson.dumps({})')), false);
  });
});

describe('deploy as function: progress bookkeeping', () => {
  it('ends at ready for a call or serve, at done for a batch, and at failed or stopped for all', () => {
    assert.equal(endsProgress('call', 'ready'), true);
    assert.equal(endsProgress('serve', 'environment'), false);
    assert.equal(endsProgress('batch', 'ready'), false);
    assert.equal(endsProgress('batch', 'done'), true);
    for (const target of ['call', 'serve', 'batch'] as const) {
      assert.equal(endsProgress(target, 'failed'), true);
      assert.equal(endsProgress(target, 'stopped'), true);
    }
  });

  it('moves a batch bar by the records done, the increments adding up to 100', () => {
    const book = new ProgressBook('batch');
    assert.deepEqual(book.update({ stage: 'environment', message: '' }), { message: 'Building the environment', finished: false });
    assert.deepEqual(book.update({ stage: 'batch', message: 'mapping', done: 0, total: null }), { message: '0 records · mapping', finished: false });
    const steps = [
      book.update({ stage: 'batch', message: 'mapping', done: 5, total: 20 }),
      book.update({ stage: 'batch', message: 'mapping', done: 5, total: 20 }),
      book.update({ stage: 'batch', message: 'mapping', done: 15, total: 20 }),
      book.update({ stage: 'done', message: 'wrote out.jsonl', done: 20, total: 20 }),
    ];
    assert.equal(steps[0]?.message, '5/20 records · mapping');
    assert.deepEqual(steps.map((s) => s.increment), [25, undefined, 50, 25]);
    assert.deepEqual(steps.map((s) => s.finished), [false, false, false, true]);
  });

  it('keeps a call indeterminate and says each stage', () => {
    const book = new ProgressBook('call');
    const step = book.update({ stage: 'start', message: 'starting the worker' });
    assert.deepEqual(step, { message: 'starting the worker', finished: false });
    assert.equal(book.update({ stage: 'ready', message: '' }).finished, true);
  });
});

describe('deploy as function: the panel state', () => {
  const spec = { deployment_id: 'd1', function: predict, task: 'F/7/end/4', target: 'serve' as const };

  it('follows progress events, keeping what later events leave out', () => {
    let state = initialState(spec);
    assert.equal(state.stage, 'bind');
    state = applyProgress(state, { deployment_id: 'd1', stage: 'ready', message: 'serving', reference: '{"v":1}', url: 'http://127.0.0.1:5000', openapi: { paths: {} }, input_example: { x: 0 } });
    state = applyProgress(state, { deployment_id: 'd1', stage: 'stopped', message: 'stopped' });
    assert.equal(state.stage, 'stopped');
    assert.equal(state.reference, '{"v":1}');
    assert.equal(state.url, 'http://127.0.0.1:5000');
    assert.deepEqual(state.input_example, { x: 0 });
    const failed = applyProgress(state, { deployment_id: 'd1', stage: 'failed', message: 'no', error: { kind: 'bind', message: 'lacks model' } });
    assert.deepEqual(failed.error, { kind: 'bind', message: 'lacks model' });
  });

  it('keeps the last ten requests newest first, each answered by its id', () => {
    let state = initialState(spec);
    for (let i = 1; i <= 12; i += 1) {
      const added = addRequest(state, { x: i }, 1000 + i);
      assert.equal(added.record.id, i);
      assert.equal(added.record.status, null);
      state = settleRequest(added.state, i, { status: 200, body: { y: 2 * i + 1 }, elapsed_ms: 3 });
    }
    assert.equal(state.history.length, 10);
    assert.deepEqual(state.history.map((r) => r.id), [12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    assert.deepEqual(state.history[0]?.answer, { y: 25 });
    const failed = settleRequest(addRequest(state, { x: 0 }, 2000).state, 13, { error: 'stopped' });
    assert.equal(failed.history[0]?.error, 'stopped');
    assert.equal(failed.history[0]?.status, null);
  });
});
