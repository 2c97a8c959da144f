/**
 * Length-prefixed frames over a byte stream. Every frame is a 16-byte header, then the payload,
 * then zero padding up to a multiple of 8, so every frame starts 8-byte aligned in the stream.
 *
 * Header (little-endian): bytes 0-3 magic "TSDK", byte 4 version (1), byte 5 kind
 * (1 = control: one msgpack-encoded message; 2 = body: raw bytes such as an Arrow IPC stream or a
 * typed array's buffer), bytes 6-7 zero, bytes 8-15 payload length (u64, low word first).
 *
 * FrameDecoder is fed arbitrary chunks and yields whole frames. It checks the header (magic,
 * version, kind, length against the limits) before it buffers a byte of payload, and copies each
 * payload into its own fresh ArrayBuffer, so a body can be viewed as a Float64Array without a copy.
 * After a FrameError the decoder is dead: the caller closes the connection.
 */
import { Packr } from 'msgpackr';
import { FrameError } from './errors.js';

/** The frame header's size in bytes. */
export const HEADER_BYTES = 16;
/** The framing version this build writes and accepts. */
export const FRAME_VERSION = 1;
const MAGIC = [0x54, 0x53, 0x44, 0x4b]; // "TSDK"
const KIND_CONTROL = 1;
const KIND_BODY = 2;

/** Default largest body payload accepted: 256 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024;
/** Default largest control payload accepted: 16 MiB. */
export const DEFAULT_MAX_CONTROL_BYTES = 16 * 1024 * 1024;
/**
 * Largest control payload from an authenticated peer that may send a whole graph or a task with
 * a big literal (a client to its scheduler, the scheduler to its workers): 1 GiB.
 */
export const TRUSTED_MAX_CONTROL_BYTES = 1024 * 1024 * 1024;

/** Size limits checked from a frame's header, before its payload is buffered. */
export interface FrameLimits {
  /** Largest body payload in bytes (default 256 MiB). */
  maxBodyBytes?: number;
  /** Largest control payload in bytes (default 16 MiB). */
  maxControlBytes?: number;
}

/** A decoded frame: a control message (not yet shape-checked) or a body's bytes (8-byte aligned). */
export type Frame = { kind: 'control'; message: unknown } | { kind: 'body'; bytes: Uint8Array };

const packr = new Packr({ useRecords: false });
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const padOf = (n: number): number => (8 - (n % 8)) % 8;

/** Writes a frame header at `target[at]` (bytes 6-7 stay as they are: zero in a fresh buffer). */
function writeHeader(target: Uint8Array, kind: number, length: number, at = 0): void {
  target.set(MAGIC, at);
  target[at + 4] = FRAME_VERSION;
  target[at + 5] = kind;
  const lo = length % 2 ** 32;
  const hi = Math.floor(length / 2 ** 32);
  for (let i = 0; i < 4; i++) {
    target[at + 8 + i] = (lo >>> (8 * i)) & 0xff;
    target[at + 12 + i] = (hi >>> (8 * i)) & 0xff;
  }
}

/** Encodes one control message as a single frame (header, msgpack payload, padding) in one buffer. */
export function encodeControlFrame(message: unknown): Uint8Array {
  const batch = new ControlBatch(0);
  batch.append(message);
  return batch.take();
}

/**
 * Control frames appended one after another into one buffer, so a batch of messages goes to the
 * pipe as one chunk: one allocation and one piece of a write, not one per message.
 */
export class ControlBatch {
  #buf: Uint8Array;
  #used = 0;
  /** Size of the next buffer: what the last batch needed, at least `initial`. */
  #hint: number;
  readonly #initial: number;

  constructor(initial = 4096) {
    this.#initial = initial;
    this.#hint = initial;
    this.#buf = new Uint8Array(0); // allocated by the first append
  }

  /** Bytes appended and not yet taken. */
  get size(): number {
    return this.#used;
  }

