#!/usr/bin/env bash
# setup.sh - installs everything loa needs on Debian 12 and builds it.
# Idempotent: packages already present are not fetched again, and
# `apt-get update` runs at most once per invocation (only when something is
# missing). Run as root (or with sudo). Then: ./build/loa demo
set -euo pipefail
cd "$(dirname "$0")"

PKGS=(
  build-essential cmake pkg-config git ca-certificates
  libsqlite3-dev sqlite3 libjansson-dev libutf8proc-dev libsodium-dev
  libcurl4-openssl-dev libxml2-dev libmicrohttpd-dev libvectorscan-dev
  libpq-dev libcmocka-dev
  clang libclang-rt-14-dev
  python3 python3-feedparser python3-sklearn python3-jsonschema fasttext xapian-tools python3-xapian wrk
  chromium
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: cài đặt / installing: ${missing[*]}" >&2
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Web assets (pinned by web/package-lock.json).
if [ -f web/package.json ]; then
  if command -v npm >/dev/null; then
    (cd web && npm ci --no-audit --no-fund --loglevel=error && { [ ! -f build.mjs ] || node build.mjs; })
  else
    echo "setup: npm not found; Node.js 20 and npm are needed for web assets" >&2
    exit 1
  fi
fi

BUILD=${BUILD:-build}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${LOA_CMAKE_FLAGS:-}
cmake --build "$BUILD" -j"$(nproc)"
echo "setup: xong / done: $BUILD/loa" >&2
