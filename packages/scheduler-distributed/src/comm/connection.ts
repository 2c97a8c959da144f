/**
 * The Connection interface every transport offers (send a control message, send a body, receive
 * frames, close, a closed promise), and FramedConnection, the one implementation of it over any
 * byte pipe: it frames what is sent, decodes what arrives, and batches writes adaptively (frames
 * sent in one turn of the event loop go out as one write, at the end of that turn (setImmediate);
 * frames sent while a write is pending are coalesced into the next single write). A process that
 * answers a burst of messages thus makes one system call, not one per message. A message sent
 * `lazy` (one nobody waits on at once, sent while the sender is busy) may wait up to
 * LAZY_FLUSH_MS for company: the next eager send, or the timer, carries it (Dask's BatchedSend
 * idea); under load, writes and the receiver's wake-ups (tens of microseconds each on a VM)
 * are then paid once per batch, while an idle sender still answers at once.
 * On the receiving side, a connection decodes and handles at most about READ_SLICE_MS of frames
 * in a row, then yields: it pauses the pipe and goes on in the next turn of the event loop
 * (setImmediate), so a burst of big messages (the parts of a million-task graph, read 64 KiB at a
 * time, many reads per turn) does not block the process's timers and other connections.
 * A long run of messages (the parts of a big graph) goes with `sendEach`: the connection takes and
 * encodes about WRITE_SLICE_MS of them per turn of the event loop and writes them, so the first
 * parts are on the wire (and being decoded by the peer) while the next are still being encoded,
 * and the sender's own loop is not blocked; what is sent after it waits behind it, in order.
 * tcp.ts and inproc.ts only adapt their pipe to `BytePipe`.
 */
import { ConnectionError, FrameError } from './errors.js';
import { ControlBatch, encodeBodyFrame, FrameDecoder, type Frame, type FrameLimits } from './frames.js';

/** Receives frames in order; frames that arrive while no handler is set are held for the next one. */
export type FrameHandler = (frame: Frame) => void;

/** One end of a framed, ordered, reliable connection. */
export interface Connection {
  /** The peer's address (`host:port`, or `inproc`). */
  readonly remote: string;
  /** True once close() was called or the pipe ended. */
  readonly isClosed: boolean;
  /**
   * Sends one control message (msgpack-encoded); throws ConnectionError TSDASK_CONN_CLOSED when
   * closed. `lazy`: it may wait up to LAZY_FLUSH_MS to go out with later messages.
   */
  send(message: unknown, lazy?: boolean): void;
  /** Sends raw bytes as one body frame (read 8-byte aligned on the other side); leave `bytes` unchanged until `flushed()`. */
  sendBody(bytes: Uint8Array): void;
  /**
   * Sends the messages in order, taking and encoding about WRITE_SLICE_MS of them per turn of the
   * event loop (see the header); messages and bodies sent after this call go after them.
   */
  sendEach(messages: Iterable<unknown>): void;
  /** Sets the one frame handler (null to hold frames); held frames are delivered to it first, in order. */
  onFrame(handler: FrameHandler | null): void;
  /** Resolves when everything sent so far has been handed to the pipe. */
  flushed(): Promise<void>;
  /** Closes after writing what is pending; `reason` becomes the value of `closed`. */
  close(reason?: Error): void;
  /** Resolves once closed: undefined for a clean close, else the error that closed it (a FrameError, for example). */
  readonly closed: Promise<Error | undefined>;
}

/** What FramedConnection needs of a transport: write chunks in one go, and end. */
export interface BytePipe {
  /** Writes the chunks, in order, as one write where the transport can; calls `done` once written (or failed). */
  write(chunks: Uint8Array[], done: (err?: Error | null) => void): void;
  /** Ends the pipe after pending writes, then releases it. */
  end(): void;
  /** Stops reading for a while (the receiver yields the event loop); bytes already read may still arrive. */
  pause?(): void;
  /** Reads again after `pause`. */
  resume?(): void;
}

/** Decoding and handling a connection does in a row before it yields the event loop, in ms (see the header). */
export const READ_SLICE_MS = 10;

/** Taking and encoding of a `sendEach` run the connection does in one turn before it writes and yields, in ms. */
export const WRITE_SLICE_MS = 10;

/** What waits behind a `sendEach` run that is still going: a message, a body, or another run. */
type Backlog = { message: unknown; lazy: boolean } | { body: Uint8Array } | { each: Iterator<unknown> };

