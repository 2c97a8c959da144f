/** TransferLog: fetches summed per peer between two drains, against sums worked out by hand. */
import { describe, expect, it } from 'vitest';
import { TransferLog } from '@tsdask/scheduler-distributed';

describe('TransferLog', () => {
  it('sums keys, bytes and ms per peer until drained, then starts afresh', () => {
    const log = new TransferLog();
    expect(log.drain()).toBeUndefined();
    log.record('h:1', 2, 100, 1.5);
    log.record('h:2', 1, 8, 0.5);
    log.record('h:1', 3, 50, 2);
    expect(log.drain()).toEqual([
      ['h:1', 5, 150, 3.5],
      ['h:2', 1, 8, 0.5],
    ]);
    expect(log.drain()).toBeUndefined();
    log.record('h:2', 1, 1, -3); // a clock that went back counts as 0 ms
    expect(log.drain()).toEqual([['h:2', 1, 1, 0]]);
  });
});
