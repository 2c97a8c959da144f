// Stand-in scheduler and worker bins for the LocalCluster tests: one small .mjs that keeps the
// bins' stdout contract (the `listening at` lines), really listens on 127.0.0.1, makes workers
// really connect to the scheduler address they are given, and writes what it was started with
// (pid, port, argv, TSDASK_TOKEN) to STANDIN_DIR/NAME.json: the reference the tests compare with.
// STANDIN_FAIL / STANDIN_SILENT / STANDIN_STUBBORN (comma-separated child names) make a child
// exit 3 before its line, never print it, or ignore SIGTERM. Also helpers on processes: the pids
// a parent script prints, whether a pid is alive or gone, and the orphan check after a parent dies.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STANDIN = String.raw`
import { connect, createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
const argv = process.argv.slice(2);
const opt = (flag, dflt) => { const i = argv.indexOf(flag); return i >= 0 ? argv[i + 1] : dflt; };
const isWorker = argv[0]?.startsWith('tcp://') ?? false;
const name = isWorker ? opt('--name', 'worker') : 'scheduler';
const has = (v) => (process.env[v] ?? '').split(',').includes(name);
console.error('standin ' + name + ': starting');
if (has('STANDIN_FAIL')) {
  console.error('standin ' + name + ': cannot bind the port (on purpose)');
  process.exit(3);
}
process.on('SIGTERM', () => (has('STANDIN_STUBBORN') ? console.error('standin ' + name + ': ignoring SIGTERM') : process.exit(0)));
const sockets = [];
const server = createServer((s) => sockets.push(s));
function up() {
  server.listen(0, '127.0.0.1', () => {
    const port = server.address().port;
    const record = { pid: process.pid, port, argv, token: process.env.TSDASK_TOKEN ?? null };
    writeFileSync(join(process.env.STANDIN_DIR, name + '.json'), JSON.stringify(record));
    if (has('STANDIN_SILENT')) return;
    if (isWorker) console.log('tsdask-worker ' + name + ' listening at tcp://127.0.0.1:' + port + ' connected to ' + argv[0]);
    else console.log('tsdask-scheduler listening at tcp://127.0.0.1:' + port);
  });
}
if (isWorker) {
  const [host, port] = argv[0].slice('tcp://'.length).split(':');
  const s = connect(Number(port), host, up);
  s.on('error', (err) => { console.error('standin ' + name + ': cannot reach the scheduler: ' + err.message); process.exit(4); });
} else up();
`;

/** A temp folder with the stand-in bin; `record(name)` reads what a child wrote; `remove()` deletes it all. */
export function makeStandIns() {
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-cluster-test-'));
  const bin = join(dir, 'standin.mjs');
  writeFileSync(bin, STANDIN);
  return {
    dir,
    bin,
    record: (name: string): { pid: number; port: number; argv: string[]; token: string | null } => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The pids a parent script prints as a JSON array on its first stdout line (rejects if it ends first). */
export function printedPids(parent: { stdout: NodeJS.ReadableStream; once(event: 'exit', listener: () => void): unknown }): Promise<number[]> {
  return new Promise((resolve, reject) => {
    let out = '';
    parent.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as number[]);
    });
    parent.once('exit', () => reject(new Error(`the parent ended before printing its pids: ${out}`)));
  });
}

/** True while process `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Waits (at most about 10 s, polling) until `pid` is gone; returns whether it is. */
export async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !isAlive(pid);
}

/**
 * Runs a script that starts a LocalCluster from the built package (`options`: its options as
 * source text) and prints the pids `pidsExpr` names (source text over the cluster `c`), checks
 * they are `count` live processes, SIGKILLs that parent and returns whether each is gone after
 * (the children exit with their parent). Cleans up whatever is left.
 */
export async function orphansAfterParentKill(options: string, pidsExpr: string, count: number): Promise<{ printed: number[]; gone: boolean[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'tsdask-parent-'));
  const pids: number[] = [];
  try {
    const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
    const script = join(dir, 'parent.mjs');
    writeFileSync(
      script,
      `import { LocalCluster } from ${JSON.stringify(dist)};\n` +
        `const c = await LocalCluster.start(${options});\n` +
        `console.log(JSON.stringify(${pidsExpr}));\n` +
        'setInterval(() => {}, 1000);\n',
    );
    const parent = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    pids.push(...(await printedPids(parent)));
    if (pids.length !== count || !pids.every(isAlive)) throw new Error(`expected ${count} live processes, the parent printed ${JSON.stringify(pids)}`);
    parent.kill('SIGKILL');
    const after: boolean[] = [];
    for (const pid of pids) after.push(await gone(pid));
    return { printed: pids, gone: after };
  } finally {
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