/** The longest a lazy message waits for company before it is written, in ms. */
export const LAZY_FLUSH_MS = 2;

/** A Connection over a BytePipe; the transport calls `receive(chunk)` with incoming bytes and `ended(err?)` when the pipe ends. */
export class FramedConnection implements Connection {
  readonly remote: string;
  readonly closed: Promise<Error | undefined>;
  private readonly pipe: BytePipe;
  private readonly decoder: FrameDecoder;
  /** Chunks to write, in order; control frames sent since the last body wait in `batch` (one chunk for all of them). */
  private pending: Uint8Array[] = [];
  private batch = new ControlBatch();
  /** Sends waiting behind a `sendEach` run; its head is being taken while the array is not empty. */
  private backlog: Backlog[] = [];
  private writing = false;
  private flushScheduled = false;
  private lazyTimer: ReturnType<typeof setTimeout> | undefined;
  private flushWaiters: (() => void)[] = [];
  private handler: FrameHandler | null = null;
  private held: Frame[] = [];
  private delivering = false;
  /** Time spent decoding and handling since the connection last yielded or was idle, in ms; and when that run ended. */
  private busyMs = 0;
  private busyEnd = 0;
  /** Paused until the next turn of the event loop (frames that arrive meanwhile are held). */
  private yielded = false;
  private closedFlag = false;
  private resolveClosed!: (reason: Error | undefined) => void;
  private reason: Error | undefined;

