#!/usr/bin/env bash
# The pair's state sync on loopback: change-to-visible latency, DHCP rate with
# replication on and off, and a wiped standby's full resync (bench/sync.ts).
#
#   bench/sync.sh                               # 100 changes, 64 clients of a pool of 10,000, 5 s rounds, 3 rounds
#   CHANGES=200 CLIENTS=128 POOL=20000 SECONDS=10 ROUNDS=3 bench/sync.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib.sh
check_node
exec "$NODE" bench/sync.ts
