// Lint = Nx module boundaries: apps may import libs, libs only libs, nothing imports an app.
const nx = require('@nx/eslint-plugin');
const tsParser = require('@typescript-eslint/parser');
const tseslint = require('typescript-eslint');

module.exports = [
  { ignores: ['**/dist/**', '**/node_modules/**', 'deploy/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tsParser },
    // typescript-eslint is registered so inline disable comments for its rules resolve.
    plugins: { '@nx': nx, '@typescript-eslint': tseslint.plugin },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:app'] },
          ],
        },
      ],
    },
  },
  {
    // Benchmarks run the apps as programs (their dist/main.js) but load code only from
    // libraries, by package name and their testing entry points (`@svcnet/netns/testing`).
    files: ['bench/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name='require'] Literal[value=/(^|[./])apps\\//]",
          message: "bench/ may require libraries only (by package name), never an app's files",
        },
      ],
    },
  },
];
