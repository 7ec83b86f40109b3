// Lint = Nx module boundaries: apps may import libs, libs only libs, nothing imports an app.
const nx = require('@nx/eslint-plugin');
const tsParser = require('@typescript-eslint/parser');
const tseslint = require('typescript-eslint');

module.exports = [
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/**', 'deploy/**'] },
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
];