  /** Appends one message as a control frame. */
  append(message: unknown): void {
    const payload = packr.pack(message);
    const need = HEADER_BYTES + payload.length + padOf(payload.length);
    if (this.#used + need > this.#buf.length) {
      // A fresh buffer is zero-filled: the header's spare bytes and the padding stay zero.
      const bigger = new Uint8Array(Math.max(this.#hint, 2 * this.#buf.length, this.#used + need));
      bigger.set(this.#buf.subarray(0, this.#used));
      this.#buf = bigger;
    }
    writeHeader(this.#buf, KIND_CONTROL, payload.length, this.#used);
    this.#buf.set(payload, this.#used + HEADER_BYTES);
    this.#used += need;
  }

  /** The frames appended so far, as one chunk that is the caller's from now on; the batch starts again empty. */
  take(): Uint8Array {
    const out = this.#buf.subarray(0, this.#used);
    this.#hint = Math.max(this.#initial, Math.min(this.#used, 1 << 20));
    this.#buf = new Uint8Array(0);
    this.#used = 0;
    return out;
  }
}

/** Encodes a body frame as chunks to write in order; `bytes` is not copied, so leave it unchanged until written. */
export function encodeBodyFrame(bytes: Uint8Array): Uint8Array[] {
  const header = new Uint8Array(HEADER_BYTES);
  writeHeader(header, KIND_BODY, bytes.byteLength);
  const pad = padOf(bytes.byteLength);
  return pad === 0 ? [header, bytes] : [header, bytes, new Uint8Array(pad)];
}

/** Incremental frame decoder: `push` chunks of any size, get back the frames they complete. */
export class FrameDecoder {
  private maxBody: number;
  private maxControl: number;
  private readonly header = new Uint8Array(HEADER_BYTES);
  private headerFill = 0;
  /** The payload being filled (length rounded up to 8, so the padding lands in it too), or null while reading a header. */
  private payload: Uint8Array | null = null;
  private payloadFill = 0;
  private payloadLength = 0;
  private kind = 0;
  /** Stream offset of the current frame's header. */
  private frameStart = 0;
  private dead: FrameError | null = null;

  constructor(limits: FrameLimits = {}) {
    this.maxBody = limits.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.maxControl = limits.maxControlBytes ?? DEFAULT_MAX_CONTROL_BYTES;
  }

  /** Feeds a chunk; returns the frames it completes. Throws FrameError on a bad frame (and on every push after). */
  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    this.pushInto(chunk, frames);
    return frames;
  }

  /** Like `push`, but appends to `out`, so the frames completed before a bad one are kept when FrameError is thrown. */
  pushInto(chunk: Uint8Array, out: Frame[]): void {
    if (this.dead) throw this.dead;
    let at = 0;
    try {
      while (at < chunk.length) {
        if (this.payload === null) {
          const take = Math.min(HEADER_BYTES - this.headerFill, chunk.length - at);
          this.header.set(chunk.subarray(at, at + take), this.headerFill);
          this.headerFill += take;
          at += take;
          if (this.headerFill < HEADER_BYTES) break;
          this.startPayload();
          if (this.payload!.length === 0) out.push(this.finishFrame());
        } else {
          const take = Math.min(this.payload.length - this.payloadFill, chunk.length - at);
          this.payload.set(chunk.subarray(at, at + take), this.payloadFill);
          this.payloadFill += take;
          at += take;
          if (this.payloadFill === this.payload.length) out.push(this.finishFrame());
        }
      }
    } catch (err) {
      this.dead = err as FrameError;
      throw err;
    }
  }

  /** Changes the size limits for the frames that follow (a server raises them once a peer has passed the handshake). */
  setLimits(limits: FrameLimits): void {
    this.maxBody = limits.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.maxControl = limits.maxControlBytes ?? DEFAULT_MAX_CONTROL_BYTES;
  }

  private fail(code: ConstructorParameters<typeof FrameError>[0], what: string, cause?: unknown): never {
    throw new FrameError(
      code,
      `${what} at stream byte ${this.frameStart}; the connection is closed. The peer is not speaking tsdask's framing version ${FRAME_VERSION} (or is broken): check what connected to this port and that both sides run the same tsdask.`,
      { offset: this.frameStart, cause },
    );
  }

  private startPayload(): void {
    const h = this.header;
    if (h[0] !== MAGIC[0] || h[1] !== MAGIC[1] || h[2] !== MAGIC[2] || h[3] !== MAGIC[3]) {
      this.fail('TSDASK_FRAME_BAD_MAGIC', `Bad frame magic 0x${hex(h.subarray(0, 4))} (expected 0x5453444b, "TSDK")`);
    }
    if (h[4] !== FRAME_VERSION) this.fail('TSDASK_FRAME_BAD_VERSION', `Unknown frame version ${h[4]} (this build speaks ${FRAME_VERSION})`);
    if (h[5] !== KIND_CONTROL && h[5] !== KIND_BODY) this.fail('TSDASK_FRAME_BAD_KIND', `Unknown frame kind ${h[5]} (1 = control, 2 = body)`);
    const view = new DataView(h.buffer, h.byteOffset, HEADER_BYTES);
    const length = view.getUint32(8, true) + view.getUint32(12, true) * 2 ** 32;
    const limit = h[5] === KIND_CONTROL ? this.maxControl : this.maxBody;
    if (length > limit) {
      this.fail(
        'TSDASK_FRAME_TOO_LARGE',
        `A ${h[5] === KIND_CONTROL ? 'control' : 'body'} frame announces ${length} bytes, over the limit of ${limit} (raise maxBodyBytes/maxControlBytes if this is meant)`,
      );
    }
    this.kind = h[5];
    this.payloadLength = length;
    this.payload = new Uint8Array(length + padOf(length));
    this.payloadFill = 0;
  }

  private finishFrame(): Frame {
    const bytes = this.payload!.subarray(0, this.payloadLength);
    const kind = this.kind;
    const frame: Frame = kind === KIND_BODY ? { kind: 'body', bytes } : { kind: 'control', message: this.decodeControl(bytes) };
    this.frameStart += HEADER_BYTES + this.payload!.length;
    this.payload = null;
    this.headerFill = 0;
    return frame;
  }

  private decodeControl(bytes: Uint8Array): unknown {
    try {
      return packr.unpack(bytes);
    } catch (err) {
      return this.fail('TSDASK_FRAME_BAD_PAYLOAD', `A control frame of ${bytes.length} bytes is not one msgpack value (${(err as Error).message})`, err);
    }
  }
}
