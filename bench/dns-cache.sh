#!/usr/bin/env bash
# Cached-answer throughput and latency: dnsperf against three caching
# forwarders (hearth, dnsmasq, unbound) that forward to the same local origin
# (an unbound serving 1000 names), in the same run, on 127.0.0.1; then what
# hearth's query log costs (a second hearth with it on); then hearth's
# overhead as a DoH client (every query a cache miss) against the same queries
# sent straight to the origin's DoH listener; then the cache's heap cost.
#
#   bench/dns-cache.sh                       # 10 s per server, 4 clients, 100 outstanding
#   DURATION=30 CLIENTS=8 OUTSTANDING=150 bench/dns-cache.sh
#
# Prints each forwarder's queries per second, average and p99 latency, lost
# queries and CPU use, hearth's ratio against the faster of the other two, the
# query log's cost, the DoH figures and bench/cache-memory.ts's. See
# bench/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION=${DURATION:-10}
CLIENTS=${CLIENTS:-4}
# Up to ~190 outstanding queries fit in a server's default UDP receive buffer
# (net.core.rmem_default); more are partly dropped in the opening burst.
OUTSTANDING=${OUTSTANDING:-100}
RATE=${RATE:-20000} # the logged queries a second issue #7 sets the log's cost target at
ROUNDS=${ROUNDS:-3} # turns of the query log on and off at RATE
# Queries in flight in the DoH comparison: 1 measures the cost of one query
# on an otherwise idle path.
DOH_OUTSTANDING=${DOH_OUTSTANDING:-1}
NAMES=1000
# Passes over the names in the DoH comparison: 5000 queries, enough for a
# p99 that holds still from run to run.
DOH_PASSES=5
PATH=$PATH:/usr/sbin # dnsmasq and unbound live in /usr/sbin, often not on a user's PATH
source bench/lib.sh

check_tools dnsperf=dnsperf dnsmasq=dnsmasq-base unbound=unbound openssl=openssl
if ! unbound -V | grep -q nghttp2; then
  echo "$me: this unbound is built without nghttp2, so it cannot serve DoH" >&2
  exit 1
fi
check_node
make_tmp
free_ports origin_port doh_port hearth_port hearth_log_port dnsmasq_port unbound_port hearth_doh_port \
  api_port api_log_port api_doh_port

# The origin's names: hostN.bench.test -> 10.53.x.y, TTL 1 h, so nothing
# expires during the run. The query file asks for each once.
{
  echo '  local-zone: "bench.test." static'
  for ((i = 1; i <= NAMES; i++)); do
    echo "  local-data: \"host$i.bench.test. 3600 IN A 10.53.$((i / 256)).$((i % 256))\""
    echo "host$i.bench.test A" >>"$tmp/queries"
  done
} >"$tmp/origin-data.conf"
echo 'host1.bench.test A' >"$tmp/probe"

# The origin's DoH certificate, self-signed, which hearth-doh trusts as its CA.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$tmp/doh.key" -out "$tmp/doh.pem" 2>"$tmp/openssl.log" ||
  { cat "$tmp/openssl.log" >&2; exit 1; }

# Settings both unbounds share: loopback only, no privilege drop, no chroot,
# one thread, no DNSSEC validation (neither hearth nor dnsmasq validates).
unbound_common() { # port
  cat <<EOF
server:
  interface: 127.0.0.1@$1
  port: $1
  do-ip6: no
  username: ""
  chroot: ""
  directory: "$tmp"
  pidfile: ""
  use-syslog: no
  logfile: ""
  num-threads: 1
  module-config: "iterator"
  access-control: 127.0.0.0/8 allow
EOF
}

# The origin answers bench.test from local data and refuses everything else,
# so nothing is ever looked up outside this machine. It also serves DoH.
{
  unbound_common "$origin_port"
  echo '  local-zone: "." refuse'
  cat "$tmp/origin-data.conf"
  cat <<EOF
  interface: 127.0.0.1@$doh_port
  https-port: $doh_port
  tls-service-key: "$tmp/doh.key"
  tls-service-pem: "$tmp/doh.pem"
  http-endpoint: "/dns-query"
EOF
} >"$tmp/origin.conf"

# The unbound forwarder: everything to the origin. "test." is one of
# unbound's default local zones (RFC 6761), answered NXDOMAIN unless undone.
{
  unbound_common "$unbound_port"
  cat <<EOF
  do-not-query-localhost: no
  prefetch: no
  local-zone: "test." nodefault
forward-zone:
  name: "."
  forward-addr: 127.0.0.1@$origin_port
EOF
} >"$tmp/unbound.conf"

