import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // tsconfig.json covers the JavaScript too (allowJs, not type-checked), so every file gets the typed rules; the
    // one script it cannot hold is typed by its own .d.mts, which the compiler reads in its place.
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['examples/*.mjs', 'examples/*/build.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
      // An unhandled promise fails silently, so every file's promises are awaited or handled.
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    // TypeScript reports undefined names in .ts files; in JavaScript, ESLint does, against Node's globals.
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        AbortController: 'readonly',
        TextEncoder: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        clearTimeout: 'readonly',
        console: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        process: 'readonly',
        setTimeout: 'readonly',
      },
    },
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
