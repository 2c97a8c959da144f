/**
 * A P2P shuffle that loses a worker restarts only what that worker held, counted from the
 * cluster's own log lines: a groupBy with splitOut 6 over 12 slow partitions on a 3-worker
 * LocalCluster; one worker is SIGKILLed once several transfers have delivered. Then:
 * - the answer is right against a plain loop;
 * - the scheduler moves only the lost worker's outputs ("run 2 moves output(s) ...");
 * - every transfer sent again owes either only the moved outputs (it had delivered: it sends
 *   exactly those) or everything it never delivered, and at least one of them owes only the moved
 *   outputs; over all, far fewer buckets go out again than a whole restart (12 x 6) would send;
 * - each survivor unpacks from exactly one bucket per input and owned output (nothing it had
 *   received was dropped and received again).
 * A second worker SIGKILLed during that partial restart moves its outputs too (run 3), and the
 * last worker ends with the right answer.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { config } from '@tsdask/core-graph';
import { fromRecords, type DataFrame } from '@tsdask/dataframe';
import { LocalCluster } from '../../src/cluster/local-cluster.js';

afterAll(() => {
  config.set({ 'dataframe.shuffle.method': 'auto' });
});

const INPUTS = 12;
const OUTPUTS = 6;
const rows = Array.from({ length: 2400 }, (_, i) => ({ k: (i * 31) % 97, v: i }));
const SENT = /p2p (\S+): input (\d+) sent (\d+) bucket\(s\), run (\d+)(?: \(owing (\d+) of (\d+)\))?/;

/** The groupBy under test, over partitions that take 300 ms each to make, so a kill lands mid-shuffle. */
function slowGroupBy(): DataFrame {
  const slow = fromRecords(rows, { npartitions: INPUTS }).mapPartitions((t) => {
    const end = Date.now() + 300;
    for (;;) if (Date.now() >= end) return t;
  });
  return slow.groupBy('k', { splitOut: OUTPUTS }).agg({ t: ['v', 'sum'] });
}

/** Whether `got` holds the plain loop's sum of v per k. */
function expectRight(got: Record<string, unknown>[]): void {
  const sums = new Map<number, number>();
  for (const r of rows) sums.set(r.k, (sums.get(r.k) ?? 0) + r.v);
  expect(new Map(got.map((r) => [Number(r['k']), Number(r['t'])]))).toEqual(sums);
}

/** Waits (up to 30 s) until `ok()`. */
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 3000 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ok()).toBe(true);
}

describe('P2P shuffle: a lost worker restarts only what it held', () => {
  it('moves the lost worker’s outputs, resends only their buckets, and keeps the survivors’', async () => {
    const lines: { child: string; line: string }[] = [];
    const cluster = await LocalCluster.start({ nWorkers: 3, threadsPerWorker: 1, nanny: false, onLog: (child, line) => lines.push({ child, line }) });
    const client = cluster.client();
    try {
      config.set({ 'dataframe.shuffle.method': 'p2p' });
      const computing = slowGroupBy().toRecords({ scheduler: client });
      computing.catch(() => {}); // awaited below
      const sentLines = () => lines.map((l) => SENT.exec(l.line)).filter((m): m is RegExpExecArray => m !== null);
      await until(() => sentLines().length >= 5);
      await cluster.killWorker(2, 'SIGKILL');
      expectRight(await computing);

      const moves = lines.map((l) => /p2p shuffle \S+: run 2 moves output\(s\) ([0-9,]+) to /.exec(l.line)).filter((m) => m !== null);
      expect(moves).toHaveLength(1);
      const moved = moves[0]![1]!.split(',').map(Number);
      expect(moved.length).toBe(2); // the lost worker's third of the 6 outputs

      const again = sentLines().filter((m) => Number(m[4]) >= 2);
      const owingMoved = again.filter((m) => m[5] !== undefined);
      for (const m of owingMoved) expect([Number(m[3]), Number(m[5]), Number(m[6])]).toEqual([moved.length, moved.length, OUTPUTS]);
      expect(owingMoved.length).toBeGreaterThanOrEqual(1);
      const resent = again.reduce((n, m) => n + Number(m[3]), 0);
      expect(resent).toBeLessThan(INPUTS * OUTPUTS);

      const done = lines
        .filter((l) => l.child !== 'worker-2')
        .map((l) => /p2p \S+: every output owned here is unpacked \((\d+)\); received (\d+) bucket\(s\), dropped (\d+)/.exec(l.line))
        .filter((m) => m !== null);
      expect(done).toHaveLength(2);
      for (const m of done) expect(Number(m[2])).toBe(INPUTS * Number(m[1]));
      expect(done.reduce((n, m) => n + Number(m[1]), 0)).toBe(OUTPUTS);
    } finally {
      config.set({ 'dataframe.shuffle.method': 'auto' });
      await client.close();
      await cluster.close();
    }
  }, 120_000);

  it('ends right when a second worker is lost during the partial restart', async () => {
    const lines: string[] = [];
    const cluster = await LocalCluster.start({ nWorkers: 3, threadsPerWorker: 1, nanny: false, onLog: (_child, line) => lines.push(line) });
    const client = cluster.client();
    try {
      config.set({ 'dataframe.shuffle.method': 'p2p' });
      const computing = slowGroupBy().toRecords({ scheduler: client });
      computing.catch(() => {}); // awaited below
      const seen = (re: RegExp): number => lines.filter((l) => re.test(l)).length;
      await until(() => seen(/ sent \d+ bucket\(s\), run 1/) >= 5);
      await cluster.killWorker(2, 'SIGKILL');
      // Once run 2 sends, the second loss: worker-1's outputs (its own and those moved to it) go to worker-0.
      await until(() => seen(/ sent \d+ bucket\(s\), run 2/) >= 1);
      await cluster.killWorker(1, 'SIGKILL');
      expectRight(await computing);
      expect(seen(/p2p shuffle \S+: run 2 moves output\(s\) /)).toBe(1);
      expect(seen(/p2p shuffle \S+: run 3 moves output\(s\) /)).toBe(1);
    } finally {
      config.set({ 'dataframe.shuffle.method': 'auto' });
      await client.close();
      await cluster.close();
    }
  }, 120_000);
});
