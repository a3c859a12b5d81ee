#!/usr/bin/env bash
# DHCP throughput: perfdhcp (full DISCOVER-OFFER-REQUEST-ACK exchanges)
# against dnsmasq and against hearth, in the same run, in a two-namespace lab
# (a server and a client joined by a veth pair). Needs root.
#
#   sudo bench/dhcp.sh                      # 5 s a step, 1000 simulated clients
#   sudo DURATION=10 CLIENTS=5000 bench/dhcp.sh
#
# For each server, finds the highest exchange rate it sustains with under 1%
# of either exchange dropped: doubles the rate from START_RATE until one
# fails, then bisects STEPS times. Each server keeps its lease file / store on
# (dnsmasq with --no-ping, as issue #5 asks) and keeps its leases across the
# steps. Prints both rates and the ratio hearth/dnsmasq. See README.md
# (Performance, DHCP).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION=${DURATION:-5}
CLIENTS=${CLIENTS:-1000}
START_RATE=${START_RATE:-250}
STEPS=${STEPS:-4}
MAX_RATE=${MAX_RATE:-64000}
PATH=$PATH:/usr/sbin # perfdhcp, dnsmasq and ip live in /usr/sbin
source bench/lib.sh

check_tools perfdhcp=kea-admin dnsmasq=dnsmasq-base ip=iproute2
check_node
if ((EUID != 0)); then
  echo "$me: needs root, for network namespaces" >&2
  exit 1
fi
make_tmp

# The lab: 10.78.0.0/16, the server at .0.1 and perfdhcp at .0.2 (perfdhcp
# sends from an address of its own, as a relay would: giaddr is set).
srv=hb$$-srv
cli=hb$$-cli
remove_lab() { ip netns del "$srv" 2>/dev/null || true; ip netns del "$cli" 2>/dev/null || true; }
trap 'cleanup; remove_lab' EXIT
for ns in "$srv" "$cli"; do
  ip netns add "$ns"
  ip -n "$ns" link set lo up
done
ip -n "$srv" link add eth0 type veth peer name eth0 netns "$cli"
lab_address() { # namespace address
  ip -n "$1" addr add "$2/16" dev eth0
  ip -n "$1" link set eth0 up
  # No default route in a namespace: a reply to 255.255.255.255 needs this one.
  ip -n "$1" route add 255.255.255.255/32 dev eth0
}
lab_address "$srv" 10.78.0.1
lab_address "$cli" 10.78.0.2
range_first=10.78.1.0 range_last=10.78.255.254

mkdir "$tmp/zones"
echo bench-token >"$tmp/api.token"
chmod 600 "$tmp/api.token"
cat >"$tmp/hearth.yaml" <<EOF
data_dir: $tmp/hearth-data
dns: { listen: ["10.78.0.1:53"], zones_dir: $tmp/zones, blocking: { lists: [] } }
api: { listen: "127.0.0.1:8053", token_file: $tmp/api.token }
querylog: { enabled: false }
dhcp:
  enabled: true
  interface: eth0
  subnet: 10.78.0.0/16
  range: [$range_first, $range_last]
  router: 10.78.0.1
  domain: bench.lan
  lease_time: 12h
EOF

# Succeeds when a server in the lab offers an address (one DISCOVER-OFFER).
offers_address() {
  { ip netns exec "$cli" perfdhcp -4 -l eth0 -i -r 5 -p 1 -R 1 -W 1000000 2>&1 || true; } |
    grep -q 'received packets: [1-9]'
}

