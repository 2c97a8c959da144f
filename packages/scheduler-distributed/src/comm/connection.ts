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
}

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
  private writing = false;
  private flushScheduled = false;
  private lazyTimer: ReturnType<typeof setTimeout> | undefined;
  private flushWaiters: (() => void)[] = [];
  private handler: FrameHandler | null = null;
  private held: Frame[] = [];
  private delivering = false;
  private closedFlag = false;
  private resolveClosed!: (reason: Error | undefined) => void;
  private reason: Error | undefined;

  constructor(pipe: BytePipe, remote: string, limits: FrameLimits = {}) {
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
    this.batch.append(message);
    this.schedule(lazy);
  }

  sendBody(bytes: Uint8Array): void {
    this.checkOpen();
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
    if (!this.writing && !this.hasPending) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  close(reason?: Error): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.reason = reason;
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
    const frames: Frame[] = [];
    let error: FrameError | undefined;
    try {
      this.decoder.pushInto(chunk, frames);
    } catch (err) {
      error = err as FrameError;
    }
    this.held.push(...frames);
    this.deliver();
    if (error) this.close(error);
  }

  /** The pipe ended or failed (transport side). */
  ended(err?: Error): void {
    if (!this.closedFlag) {
      this.closedFlag = true;
      this.reason = err;
    }
    this.pending = [];
    this.batch = new ControlBatch(0);
    this.writing = false;
    this.finish();
  }

  private deliver(): void {
    if (this.delivering) return;
    this.delivering = true;
    let i = 0; // an index, not shift(): one chunk can hold thousands of small frames
    try {
      while (this.handler !== null && i < this.held.length) this.handler(this.held[i++]!);
    } finally {
      this.held.splice(0, i);
      this.delivering = false;
    }
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
    if (!this.writing && this.hasPending && !this.finishedOnce) this.flush();
  };

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
      else {
        const waiters = this.flushWaiters;
        this.flushWaiters = [];
        for (const w of waiters) w();
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
