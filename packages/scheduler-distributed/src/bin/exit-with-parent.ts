/**
 * For the bins started by a LocalCluster: when TSDASK_EXIT_WITH_PARENT=1, stdin is a pipe from
 * the parent that nobody writes to, and its end means the parent is gone (even killed with
 * SIGKILL, which runs no exit hook there): the bin then stops as on SIGTERM, so no orphan keeps
 * running. Without the variable (a bin started by hand or by a service manager) stdin is left alone.
 */

/** Calls `stop` once stdin ends, when this process was started with TSDASK_EXIT_WITH_PARENT=1. */
export function exitWithParent(stop: (why: string) => void): void {
  if (process.env.TSDASK_EXIT_WITH_PARENT !== '1') return;
  let called = false;
  const gone = (): void => {
    if (called) return;
    called = true;
    stop('the parent process is gone (stdin closed)');
  };
  process.stdin.on('end', gone);
  process.stdin.on('close', gone);
  process.stdin.on('error', gone);
  process.stdin.resume();
  // Watching stdin must not keep the process alive once everything else is closed.
  (process.stdin as unknown as { unref?: () => void }).unref?.();
}
