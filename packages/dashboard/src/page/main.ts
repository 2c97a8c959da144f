/**
 * The page's entry: connects to the dashboard's WebSocket (same origin, relative path, so it
 * works under any prefix; the token travels in the cookie the server set), feeds messages to
 * the Model and redraws only when a message changed something, at most every 250 ms while a compute runs.
 */
import type { ServerMessage } from '../messages.js';
import { formatCount } from './format.js';
import { GraphView } from './graph-view.js';
import { Model } from './model.js';
import { drawRate } from './rate-chart.js';
import { drawTaskStream } from './task-stream.js';
import { drawErrors, drawMemory, drawProgress } from './tables.js';
import { drawRestarts, drawTransfers, drawWorkers } from './cluster-tables.js';

/**
 * Time between two drawings while a compute runs. The page usually shares the machine with the
 * compute, so it paces itself by what a frame costs: the gap is 100x the script time of the last
 * frame (the browser's layout and raster come on top, about as much again), at least FRAME_MS and
 * at most MAX_FRAME_MS. A cheap frame redraws four times a second; a costly one, less often.
 */
const FRAME_MS = 250;
const MAX_FRAME_MS = 1000;
let frameGap = FRAME_MS;

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`dashboard page: element #${id} is missing`);
  return e as T;
}

const model = new Model();
const graph = new GraphView(el<HTMLCanvasElement>('graph'), el('graph-summary'));
const status = el('status');
let drawn = -1;
let lastFrame = 0;
let pending: ReturnType<typeof setTimeout> | undefined;
let startedVersion = -1;
/** Frames drawn and the script time they took, on <body data-frames data-render-ms> for benches and tests. */
let frames = 0;
let renderMs = 0;

/**
 * Draws soon: at once when the compute is over, else no more often than every `frameGap` ms,
 * and not before that far into a compute (its first events come at once and would cost a frame for
 * nothing to show).
 */
function schedule(): void {
  if (pending !== undefined) return;
  if (model.compute && !model.finished && model.computeVersion !== startedVersion) {
    startedVersion = model.computeVersion;
    lastFrame = performance.now();
  }
  const wait = model.finished || !model.compute ? 0 : Math.max(0, lastFrame + frameGap - performance.now());
  pending = setTimeout(() => {
    pending = undefined;
    requestAnimationFrame(render);
  }, wait);
}

function header(): void {
  const c = model.compute;
  const f = model.finished;
  el('compute-meta').textContent = c
    ? `${c.scheduler} · ${formatCount(c.ntasks)} tasks · ${c.workers} worker(s)` +
      (f ? (f.ok ? ` · done in ${(f.elapsedMs / 1000).toFixed(2)} s` : ' · failed') : ' · running')
    : 'no compute yet';
  const pct = Math.floor(model.fraction * 1000) / 10;
  const text = el('overall-text');
  text.textContent = `${pct}%` + (model.erred > 0 ? ` · ${formatCount(model.erred)} failed` : '');
  text.dataset['percent'] = String(pct);
  text.dataset['done'] = String(model.done);
  text.dataset['total'] = String(c?.ntasks ?? 0);
  text.dataset['finished'] = f ? (f.ok ? 'ok' : 'failed') : '';
  el('overall-bar').style.width = `${pct}%`;
  el('overall-bar').className = model.erred > 0 ? 'err' : '';
  el('rate').textContent = formatCount(model.currentRate);
}

/** Whether something runs now: the task stream's open bars grow, so frames go on without messages. */
const live = (): boolean => model.running.length > 0 && !model.finished;

/** The cluster's panels: shown once a cluster scheduler reported a worker, hidden for a local one. */
function cluster(): void {
  const on = model.cluster.size > 0;
  for (const id of ['workers-section', 'transfers-section', 'recent-transfers-section']) el(id).hidden = !on;
  if (!on) return;
  drawWorkers(el<HTMLTableElement>('workers'), el('workers-summary'), model);
  drawTransfers(el<HTMLTableElement>('transfers'), el<HTMLTableElement>('recent-transfers'), el('transfers-summary'), model);
  el('restarts-section').hidden = model.restarts.length === 0;
  drawRestarts(el<HTMLTableElement>('restarts'), el('restarts-summary'), model);
}

function render(): void {
  if (model.version === drawn && !live()) return;
  const t0 = performance.now();
  lastFrame = t0;
  drawn = model.version;
  header();
  drawTaskStream(el<HTMLCanvasElement>('stream'), el('stream-summary'), model);
  drawProgress(el<HTMLTableElement>('progress'), el('progress-summary'), model);
  drawMemory(el<HTMLTableElement>('memory'), el('memory-summary'), model);
  drawRate(el<HTMLCanvasElement>('rate-chart'), el('rate-summary'), model);
  graph.draw(model);
  drawErrors(el<HTMLTableElement>('errors'), el('errors-summary'), model);
  cluster();
  const cost = performance.now() - t0;
  frameGap = Math.min(MAX_FRAME_MS, Math.max(FRAME_MS, 100 * cost));
  frames++;
  renderMs += cost;
  document.body.dataset['frames'] = String(frames);
  document.body.dataset['renderMs'] = renderMs.toFixed(1);
  if (live()) schedule();
}

function connect(delay: number): void {
  const url = new URL('ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  const ws = new WebSocket(url);
  ws.onopen = () => {
    status.textContent = 'live';
    status.className = '';
    delay = 250;
  };
  ws.onmessage = (ev: MessageEvent<string>) => {
    model.apply(JSON.parse(ev.data) as ServerMessage);
    schedule();
  };
  ws.onclose = () => {
    status.textContent = 'disconnected, retrying';
    status.className = 'off';
    setTimeout(() => connect(Math.min(5000, delay * 2)), delay);
  };
}

addEventListener('resize', () => {
  drawn = -1;
  schedule();
});
connect(250);
schedule();
