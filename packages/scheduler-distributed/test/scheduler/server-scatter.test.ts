/**
 * Scatter and who-has through a SchedulerServer: the client's value goes, byte for byte, to the
 * worker holding the fewest bytes as receive-data + body; the worker's task-finished completes
 * it (`scattered` names the worker), who-has then names the holder, a graph reading the key as
 * `held` runs where it is, a scatter sent while no worker is connected waits for one, and a
 * worker lost before answering gets its scatter sent to another.
 */
import { held } from '@tsdask/core-graph';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeNode, encodeWireValue, decodeWireValue, type Connection } from '@tsdask/scheduler-distributed';
import { Cleanup, fakeClient, fakeWorker, graphMsg, Mailbox, startServer } from './server-harness.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const W1 = '127.0.0.1:1001';
const W2 = '127.0.0.1:1002';

describe('scatter and who-has', () => {
  it('places a scattered value on the emptier worker; who-has and held graphs find it there', async () => {
    const { server } = await startServer(cleanup);
    const box = new Mailbox();
    const w = new Map<string, Connection>([
      [W1, await fakeWorker(server, box, W1, cleanup)],
      [W2, await fakeWorker(server, box, W2, cleanup)],
    ]);
    const client = await fakeClient(server, box, 'C', cleanup);
    // W1 holds 1000 bytes of a computed result, so the scatter goes to W2.
    client.send(graphMsg(1, { big: [] }, ['big']));
    const ct = await box.msg('compute-task', { key: 'big' });
    w.get(ct.by)!.send({ type: 'task-finished', key: 'big', nbytes: 1000 });
    await box.msg('task-done', { by: 'C' });
    const emptier = ct.by === W1 ? W2 : W1;
    const value = { xs: new Float64Array([1, 2, 3]), name: 'v' };
    const bytes = encodeWireValue(value);
    client.send({ type: 'scatter', id: 9, key: 's', nbytes: bytes.byteLength });
    client.sendBody(bytes);
    const rd = await box.msg('receive-data', { by: emptier });
    expect(rd.msg).toEqual({ type: 'receive-data', key: 's', nbytes: bytes.byteLength });
    const body = await box.take((g) => g.by === emptier && g.frame.kind === 'body');
    expect(decodeWireValue((body.frame as { bytes: Uint8Array }).bytes)).toEqual(value);
    client.send({ type: 'who-has', id: 1, keys: ['s'] });
    expect((await box.msg('who-has-reply', { by: 'C' })).msg['whoHas']).toEqual({ s: [] }); // not there until the worker says so
    w.get(emptier)!.send({ type: 'task-finished', key: 's', nbytes: bytes.byteLength });
    expect((await box.msg('scattered', { by: 'C' })).msg).toEqual({ type: 'scattered', id: 9, key: 's', worker: emptier });
    client.send({ type: 'who-has', id: 2, keys: ['s', 'big', 'nope'] });
    expect((await box.msg('who-has-reply', { by: 'C' })).msg['whoHas']).toEqual({ s: [emptier], big: [ct.by], nope: [] });
    // A graph that reads s as a held key runs where s is.
    const g = graphMsg(3, { s: [], t: ['s'] }, ['t'], { held: ['s'] });
    g.nodes[0] = encodeNode(held('s'));
    client.send(g);
    await box.msg('graph-accepted', { by: 'C' });
    const t = await box.msg('compute-task', { key: 't' });
    expect([t.by, t.msg['inputs']]).toEqual([emptier, [{ key: 's', whoHas: [emptier], nbytes: bytes.byteLength }]]);
    // Releasing it frees it on its worker once nothing reads it.
    w.get(emptier)!.send({ type: 'task-finished', key: 't', nbytes: 1 });
    await box.msg('task-done', { by: 'C', key: 't' });
    client.send({ type: 'release-keys', keys: ['s'] });
    expect((await box.msg('free-keys', { by: emptier })).msg['keys']).toEqual(['s']);
  });

  it('holds a scatter until a worker joins, and sends it to another worker if its worker leaves first', async () => {
    const { server } = await startServer(cleanup);
    const box = new Mailbox();
    const client = await fakeClient(server, box, 'C', cleanup);
    const bytes = encodeWireValue([1, 2, 3]);
    client.send({ type: 'scatter', id: 1, key: 's', nbytes: bytes.byteLength });
    client.sendBody(bytes);
    client.send({ type: 'who-has', id: 2, keys: ['s'] }); // answered after the scatter frames were read
    await box.msg('who-has-reply', { by: 'C' });
    const first = await fakeWorker(server, box, W1, cleanup);
    await box.msg('receive-data', { by: W1 });
    first.close();
    const w2 = await fakeWorker(server, box, W2, cleanup);
    await box.msg('receive-data', { by: W2 });
    w2.send({ type: 'task-finished', key: 's', nbytes: bytes.byteLength });
    expect((await box.msg('scattered', { by: 'C' })).msg['worker']).toBe(W2);
    expect(server.state.stateOf('s')).toBe('memory');
  });
});
