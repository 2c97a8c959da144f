// The distributed scheduler's TCP transport on 127.0.0.1: control messages per second (small
// msgpack messages sent in a burst and echoed back, so write batching counts) and body
// throughput in GB/s (large typed-array buffers sent one way, acknowledged by a message).
//
//   npm run build && node bench/comm.mjs [--messages 200000] [--body-mib 64] [--bodies 32]
import { connect, generateToken, listen } from '@tsdask/scheduler-distributed';

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const messages = arg('messages', 200_000);
const bodyMiB = arg('body-mib', 64);
const bodies = arg('bodies', 32);

/** Runs both measurements and prints them. */
async function main() {
  const token = generateToken();
  const server = await listen({
    token,
    onConnection: (conn) =>
      conn.onFrame((f) => {
        if (f.kind === 'control') conn.send(f.message);
        else conn.send({ got: f.bytes.byteLength });
      }),
  });
  const conn = await connect({ port: server.address.port, token, role: 'client' });

  // Messages: send all, wait for every echo.
  let t0 = performance.now();
  await new Promise((resolve) => {
    let seen = 0;
    conn.onFrame(() => {
      if (++seen === messages) resolve();
    });
    for (let i = 0; i < messages; i++) conn.send({ type: 'ping', i, key: `inc-abc,${i}` });
  });
  let s = (performance.now() - t0) / 1000;
  console.log(`control: ${messages} round trips in ${s.toFixed(2)} s = ${Math.round(messages / s).toLocaleString('en')} messages/s`);

  // Bodies: one way, each acknowledged; the next is sent when the previous is written.
  const buf = new Float64Array((bodyMiB * 1024 * 1024) / 8).fill(1.5);
  const bytes = new Uint8Array(buf.buffer);
  t0 = performance.now();
  await new Promise((resolve) => {
    let acked = 0;
    conn.onFrame(() => {
      if (++acked === bodies) resolve();
    });
    (async () => {
      for (let i = 0; i < bodies; i++) {
        conn.sendBody(bytes);
        await conn.flushed();
      }
    })();
  });
  s = (performance.now() - t0) / 1000;
  const gb = (bodies * bytes.byteLength) / 1e9;
  console.log(`body: ${bodies} x ${bodyMiB} MiB in ${s.toFixed(2)} s = ${(gb / s).toFixed(2)} GB/s`);

  conn.close();
  await server.close();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
