#!/usr/bin/env bash
# Local-zone answer throughput: dnsperf against hearth and against dnsmasq
# serving the same 100 A records, in the same run, on 127.0.0.1.
#
#   bench/dns-local.sh                       # 10 s per server, 4 clients, 100 outstanding
#   DURATION=30 CLIENTS=8 OUTSTANDING=150 bench/dns-local.sh
#
# Prints each server's queries per second, lost queries and CPU use, and the
# ratio hearth/dnsmasq. See bench/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION=${DURATION:-10}
CLIENTS=${CLIENTS:-4}
# Up to ~190 outstanding queries fit in a server's default UDP receive buffer
# (net.core.rmem_default); more are partly dropped in the opening burst and
# show up as lost queries without raising the rate.
OUTSTANDING=${OUTSTANDING:-100}
HOSTS=100
PATH=$PATH:/usr/sbin # dnsmasq lives in /usr/sbin, often not on a user's PATH
source bench/lib.sh

check_tools dnsperf=dnsperf dnsmasq=dnsmasq-base
check_node
make_tmp
free_ports hearth_port dnsmasq_port api_port

# The same names for both servers: hostN.bench.lan -> 10.53.0.N.
mkdir "$tmp/zones"
dnsmasq_records=()
{
  echo '$TTL 1h'
  echo '@  IN SOA ns.bench.lan. hostmaster.bench.lan. ( 1 1h 15m 7d 5m )'
  echo '   IN NS  ns'
  echo 'ns IN A   10.53.1.1'
  for ((i = 1; i <= HOSTS; i++)); do
    echo "host$i IN A 10.53.0.$i"
    dnsmasq_records+=("--host-record=host$i.bench.lan,10.53.0.$i")
    echo "host$i.bench.lan A" >>"$tmp/queries"
  done
} >"$tmp/zones/bench.lan.zone"
echo 'host1.bench.lan A' >"$tmp/probe"

cat >"$tmp/hearth.yaml" <<EOF
data_dir: $tmp/data
dns:
  listen: ["127.0.0.1:$hearth_port"]
  zones_dir: $tmp/zones
  blocking:
    lists: []
api:
  listen: "127.0.0.1:$api_port"
EOF

# --user/--group: stay the invoking user (dnsmasq started as root would
# otherwise switch to nobody:dip). --conf-file=/dev/null: ignore
# /etc/dnsmasq.conf. --local: bench.lan is answered only from the records.
start dnsmasq dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --pid-file= \
  --user="$(id -un)" --group="$(id -gn)" --log-facility=- \
  --listen-address=127.0.0.1 --bind-interfaces --port="$dnsmasq_port" \
  --cache-size=10000 --local=/bench.lan/ "${dnsmasq_records[@]}"
dnsmasq_pid=$pid

start hearth env HEARTH_LOG_LEVEL=warn "${HEARTH[@]}" run -c "$tmp/hearth.yaml"
hearth_pid=$pid

wait_ready dnsmasq "$dnsmasq_pid" "$dnsmasq_port"
wait_ready hearth "$hearth_pid" "$hearth_port"

# Runs dnsperf against a server and sets qps, lost and cpu (percent of one
# core the server used meanwhile); the full output goes to $tmp/NAME.dnsperf.
measure() { # name pid port seconds
  local before start
  before=$(cpu_ticks "$2")
  start=$EPOCHREALTIME
  if ! dnsperf -s 127.0.0.1 -p "$3" -d "$tmp/queries" -l "$4" -c "$CLIENTS" -q "$OUTSTANDING" \
    >"$tmp/$1.dnsperf" 2>&1; then
    echo "$me: dnsperf against $1 failed:" >&2
    cat "$tmp/$1.dnsperf" >&2
    exit 1
  fi
  cpu=$(cpu_percent "$2" "$before" "$start")
  dnsperf_results "$1"
}

echo "dnsperf -l $DURATION -c $CLIENTS -q $OUTSTANDING, $HOSTS names;" \
  "hearth on 127.0.0.1:$hearth_port, dnsmasq on 127.0.0.1:$dnsmasq_port"
machine_load
# V8 compiles the hot paths only after they have run a while: warm hearth up
# unmeasured first, so the figure is its steady state.
echo "warming hearth up (2 s)..."
measure hearth "$hearth_pid" "$hearth_port" 2
echo "measuring hearth (${DURATION} s)..."
measure hearth "$hearth_pid" "$hearth_port" "$DURATION"
hearth_qps=$qps hearth_lost=$lost hearth_cpu=$cpu
echo "measuring dnsmasq (${DURATION} s)..."
measure dnsmasq "$dnsmasq_pid" "$dnsmasq_port" "$DURATION"

echo
printf '%-8s %7s qps (lost %s)  cpu %s%% of a core\n' \
  hearth "$hearth_qps" "$hearth_lost" "$hearth_cpu" \
  dnsmasq "$qps" "$lost" "$cpu"
printf '%-8s %s  (target >= 0.5)\n' ratio "$(awk -v h="$hearth_qps" -v d="$qps" 'BEGIN { printf "%.2f", h / d }')"