  /** `readSliceMs`: the receiving slice (default READ_SLICE_MS; a test sets its own so that what it checks does not hang on the machine's load). */
  constructor(
    pipe: BytePipe,
    remote: string,
    limits: FrameLimits = {},
    private readonly readSliceMs = READ_SLICE_MS,
  ) {
    this.pipe = pipe;
    this.remote = remote;
    this.decoder = new FrameDecoder(limits);
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  send(message: unknown, lazy = false): void {
    this.checkOpen();
    if (this.backlog.length > 0) {
      this.backlog.push({ message, lazy });
      return;
    }
    this.batch.append(message);
    this.schedule(lazy);
  }

  sendBody(bytes: Uint8Array): void {
    this.checkOpen();
    if (this.backlog.length > 0) {
      this.backlog.push({ body: bytes });
      return;
    }
    this.appendBody(bytes);
  }

  sendEach(messages: Iterable<unknown>): void {
    this.checkOpen();
    this.backlog.push({ each: messages[Symbol.iterator]() });
    if (this.backlog.length === 1) this.pump(false);
  }

  /**
   * Takes from the backlog in order for about WRITE_SLICE_MS (`all`: until it is empty), then
   * schedules the write and, while some is left, the next turn's take.
   */
  private pump(all: boolean): void {
    const until = performance.now() + WRITE_SLICE_MS;
    let lazy = true;
    while (this.backlog.length > 0) {
      const head = this.backlog[0]!;
      if ('each' in head) {
        let r = head.each.next();
        for (; r.done !== true; r = head.each.next()) {
          this.batch.append(r.value);
          lazy = false;
          if (!all && performance.now() >= until) {
            this.schedule(false);
            setImmediate(this.nextPump);
            return;
          }
        }
      } else if ('body' in head) {
        this.appendBody(head.body);
        lazy = false;
      } else {
        this.batch.append(head.message);
        lazy &&= head.lazy;
      }
      this.backlog.shift();
    }
    this.schedule(lazy);
  }

  private readonly nextPump = (): void => {
    if (!this.finishedOnce && this.backlog.length > 0) this.pump(false);
  };

  private appendBody(bytes: Uint8Array): void {
    this.sealBatch();
    for (const c of encodeBodyFrame(bytes)) this.pending.push(c);
    this.schedule(false);
  }

  /** Moves the control frames appended so far into `pending` as one chunk (before a body, or to write). */
  private sealBatch(): void {
    if (this.batch.size > 0) this.pending.push(this.batch.take());
  }

  private get hasPending(): boolean {
    return this.pending.length > 0 || this.batch.size > 0;
  }

  onFrame(handler: FrameHandler | null): void {
    this.handler = handler;
    this.deliver();
  }

  flushed(): Promise<void> {
    if (!this.writing && !this.hasPending && this.backlog.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  close(reason?: Error): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.reason = reason;
    if (this.backlog.length > 0) this.pump(true); // what was sent before the close goes out
    if (this.writing) return; // the write's callback finishes
    if (this.hasPending) this.flush();
    else this.finish();
  }

  /** Changes the size limits of the frames received from now on (see FrameDecoder.setLimits). */
  setLimits(limits: FrameLimits): void {
    this.decoder.setLimits(limits);
  }

  /** Feeds bytes that arrived from the pipe (transport side). */
  receive(chunk: Uint8Array): void {
    if (this.closedFlag) return;
    const t0 = this.startBusy();
    const frames: Frame[] = [];
    let error: FrameError | undefined;
    try {
      this.decoder.pushInto(chunk, frames);
    } catch (err) {
      error = err as FrameError;
    }
    for (const f of frames) this.held.push(f);
    this.endBusy(t0);
    this.deliver();
    if (error) this.close(error);
  }

  /** Starts timing a run of work; a connection idle for a while starts its count again. */
  private startBusy(): number {
    const now = performance.now();
    if (now - this.busyEnd > this.readSliceMs) this.busyMs = 0;
    return now;
  }

  private endBusy(t0: number): void {
    this.busyEnd = performance.now();
    this.busyMs += this.busyEnd - t0;
  }

  /** Pauses the pipe and delivers the rest in the next turn of the event loop. */
  private yieldTurn(): void {
    this.yielded = true;
    this.pipe.pause?.();
    setImmediate(() => {
      this.yielded = false;
      this.busyMs = 0;
      if (!this.closedFlag) this.pipe.resume?.();
      this.deliver();
    });
  }

  /** The pipe ended or failed (transport side). */
  ended(err?: Error): void {
    // Frames that came before the end are handled before it, as when nothing yields.
    if (this.yielded) this.deliver(true);
    if (!this.closedFlag) {
      this.closedFlag = true;
      this.reason = err;
    }
    this.pending = [];
    this.batch = new ControlBatch(0);
    this.backlog = [];
    this.writing = false;
    this.finish();
  }

  /** Hands held frames to the handler until they run out or the slice is spent (`all`: no slice). */
  private deliver(all = false): void {
    if (this.delivering || (this.yielded && !all)) return;
    this.delivering = true;
    const t0 = this.startBusy();
    let i = 0; // an index, not shift(): one chunk can hold thousands of small frames
    try {
      while (this.handler !== null && i < this.held.length) {
        this.handler(this.held[i++]!);
        if (!all && this.busyMs + (performance.now() - t0) > this.readSliceMs) break;
      }
    } finally {
      this.held.splice(0, i);
      this.delivering = false;
      this.endBusy(t0);
    }
    if (!all && !this.yielded && this.busyMs > this.readSliceMs) this.yieldTurn();
  }

  private checkOpen(): void {
    if (this.closedFlag) {
      throw new ConnectionError(
        'TSDASK_CONN_CLOSED',
        `Cannot send on the connection to ${this.remote}: it is closed${this.reason ? ` (${this.reason.message})` : ''}. Open a new connection.`,
        { remote: this.remote, cause: this.reason },
      );
    }
  }

  private schedule(lazy: boolean): void {
    if (this.writing || this.flushScheduled) return;
    if (lazy) {
      this.lazyTimer ??= setTimeout(this.scheduledFlush, LAZY_FLUSH_MS);
      return;
    }
    this.flushScheduled = true;
    setImmediate(this.scheduledFlush);
  }

  private readonly scheduledFlush = (): void => {
    this.flushScheduled = false;
    if (this.writing || this.finishedOnce) return;
    if (this.hasPending) this.flush();
    else if (this.backlog.length === 0) this.settleFlushed(); // a sendEach run that sent nothing
  };

  private settleFlushed(): void {
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    for (const w of waiters) w();
  }

  private flush(): void {
    clearTimeout(this.lazyTimer);
    this.lazyTimer = undefined;
    this.sealBatch();
    const chunks = this.pending;
    this.pending = [];
    this.writing = true;
    this.pipe.write(chunks, (err) => {
      if (err) {
        this.ended(err);
        return;
      }
      this.writing = false;
      if (this.hasPending) this.flush();
      else if (this.backlog.length === 0) {
        this.settleFlushed();
        if (this.closedFlag) this.finish();
      }
    });
  }

  private finishedOnce = false;
  private finish(): void {
    if (this.finishedOnce) return;
    this.finishedOnce = true;
    clearTimeout(this.lazyTimer);
    this.lazyTimer = undefined;
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    for (const w of waiters) w();
    this.pipe.end();
    this.resolveClosed(this.reason);
  }
}
