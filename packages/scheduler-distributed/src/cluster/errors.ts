/**
 * ClusterError: what went wrong while LocalCluster started, used or stopped its child
 * processes. It names the child (`scheduler`, `worker-0`, ...), how it ended, and carries its
 * last stderr lines, so the message says why without a second run.
 */
import { registerErrorClass, TsdaskError } from '@tsdask/core-graph';

/** How a child process of a LocalCluster ended (or `code` and `signal` both null while it runs). */
export interface ChildExit {
  /** `scheduler` or the worker's name, `worker-0`, `worker-1`, ... */
  name: string;
  /** The process id (0 when the process could not be spawned). */
  pid: number;
  /** Its exit code, or null when a signal ended it. */
  code: number | null;
  /** The signal that ended it, or null when it exited by itself. */
  signal: NodeJS.Signals | null;
  /** Its last stderr lines (at most 50), oldest first. */
  stderr: string[];
}

/**
 * Codes of ClusterError: BIN_MISSING (the scheduler or worker bin file is not there),
 * CHILD_EXITED (a child ended before it printed its listening line), START_TIMEOUT (no listening
 * line in time), NOT_RUNNING (used before start() or after close()), NO_SUCH_WORKER (killWorker
 * with an unknown index or name), BAD_OPTION (an option out of range).
 */
export type ClusterErrorCode =
  | 'TSDASK_CLUSTER_BIN_MISSING'
  | 'TSDASK_CLUSTER_CHILD_EXITED'
  | 'TSDASK_CLUSTER_START_TIMEOUT'
  | 'TSDASK_CLUSTER_NOT_RUNNING'
  | 'TSDASK_CLUSTER_NO_SUCH_WORKER'
  | 'TSDASK_CLUSTER_BAD_OPTION';

/** A LocalCluster could not start, or was used in a state that does not allow it; `child` and `stderr` say which process and why. */
export class ClusterError extends TsdaskError {
  /** The child process concerned (`scheduler`, `worker-1`), when there is one. */
  readonly child: string | undefined;
  /** How that child ended, when it did. */
  readonly exit: ChildExit | undefined;
  /** Its last stderr lines, oldest first (empty when there is no child). */
  readonly stderr: string[];
  constructor(code: ClusterErrorCode, message: string, info: { child?: string; exit?: ChildExit; stderr?: string[]; cause?: unknown } = {}) {
    super(code, message, { cause: info.cause });
    this.child = info.child;
    this.exit = info.exit;
    this.stderr = info.stderr ?? [];
  }
}
registerErrorClass(ClusterError);

/** The last stderr lines as an indented block for an error message, or a note that there were none. */
export function stderrBlock(lines: readonly string[]): string {
  return lines.length === 0 ? ' It printed nothing on stderr.' : ` Its last stderr lines:\n${lines.map((l) => `    ${l}`).join('\n')}`;
}
