import { describe, expect, it } from 'vitest';
import { deserializeError, GraphCycleError, serializeError, TaskError, TsdaskError } from '@tsdask/core-graph';

describe('errors across boundaries', () => {
  it('keeps class, code, message, stack, fields and cause', () => {
    const inner = Object.assign(new RangeError('bad index 7'), { code: 'E_RANGE', index: 7 });
    const err = new TaskError('x,1', 'm#f', inner);
    const back = deserializeError(structuredClone(serializeError(err)));
    expect(back).toBeInstanceOf(TaskError);
    expect(back).toBeInstanceOf(TsdaskError);
    expect(back.name).toBe('TaskError');
    expect((back as TaskError).key).toBe('x,1');
    expect((back as TaskError).code).toBe('TSDASK_TASK_FAILED');
    expect(back.stack).toBe(err.stack);
    const cause = back.cause as RangeError & { code: string; index: number };
    expect(cause).toBeInstanceOf(RangeError);
    expect(cause.message).toBe('bad index 7');
    expect(cause.code).toBe('E_RANGE');
    expect(cause.index).toBe(7);
    expect(cause.stack).toBe(inner.stack);
  });

  it('rebuilds our own classes with their fields', () => {
    const back = deserializeError(serializeError(new GraphCycleError(['a', 'b'])));
    expect(back).toBeInstanceOf(GraphCycleError);
    expect((back as GraphCycleError).keys).toEqual(['a', 'b']);
  });

  it('carries thrown non-errors', () => {
    const back = deserializeError(serializeError('plain string'));
    expect(back.message).toBe('plain string');
  });
});
