import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkJson, position } from '../src/runform/jsonCheck';

test('valid JSON of every kind passes', () => {
  for (const text of ['{}', '[]', '0', '-1.5e3', '"a\\n\\u00e9"', 'true', 'null', ' { "a" : [1, {"b": false}], "c": "x" } ', '[\n  1,\n  2\n]']) {
    assert.equal(checkJson(text), null, text);
    assert.doesNotThrow(() => JSON.parse(text));
  }
});

test('errors say what is wrong and where (1-based line and column)', () => {
  const cases: [string, string, number, number][] = [
    ['{"a": 1,}', 'expected a property name in double quotes', 1, 9],
    ['{\n  "a": 1\n  "b": 2\n}', "expected ',' or '}'", 3, 3],
    ["{'a': 1}", 'expected a property name in double quotes', 1, 2],
    ['[1, 2', "unexpected end: expected ',' or ']'", 1, 6],
    ['{"a" 1}', "expected ':'", 1, 6],
    ['"abc', 'unterminated string', 1, 1],
    ['"a\\x"', 'invalid escape in a string', 1, 3],
    ['01', 'unexpected text after the value', 1, 2],
    ['{} x', 'unexpected text after the value', 1, 4],
    ['', 'unexpected end: expected a value (object, array, string, number, true, false or null)', 1, 1],
    ['[tru]', 'expected a value (object, array, string, number, true, false or null)', 1, 2],
    ['"a\nb"', 'a line break or control character inside a string (write it as \\n)', 1, 3],
  ];
  for (const [text, message, line, column] of cases) {
    const problem = checkJson(text);
    assert.ok(problem, text);
    assert.deepEqual({ message: problem.message, line: problem.line, column: problem.column }, { message, line, column }, text);
    assert.throws(() => JSON.parse(text), SyntaxError, `JSON.parse agrees that ${JSON.stringify(text)} is invalid`);
  }
});

test('positions count lines and columns from 1', () => {
  assert.deepEqual(position('ab\ncd', 4), { line: 2, column: 2 });
  assert.deepEqual(position('ab', 0), { line: 1, column: 1 });
});
