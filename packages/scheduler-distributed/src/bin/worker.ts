#!/usr/bin/env node
/**
 * `tsdask-worker <scheduler-address> [--nthreads N] [--memory-limit 4GB] [--name NAME] [--token T] [--host H] [--port P] [--metrics-port P] [--reconnect-timeout S] [--no-nanny]`:
 * starts a worker, prints `tsdask-worker NAME listening at tcp://HOST:PORT connected to tcp://SCHEDHOST:SCHEDPORT`
 * on stdout and logs to stderr. By default it runs a nanny (nanny/nanny.ts) that runs the worker
 * as its child with the same flags plus --no-nanny, restarts it when it dies and tells the
 * scheduler why; `--no-nanny` runs the worker in this process, as `dask worker --no-nanny`.
 * Exits 0 on SIGTERM / SIGINT or when the scheduler closes it, 1 when it loses its scheduler or
 * cannot start (or, with a nanny, when its worker keeps dying), 2 on bad arguments. Without a
 * nanny, a task that calls process.exit(code) ends the worker process with that code.
 */
import { parseArgs } from 'node:util';
import { readTlsFiles } from '../comm/tls.js';
import { exitWithParent } from './exit-with-parent.js';
import { Nanny } from '../nanny/nanny.js';
import { formatAddress, parseAddress } from '../protocol/address.js';
import { parseMemoryLimit } from '@tsdask/runtime/spill';
import { Worker } from '../worker/worker.js';

const USAGE = `Usage: tsdask-worker <scheduler-address> [options]

Starts a tsdask worker that joins the scheduler at <scheduler-address> (tcp://HOST:PORT or HOST:PORT).

Options:
  --nthreads N         threads that run tasks (default 1)
  --memory-limit SIZE  the worker's memory limit: 4GB, 512MiB, a byte count,
                       a fraction of system memory (0.5), or 0 / none (default: none)
  --memory-target F    spill values (least recently used first) when they hold over F of
                       the limit (default 0.6; false: off)
  --memory-spill F     spill down to the target when process memory is over F (default 0.7)
  --memory-pause F     start no new task while process memory is over F (default 0.8)
  --local-directory D  where the spill folder is made (default: the system temp folder)
  --name NAME          its name in logs and at the scheduler (default: its data address)
  --token T            the cluster token (default: the TSDASK_TOKEN environment variable)
  --host H             interface of its data port (default 127.0.0.1; 0.0.0.0 for other hosts)
  --port P             port of its data port (default: any free port)
  --tls-cert FILE      TLS: this worker's certificate (PEM), for its data port; needs --tls-key
  --tls-key FILE       the certificate's private key (PEM)
  --tls-ca FILE        the CA the scheduler's and peers' certificates chain to (PEM)
  --metrics-port P     serve Prometheus metrics at http://HOST:P/metrics, HOST as --host
                       (0 for any free port; not behind the token; default: not served)
  --reconnect-timeout S
                       when the scheduler goes away, keep this worker's results and dial the
                       same address again for S seconds, registering them with the scheduler
                       that comes back (default 0: stop at once)
  --no-nanny           run the worker in this process, without a nanny that restarts it when
                       it dies (or passes 95% of --memory-limit) and tells the scheduler why
  -h, --help           show this help
`;

/** Prints `message` and the usage hint to stderr and exits 2. */
function usageError(message: string): never {
  process.stderr.write(`tsdask-worker: ${message}\nRun tsdask-worker --help for the options.\n`);
  process.exit(2);
}

