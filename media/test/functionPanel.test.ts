import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFunctionPanelMessage } from '../src/functionPanel/messages';
import { operationsOf, typeName } from '../src/functionPanel/openapi';
import { parseBody, showJson } from '../src/functionPanel/panel';

/** The shape of the OpenAPI document `mfstudio function serve` gives (FastAPI + components). */
const OPENAPI = {
  openapi: '3.1.0',
  info: { title: 'predict', version: '1' },
  paths: {
    '/predict': {
      post: {
        summary: 'Predict',
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/PredictInput' } }, 'avro/binary': { schema: { $ref: '#/components/schemas/PredictInput' } } } },
        responses: {
          '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/PredictOutput' } } } },
          '422': { description: 'bad', content: { 'application/json': { schema: { type: 'object' } } } },
        },
      },
    },
    '/health': { get: { responses: { '200': { description: 'ok' } } } },
  },
  components: {
    schemas: {
      PredictInput: { type: 'object', properties: { x: { type: 'number' }, tags: { type: 'array', items: { type: 'string' } }, note: { anyOf: [{ type: 'string' }, { type: 'null' }] } }, required: ['x'] },
      PredictOutput: { type: 'object', properties: { y: { type: 'number' } }, required: ['y'] },
    },
  },
};

describe('function panel: OpenAPI operations', () => {
  it('lists each path and method with the request and response fields, references resolved', () => {
    const ops = operationsOf(OPENAPI);
    assert.deepEqual(
      ops.map((o) => `${o.method} ${o.path}`),
      ['POST /predict', 'GET /health'],
    );
    const [predict, health] = ops;
    assert.equal(predict?.summary, 'Predict');
    assert.deepEqual(predict?.request, {
      contentType: 'application/json',
      name: 'PredictInput',
      fields: [
        { name: 'x', type: 'number', required: true },
        { name: 'tags', type: 'string[]', required: false },
        { name: 'note', type: 'string | null', required: false },
      ],
    });
    assert.deepEqual(predict?.response, { contentType: 'application/json', name: 'PredictOutput', fields: [{ name: 'y', type: 'number', required: true }] });
    assert.equal(health?.request, null);
    assert.equal(health?.response, null);
  });

  it('gives nothing for what is not OpenAPI, and survives a reference cycle', () => {
    assert.deepEqual(operationsOf(null), []);
    assert.deepEqual(operationsOf({ paths: 3 }), []);
    const cyclic = { paths: { '/a': { post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/A' } } } } } } }, components: { schemas: { A: { $ref: '#/components/schemas/A' } } } };
    assert.deepEqual(operationsOf(cyclic)[0]?.request, { contentType: 'application/json', name: 'A', fields: [] });
    assert.equal(typeName({ type: 'object', additionalProperties: { type: 'integer' } }), '{[key]: integer}');
    assert.equal(typeName({ enum: ['a', 1] }), '"a" | 1');
  });
});

describe('function panel: the request editor', () => {
  it('reads JSON bodies and says why text is not one', () => {
    assert.deepEqual(parseBody(' {"x": 2} '), { body: { x: 2 } });
    assert.deepEqual(parseBody('3'), { body: 3 });
    assert.match((parseBody('{x: 2}') as { error: string }).error, /^Not JSON: /);
    assert.match((parseBody('  ') as { error: string }).error, /Type a JSON body first/);
    assert.equal(showJson({ x: 1 }), '{\n  "x": 1\n}');
    assert.equal(showJson(undefined), '');
  });
});

describe('function panel: host messages', () => {
  const state = {
    deployment_id: 'd1',
    function: 'predict',
    module: 'functions.predict',
    task: 'TrainingFlow/1/end/7',
    target: 'call',
    stage: 'ready',
    message: 'ready',
    reference: '{}',
    url: null,
    openapi: null,
    input_example: { x: 0 },
    done: null,
    total: null,
    input_file: null,
    output_file: null,
    error: null,
    history: [{ id: 1, sent_at: 1, body: { x: 1 }, status: 200, answer: { y: 3 }, elapsed_ms: 2.5, error: null }],
  };

  it('accepts a whole state and ignores anything of another shape', () => {
    assert.deepEqual(parseFunctionPanelMessage({ type: 'state', state }), { type: 'state', state });
    assert.equal(parseFunctionPanelMessage({ type: 'state', state: { ...state, stage: 'launched' } }), null);
    assert.equal(parseFunctionPanelMessage({ type: 'state', state: { ...state, history: [{ id: 'one' }] } }), null);
    assert.equal(parseFunctionPanelMessage({ type: 'send', body: {} }), null);
    assert.equal(parseFunctionPanelMessage('state'), null);
  });
});
