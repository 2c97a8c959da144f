/**
 * One nanny's connection at the scheduler (role 'nanny'). Its first message must be
 * register-nanny (its id, which its workers' register-worker names), answered nanny-welcome; after that it sends
 * worker-died each time its worker dies, which completes or precedes that worker's removal
 * (nanny-reports.ts). Every message is shape-checked; a bad one closes this connection only.
 * When the connection closes, the workers it runs are removed without waiting for a report.
 */
import type { Connection } from '../comm/connection.js';
import { MessageShapeError } from '../comm/errors.js';
import type { Frame } from '../comm/frames.js';
import { checkFromNanny } from '../protocol/check.js';
import type { NannyToScheduler } from '../protocol/messages.js';
import type { SchedulerCore } from './core.js';

/** A nanny connected to the scheduler. */
export class NannySession {
  /** Its id; '' until registered. */
  id = '';
  readonly #server: SchedulerCore;
  readonly #conn: Connection;

  constructor(server: SchedulerCore, conn: Connection) {
    this.#server = server;
    this.#conn = conn;
    conn.onFrame((f) => this.#frame(f));
    void conn.closed.then(() => {
      if (this.id !== '') server.nannies.nannyLeft(this.id);
    });
  }

  #frame(f: Frame): void {
    let m: NannyToScheduler;
    try {
      if (f.kind !== 'control') throw new MessageShapeError('message', 'A nanny sends the scheduler control messages only, not body frames.');
      m = checkFromNanny(f.message);
      if (this.id === '' && m.type !== 'register-nanny')
        throw new MessageShapeError('message.type', `A nanny must send register-nanny first, not '${m.type}'.`);
      if (this.id !== '' && m.type === 'register-nanny') throw new MessageShapeError('message.type', `Nanny ${this.id} sent register-nanny twice.`);
    } catch (err) {
      return this.#server.reject(this.#conn, err as Error);
    }
    if (m.type === 'register-nanny') {
      this.id = m.id;
      this.#server.nannies.nannyJoined(m.id);
      this.#conn.send({ type: 'nanny-welcome' });
      return;
    }
    const how = this.#server.nannies.report(m);
    this.#server.log(`tsdask-scheduler: the nanny of worker ${m.address || m.name || '(not started)'} (pid ${m.pid}) reports: ${how}`);
    this.#server.clusterEvents.nannyReport(m, how);
    try {
      this.#server.onNannyReport?.(m, how);
    } catch (err) {
      this.#server.log(`tsdask-scheduler: onNannyReport threw: ${(err as Error).stack ?? String(err)}`);
    }
  }
}
