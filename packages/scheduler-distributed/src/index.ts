/**
 * @tsdask/scheduler-distributed: a scheduler process, worker processes and a client that run
 * tsdask graphs on many machines (issue 13; being built in slices). Folders follow the process
 * boundary and the pure-core rule: `comm/` (framing, handshake, token, transports), and pure
 * state machines in `scheduler/state/` and `worker/state/` that import no sockets, files or timers.
 */
export {};
