/**
 * The cluster views (shown only when a cluster scheduler reports workers): the workers panel
 * (name and address, threads, tasks processing, memory held / spilled against the limit, and
 * whether it is running or gone and why) and the transfers between workers (bytes moved per
 * pair so far, and the latest transfers), and the nannies' restarts (newest first: when, which
 * worker, why it died, its memory then against its limit, and how many times that worker has
 * restarted). Rebuilt from the model only when what they show changed.
 */
import { TRANSFER_FIELDS } from '../messages.js';
import { barElement, formatBytes, formatCount, row } from './format.js';
import type { Model } from './model.js';

/** Latest transfers listed under the pairs. */
const RECENT = 10;

function rebuild(table: HTMLTableElement, sig: string): HTMLTableSectionElement | undefined {
  if (table.dataset['sig'] === sig) return undefined;
  table.dataset['sig'] = sig;
  const body = table.tBodies[0] as HTMLTableSectionElement;
  body.replaceChildren();
  return body;
}

/** One row per worker of the cluster, running ones first. */
export function drawWorkers(table: HTMLTableElement, summary: HTMLElement, m: Model): void {
  const list = [...m.cluster.values()];
  const body = rebuild(table, list.map((w) => `${w.id},${w.name},${w.state},${w.processing},${w.held},${w.spilled},${w.memoryLimit},${w.nthreads}`).join(';'));
  if (body === undefined) return;
  list.sort((a, b) => (a.state === b.state ? m.workerName(a.id).localeCompare(m.workerName(b.id), 'en', { numeric: true }) : a.state === 'running' ? -1 : 1));
  let scale = 1;
  for (const w of list) scale = Math.max(scale, w.memoryLimit, w.held + w.spilled);
  let running = 0;
  let held = 0;
  for (const w of list) {
    const address = m.workerName(w.id);
    const gone = w.state === 'gone';
    if (!gone) {
      running++;
      held += w.held;
    }
    const tr = row(
      [
        w.name !== '' && w.name !== address ? `${w.name} (${address})` : address,
        formatCount(w.nthreads),
        formatCount(w.processing),
        barElement([
          [w.held / scale, ''],
          [w.spilled / scale, 'err'],
        ]),
        formatBytes(w.held),
        formatBytes(w.spilled),
        w.memoryLimit > 0 ? formatBytes(w.memoryLimit) : 'none',
        gone ? `gone: ${w.reason ?? ''}` : 'running',
      ],
      [undefined, 'num', 'num', 'bar-cell', 'num', 'num', 'num', gone ? 'erred' : undefined],
    );
    tr.dataset['worker'] = address;
    tr.dataset['name'] = w.name;
    tr.dataset['state'] = w.state;
    tr.dataset['processing'] = String(w.processing);
    tr.dataset['held'] = String(w.held);
    body.appendChild(tr);
  }
  summary.textContent = `${running} running, ${list.length - running} gone, ${formatBytes(held)} held`;
  summary.dataset['running'] = String(running);
}

/** Bytes moved per (from, to) pair, largest first, then the latest transfers. */
export function drawTransfers(table: HTMLTableElement, recent: HTMLTableElement, summary: HTMLElement, m: Model): void {
  const links = [...m.links.values()];
  const t = m.transfers;
  const body = rebuild(table, links.map((l) => `${l.from},${l.to},${l.bytes},${l.keys}`).join(';'));
  if (body !== undefined) {
    links.sort((a, b) => b.bytes - a.bytes);
    let bytes = 0;
    let keys = 0;
    for (const l of links) {
      bytes += l.bytes;
      keys += l.keys;
      const tr = row(
        [`${m.workerName(l.from)} → ${m.workerName(l.to)}`, formatCount(l.keys), formatBytes(l.bytes), formatCount(l.reports)],
        [undefined, 'num', 'num', 'num'],
      );
      tr.dataset['from'] = m.workerName(l.from);
      tr.dataset['to'] = m.workerName(l.to);
      tr.dataset['bytes'] = String(l.bytes);
      body.appendChild(tr);
    }
    summary.textContent = `${formatBytes(bytes)} in ${formatCount(keys)} key(s) between ${links.length} pair(s)`;
    summary.dataset['bytes'] = String(bytes);
  }
  const n = t.length / TRANSFER_FIELDS;
  const last = Math.max(0, n - RECENT);
  const recentBody = rebuild(recent, `${n}|${t[t.length - 1] ?? ''}`);
  if (recentBody === undefined) return;
  for (let i = n - 1; i >= last; i--) {
    const o = i * TRANSFER_FIELDS;
    const when = new Date(t[o + 5] as number).toLocaleTimeString('en-GB');
    recentBody.appendChild(
      row(
        [
          when,
          `${m.workerName(t[o] as number)} → ${m.workerName(t[o + 1] as number)}`,
          formatCount(t[o + 2] as number),
          formatBytes(t[o + 3] as number),
          `${(t[o + 4] as number).toFixed(1)} ms`,
        ],
        [undefined, undefined, 'num', 'num', 'num'],
      ),
    );
  }
}

/** Restarts listed, newest first. */
const RESTARTS_SHOWN = 20;

/** The nannies' restarts, newest first; the summary counts them, and those for memory. */
export function drawRestarts(table: HTMLTableElement, summary: HTMLElement, m: Model): void {
  const r = m.restarts;
  const body = rebuild(table, `${r.length}|${r[r.length - 1]?.time ?? ''}|${r[r.length - 1]?.name ?? ''}`);
  if (body === undefined) return;
  for (let i = r.length - 1; i >= Math.max(0, r.length - RESTARTS_SHOWN); i--) {
    const x = r[i]!;
    const tr = row(
      [
        new Date(x.time).toLocaleTimeString('en-GB'),
        x.worker !== '' && x.worker !== x.name ? `${x.name} (${x.worker})` : x.name,
        x.how,
        x.memoryLimit > 0 ? `${formatBytes(x.rss)} of ${formatBytes(x.memoryLimit)}` : formatBytes(x.rss),
        formatCount(x.count),
      ],
      [undefined, undefined, x.reason === 'memory' ? 'erred' : undefined, 'num', 'num'],
    );
    tr.dataset['name'] = x.name;
    tr.dataset['reason'] = x.reason;
    tr.dataset['count'] = String(x.count);
    body.appendChild(tr);
  }
  const memory = r.filter((x) => x.reason === 'memory').length;
  summary.textContent = `${r.length} restart(s), ${memory} for memory`;
  summary.dataset['restarts'] = String(r.length);
}