function parse(): { scheduler: string; nanny: boolean; options: Parameters<typeof Worker.start>[0] } {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        nthreads: { type: 'string' },
        'memory-limit': { type: 'string' },
        'memory-target': { type: 'string' },
        'memory-spill': { type: 'string' },
        'memory-pause': { type: 'string' },
        'local-directory': { type: 'string' },
        name: { type: 'string' },
        token: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-ca': { type: 'string' },
        'no-nanny': { type: 'boolean' },
        'reconnect-timeout': { type: 'string' },
        'metrics-port': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return usageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (positionals.length !== 1)
    usageError(
      positionals.length === 0
        ? 'give the scheduler address, for example tcp://127.0.0.1:8786'
        : `one scheduler address expected, got ${positionals.join(' ')}`,
    );
  const scheduler = positionals[0]!;
  try {
    parseAddress(scheduler);
  } catch (err) {
    usageError((err as Error).message);
  }
  const token = values.token ?? process.env['TSDASK_TOKEN'];
  if (token === undefined || token === '') usageError('no token: pass --token T or set TSDASK_TOKEN to the token the scheduler printed');
  const whole = (flag: string, text: string | undefined, min: number): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) usageError(`--${flag} must be a whole number of at least ${min}, got '${text}'`);
    return n;
  };
  const nthreads = whole('nthreads', values.nthreads, 1);
  const fraction = (flag: string, text: string | undefined): number | false | undefined => {
    if (text === undefined) return undefined;
    if (text === 'false') return false;
    const f = Number(text);
    if (!(f > 0 && f <= 1)) usageError(`--${flag} must be a fraction in (0, 1] or false, got '${text}'`);
    return f;
  };
  const memoryTarget = fraction('memory-target', values['memory-target']);
  const memorySpill = fraction('memory-spill', values['memory-spill']);
  const memoryPause = fraction('memory-pause', values['memory-pause']);
  const port = whole('port', values.port, 0);
  const metricsPort = whole('metrics-port', values['metrics-port'], 0);
  const reconnect = values['reconnect-timeout'];
  const reconnectSeconds = reconnect === undefined ? undefined : Number(reconnect);
  if (reconnectSeconds !== undefined && !(reconnectSeconds >= 0 && Number.isFinite(reconnectSeconds)))
    usageError(`--reconnect-timeout must be a number of seconds >= 0, got '${reconnect}'`);
  let tls;
  try {
    tls = readTlsFiles({ cert: values['tls-cert'], key: values['tls-key'], ca: values['tls-ca'] });
  } catch (err) {
    return usageError((err as Error).message);
  }
  return {
    scheduler,
    nanny: values['no-nanny'] !== true,
    options: {
      scheduler,
      token,
      ...(nthreads !== undefined ? { nthreads } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(metricsPort !== undefined ? { metricsPort } : {}),
      ...(reconnectSeconds !== undefined ? { reconnectTimeoutMs: reconnectSeconds * 1000 } : {}),
      ...(values['memory-limit'] !== undefined ? { memoryLimit: values['memory-limit'] } : {}),
      ...(memoryTarget !== undefined ? { memoryTarget } : {}),
      ...(memorySpill !== undefined ? { memorySpill } : {}),
      ...(memoryPause !== undefined ? { memoryPause } : {}),
      ...(values['local-directory'] !== undefined ? { localDirectory: values['local-directory'] } : {}),
      ...(values.name !== undefined ? { name: values.name } : {}),
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(tls !== undefined ? { tls } : {}),
    },
  };
}

/** Nanny mode: runs this same bin with --no-nanny as the nanny's child, and exits when the nanny is done. */
function runNanny(options: Parameters<typeof Worker.start>[0]): void {
  let memoryLimit: number;
  try {
    memoryLimit = parseMemoryLimit(options.memoryLimit ?? 0);
  } catch (err) {
    return usageError((err as Error).message);
  }
  const workerArgs = [...process.execArgv, process.argv[1]!, ...process.argv.slice(2), '--no-nanny'];
  Nanny.start({
    scheduler: options.scheduler,
    token: options.token,
    ...(options.tls !== undefined ? { tls: options.tls } : {}),
    ...(options.name !== undefined ? { name: options.name } : {}),
    memoryLimit,
    workerArgs,
    ...(options.reconnectTimeoutMs !== undefined ? { reconnectTimeoutMs: options.reconnectTimeoutMs } : {}),
  }).then(
    (nanny) => {
      const stop = (): void => void nanny.stop();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      exitWithParent((why) => {
        process.stderr.write(`tsdask-nanny ${nanny.name}: ${why}, stopping its worker\n`);
        stop();
      });
      void nanny.done.then((exit) => process.exit(exit.code));
    },
    (err: Error) => {
      process.stderr.write(`tsdask-worker: the nanny could not start: ${err.message}\n`);
      process.exit(1);
    },
  );
}

/** A task called process.exit(code): the worker process exits with that code, as the task asked (its nanny, if any, reports it). */
function taskExited(code: number, keys: string[]): void {
  const who = keys.length === 1 ? `task '${keys[0]}'` : `a task (one of ${keys.map((k) => `'${k}'`).join(', ') || 'none known'})`;
  process.stderr.write(`tsdask-worker: ${who} called process.exit(${code}); the worker exits with code ${code}\n`);
  process.exit(code);
}

function main(): void {
  const { scheduler, nanny, options } = parse();
  if (nanny) return runNanny(options);
  const nannyId = process.env['TSDASK_NANNY_ID'];
  Worker.start({ ...options, onTaskExit: taskExited, ...(nannyId !== undefined && nannyId !== '' ? { nanny: nannyId } : {}) }).then(
    (worker) => {
      const sched = formatAddress(parseAddress(scheduler));
      process.stdout.write(`tsdask-worker ${worker.name} listening at tcp://${worker.address} connected to tcp://${sched}\n`);
      if (worker.metricsUrl !== undefined) process.stdout.write(`tsdask-worker ${worker.name} metrics at ${worker.metricsUrl}\n`);
      const stop = (): void => void worker.close();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      exitWithParent((why) => {
        process.stderr.write(`tsdask-worker ${worker.name}: ${why}, closing\n`);
        stop();
      });
      void worker.closed.then((exit) => {
        // Everything is closed, so the process ends by itself once stdio is flushed; the timer only guards against a stray handle.
        process.exitCode = exit.code;
        setTimeout(() => process.exit(exit.code), 2000).unref();
      });
    },
    (err: Error) => {
      const code = (err as { code?: unknown }).code === 'TSDASK_CONFIG' ? 2 : 1;
      process.stderr.write(`tsdask-worker: could not start: ${err.message}\n`);
      process.exit(code);
    },
  );
}

main();
