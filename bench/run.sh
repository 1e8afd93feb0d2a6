#!/bin/bash
# Peer benchmark in one command: installs the peers, builds mailtwin and the floor client, then runs
# bench/peers.sh with mailtwin, mbsync, offlineimap and the floor rows. Arguments go to peers.sh, e.g.
#   bash bench/run.sh                                   # 10,000 messages, loopback, implicit TLS
#   bash bench/run.sh --sizes "10000 100000" --peers "mbsync mailtwin"
#   bash bench/run.sh --latency-ms 20 --rate-mbit 100   # the WAN profile (40 ms RTT, 100 Mbit/s)
set -euo pipefail
cd "$(dirname "$0")/.."
bash contrib/install-deps.sh
if ! command -v mbsync >/dev/null || ! command -v offlineimap >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq isync offlineimap3 >/dev/null
fi
cmake -S . -B build -G Ninja >/dev/null
cmake --build build --target mailtwin mailtwin-floor
export MAILTWIN=$PWD/build/mailtwin MAILTWIN_FLOOR=$PWD/build/bench/micro/mailtwin-floor
args=("$@")
printf '%s\n' "${args[@]}" | grep -q -- '--peers' || args+=(--peers "mbsync offlineimap mailtwin")
exec bash bench/peers.sh --out "${BENCH_OUT:-bench-results}" "${args[@]}"