mkdir "$tmp/zones" # no local zones: every name goes upstream
hearth_config() { # dns-port api-port data-dir querylog-enabled
  cat <<EOF
data_dir: $3
dns:
  listen: ["127.0.0.1:$1"]
  zones_dir: $tmp/zones
  upstreams:
    servers: ["udp://127.0.0.1:$origin_port"]
  blocking:
    lists: []
api:
  listen: "127.0.0.1:$2"
querylog:
  enabled: $4
EOF
}
# hearth logs nothing, as dnsmasq and unbound here; hearth_log is the same
# with its query log on, to measure what the log costs.
hearth_config "$hearth_port" "$api_port" "$tmp/data" false >"$tmp/hearth.yaml"
hearth_config "$hearth_log_port" "$api_log_port" "$tmp/data-log" true >"$tmp/hearth-log.yaml"

# hearth as a DoH client with its cache off, so every query goes upstream.
cat >"$tmp/hearth-doh.yaml" <<EOF
data_dir: $tmp/data-doh
api:
  listen: "127.0.0.1:$api_doh_port"
dns:
  listen: ["127.0.0.1:$hearth_doh_port"]
  zones_dir: $tmp/zones
  upstreams:
    servers: ["https://127.0.0.1:$doh_port/dns-query"]
    ca_file: $tmp/doh.pem
  cache:
    max_entries: 0
  blocking:
    lists: []
EOF

start origin unbound -d -c "$tmp/origin.conf"
origin_pid=$pid
wait_ready origin "$origin_pid" "$origin_port"

# --user/--group: stay the invoking user (dnsmasq started as root would
# otherwise switch to nobody:dip). --conf-file=/dev/null: ignore
# /etc/dnsmasq.conf.
start dnsmasq dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --pid-file= \
  --user="$(id -un)" --group="$(id -gn)" --log-facility=- \
  --listen-address=127.0.0.1 --bind-interfaces --port="$dnsmasq_port" \
  --cache-size=10000 --server="127.0.0.1#$origin_port"
dnsmasq_pid=$pid
start unbound unbound -d -c "$tmp/unbound.conf"
unbound_pid=$pid
start hearth env HEARTH_LOG_LEVEL=warn "${HEARTH[@]}" run -c "$tmp/hearth.yaml"
hearth_pid=$pid
start hearth-log env HEARTH_LOG_LEVEL=warn "${HEARTH[@]}" run -c "$tmp/hearth-log.yaml"
hearth_log_pid=$pid
start hearth-doh env HEARTH_LOG_LEVEL=warn "${HEARTH[@]}" run -c "$tmp/hearth-doh.yaml"
hearth_doh_pid=$pid
wait_ready dnsmasq "$dnsmasq_pid" "$dnsmasq_port"
wait_ready unbound "$unbound_pid" "$unbound_port"
wait_ready hearth "$hearth_pid" "$hearth_port"
wait_ready hearth-log "$hearth_log_pid" "$hearth_log_port"
wait_ready hearth-doh "$hearth_doh_pid" "$hearth_doh_port"

# Runs dnsperf -v (a line per answer: "> RCODE NAME TYPE SECONDS") on
# $tmp/queries against 127.0.0.1:PORT with the given options, and sets qps,
# lost, avg and p99 (milliseconds), and cpu: the percent of one core the
# process PID used meanwhile. The output goes to $tmp/NAME.dnsperf.
measure() { # name pid port dnsperf-options...
  local name=$1 pid=$2 port=$3 before start
  shift 3
  before=$(cpu_ticks "$pid")
  start=$EPOCHREALTIME
  if ! dnsperf -v -s 127.0.0.1 -p "$port" -d "$tmp/queries" "$@" >"$tmp/$name.dnsperf" 2>&1; then
    echo "$me: dnsperf against $name failed:" >&2
    tail -n 30 "$tmp/$name.dnsperf" >&2
    exit 1
  fi
  cpu=$(cpu_percent "$pid" "$before" "$start")
  dnsperf_results "$name"
  avg=$(awk '/Average Latency \(s\):/ { printf "%.3f", $4 * 1000; exit }' "$tmp/$name.dnsperf")
  # p99 from a histogram of the answers' latencies in whole microseconds (T
  # and I lines are timed-out and interrupted queries, without a latency).
  p99=$(awk '$1 == ">" && $2 != "T" && $2 != "I" {
      us = int($NF * 1e6 + 0.5); count[us]++; n++; if (us > max) max = us
    }
    END {
      for (us = 0; us <= max; us++) if ((seen += count[us]) >= 0.99 * n) { printf "%.3f", us / 1000; exit }
    }' "$tmp/$name.dnsperf")
}

