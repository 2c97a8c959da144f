/**
 * Chaos support: a userspace TCP proxy that adds latency (`tc netem` is not in this kernel). It
 * listens on `host:0` and forwards each accepted connection to `target`, holding every chunk, in
 * both directions, for `delayMs` before writing it on, in order (a chunk never overtakes the one
 * before it). The delay can be changed while connections are open (a latency spike), and
 * `resetAll()` resets every proxied connection at once (TCP RST).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export class DelayProxy {
  /** Milliseconds each chunk is held, from now on. */
  delayMs = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #held = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Starts a proxy on `host` (any free port) to `target` (`{ host, port }`). */
  static async start(host: string, target: { host: string; port: number }): Promise<DelayProxy> {
    const server = createServer();
    const proxy = new DelayProxy(server);
    server.on('connection', (inbound) => proxy.#pipe(inbound, target));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    return proxy;
  }

  /** The address it listens at: `host:port`. */
  get address(): string {
    const a = this.#server.address();
    if (a === null || typeof a === 'string') throw new Error('DelayProxy is not listening');
    return `${a.address}:${a.port}`;
  }

  /** Connections open through it now. */
  get connections(): number {
    return this.#sockets.size / 2;
  }

  /** Bytes it holds now, in all its connections, waiting for their time to be forwarded. */
  get heldBytes(): number {
    return this.#held;
  }

  /** Resets every proxied connection (a TCP RST to both ends: they see ECONNRESET); new connections are still accepted. */
  resetAll(): void {
    for (const s of this.#sockets) s.resetAndDestroy();
  }

  /** Stops listening and destroys every connection. */
  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.resetAll();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #pipe(inbound: Socket, target: { host: string; port: number }): void {
    const outbound = connect(target);
    this.#sockets.add(inbound);
    this.#sockets.add(outbound);
    const both = [inbound, outbound];
    const end = (): void => {
      for (const s of both) {
        s.destroy();
        this.#sockets.delete(s);
      }
    };
    for (const s of both) {
      s.on('error', end);
      s.on('close', end);
    }
    this.#forward(inbound, outbound);
    this.#forward(outbound, inbound);
  }

  /** Copies `from` to `to`, each chunk no earlier than delayMs after it came, in order (one queue, one timer per direction). */
  #forward(from: Socket, to: Socket): void {
    const queue: { due: number; chunk: Buffer | null }[] = []; // null: the end
    let lastDue = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const pump = (): void => {
      if (timer !== undefined) this.#timers.delete(timer);
      timer = undefined;
      while (queue.length > 0 && queue[0]!.due <= Date.now()) {
        const { chunk } = queue.shift()!;
        this.#held -= chunk?.length ?? 0;
        if (to.destroyed) continue;
        if (chunk === null) to.end();
        else to.write(chunk);
      }
      if (queue.length > 0) {
        timer = setTimeout(pump, queue[0]!.due - Date.now());
        this.#timers.add(timer);
      }
    };
    const push = (chunk: Buffer | null): void => {
      lastDue = Math.max(lastDue, Date.now() + this.delayMs);
      queue.push({ due: lastDue, chunk });
      this.#held += chunk?.length ?? 0;
      if (timer === undefined) pump();
    };
    from.on('data', (chunk: Buffer) => push(chunk));
    from.on('end', () => push(null));
  }
}
