import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs', '!eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Typed rules: an unhandled promise fails silently, so every .ts file's promises are awaited or handled.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    // Product code narrows or throws with context instead of asserting; tests may assert what they just set up.
    files: ['packages/*/src/**/*.ts', 'actions/*/src/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'error' },
  },
  {
    // The runner adapter (packages/core/src/runner) is the only product code that talks to the Actions runner, so
    // the domain code stays callable from a CLI or a test without a runner.
    files: ['packages/*/src/**/*.ts', 'actions/*/src/**/*.ts'],
    ignores: ['packages/core/src/runner/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@actions/core', message: 'Use @lambda-release-kit/core/runner (runReleaseAction).' },
          ],
        },
      ],
    },
  },
);
