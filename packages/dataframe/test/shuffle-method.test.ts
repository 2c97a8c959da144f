/**
 * `dataframe.shuffle.method` (Dask's `dataframe.shuffle.method`): 'tasks' lowers a shuffle to
 * split tasks and n x n pieces, 'p2p' to n transfers, one barrier and n unpacks (run by a
 * distributed cluster only), with the same output keys; 'auto' picks 'p2p' only when the
 * scheduler the graph is for says it runs P2P shuffles: the one a compute is given, else the
 * configured one. The optimizer never fuses a P2P task into
 * another (sortValues' unpack has a single dependent), and a bad setting is a ConfigError.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compute, config, ConfigError, graphOf, isP2PNode, P2P_UNPACK_OP, type Scheduler, type TaskGraph } from '@tsdask/core-graph';
import { fromRecords, type DataFrame } from '@tsdask/dataframe';

afterEach(() => config.set({ 'dataframe.shuffle.method': 'auto', scheduler: 'threads' }));

const rows = Array.from({ length: 200 }, (_, i) => ({ k: i % 13, s: `s${i % 5}`, v: i }));
const frame = (): DataFrame => fromRecords(rows, { npartitions: 4 });

/** The optimized task graph's keys and top-level nodes. */
function lowered(df: DataFrame): { keys: readonly string[]; nodes: readonly unknown[]; outputs: readonly string[] } {
  const { graph, outputs } = graphOf([df]);
  return { keys: graph.keys, nodes: graph.nodes, outputs };
}

describe('dataframe.shuffle.method', () => {
  it("'tasks' gives n x n pieces, 'p2p' n transfers, a barrier and n unpacks, under the same output keys", () => {
    const merged = frame().merge(frame(), { on: 'k' });
    config.set({ 'dataframe.shuffle.method': 'tasks' });
    const tasks = lowered(merged);
    expect(tasks.keys.filter((k) => k.startsWith('shuffle-piece-')).length).toBe(2 * 4 * 4);
    expect(tasks.nodes.some(isP2PNode)).toBe(false);
    config.set({ 'dataframe.shuffle.method': 'p2p' });
    const p2p = lowered(merged);
    expect(p2p.keys.filter((k) => k.includes('-piece-'))).toEqual([]);
    expect(p2p.keys.filter((k) => k.startsWith('p2p-transfer-')).length).toBe(2 * 4);
    expect(p2p.keys.filter((k) => k.startsWith('p2p-barrier-')).length).toBe(2);
    expect(p2p.outputs).toEqual(tasks.outputs);
  });

  it('keeps every unpack a task of its own, even with a single dependent (sortValues)', () => {
    config.set({ 'dataframe.shuffle.method': 'p2p' });
    const { nodes } = lowered(frame().sortValues('s'));
    expect(nodes.filter((n) => (n as { op?: string }).op === P2P_UNPACK_OP).length).toBe(4);
    // No node nests one: each would be run by a thread that cannot.
    const nested = nodes.filter((n) => !isP2PNode(n) && JSON.stringify(n).includes(`"op":"${P2P_UNPACK_OP}"`));
    expect(nested).toEqual([]);
  });

  it("'auto' shuffles peer to peer only when the configured scheduler runs P2P shuffles", () => {
    const p2pTasks = (): number =>
      lowered(
        frame()
          .groupBy('s', { splitOut: 2 })
          .agg({ t: ['v', 'sum'] }),
      ).nodes.filter(isP2PNode).length;
    expect(p2pTasks()).toBe(0); // 'threads'
    const never = (): never => {
      throw new Error('not run here');
    };
    const cluster = { name: 'tcp://cluster', p2pShuffle: true, run: never, gather: never } as unknown as Scheduler;
    config.set({ scheduler: cluster });
    expect(p2pTasks()).toBe(4 + 1 + 2);
    config.set({ scheduler: { asScheduler: () => cluster } });
    expect(p2pTasks()).toBe(7);
  });

  it("'auto' goes by the scheduler a compute is given, over the configured one", async () => {
    const grouped = (): DataFrame =>
      frame()
        .groupBy('s', { splitOut: 2 })
        .agg({ t: ['v', 'sum'] });
    /** A scheduler that only records the graph it is given, then fails the run. */
    const recording = (p2pShuffle: boolean): { s: Scheduler; graphs: TaskGraph[] } => {
      const graphs: TaskGraph[] = [];
      const s = {
        name: p2pShuffle ? 'tcp://cluster' : 'elsewhere',
        p2pShuffle,
        heldKeys: () => new Set(),
        gather: () => Promise.resolve([]),
        release: () => {},
        run: (graph: TaskGraph) => {
          graphs.push(graph);
          throw new Error('recorded');
        },
      } as unknown as Scheduler;
      return { s, graphs };
    };
    const p2pIn = (g: TaskGraph): number => g.nodes.filter(isP2PNode).length;
    // The configured scheduler is 'threads'; the compute's own is a cluster: P2P.
    const cluster = recording(true);
    const df = grouped();
    await expect(compute(df, { scheduler: cluster.s })).rejects.toThrow('recorded');
    expect(p2pIn(cluster.graphs[0]!)).toBe(4 + 1 + 2);
    expect(df.outputKeys.length).toBe(2); // read under the config (tasks): the same keys
    // The configured scheduler is a cluster; the compute's own is not: the task shuffle.
    config.set({ scheduler: cluster.s });
    const plain = recording(false);
    await expect(df.compute({ scheduler: plain.s })).rejects.toThrow('recorded');
    expect(p2pIn(plain.graphs[0]!)).toBe(0);
    // A frame lowered before its compute (toRecords) goes by the compute's scheduler too: 'sync' runs the task shuffle.
    const got = (await df.toRecords({ scheduler: 'sync' })).map((r) => [r['s'], Number(r['t'])]);
    config.set({ scheduler: 'threads' });
    await expect(grouped().toRecords({ scheduler: cluster.s })).rejects.toThrow('recorded');
    expect(p2pIn(cluster.graphs[1]!)).toBe(4 + 1 + 2);
    const sums = new Map<string, number>();
    for (const r of rows) sums.set(r.s, (sums.get(r.s) ?? 0) + r.v);
    expect(new Map(got as [string, number][])).toEqual(sums);
  });

  it('refuses an unknown method with a ConfigError that lists the methods', () => {
    expect(() => config.set({ 'dataframe.shuffle.method': 'disk' as 'p2p' })).toThrow(ConfigError);
    expect(() => config.set({ 'dataframe.shuffle.method': 'disk' as 'p2p' })).toThrow(/'auto', 'tasks', 'p2p'/);
  });
});
