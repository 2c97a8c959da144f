/**
 * The in-process transport: two connected Connections with no socket, for state-machine and
 * shell tests. Bytes go through the same framing, batching and decoding as TCP (FramedConnection),
 * delivered on a later microtask, so ordering and message round trips behave as on the wire.
 */
import { FramedConnection, type BytePipe } from './connection.js';
import type { FrameLimits } from './frames.js';

/** Makes a connected pair of in-process Connections: what one sends, the other receives. */
export function inprocPair(limits: FrameLimits = {}): [FramedConnection, FramedConnection] {
  const ends: FramedConnection[] = [];
  const pipeTo = (other: () => FramedConnection, self: () => FramedConnection): BytePipe => ({
    write(chunks, done) {
      const copies = chunks.map((c) => c.slice());
      queueMicrotask(() => {
        for (const c of copies) other().receive(c);
        done(null);
      });
    },
    end() {
      queueMicrotask(() => {
        self().ended();
        other().ended();
      });
    },
  });
  ends.push(
    new FramedConnection(
      pipeTo(
        () => ends[1]!,
        () => ends[0]!,
      ),
      'inproc',
      limits,
    ),
  );
  ends.push(
    new FramedConnection(
      pipeTo(
        () => ends[0]!,
        () => ends[1]!,
      ),
      'inproc',
      limits,
    ),
  );
  return [ends[0]!, ends[1]!];
}
