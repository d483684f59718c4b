// ESLint flat config for every TypeScript/JavaScript package of the repo (media/,
// vscode-extension/, tests/e2e/, build scripts). typescript-eslint's `strict` preset for
// TypeScript; plain `recommended` for the .js/.mjs scripts that run on Node.
// Kept generic: rules that only make sense for one package are scoped by `files`.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Built bundles, compiled tests and tool folders are never linted.
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/out/**',
      '**/.vscode-test/**',
      '.venv/**',
      'test-results/**',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node },
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    // Playwright-driven tests and tools: their page.evaluate callbacks run in the browser.
    files: ['tests/e2e/**', '**/test/browser/**', '**/*.e2e.{js,mjs}', 'media/dev/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  ...tseslint.configs.strict.map((config) => ({ ...config, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Rules of the house for all code: no string evaluation, strict equality.
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    // Web front-end: it runs under a strict CSP and renders user strings (step names,
    // docstrings, decorator arguments). Markup is built with DOM APIs only.
    files: ['media/src/**/*.ts', 'media/dev/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-properties': [
        'error',
        { property: 'insertAdjacentHTML', message: 'Build DOM nodes; user strings go in via textContent.' },
        { property: 'outerHTML', message: 'Build DOM nodes; user strings go in via textContent.' },
        { object: 'document', property: 'write', message: 'Build DOM nodes instead.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "AssignmentExpression > MemberExpression.left[property.name='innerHTML']",
          message: 'No innerHTML: user strings go in via textContent/createTextNode/setAttribute.',
        },
        {
          selector: "CallExpression[callee.property.name='setAttribute'][arguments.0.value=/^on/i]",
          message: 'No inline event handlers: use addEventListener.',
        },
        {
          selector: "CallExpression[callee.property.name='setAttribute'][arguments.0.value='style']",
          message: 'No style attributes under the CSP: use classes or element.style.<prop>.',
        },
      ],
    },
  },
);
