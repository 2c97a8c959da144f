/** A delayed task that keeps a worker busy for `ms` milliseconds (self-contained, so it runs on 'threads'). */
import { delayed } from '@tsdask/core-graph';

export const spin = delayed(
  function spin(ms: number): number {
    const t = Date.now();
    while (Date.now() - t < ms) {
      // busy: a long task makes no scheduler steps
    }
    return ms;
  },
  { name: 'spin' },
);
