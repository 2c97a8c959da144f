#!/usr/bin/env bash
# Installs the system packages the tests need, only when missing (idempotent): Debian's
# chromium for the dashboard's end-to-end test; nftables (with iproute2) for the chaos tests'
# network partitions; jupyter-nbconvert, python3-ipykernel and jupyter-client for the tslab
# notebook test (test/notebook/). Never fails the test run: without root or apt, it says so
# loudly and the tests that need what is missing skip with the same message.
set -u
has_py() { /usr/bin/python3 -c "import $1" >/dev/null 2>&1; }
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/sbin/nft ] || missing+=(nftables)
[ -x /usr/sbin/ip ] || missing+=(iproute2)
[ -x /usr/bin/jupyter-nbconvert ] || missing+=(jupyter-nbconvert)
has_py ipykernel || missing+=(python3-ipykernel)
has_py jupyter_client || missing+=(jupyter-client)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "ensure-system-deps: missing ${missing[*]}; installing them with apt-get" >&2
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
fi
if command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq "${missing[@]}" >&2 || true
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "ensure-system-deps: WARNING: could not install chromium; the dashboard browser test will be SKIPPED" >&2
fi
if [ ! -x /usr/sbin/nft ] || [ ! -x /usr/sbin/ip ]; then
  echo "ensure-system-deps: WARNING: could not install nftables / iproute2; the chaos tests will be SKIPPED" >&2
fi
if [ ! -x /usr/bin/jupyter-nbconvert ] || ! has_py ipykernel || ! has_py jupyter_client; then
  echo "ensure-system-deps: WARNING: could not install Jupyter (nbconvert, ipykernel, jupyter-client); the tslab notebook test will be SKIPPED" >&2
fi
exit 0
