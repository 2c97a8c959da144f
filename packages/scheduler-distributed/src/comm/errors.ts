/**
 * The transport's error classes: FrameError (a byte stream that is not our framing),
 * MessageShapeError (a decoded control message of the wrong shape) and ConnectionError
 * (refused, timed out or closed). Each is registered so it crosses boundaries as itself.
 */
import { registerErrorClass, TsdaskError } from '@tsdask/core-graph';

/** Codes of FrameError, one per way a byte stream can break the framing. */
export type FrameErrorCode =
  'TSDASK_FRAME_BAD_MAGIC' | 'TSDASK_FRAME_BAD_VERSION' | 'TSDASK_FRAME_BAD_KIND' | 'TSDASK_FRAME_TOO_LARGE' | 'TSDASK_FRAME_BAD_PAYLOAD';

/** A frame could not be decoded; `offset` is the stream byte offset of the frame's header. The connection is closed. */
export class FrameError extends TsdaskError {
  /** Byte offset, from the start of the connection's stream, of the header of the bad frame. */
  readonly offset: number;
  constructor(code: FrameErrorCode, message: string, info: { offset: number; cause?: unknown }) {
    super(code, message, { cause: info.cause });
    this.offset = info.offset;
  }
}
registerErrorClass(FrameError);

/** A decoded control message does not have the shape of any known message; `path` names the bad field. */
export class MessageShapeError extends TsdaskError {
  /** Where in the message the mismatch is, for example `message.token`. */
  readonly path: string;
  constructor(path: string, message: string) {
    super('TSDASK_MESSAGE_SHAPE', message);
    this.path = path;
  }
}
registerErrorClass(MessageShapeError);

/** Codes of ConnectionError: FAILED (could not dial), REFUSED (the handshake said no), HANDSHAKE_TIMEOUT, CLOSED (send after close). */
export type ConnectionErrorCode = 'TSDASK_CONN_FAILED' | 'TSDASK_CONN_REFUSED' | 'TSDASK_CONN_HANDSHAKE_TIMEOUT' | 'TSDASK_CONN_CLOSED';

/** A connection could not be opened (TSDASK_CONN_FAILED), was refused by its peer, timed out in the handshake, or is closed. */
export class ConnectionError extends TsdaskError {
  /** The peer's address (`host:port`, or `inproc`). */
  readonly remote: string;
  constructor(code: ConnectionErrorCode, message: string, info: { remote: string; cause?: unknown }) {
    super(code, message, { cause: info.cause });
    this.remote = info.remote;
  }
}
registerErrorClass(ConnectionError);

/**
 * Why a connection closed, as a typed error: `reason` itself when it is already a tsdask error (a
 * bad frame, a bad message, a timeout); otherwise (none, or the socket's own ECONNRESET, EPIPE...)
 * a ConnectionError TSDASK_CONN_CLOSED saying `message`, with the socket's error as its cause, so
 * callers that retry on a ConnectionError retry on a reset peer too.
 */
export function closedError(reason: Error | undefined, remote: string, message: string): Error {
  if (reason instanceof TsdaskError) return reason;
  const text = reason !== undefined ? `${message.replace(/\.$/, '')} (${reason.message}).` : message;
  return new ConnectionError('TSDASK_CONN_CLOSED', text, { remote, cause: reason });
}
