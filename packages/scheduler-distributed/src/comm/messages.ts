/**
 * The handshake's messages, a union discriminated on `type`, and `checkMessage`, the runtime
 * shape check every decoded control message passes before it is used:
 *   client -> server  { type: 'hello', version, role, token }
 *   server -> client  { type: 'welcome', version }  or  { type: 'refused', reason }
 * Messages after the handshake belong to the scheduler and worker protocols (later slices).
 */
import { MessageShapeError } from './errors.js';

/**
 * The protocol version this build speaks in the handshake. A change that an older build cannot
 * speak bumps it, so that mixed builds refuse each other at the handshake instead of failing
 * later (2: P2P shards are sent only after the receiver's shuffle-grant).
 */
export const PROTOCOL_VERSION = 2;

/** What kind of party opens a connection. */
export type Role = 'client' | 'worker' | 'peer' | 'nanny';
const ROLES: readonly Role[] = ['client', 'worker', 'peer', 'nanny'];

/** First message of a connection, from the side that connected. */
export interface HelloMessage {
  type: 'hello';
  version: number;
  role: Role;
  token: string;
}
/** The server accepted the hello. */
export interface WelcomeMessage {
  type: 'welcome';
  version: number;
}
/** The server refused the hello; it closes the connection after sending this. */
export interface RefusedMessage {
  type: 'refused';
  reason: string;
}
/** Any handshake message. */
export type HandshakeMessage = HelloMessage | WelcomeMessage | RefusedMessage;

type FieldType = 'string' | 'number' | 'role';
const SHAPES: Record<HandshakeMessage['type'], Record<string, FieldType>> = {
  hello: { version: 'number', role: 'role', token: 'string' },
  welcome: { version: 'number' },
  refused: { reason: 'string' },
};

const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : typeof v;

/** Checks that a decoded value is a handshake message (fields and their types); throws MessageShapeError if not. */
export function checkMessage(x: unknown): HandshakeMessage {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) {
    throw new MessageShapeError(
      'message',
      `A handshake message must be an object with a 'type', got ${describe(x)}. The peer is not a tsdask ${PROTOCOL_VERSION} endpoint.`,
    );
  }
  const rec = x as Record<string, unknown>;
  const type = rec.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(SHAPES, type)) {
    throw new MessageShapeError('message.type', `Unknown handshake message type ${describe(type)} (expected one of ${Object.keys(SHAPES).join(', ')}).`);
  }
  for (const [field, want] of Object.entries(SHAPES[type as HandshakeMessage['type']])) {
    const v = rec[field];
    const ok = want === 'role' ? ROLES.includes(v as Role) : want === 'number' ? typeof v === 'number' && Number.isFinite(v) : typeof v === want;
    if (!ok) {
      const expected = want === 'role' ? `one of ${ROLES.join(', ')}` : `a ${want}`;
      throw new MessageShapeError(`message.${field}`, `The '${type}' message's field '${field}' must be ${expected}, got ${describe(v)}.`);
    }
  }
  return rec as unknown as HandshakeMessage;
}
