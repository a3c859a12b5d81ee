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
NODE=node_modules/.bin/node
PATH=$PATH:/usr/sbin # dnsmasq lives in /usr/sbin, often not on a user's PATH

missing=()
command -v dnsperf >/dev/null || missing+=(dnsperf)
command -v dnsmasq >/dev/null || missing+=(dnsmasq-base)
if ((${#missing[@]} > 0)); then
  echo "dns-local.sh: missing ${missing[*]}; install with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
if [[ ! -x $NODE ]]; then
  echo "dns-local.sh: $NODE not found; run npm ci first" >&2
  exit 1
fi

tmp=$(mktemp -d -t hearth-bench.XXXXXX)
hearth_pid=
dnsmasq_pid=
cleanup() {
  for pid in $hearth_pid $dnsmasq_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
# Turn Ctrl-C and kill into a normal exit so the EXIT trap runs.
trap 'exit 130' INT
trap 'exit 143' TERM

# Two ports free on 127.0.0.1 for both UDP and TCP (both servers bind both).
# All sockets stay open until both ports are found, so the two differ.
read -r hearth_port dnsmasq_port < <("$NODE" -e '
  const dgram = require("node:dgram"), net = require("node:net");
  const grab = () => new Promise((resolve) => {
    const udp = dgram.createSocket("udp4");
    udp.bind(0, "127.0.0.1", () => {
      const { port } = udp.address();
      net.createServer().once("error", () => resolve(grab())).listen(port, "127.0.0.1", () => resolve(port));
    });
  });
  (async () => { console.log(await grab(), await grab()); process.exit(0); })();
') || { echo "dns-local.sh: found no free ports on 127.0.0.1" >&2; exit 1; }

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
EOF

# --user/--group: stay the invoking user (dnsmasq started as root would
# otherwise switch to nobody:dip). --conf-file=/dev/null: ignore
# /etc/dnsmasq.conf. --local: bench.lan is answered only from the records.
dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --pid-file= \
  --user="$(id -un)" --group="$(id -gn)" --log-facility=- \
  --listen-address=127.0.0.1 --bind-interfaces --port="$dnsmasq_port" \
  --cache-size=10000 --local=/bench.lan/ "${dnsmasq_records[@]}" \
  >"$tmp/dnsmasq.log" 2>&1 &
dnsmasq_pid=$!

HEARTH_LOG_LEVEL=warn "$NODE" src/main.ts run -c "$tmp/hearth.yaml" >"$tmp/hearth.log" 2>&1 &
hearth_pid=$!

# Waits until the server answers a query (hearth logs nothing at warn level
# when it is up, so ask it); fails with its log if it exits or takes > 20 s.
wait_ready() { # name pid port
  local try
  for ((try = 0; try < 40; try++)); do
    if ! kill -0 "$2" 2>/dev/null; then
      echo "dns-local.sh: $1 exited at startup:" >&2
      cat "$tmp/$1.log" >&2
      exit 1
    fi
    if dnsperf -s 127.0.0.1 -p "$3" -d "$tmp/probe" -n 1 -t 1 2>/dev/null |
      grep -q 'Queries completed: *1 '; then
      return
    fi
    sleep 0.5
  done
  echo "dns-local.sh: $1 did not answer on 127.0.0.1:$3 within 20 s:" >&2
  cat "$tmp/$1.log" >&2
  exit 1
}
wait_ready dnsmasq "$dnsmasq_pid" "$dnsmasq_port"
wait_ready hearth "$hearth_pid" "$hearth_port"

# user + system CPU ticks of a process, all threads (fields 14, 15 of
# /proc/PID/stat, counted after the ") " that ends the command name).
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
ticks_per_second=$(getconf CLK_TCK)

# Runs dnsperf against a server and sets qps, lost and cpu (percent of one
# core the server used meanwhile); the full output goes to $tmp/NAME.dnsperf.
measure() { # name pid port seconds
  local before start
  before=$(cpu_ticks "$2")
  start=$EPOCHREALTIME
  if ! dnsperf -s 127.0.0.1 -p "$3" -d "$tmp/queries" -l "$4" -c "$CLIENTS" -q "$OUTSTANDING" \
    >"$tmp/$1.dnsperf" 2>&1; then
    echo "dns-local.sh: dnsperf against $1 failed:" >&2
    cat "$tmp/$1.dnsperf" >&2
    exit 1
  fi
  cpu=$(awk -v t="$(($(cpu_ticks "$2") - before))" -v hz="$ticks_per_second" \
    -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.0f", 100 * t / hz / (e - s) }')
  qps=$(awk '/Queries per second:/ { printf "%.0f", $4 }' "$tmp/$1.dnsperf")
  lost=$(awk '/Queries lost:/ { print $3 }' "$tmp/$1.dnsperf")
  # Every query names an existing record: any other rcode means a broken answer.
  if ! grep -Eq 'Response codes: *NOERROR [0-9]+ \(100\.00%\)$' "$tmp/$1.dnsperf"; then
    echo "warning: $1 did not answer NOERROR to every query: $(grep 'Response codes:' "$tmp/$1.dnsperf")" >&2
  fi
}

echo "dnsperf -l $DURATION -c $CLIENTS -q $OUTSTANDING, $HOSTS names;" \
  "hearth on 127.0.0.1:$hearth_port, dnsmasq on 127.0.0.1:$dnsmasq_port"
# Other work on the machine takes CPU from the servers and dnsperf alike.
echo "$(nproc) cores, load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
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