# Runs perfdhcp at RATE exchanges a second for DURATION s and waits 2 s for
# late answers; sets drops to the larger drop percentage of its two exchanges
# and fails unless that is under 1%. Prints the step with the CPU the server
# (process $server) used meanwhile.
sustains() { # name rate
  local out=$tmp/$1-$2.perfdhcp sent before start
  before=$(cpu_ticks "$server")
  start=$EPOCHREALTIME
  # perfdhcp exits 3 when anything was dropped: judged below.
  ip netns exec "$cli" perfdhcp -4 -l eth0 -r "$2" -R "$CLIENTS" -p "$DURATION" -W 2000000 >"$out" 2>&1 || true
  drops=$(awk '/drops ratio:/ { sub("%", "", $3); if ($3 + 0 > max) max = $3 + 0 } END { printf "%.2f", max }' "$out")
  sent=$(awk '/sent packets:/ { print $3; exit }' "$out")
  printf '  %-8s %6s/s  drops %5s%%  cpu %5s%%' "$1" "$2" "$drops" "$(cpu_percent "$server" "$before" "$start")"
  # When perfdhcp itself cannot send at the rate, the figure is the client's.
  if ((${sent:-0} < $2 * DURATION * 9 / 10)); then printf '  (perfdhcp sent only %s DISCOVERs)' "${sent:-0}"; fi
  echo
  sleep 1 # let a server that fell behind drain before the next step
  awk -v d="$drops" 'BEGIN { exit !(d < 1) }'
}

# Sets best to the highest rate the server sustains.
search() { # name
  local good=0 bad rate=$START_RATE step
  while ((rate <= MAX_RATE)) && sustains "$1" "$rate"; do
    good=$rate
    rate=$((rate * 2))
  done
  bad=$rate
  for ((step = 0; step < STEPS; step++)); do
    rate=$(((good + bad) / 2))
    if sustains "$1" "$rate"; then good=$rate; else bad=$rate; fi
  done
  best=$good
}

# Measures one server: started in the lab, warmed up (V8 compiles hearth's hot
# paths only after they have run a while) and searched; then stopped, so the
# next can bind port 67.
bench_server() { # name command...
  local name=$1
  shift
  start "$name" ip netns exec "$srv" "$@"
  server=$pid
  wait_until "$name" "$server" "offer an address" offers_address
  echo "$name: warming up (3 s at $START_RATE/s, unmeasured)"
  ip netns exec "$cli" perfdhcp -4 -l eth0 -r "$START_RATE" -R "$CLIENTS" -p 3 >/dev/null 2>&1 || true
  search "$name"
  kill "$server"
  wait "$server" 2>/dev/null || true
}

echo "perfdhcp -R $CLIENTS -p $DURATION, pool $range_first-$range_last, a step passes under 1% drops"
machine_load

# --quiet-dhcp: no log line per packet (hearth logs at warn). --port=0: no DNS.
bench_server dnsmasq dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --pid-file= \
  --user=root --group=root --log-facility=- --quiet-dhcp --port=0 \
  --listen-address=10.78.0.1 --bind-interfaces --no-ping --dhcp-authoritative \
  --dhcp-range="$range_first,$range_last,255.255.0.0,12h" --dhcp-lease-max=100000 \
  --dhcp-leasefile="$tmp/dnsmasq.leases"
dnsmasq_rate=$best

bench_server hearth env HEARTH_LOG_LEVEL=warn "${HEARTH[@]}" run -c "$tmp/hearth.yaml"
hearth_rate=$best

hearth_leases=$("$NODE" -e '
  const { DatabaseSync } = require("node:sqlite");
  const db = new DatabaseSync(process.argv[1], { readOnly: true });
  console.log(db.prepare("SELECT count(*) AS n FROM leases").get().n);
' "$tmp/hearth-data/dhcp.db")

echo
printf '%-8s %6s exchanges/s sustained (%s leases stored)\n' \
  dnsmasq "$dnsmasq_rate" "$(wc -l <"$tmp/dnsmasq.leases")" \
  hearth "$hearth_rate" "$hearth_leases"
printf '%-8s %s  (target >= 5)\n' ratio "$(awk -v h="$hearth_rate" -v d="$dnsmasq_rate" 'BEGIN { printf "%.2f", d ? h / d : 0 }')"
