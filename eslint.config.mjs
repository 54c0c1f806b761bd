// ESLint: typescript-eslint's type-checked rules (recommended, strict and stylistic, less the few
// that do not fit, each with its reason below); Prettier formats (eslint-config-prettier turns the
// style rules off). Import cycles are found by dpdm (`npm run lint:cycles`), which, unlike
// eslint-plugin-import's no-cycle, also follows type-only imports.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cache/', 'bench/out/', 'test-results/', 'scripts/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './src/webview/tsconfig.json', './test/e2e/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // node:test's test() and describe() return promises the runner awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
      ],
      // Overflows the stack on this code in typescript-eslint 8.74 (recursive generic types).
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // With noUncheckedIndexedAccess, `a[i]!` is how an index known to be in range is said.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `(x) => set.delete(x)` style callbacks are fine; other void-valued expressions are still flagged.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // It trusts the declared types, but much of what we check is typed after the fact (webview
      // messages, file contents, JSON.stringify's result) and fields change across awaits: those
      // defensive checks stay.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Handlers implement Promise-returning interfaces; `async` turns a parameter check's throw
      // into a rejection, which is what the callers handle.
      '@typescript-eslint/require-await': 'off',
      // Numbers and booleans in messages are what we mean to print.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    // Tests read JSON fixtures and parsed files (typed `any`) and poke at values on purpose.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  prettier,
);
