/**
 * What a progress display shows, as pure functions of the counts: the text line (CI logs and
 * piped output) and the HTML bar (a notebook's cell). No streams and no timers: progress.ts
 * decides where and when they are drawn.
 */
import { escapeHtml } from '@tsdask/core-graph';

/** The counts a progress display draws. */
export interface ProgressCounts {
  readonly done: number;
  readonly total: number;
  readonly elapsedMs: number;
  readonly scheduler: string;
  /** Set once the compute has finished: 'done', or why it stopped. */
  readonly outcome?: string;
}

/** Whole percent done (100 for an empty graph), never past 100. */
export function percent(c: ProgressCounts): number {
  return c.total === 0 ? 100 : Math.min(100, Math.floor((100 * c.done) / c.total));
}

/** Elapsed time as `0.4s`, `12s` or `3m05s`. */
export function elapsedText(ms: number): string {
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)}s`;
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s`;
}

/** One line: `[########------------] 40% | 40/99 tasks | 1.2s | threads` (and the outcome once finished). */
export function progressLine(c: ProgressCounts, width = 20): string {
  const p = percent(c);
  const filled = Math.round((p / 100) * width);
  const end = c.outcome !== undefined && c.outcome !== 'done' ? ` | ${c.outcome}` : '';
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p}% | ${c.done}/${c.total} tasks | ${elapsedText(c.elapsedMs)} | ${c.scheduler}${end}`;
}

/** The same as an HTML bar for a notebook cell (green when done, red when it failed or was cancelled). */
export function progressHtml(c: ProgressCounts): string {
  const p = percent(c);
  const color = c.outcome === undefined || c.outcome === 'done' ? '#43a047' : '#e53935';
  const end = c.outcome !== undefined && c.outcome !== 'done' ? ` | ${escapeHtml(c.outcome)}` : '';
  return (
    `<div class="tsdask-progress" style="font-family:monospace">` +
    `<span style="display:inline-block;width:300px;height:12px;border:1px solid #999;vertical-align:middle;margin-right:6px">` +
    `<span style="display:block;width:${p}%;height:100%;background:${color}"></span></span>` +
    `${p}% | ${c.done}/${c.total} tasks | ${elapsedText(c.elapsedMs)} | ${escapeHtml(c.scheduler)}${end}</div>`
  );
}
