#!/bin/sh
# The image's entry point: `tsdask scheduler|worker|dump [flags]` runs that bin of
# @tsdask/scheduler-distributed with the flags (see each one's --help).
set -e
BIN=/app/packages/scheduler-distributed/dist/bin
case "$1" in
  scheduler) shift; exec node "$BIN/scheduler.js" "$@" ;;
  worker) shift; exec node "$BIN/worker.js" "$@" ;;
  dump) shift; exec node "$BIN/dump.js" "$@" ;;
  *) echo "usage: tsdask scheduler|worker|dump [flags]  (each takes --help)" >&2; exit 2 ;;
esac
