/** The table views: progress per group, memory per worker, errors. Rebuilt from the model (small: groups and workers, not tasks). */
import { barElement, formatBytes, formatCount, groupColor, row } from './format.js';
import type { Model } from './model.js';

function tbody(table: HTMLTableElement): HTMLTableSectionElement {
  return table.tBodies[0] as HTMLTableSectionElement;
}

/** Whether a table must be rebuilt: true when what it shows (`sig`) changed since its last drawing. */
function changed(table: HTMLTableElement, sig: string): boolean {
  if (table.dataset['sig'] === sig) return false;
  table.dataset['sig'] = sig;
  return true;
}

/** One row per group: colour, bar (done, failed), done / total, failed count. */
export function drawProgress(table: HTMLTableElement, summary: HTMLElement, m: Model): void {
  const c = m.compute;
  const sig = c ? `${c.computeId}|${c.groups.length}|${m.progress.map((p) => `${p.done},${p.erred}`).join(';')}` : '';
  if (!changed(table, sig)) return;
  const body = tbody(table);
  body.replaceChildren();
  if (!c) return;
  c.groups.forEach((name, g) => {
    const p = m.progress[g] ?? { done: 0, erred: 0, running: 0 };
    const total = c.totals[g] ?? 0;
    const label = document.createElement('span');
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = groupColor(g);
    label.append(sw, name);
    const tr = row(
      [
        label,
        barElement([
          [total ? p.done / total : 0, ''],
          [total ? p.erred / total : 0, 'err'],
        ]),
        `${formatCount(p.done)} / ${formatCount(total)}`,
        formatCount(p.erred),
      ],
      [undefined, 'bar-cell', 'num', p.erred > 0 ? 'num erred' : 'num'],
    );
    tr.dataset['group'] = name;
    tr.dataset['done'] = String(p.done);
    tr.dataset['total'] = String(total);
    tr.dataset['erred'] = String(p.erred);
    body.appendChild(tr);
  });
  summary.textContent = `${c.groups.length} group(s)`;
}

/** One row per worker: bytes held (bar scaled to the largest peak), peak, spilled, results, tasks. */
export function drawMemory(table: HTMLTableElement, summary: HTMLElement, m: Model): void {
  const rows = [...m.status.values()].filter((s) => s.done > 0 || s.held > 0 || s.spilled > 0 || s.erred > 0);
  if (!changed(table, rows.map((s) => `${s.id},${s.done},${s.erred},${s.held},${s.peak},${s.spilled},${s.results}`).join(';'))) return;
  const body = tbody(table);
  body.replaceChildren();
  rows.sort((a, b) => m.workerName(a.id).localeCompare(m.workerName(b.id), 'en', { numeric: true }));
  let scale = 1;
  for (const s of rows) scale = Math.max(scale, s.peak, s.held + s.spilled);
  let held = 0;
  let spilled = 0;
  let tasks = 0;
  for (const s of rows) {
    held += s.held;
    spilled += s.spilled;
    tasks += s.done;
    const tr = row(
      [
        m.workerName(s.id),
        barElement([
          [s.held / scale, ''],
          [s.spilled / scale, 'err'],
        ]),
        formatBytes(s.held),
        formatBytes(s.peak),
        formatBytes(s.spilled),
        formatCount(s.results),
        formatCount(s.done),
      ],
      [undefined, 'bar-cell', 'num', 'num', 'num', 'num', 'num'],
    );
    tr.dataset['worker'] = m.workerName(s.id);
    tr.dataset['held'] = String(s.held);
    tr.dataset['spilled'] = String(s.spilled);
    tr.dataset['tasks'] = String(s.done);
    body.appendChild(tr);
  }
  summary.textContent = `${formatBytes(held)} held, ${formatBytes(spilled)} spilled on ${rows.length} worker(s)`;
  summary.dataset['held'] = String(held);
  summary.dataset['spilled'] = String(spilled);
  summary.dataset['tasks'] = String(tasks);
  summary.dataset['workers'] = String(rows.length);
}

/** The failed tasks: key, group, worker, message. */
export function drawErrors(table: HTMLTableElement, summary: HTMLElement, m: Model): void {
  if (!changed(table, `${m.compute?.computeId}|${m.errors.map((e) => `${e.key}:${e.message}`).join(';')}`)) return;
  const body = tbody(table);
  body.replaceChildren();
  for (const e of m.errors) {
    const tr = row(
      [e.key || '(compute)', e.group, e.worker >= 0 ? m.workerName(e.worker) : '', e.message || '(cancelled or no message)'],
      [undefined, undefined, undefined, 'erred'],
    );
    tr.dataset['key'] = e.key;
    body.appendChild(tr);
  }
  summary.textContent = m.errors.length === 0 ? 'none' : `${m.errors.length} failed`;
  summary.dataset['count'] = String(m.errors.length);
}
