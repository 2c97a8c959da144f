/**
 * One child process of a LocalCluster (the scheduler or a worker): spawned as
 * `node [nodeArgs] BIN ARGS`, its stdout read line by line until the line that says it listens
 * (`ready`, with a timeout), its last 50 stderr lines kept, its exit code or signal recorded, and
 * `stop()` = SIGTERM, then SIGKILL after a grace period. Every live child is guarded
 * (orphan-guard.ts): killed when this process exits or dies of a signal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { ClusterError, stderrBlock, type ChildExit } from './errors.js';
import { eachLine, pushTail } from './lines.js';
import { guard, unguard } from './orphan-guard.js';

/** How many stderr lines a child keeps for error messages. */
export const STDERR_TAIL_LINES = 50;

/** What to spawn and what line to wait for. */
export interface ChildSpec {
  /** `scheduler`, `worker-0`, ...: used in messages and in exits(). */
  name: string;
  /** The script node runs (an absolute path). */
  bin: string;
  /** Arguments after the script. */
  args: string[];
  /** Node's own flags, before the script. */
  nodeArgs?: string[];
  /** The child's whole environment. */
  env: Record<string, string | undefined>;
  /** The stdout line that says the child is up; `ready` resolves with its match. */
  readyLine: RegExp;
  /** What the ready line looks like, for the timeout message. */
  readyText: string;
  /** How long to wait for the ready line, in ms. */
  readyTimeoutMs: number;
  /** Called with each line the child prints (stdout and stderr), for users who want its logs. */
  onLog?: ((child: string, line: string) => void) | undefined;
  /** Called with each stdout line, for the cluster to follow what the child says after its ready line. */
  onStdout?: (line: string) => void;
}

/** A running (or ended) child process of a LocalCluster. */
export class ClusterChild {
  readonly name: string;
  /** Its process id (0 when it could not be spawned). */
  readonly pid: number;
  /** Resolves with the ready line's match; rejects with ClusterError when the child ends first or the timeout passes. */
  readonly ready: Promise<RegExpExecArray>;
  /** Resolves when the process has ended and its output streams are closed. */
  readonly exited: Promise<ChildExit>;
  private readonly proc: ChildProcess;
  private readonly tail: string[] = [];
  private exitInfo: ChildExit | undefined;

  constructor(spec: ChildSpec) {
    this.name = spec.name;
    this.proc = spawn(process.execPath, [...(spec.nodeArgs ?? []), spec.bin, ...spec.args], {
      // stdin: a pipe nobody writes to; the bins exit when it closes (TSDASK_EXIT_WITH_PARENT), so a parent killed with SIGKILL leaves no orphan.
      env: { ...spec.env, TSDASK_EXIT_WITH_PARENT: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.pid = this.proc.pid ?? 0;
    guard(this.proc);
    this.proc.once('exit', () => unguard(this.proc));

    let onReadyLine: ((m: RegExpExecArray) => void) | undefined;
    const sawReadyLine = new Promise<RegExpExecArray>((resolve) => (onReadyLine = resolve));
    eachLine(this.proc.stdout!, (line) => {
      spec.onLog?.(this.name, line);
      spec.onStdout?.(line);
      const m = spec.readyLine.exec(line);
      if (m !== null) onReadyLine?.(m);
    });
    eachLine(this.proc.stderr!, (line) => {
      spec.onLog?.(this.name, line);
      pushTail(this.tail, line, STDERR_TAIL_LINES);
    });

    this.exited = new Promise<ChildExit>((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exitInfo !== undefined) return;
        unguard(this.proc);
        this.exitInfo = { name: this.name, pid: this.pid, code, signal, stderr: [...this.tail] };
        resolve(this.exitInfo);
      };
      this.proc.once('close', done);
      this.proc.on('error', (err) => {
        // Spawning failed (no 'close' follows then); a kill error on a live process is ignored.
        if (this.proc.pid === undefined) {
          this.tail.push(`spawn failed: ${err.message}`);
          done(null, null);
        }
      });
    });

    const readyOrEnd = Promise.race([
      sawReadyLine,
      this.exited.then((exit) => {
        const how = exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code ?? 'unknown'}`;
        throw new ClusterError(
          'TSDASK_CLUSTER_CHILD_EXITED',
          `LocalCluster: ${this.name} (pid ${this.pid}, ${spec.bin}) ${how} before it printed '${spec.readyText}'.${stderrBlock(exit.stderr)}\n` +
            'Fix what its stderr says, or run the same bin by hand to see its whole output.',
          { child: this.name, exit, stderr: exit.stderr },
        );
      }),
    ]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const stderr = [...this.tail];
        reject(
          new ClusterError(
            'TSDASK_CLUSTER_START_TIMEOUT',
            `LocalCluster: ${this.name} (pid ${this.pid}, ${spec.bin}) did not print '${spec.readyText}' within ${spec.readyTimeoutMs} ms.${stderrBlock(stderr)}\n` +
              'If the machine is busy, raise startTimeoutMs; otherwise run the same bin by hand to see why it does not start.',
            { child: this.name, stderr },
          ),
        );
      }, spec.readyTimeoutMs);
    });
    this.ready = Promise.race([readyOrEnd, timeout]).finally(() => clearTimeout(timer));
    this.ready.catch(() => {}); // whoever starts the cluster awaits it; an abandoned start must not crash the process
  }

  /** True until the process has ended. */
  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** How it ended, or undefined while it runs. */
  get exit(): ChildExit | undefined {
    return this.exitInfo;
  }

  /** Its last stderr lines (at most 50), oldest first. */
  stderr(): string[] {
    return [...this.tail];
  }

  /** Sends a signal (nothing when it has already ended). */
  kill(signal: NodeJS.Signals): void {
    if (this.running && this.proc.pid !== undefined) {
      try {
        this.proc.kill(signal);
      } catch {
        // it ended meanwhile
      }
    }
  }

  /** Resolves once it has ended, keeping the parent process alive until then. */
  ended(): Promise<ChildExit> {
    if (this.running) this.proc.ref();
    return this.exited;
  }

  /** Lets the parent process exit while this child runs (the exit hook then kills it). */
  unref(): void {
    this.proc.unref();
    (this.proc.stdin as (Writable & { unref?: () => void }) | null)?.unref?.();
    (this.proc.stdout as (Readable & { unref?: () => void }) | null)?.unref?.();
    (this.proc.stderr as (Readable & { unref?: () => void }) | null)?.unref?.();
  }

  /** SIGTERM, then SIGKILL when it has not ended after `graceMs`; resolves once it has ended. */
  async stop(graceMs: number): Promise<ChildExit> {
    if (!this.running) return this.exited;
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    try {
      return await this.ended();
    } finally {
      clearTimeout(timer);
    }
  }
}
