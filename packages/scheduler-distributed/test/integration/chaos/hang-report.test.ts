/**
 * The hang report's task summary (hang-report.ts): on a real SchedulerServer with a fake worker
 * and a fake client speaking the protocol by hand, a graph c <- (a, b) where the worker finished
 * a and sits on b; the client's dump-state answer names c waiting on b only, b processing on the
 * worker, and the summary lists b (the front of the chain) before c, with the worker's own state
 * of each. Then, on a dump worked by hand, the flags for what cannot end by itself: a task
 * processing on a worker that is not connected or that has it missing, a key the scheduler forgot, a dependency released
 * under a waiting task, a holder that is gone, a key in memory the client still waits on; and the
 * listing's bound.
 */
import { afterEach, expect, it } from 'vitest';
import { Cleanup, fakeClient, fakeWorker, graphMsg, Mailbox, startServer } from '../../scheduler/server-harness.js';
import { hangSummary, type DumpDoc } from './hang-report.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const W1 = '127.0.0.1:1001';

it("names each waited key's unfinished dependencies from the scheduler's dump, the front of the chain first", async () => {
  const { server } = await startServer(cleanup, { heartbeatTimeoutMs: 120_000 });
  const box = new Mailbox();
  const worker = await fakeWorker(server, box, W1, cleanup);
  const client = await fakeClient(server, box, 'C', cleanup);
  client.send(graphMsg(1, { a: [], b: [], c: ['a', 'b'] }, ['c']));
  await box.msg('compute-task', { key: 'a' });
  await box.msg('compute-task', { key: 'b' });
  worker.send({ type: 'task-finished', key: 'a', nbytes: 8 });
  client.send({ type: 'dump-state', id: 7 });
  const ask = await box.msg('dump-state', { by: W1 });
  // The worker's own part, as a worker would write it: a in memory, b executing.
  const part = {
    name: W1,
    address: W1,
    executing: 1,
    ready: 0,
    taskCount: 2,
    tasks: [
      { key: 'a', state: 'memory' },
      { key: 'b', state: 'executing' },
    ],
  };
  worker.send({ type: 'state-dump', id: ask.msg['id'], state: JSON.stringify(part) });
  const answer = await box.msg('cluster-state', { by: 'C' });
  const dump = JSON.parse(answer.msg['state'] as string) as DumpDoc;

  const row = (k: string) => dump.scheduler.tasks.find((t) => t.key === k)!;
  expect(row('c')).toMatchObject({ state: 'waiting', wanted: true, waitingOn: ['b'], waitingOnCount: 1 });
  expect(row('b')).toMatchObject({ state: 'processing', processingOn: W1 });
  expect(row('b').waitingOn).toBeUndefined();
  expect(row('a')).toMatchObject({ state: 'memory', whoHas: [W1] });

  const lines = hangSummary(dump, ['c']);
  expect(lines).toContain('The client waits on 1 key(s); 2 reached through unfinished dependencies:');
  const keyLines = lines.filter((l) => /^ {2}[bc]: /.test(l));
  expect(keyLines).toEqual([
    `  b: scheduler processing, processing on ${W1}; workers: ${W1} executing`,
    `  c: scheduler waiting, waiting on 1 [b]; workers: none`,
  ]);
  expect(lines.join('\n')).not.toContain('STUCK');
  expect(lines.find((l) => l.startsWith(`  worker ${W1}`))).toContain('executing 1, ready 0; unfinished: b executing');
});

it('flags a task processing on a worker that is gone or not computing it, a forgotten or released key, a gone holder and an untold result; lists at most maxKeys', () => {
  const dump: DumpDoc = {
    scheduler: {
      workers: [{ address: 'tcp-new', name: 'tcp-new', processing: [] }],
      tasks: [
        { key: 'sum', state: 'waiting', waitingOn: ['p1', 'p2', 'p3', 'p4'], waitingOnCount: 4 },
        { key: 'p1', state: 'processing', processingOn: 'tcp-old' },
        { key: 'p2', state: 'processing', processingOn: 'tcp-new' },
        { key: 'p4', state: 'processing', processingOn: 'tcp-new' },
        { key: 'p3', state: 'waiting', waitingOn: ['x'], waitingOnCount: 1 },
        { key: 'x', state: 'released' },
        { key: 'done', state: 'memory', whoHas: ['tcp-new', 'tcp-old'] },
      ],
    },
    workers: {
      'tcp-new': {
        tasks: [
          { key: 'done', state: 'memory' },
          { key: 'p4', state: 'missing' },
        ],
      },
    },
  };
  const lines = hangSummary(dump, ['sum', 'lost', 'done']);
  const text = lines.join('\n');
  expect(text).toContain('  p1: scheduler processing, processing on tcp-old; workers: none <-- STUCK: processing on tcp-old, which is not connected');
  expect(text).toContain('  p2: scheduler processing, processing on tcp-new; workers: none <-- STUCK: tcp-new does not know the task it is said to process');
  expect(text).toContain('  p4: scheduler processing, processing on tcp-new; workers: tcp-new missing <-- STUCK: tcp-new has it missing, not computing it');
  expect(text).toContain('  lost: scheduler unknown to the scheduler; workers: none <-- STUCK: the client waits on a key the scheduler forgot');
  expect(text).toContain(
    '  done: scheduler memory, who-has tcp-new, tcp-old; workers: tcp-new memory <-- holder(s) not connected: tcp-old; STUCK: in memory at the scheduler but the client was not told',
  );
  expect(text).toContain('  x: scheduler released; workers: none <-- STUCK: released while a task waits on it');
  // sum, lost, done, p1, p2, p3, p4, x: eight keys; with a bound of 3, three lines and the count of the rest.
  const bounded = hangSummary(dump, ['sum', 'lost', 'done'], 3);
  expect(bounded.filter((l) => /^ {2}\S+: scheduler /.test(l))).toHaveLength(3);
  expect(bounded.at(-1)).toBe('  ... and 5 more key(s)');
});