echo "dnsperf -l $DURATION -c $CLIENTS -q $OUTSTANDING on $NAMES cached names; origin unbound on" \
  "127.0.0.1:$origin_port (DoH :$doh_port); hearth :$hearth_port, dnsmasq :$dnsmasq_port, unbound :$unbound_port"
machine_load

declare -A qps_of avg_of p99_of lost_of cpu_of
for name in hearth dnsmasq unbound hearth_log; do
  pid_var=${name}_pid port_var=${name}_port
  # Fill the cache with every name once (each a miss, forwarded to the
  # origin), then run 2 s unmeasured, so V8 has compiled hearth's hot paths
  # (the same for all, to keep their treatment equal).
  echo "warming $name up..."
  measure "$name" "${!pid_var}" "${!port_var}" -n 1 -c 1 -q 20
  if ! grep -q "Queries completed: *$NAMES " "$tmp/$name.dnsperf"; then
    echo "$me: $name did not answer all $NAMES names while warming up:" >&2
    grep -A 12 '^Statistics' "$tmp/$name.dnsperf" >&2
    exit 1
  fi
  measure "$name" "${!pid_var}" "${!port_var}" -l 2 -c "$CLIENTS" -q "$OUTSTANDING"
  echo "measuring $name (${DURATION} s)..."
  measure "$name" "${!pid_var}" "${!port_var}" -l "$DURATION" -c "$CLIENTS" -q "$OUTSTANDING"
  qps_of[$name]=$qps avg_of[$name]=$avg p99_of[$name]=$p99 lost_of[$name]=$lost cpu_of[$name]=$cpu
done

# The issue's measure of the query log: at a steady RATE logged queries a
# second (below saturation), the CPU the log adds is capacity the resolver
# loses, as its throughput at saturation goes with 1 / CPU per query. The
# process's CPU counts every thread, the log's SQLite writer too. On and off
# take turns, ROUNDS times each, and the medians count: the CPU a process
# gets for the same work swings with whatever else the machine does.
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "measuring hearth with and without its query log at a steady $RATE qps ($ROUNDS x ${DURATION} s each, taking turns)..."
on_cpus=() off_cpus=()
for ((round = 0; round < ROUNDS; round++)); do
  measure hearth_log "$hearth_log_pid" "$hearth_log_port" -l "$DURATION" -c "$CLIENTS" -q "$OUTSTANDING" -Q "$RATE"
  on_cpus+=("$cpu")
  measure hearth "$hearth_pid" "$hearth_port" -l "$DURATION" -c "$CLIENTS" -q "$OUTSTANDING" -Q "$RATE"
  off_cpus+=("$cpu")
done
rate_on_cpu=$(median "${on_cpus[@]}") rate_off_cpu=$(median "${off_cpus[@]}")

# DoH: the same queries, straight to the origin's DoH listener and through
# hearth-doh (UDP in, DoH out, nothing cached), sent by $tmp/dns-client.mjs,
# a small Node client. (dnsperf 2.10's -m doh stalls ~40 ms on every POST
# query and sends only ~25 queries a second with -q 1, so it cannot time this.)
# Both ways the HTTP/2 client is Node's, so the difference is what hearth
# adds: the UDP hop to it and its work on the query and the answer.
cat >"$tmp/dns-client.mjs" <<'EOF'
// Sends the names of QUERIES (type A) to 127.0.0.1:PORT over UDP or DoH
// (POST, one HTTP/2 session), INFLIGHT at a time: one pass unmeasured (TLS
// session up, V8 warm), then PASSES passes measured.
// Prints "qps avg_ms p99_ms lost not_noerror".
import { readFileSync } from 'node:fs';
import dgram from 'node:dgram';
import http2 from 'node:http2';

const [mode, port, queries, inflight, passes, caFile] = process.argv.slice(2);
const names = readFileSync(queries, 'utf8').split('\n').filter(Boolean).map((line) => line.split(' ')[0]);
const TIMEOUT_MS = 2000;

// A query with RD set, as dnsperf sends it.
const packet = (name, id) => Buffer.from([id >> 8, id & 255, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
  ...name.split('.').flatMap((label) => [label.length, ...Buffer.from(label)]), 0, 0, 1, 0, 1]);

let exchange;
if (mode === 'udp') {
  const socket = dgram.createSocket('udp4');
  await new Promise((resolve) => socket.connect(Number(port), '127.0.0.1', resolve));
  const waiting = new Map(); // ID -> resolve
  socket.on('message', (reply) => {
    const id = reply.readUInt16BE(0);
    waiting.get(id)?.(reply);
    waiting.delete(id);
  });
  exchange = (query) => new Promise((resolve) => {
    waiting.set(query.readUInt16BE(0), resolve);
    socket.send(query);
  });
} else {
  const session = http2.connect(`https://127.0.0.1:${port}`, { ca: readFileSync(caFile) });
  exchange = (query) => new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': '/dns-query',
      'content-type': 'application/dns-message', accept: 'application/dns-message' });
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
    stream.end(query);
  });
}

