// ESLint (flat config): typescript-eslint's recommended rules (not the type-aware set: over
// packages/*/src alone it costs ~40 s of CPU here and flags ~1,300 `as number` casts that
// the house writes on purpose) over the sources, tests, benchmarks, scripts and examples.
// `npm run lint`. Every rule turned off below says why.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'test-results/**', 'bench/.data/**', 'etc/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,mts,js,mjs}'],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      // A leading underscore marks a value left unused on purpose (rest-destructuring to drop keys, interface-shaped parameters).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // The house writes `if (c) a(), b();` comma sequences on purpose, which this rule always flags.
      '@typescript-eslint/no-unused-expressions': 'off',
      // Hot loops give locals a first value of their final type on purpose (V8 keeps them monomorphic; see dataframe/src/io/csv-fast.ts).
      'no-useless-assignment': 'off',
      // The function registry and tokenize() key on any function's identity and source; they never call through the type.
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    rules: {
      // Iterator types that came in TypeScript 5.6 end up in our .d.ts files, and tslab compiles against those with TypeScript 5.0.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSTypeReference[typeName.name=/^(MapIterator|SetIterator|ArrayIterator|StringIterator|IteratorObject|BuiltinIteratorReturn)$/]',
          message: 'TypeScript 5.6+ iterator type: write IterableIterator<T> (tslab compiles our declarations with TypeScript 5.0).',
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { ecmaVersion: 2023, sourceType: 'commonjs', globals: { ...globals.node } },
  },
  {
    // The dashboard's page, and the page.evaluate() callbacks of the dashboard benchmark, run in the browser.
    files: ['packages/dashboard/src/page/**', 'bench/dashboard.mjs'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
