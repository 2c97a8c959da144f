#!/usr/bin/env bash
# Installs the system packages the tests need, only when missing (idempotent): Debian's
# chromium for the dashboard's end-to-end test, and nftables (with iproute2) for the chaos
# tests' network partitions. Never fails the test run: without root or apt, it says so loudly
# and the tests that need what is missing skip with the same message.
set -u
# Debian package, and the file that shows it is installed.
NEEDS=("chromium /usr/bin/chromium" "nftables /usr/sbin/nft" "iproute2 /usr/sbin/ip")
MISSING=()
for need in "${NEEDS[@]}"; do
  set -- $need
  if [ ! -x "$2" ]; then MISSING+=("$1"); fi
done
if [ "${#MISSING[@]}" = "0" ]; then
  exit 0
fi
echo "ensure-system-deps: missing ${MISSING[*]}; installing Debian's packages with apt-get" >&2
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
fi
if command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq "${MISSING[@]}" >&2 || true
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "ensure-system-deps: WARNING: could not install chromium; the dashboard browser test will be SKIPPED" >&2
fi
if [ ! -x /usr/sbin/nft ] || [ ! -x /usr/sbin/ip ]; then
  echo "ensure-system-deps: WARNING: could not install nftables / iproute2; the chaos tests will be SKIPPED" >&2
fi
exit 0
