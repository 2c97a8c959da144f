import { defineConfig } from 'vitest/config';

// Tests run against the build (`npm test` builds first): worker threads load compiled
// JavaScript, so packages are imported by name and resolve to their dist/ folders.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // As a user's program: `import 'tsdask'` registers the local schedulers (lazily) for every test file.
    setupFiles: ['./test/support/register-tsdask.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Compile-time checks of the public types: *.test-d.ts files, checked by tsc.
    typecheck: { enabled: true, include: ['packages/*/test/**/*.test-d.ts'], tsconfig: './tsconfig.typecheck.json' },
  },
});
