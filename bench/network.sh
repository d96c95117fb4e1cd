#!/usr/bin/env bash
# bench/network.sh - the network room's figures (never run by CTest):
#   signatures and verifications per second (Ed25519 over the RFC 8785 form
#   of an official item, and libsodium's raw calls on the same bytes), and
#   the time until 1,000 WebSub subscribers on loopback have a new item.
# Usage: bench/network.sh [BUILD_DIR] [SUBSCRIBERS]
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build}
SUBS=${2:-1000}
cmake --build "$BUILD" --target loa bench_network >/dev/null
"$BUILD/bench_network" 20000
LOA="$BUILD/loa" /usr/bin/python3 "$SRC/bench/network_fanout.py" "$SUBS"
