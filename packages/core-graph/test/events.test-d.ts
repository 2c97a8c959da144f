// Compile-time checks of the typed event stream: `switch (e.type)` narrows each payload, and a
// payload with a wrong or missing field is a type error.
import { describe, expectTypeOf, it } from 'vitest';
import { emitEvent, type Callbacks, type RunningBatch, type SchedulerEvent, type TaskEventBatch } from '@tsdask/core-graph';

describe('SchedulerEvent', () => {
  it('narrows on type', () => {
    const cb: Callbacks = {
      event(e) {
        switch (e.type) {
          case 'compute-start':
            expectTypeOf(e.ntasks).toEqualTypeOf<number>();
            break;
          case 'task-batch':
            expectTypeOf(e.batch).toEqualTypeOf<TaskEventBatch>();
            break;
          case 'memory':
            expectTypeOf(e.maxHeld).toEqualTypeOf<number>();
            // @ts-expect-error a memory event has no list of running batches
            void e.running;
            break;
          case 'running':
            expectTypeOf(e.running).toEqualTypeOf<readonly RunningBatch[]>();
            break;
          case 'spill-failed':
            expectTypeOf(e.code).toEqualTypeOf<'TSDASK_SPILL_FAILED' | 'TSDASK_SPILL_UNENCODABLE'>();
            break;
          default:
            break;
        }
      },
    };
    void cb;
  });

  it('rejects a wrong payload field', () => {
    const spill: SchedulerEvent = { type: 'spill', computeId: 'c', key: 'k', bytes: 8, spillCount: 1, unspillCount: 0, spilledBytes: 8, held: 0 };
    emitEvent([], spill);
    // @ts-expect-error 'byte' is not a field of a spill event (it is 'bytes')
    emitEvent([], { type: 'spill', computeId: 'c', key: 'k', byte: 8, spillCount: 1, unspillCount: 0, spilledBytes: 8, held: 0 });
    emitEvent([], {
      type: 'memory',
      computeId: 'c',
      worker: 'scheduler',
      // @ts-expect-error a memory event's held bytes are a number
      held: '1MB',
      spilled: 0,
      limit: 1,
      paused: false,
      spillCount: 0,
      unspillCount: 0,
      maxHeld: 0,
    });
    // @ts-expect-error there is no event of this type
    emitEvent([], { type: 'spilled', computeId: 'c' });
    // @ts-expect-error the old (name, payload) form is gone
    const old: Callbacks = { event: (name: string, payload: Record<string, unknown>) => void [name, payload] };
    void old;
  });
});
