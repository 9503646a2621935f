#!/usr/bin/env bash
# setup.sh — install what sipreg needs on a fresh Debian 12 machine (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake pkg-config clang-14 lld-14 libclang-rt-14-dev valgrind  # native, sanitizers, fuzzers
  libosip2-dev                                                                  # differential oracle
  emscripten binaryen node-acorn                                                # wasm build
  kamailio kamailio-websocket-modules kamailio-outbound-modules kamailio-tls-modules  # the test registrar
  openssl                                                                       # its throwaway wss:// test CA
  dnsmasq-base                                                                  # local DNS (NAPTR/SRV) for RFC 3263 tests
  chromium                                                                      # browser tests
  iproute2 util-linux strace                                                    # multicast test: own network namespace (ip, unshare), syscall observer
  sip-tester                                                                    # SIPp: scripted registrars (tests/sipp)
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ -f package-lock.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
  fi
fi
