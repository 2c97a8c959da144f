/**
 * Fetching values from other workers' data ports: one pooled connection per peer (role 'peer'),
 * opened on first use and dropped when it closes (the next fetch dials again). Requests on one
 * connection are answered in order, so each `data` reply and the body frames after it belong to
 * the oldest request still open. A reply that breaks the protocol closes the connection, and a
 * closed connection fails every request still open on it: a fetch never hangs.
 */
import type { TlsOptions } from '../comm/tls.js';
import type { Connection } from '../comm/connection.js';
import { ConnectionError, MessageShapeError } from '../comm/errors.js';
import type { Frame } from '../comm/frames.js';
import { connect } from '../comm/tcp.js';
import { parseAddress } from '../protocol/address.js';
import { checkFromDataPort } from '../protocol/check.js';
import type { GetDataMsg } from '../protocol/messages.js';
import { decodeWireValue } from '../protocol/values.js';

/** A value fetched from a peer, with the size the peer reported. */
export interface FetchedValue {
  key: string;
  value: unknown;
  nbytes: number;
}

interface Request {
  id: number;
  keys: readonly string[];
  found: { key: string; nbytes: number }[] | undefined;
  got: FetchedValue[];
  resolve: (values: FetchedValue[]) => void;
  reject: (err: Error) => void;
}

/** One connection to a peer's data port and its open requests, oldest first. */
class PeerLink {
  readonly open: Request[] = [];
  constructor(readonly conn: Connection) {
    conn.onFrame((f) => this.#frame(f));
    void conn.closed.then((reason) => {
      const err = new ConnectionError(
        'TSDASK_CONN_CLOSED',
        `The connection to peer ${conn.remote} closed before it answered get-data${reason ? ` (${reason.message})` : ''}.`,
        {
          remote: conn.remote,
          cause: reason,
        },
      );
      for (const r of this.open.splice(0)) r.reject(err);
    });
  }

  #frame(f: Frame): void {
    const head = this.open[0];
    try {
      if (head === undefined) throw new MessageShapeError('message', `Peer ${this.conn.remote} sent a frame no get-data asked for.`);
      if (f.kind === 'control') {
        const msg = checkFromDataPort(f.message);
        if (head.found !== undefined || msg.id !== head.id)
          throw new MessageShapeError('message.id', `Peer ${this.conn.remote} answered get-data ${msg.id} while ${head.id} was due.`);
        head.found = msg.found;
      } else {
        if (head.found === undefined) throw new MessageShapeError('message', `Peer ${this.conn.remote} sent a body frame before its data reply.`);
        const item = head.found[head.got.length]!;
        head.got.push({ key: item.key, nbytes: item.nbytes, value: decodeWireValue(f.bytes) });
      }
    } catch (err) {
      this.conn.close(err as Error);
      return;
    }
    if (head.found.length === head.got.length) {
      this.open.shift();
      head.resolve(head.got);
    }
  }
}

/** Pooled connections to peers' data ports. */
export class PeerPool {
  readonly #links = new Map<string, Promise<PeerLink>>();
  #nextId = 0;
  #closed = false;

  constructor(
    private readonly token: string,
    private readonly tls?: TlsOptions,
  ) {}

  /** Fetches `keys` from `peer` ('host:port'); resolves with those it had (the rest it lacked); rejects if the connection fails. */
  async getData(peer: string, keys: readonly string[]): Promise<FetchedValue[]> {
    const link = await this.#link(peer);
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      link.open.push({ id, keys, found: undefined, got: [], resolve, reject });
      const msg: GetDataMsg = { type: 'get-data', id, keys: [...keys] };
      try {
        link.conn.send(msg);
      } catch (err) {
        link.open.pop();
        reject(err as Error);
      }
    });
  }

  /** Closes every pooled connection; later getData calls fail. */
  close(): void {
    this.#closed = true;
    for (const p of this.#links.values())
      void p.then(
        (l) => l.conn.close(),
        () => undefined,
      );
    this.#links.clear();
  }

  #link(peer: string): Promise<PeerLink> {
    if (this.#closed) return Promise.reject(new ConnectionError('TSDASK_CONN_CLOSED', `Cannot fetch from ${peer}: this worker is closing.`, { remote: peer }));
    let p = this.#links.get(peer);
    if (p === undefined) {
      const { host, port } = parseAddress(peer);
      p = connect({ host, port, token: this.token, role: 'peer', ...(this.tls !== undefined ? { tls: this.tls } : {}) }).then((conn) => {
        if (this.#closed) conn.close();
        void conn.closed.then(() => {
          if (this.#links.get(peer) === p) this.#links.delete(peer);
        });
        return new PeerLink(conn);
      });
      this.#links.set(peer, p);
      p.catch(() => {
        if (this.#links.get(peer) === p) this.#links.delete(peer);
      });
    }
    return p;
  }
}
