#!/usr/bin/env bash
# Failover: the longest gap a client sees at the VIP (a DNS query every
# 20 ms) after kill -9, a clean stop and link down of the master, for a
# hearth pair and for keepalived + dnsmasq, in the same run, in a
# network-namespace LAN (test/lab/pair.ts). Needs root.
#
#   sudo bench/failover.sh              # 3 rounds, keepalived's default advert_int 1
#   sudo ROUNDS=5 ADVERT_INT=0.25 bench/failover.sh
#
# See README.md (The pair).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PATH=$PATH:/usr/sbin # keepalived, dnsmasq and ip live in /usr/sbin
source bench/lib.sh

check_tools keepalived=keepalived dnsmasq=dnsmasq-base arping=iputils-arping ip=iproute2 curl=curl
check_node
if ((EUID != 0)); then
  echo "$me: needs root, for network namespaces" >&2
  exit 1
fi
exec "$NODE" bench/failover.ts "${ROUNDS:-3}" "${ADVERT_INT:-1}"
