// Compile-time checks of the typed options: a misspelt option is a type error, and an option a
// package adds by declaration merging type-checks wherever the package's types are loaded.
import { describe, expectTypeOf, it } from 'vitest';
import { config, delayed, withConfig, type ComputeOptions, type Config, type Options } from '@tsdask/core-graph';

declare module '@tsdask/core-graph' {
  interface Options {
    /** An option a package adds (this file stands in for the package). */
    probeLevel?: 'low' | 'high';
  }
}

describe('typed options', () => {
  const x = delayed((n: number) => n + 1)(1);

  it('rejects a misspelt option at compile time', () => {
    // @ts-expect-error numWorker is a typo of numWorkers
    config.set({ numWorker: 2 });
    // @ts-expect-error memroyLimit is a typo
    void withConfig({ memroyLimit: '1GB' }, () => 1);
    // @ts-expect-error schedular is a typo of scheduler
    void x.compute({ schedular: 'sync' });
    // @ts-expect-error a value of the wrong type
    config.set({ numWorkers: 'two' });
  });

  it('accepts the core options and a merged one', () => {
    config.set({ numWorkers: 2, retries: 0, optimize: { fuse: false } });
    config.set({ probeLevel: 'high' });
    void x.compute({ scheduler: 'sync', probeLevel: 'low', timeout: 10 });
    // @ts-expect-error the merged option keeps its own type
    config.set({ probeLevel: 'medium' });
    expectTypeOf<Options['probeLevel']>().toEqualTypeOf<'low' | 'high' | undefined>();
    expectTypeOf<Config>().toEqualTypeOf<Options>();
    expectTypeOf<ComputeOptions['probeLevel']>().toEqualTypeOf<'low' | 'high' | undefined>();
  });

  it('keeps the compute-only options out of the config', () => {
    // @ts-expect-error callbacks are given per compute, not set in the config
    config.set({ callbacks: [] });
  });
});
