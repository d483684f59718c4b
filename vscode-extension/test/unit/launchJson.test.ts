import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'jsonc-parser/lib/esm/main.js';
import { mergeLaunchJson } from '../../src/debug/launchJson';

const ENTRIES = [
  { type: 'metaflow', request: 'launch', name: 'TrainingFlow: debug run', flowFile: '${workspaceFolder}/flows/training_flow.py', mode: 'run' },
  { type: 'metaflow', request: 'launch', name: 'TrainingFlow: debug step train', flowFile: '${workspaceFolder}/flows/training_flow.py', mode: 'spin', step: 'train' },
];

const USERS = `{
  // my own settings: keep this comment
  "version": "0.2.0",
  "configurations": [
    /* the server I debug every day */
    {
      "name": "my server",
      "type": "node",
      "request": "launch",
      "program": "\${workspaceFolder}/server.js", // trailing comment
    },
    {
      "name": "TrainingFlow: debug step train",
      "type": "metaflow",
      "request": "launch",
      "flowFile": "\${workspaceFolder}/flows/training_flow.py",
      "mode": "spin",
      "step": "train",
      "task": "TrainingFlow/12/train/4" // my pinned task
    }
  ]
}
`;

test('merging keeps the user entries, their comments and their version of an entry', () => {
  const result = mergeLaunchJson(USERS, ENTRIES);
  assert.deepEqual(result.added, ['TrainingFlow: debug run']);
  assert.deepEqual(result.kept, ['TrainingFlow: debug step train']);
  for (const line of USERS.split('\n').filter((l) => l.trim() !== '' && !/^\s*[\]}]/.test(l))) {
    assert.ok(result.text.includes(line.trim()), `lost: ${line}`);
  }
  const parsed = parse(result.text, [], { allowTrailingComma: true }) as { configurations: Array<{ name: string; task?: string }> };
  assert.deepEqual(
    parsed.configurations.map((c) => c.name),
    ['my server', 'TrainingFlow: debug step train', 'TrainingFlow: debug run'],
  );
  assert.equal(parsed.configurations[1]?.task, 'TrainingFlow/12/train/4');
});

test('merging twice adds nothing the second time', () => {
  const once = mergeLaunchJson(USERS, ENTRIES).text;
  const twice = mergeLaunchJson(once, ENTRIES);
  assert.equal(twice.text, once);
  assert.deepEqual(twice.added, []);
});

test('a missing or empty launch.json becomes one with the entries', () => {
  const result = mergeLaunchJson('', ENTRIES);
  const parsed = parse(result.text) as { version: string; configurations: unknown[] };
  assert.equal(parsed.version, '0.2.0');
  assert.deepEqual(parsed.configurations, ENTRIES);
  const noList = mergeLaunchJson('{ "version": "0.2.0" }', ENTRIES);
  assert.equal((parse(noList.text) as { configurations: unknown[] }).configurations.length, 2);
});

test('a broken launch.json is not touched: the error names the line', () => {
  assert.throws(() => mergeLaunchJson('{\n  "configurations": [\n    {"name": "x",,}\n  ]\n}', ENTRIES), /launch\.json line 3: .*fix it/);
  assert.throws(() => mergeLaunchJson('{"configurations": {}}', ENTRIES), /not a list/);
});
