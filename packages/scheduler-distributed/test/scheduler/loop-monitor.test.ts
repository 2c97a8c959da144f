import { expect, it } from 'vitest';
import { LoopMonitor, threadCpuMs } from '../../src/scheduler/loop-monitor.js';

const turn = (ms: number) => new Promise((r) => setTimeout(r, ms));

it.runIf(threadCpuMs() !== undefined)("measures a block's own CPU time apart from its wall time, and reset starts again", async () => {
  const m = new LoopMonitor(5);
  try {
    await turn(30);
    m.reset();
    // 60 ms of this thread's own CPU time in one block, however long the OS makes it last.
    const start = threadCpuMs()!;
    while (threadCpuMs()! - start < 60);
    await turn(30);
    const r = m.read();
    expect(r.blockCpuMs).toBeGreaterThanOrEqual(55);
    m.reset();
    await turn(30);
    expect(m.read().blockCpuMs).toBeLessThan(55);
  } finally {
    m.close();
  }
});