async function run(count) {
  const latencies = [];
  let next = 0, lost = 0, notNoerror = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const start = process.hrtime.bigint();
      const reply = await Promise.race([
        exchange(packet(names[i % names.length], i & 0xffff)).catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS).unref()),
      ]);
      if (!reply) { lost++; continue; }
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      if ((reply[3] & 15) !== 0) notNoerror++;
    }
  };
  const begin = performance.now();
  await Promise.all(Array.from({ length: Number(inflight) }, worker));
  const seconds = (performance.now() - begin) / 1000;
  latencies.sort((a, b) => a - b);
  const avg = latencies.reduce((sum, ms) => sum + ms, 0) / latencies.length;
  const p99 = latencies[Math.ceil(0.99 * latencies.length) - 1];
  return `${Math.round(latencies.length / seconds)} ${avg.toFixed(3)} ${p99.toFixed(3)} ${lost} ${notNoerror}`;
}

await run(names.length);
console.log(await run(names.length * Number(passes)));
process.exit(0);
EOF
echo "measuring DoH: $((DOH_PASSES * NAMES)) queries, $DOH_OUTSTANDING in flight, direct and through hearth..."
read -r direct_qps direct_avg direct_p99 direct_lost direct_bad < <(
  "$NODE" "$tmp/dns-client.mjs" doh "$doh_port" "$tmp/queries" "$DOH_OUTSTANDING" "$DOH_PASSES" "$tmp/doh.pem") ||
  { echo "$me: the DoH client failed" >&2; exit 1; }
read -r via_qps via_avg via_p99 via_lost via_bad < <(
  "$NODE" "$tmp/dns-client.mjs" udp "$hearth_doh_port" "$tmp/queries" "$DOH_OUTSTANDING" "$DOH_PASSES") ||
  { echo "$me: the UDP client failed" >&2; exit 1; }
if ((direct_bad + via_bad > 0)); then
  echo "warning: not NOERROR: $direct_bad answers direct, $via_bad through hearth" >&2
fi

echo
echo "cached answers (${DURATION} s each):"
for name in hearth dnsmasq unbound hearth_log; do
  printf '%-10s %7s qps  avg %s ms  p99 %s ms  (lost %s)  cpu %s%% of a core\n' "$name" \
    "${qps_of[$name]}" "${avg_of[$name]}" "${p99_of[$name]}" "${lost_of[$name]}" "${cpu_of[$name]}"
done
faster=dnsmasq
((qps_of[unbound] > qps_of[dnsmasq])) && faster=unbound
printf 'ratio      %s of %s  (target >= 0.5); hearth p99 %s ms  (target < 2 ms)\n' \
  "$(awk -v h="${qps_of[hearth]}" -v f="${qps_of[$faster]}" 'BEGIN { printf "%.2f", h / f }')" \
  "$faster" "${p99_of[hearth]}"

echo
echo "query log (hearth_log above is hearth with it on):"
printf 'saturated: on %s qps, off %s qps: it costs %s%% of throughput\n' "${qps_of[hearth_log]}" "${qps_of[hearth]}" \
  "$(awk -v on="${qps_of[hearth_log]}" -v off="${qps_of[hearth]}" 'BEGIN { printf "%.1f", 100 * (off - on) / off }')"
printf 'at %s qps: on %s%% of a core (median of %s), off %s%% (of %s): it costs %s%% of capacity (target < 10%%)\n' \
  "$RATE" "$rate_on_cpu" "${on_cpus[*]}" "$rate_off_cpu" "${off_cpus[*]}" \
  "$(awk -v on="$rate_on_cpu" -v off="$rate_off_cpu" 'BEGIN { printf "%.1f", 100 * (1 - off / on) }')"

echo
echo "DoH upstream, cache misses ($((DOH_PASSES * NAMES)) queries, $DOH_OUTSTANDING in flight):"
printf '%-15s %6s qps  avg %s ms  p99 %s ms  (lost %s)\n' \
  "direct to DoH" "$direct_qps" "$direct_avg" "$direct_p99" "$direct_lost" \
  "through hearth" "$via_qps" "$via_avg" "$via_p99" "$via_lost"
printf "hearth's overhead %s ms per query (average)\n" \
  "$(awk -v h="$via_avg" -v d="$direct_avg" 'BEGIN { printf "%.3f", h - d }')"

echo
echo "cache memory (bench/cache-memory.ts):"
"$NODE" --expose-gc bench/cache-memory.ts
