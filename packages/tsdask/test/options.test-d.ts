// Compile-time checks: importing 'tsdask' alone brings the option types the local schedulers
// and the dashboard add to Options, though it loads neither package at run time.
import { describe, it } from 'vitest';
import { config, delayed, withConfig } from 'tsdask';

describe("options through 'tsdask'", () => {
  it('types the local schedulers and dashboard options', () => {
    config.set({ memoryLimit: '1GB', spillDir: '/tmp', workerResourceLimits: { maxOldGenerationSizeMb: 512 } });
    void delayed((n: number) => n)(1).compute({ scheduler: 'threads', dashboard: { port: 0 } });
    void withConfig({ memoryLimit: false, dashboard: true }, () => 1);
    // @ts-expect-error memroyLimit is a typo of memoryLimit
    config.set({ memroyLimit: '1GB' });
    // @ts-expect-error a memory limit is bytes, a size string or false, not true
    config.set({ memoryLimit: true });
    // @ts-expect-error the dashboard option has no field 'prot'
    void delayed((n: number) => n)(1).compute({ dashboard: { prot: 8787 } });
  });
});
