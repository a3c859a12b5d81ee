#!/usr/bin/env bash
# RFC 2136 dynamic updates per second: BIND's nsupdate sending TSIG-signed
# updates one after another to hearth and to BIND named, both serving the same
# 1,000-record zone with the same key, in the same run, on 127.0.0.1.
#
#   bench/dns-update.sh                      # 2000 updates per server and transport
#   UPDATES=5000 RECORDS=10000 TCP=0 bench/dns-update.sh
#
# nsupdate waits for each answer before sending the next update, and each
# server makes an update durable before it answers (hearth commits it to
# node:sqlite with synchronous=FULL, named appends it to its .jnl journal), so
# this measures acknowledged, persisted updates in sequence: the latency of
# one update, inverted. Prints each server's updates per second and CPU use,
# over UDP and over TCP, and the ratio hearth/named. See bench/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

UPDATES=${UPDATES:-2000}
RECORDS=${RECORDS:-1000} # A records in the zone before the first update
TCP=${TCP:-1}            # 0: skip the TCP row
WARMUP=200               # unmeasured updates per server before the first row
PATH=$PATH:/usr/sbin     # named and tsig-keygen live in /usr/sbin
source bench/lib.sh

check_tools named=bind9 tsig-keygen=bind9 nsupdate=bind9-dnsutils dig=bind9-dnsutils
check_node
make_tmp
free_ports hearth_port named_port api_port

# hostK.bench.lan -> 10.(K / 65536).(K / 256 % 256).(K % 256): the zone holds
# host1 … hostRECORDS, and every update adds a name after those, so each one
# changes the zone (and raises its serial) on both servers.
address() { echo "10.$(($1 >> 16)).$((($1 >> 8) & 255)).$(($1 & 255))"; }

mkdir "$tmp/hearth-zones" "$tmp/named"
{
  echo '$TTL 1h'
  echo '@  IN SOA ns.bench.lan. hostmaster.bench.lan. ( 1 1h 15m 7d 5m )'
  echo '   IN NS  ns'
  echo 'ns IN A   127.0.0.1'
  for ((i = 1; i <= RECORDS; i++)); do echo "host$i IN A $(address "$i")"; done
} >"$tmp/hearth-zones/bench.lan.zone"
# Each server its own copy: named rewrites its zone file from the journal
# when it dumps the zone.
cp "$tmp/hearth-zones/bench.lan.zone" "$tmp/named/bench.lan.zone"

# One key for all three: tsig-keygen writes a BIND key statement, which
# named includes, nsupdate -k reads, and hearth's secret_file accepts.
tsig-keygen -a hmac-sha256 bench-key >"$tmp/bench.key"

cat >"$tmp/hearth.yaml" <<EOF
data_dir: $tmp/hearth-data
dns:
  listen: ["127.0.0.1:$hearth_port"]
  zones_dir: $tmp/hearth-zones
  blocking:
    lists: []
dns_update:
  keys:
    - { name: bench-key, secret_file: $tmp/bench.key, zones: [bench.lan] }
api:
  listen: "127.0.0.1:$api_port"
EOF

# controls {}: no rndc channel (it would want /etc/bind/rndc.key and port
# 953). notify no: named would otherwise send a NOTIFY after every update to
# the zone's NS, which must not leave loopback and is not hearth's work
# either. logging: warnings and worse only, as hearth's HEARTH_LOG_LEVEL=warn
# (at info named writes two lines per update). Run as root, named stays root
# without -u, so its files in $tmp are writable either way.
cat >"$tmp/named.conf" <<EOF
options {
  directory "$tmp/named";
  pid-file "$tmp/named/named.pid";
  session-keyfile "$tmp/named/session.key";
  listen-on port $named_port { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  notify no;
};
controls { };
logging {
  channel warnings { stderr; severity warning; print-time yes; };
  category default { warnings; };
};
include "$tmp/bench.key";
zone "bench.lan" {
  type primary;
  file "$tmp/named/bench.lan.zone";
  allow-update { key bench-key; };
};
EOF

# -f: foreground, logging as configured (-g would log everything to stderr).
# -n 1: one worker thread; hearth answers on one thread too, and nsupdate
# keeps one update in flight anyway. -4: IPv4 only.
start named named -f -4 -n 1 -c "$tmp/named.conf" -p "$named_port"
named_pid=$pid
start hearth env HEARTH_LOG_LEVEL=warn "${HEARTH[@]}" run -c "$tmp/hearth.yaml"
hearth_pid=$pid

# The zone's SOA from a server, by dig ('' when it does not answer: dig
# +short prints its ";; communications error" lines to stdout).
soa() { dig +short +norec +time=1 +tries=1 -p "$1" @127.0.0.1 bench.lan SOA 2>/dev/null | grep -v '^;;' || true; }

# Succeeds when the server serves the zone (lib.sh's wait_ready asks with
# dnsperf, which this bench does not need otherwise).
serves_zone() { [[ -n $(soa "$1") ]]; }
wait_until named "$named_pid" "serve bench.lan on 127.0.0.1:$named_port" serves_zone "$named_port"
wait_until hearth "$hearth_pid" "serve bench.lan on 127.0.0.1:$hearth_port" serves_zone "$hearth_port"

# Writes nsupdate's input: the names hostFIRST … host(FIRST+COUNT-1), one
# update section each, sent on its own, with update ACTION (add, delete)
# and DATA for each name. `zone` with `server` makes nsupdate send each
# update straight away; without it, it first asks the server for the name's
# SOA, which would double the round trips.
updates_file() { # port first count action data
  local k
  echo "server 127.0.0.1 $1"
  echo 'zone bench.lan'
  for ((k = $2; k < $2 + $3; k++)); do
    echo "update $4 host$k.bench.lan $5 A $(address "$k")"
    echo send
  done
}

# Runs nsupdate on a server with an input file; fails with its output if
# it reports anything (nsupdate exits 0 even when an update was refused; it
# prints why).
nsupdate_run() { # name input [nsupdate options...]
  if ! nsupdate -k "$tmp/bench.key" "${@:3}" "$2" >"$tmp/$1.out" 2>&1 || [[ -s $tmp/$1.out ]]; then
    echo "$me: nsupdate against $1 failed:" >&2
    head -n 20 "$tmp/$1.out" >&2
    exit 1
  fi
}

# Adds COUNT new names from FIRST to a server with nsupdate, checks them, and
# removes them again, so that every run starts from the same RECORDS-record
# zone.
# Sets rate (updates per second), cpu (percent of one core the server used),
# client (the same for nsupdate) and serial_rise. The input is written
# before the clock starts.
measure() { # name pid port first count [nsupdate options...]
  local input=$tmp/$1.nsupdate before start end serial0
  updates_file "$3" "$4" "$5" add 300 >"$input"
  serial0=$(soa "$3" | awk '{ print $3 }')
  before=$(cpu_ticks "$2")
  start=$EPOCHREALTIME
  # `time` for nsupdate's own CPU: user and system seconds (TIMEFORMAT), to
  # the file; any error message to the script's stderr (fd 3).
  { TIMEFORMAT='%U %S' && time nsupdate_run "$1" "$input" "${@:6}" 2>&3; } 3>&2 2>"$tmp/$1.time"
  end=$EPOCHREALTIME
  cpu=$(cpu_percent "$2" "$before" "$start")
  rate=$(awk -v n="$5" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / (e - s) }')
  client=$(awk -v s="$start" -v e="$end" '{ printf "%.1f", 100 * ($1 + $2) / (e - s) }' "$tmp/$1.time")
  check "$1" "$3" $(($4 + $5 - 1)) "$serial0" "$5"
  # Unmeasured: the deletions in messages of 500 (over TCP, which nsupdate
  # takes by itself for a message too big for UDP).
  updates_file "$3" "$4" "$5" delete '' |
    awk '$1 == "send" && ++n % 500 { next } { print } END { if (n % 500) print "send" }' >"$input"
  nsupdate_run "$1" "$input"
  if [[ -n $(dig +short +norec -p "$3" @127.0.0.1 "host$4.bench.lan" A) ]]; then
    echo "$me: $1 still serves host$4.bench.lan after its deletion" >&2
    exit 1
  fi
}

# Fails unless the last name added is served; warns unless the serial rose by
# COUNT (both servers raise it by one per update that changes the zone).
check() { # name port last serial-before count
  local got serial
  got=$(dig +short +norec -p "$2" @127.0.0.1 "host$3.bench.lan" A)
  if [[ $got != "$(address "$3")" ]]; then
    echo "$me: $1 does not serve host$3.bench.lan after the updates (got '$got')" >&2
    exit 1
  fi
  serial=$(soa "$2" | awk '{ print $3 }')
  serial_rise=$((serial - $4))
  if ((serial_rise != $5)); then
    echo "warning: $1's serial rose by $serial_rise ($4 -> $serial), not by $5" >&2
  fi
}

# Measures both servers on one transport and adds their two lines and the
# ratio to results.
results=''
row() { # transport [nsupdate options...]
  local hearth_rate hearth_cpu hearth_client hearth_rise line
  measure hearth "$hearth_pid" "$hearth_port" $((RECORDS + 1)) "$UPDATES" "${@:2}"
  hearth_rate=$rate hearth_cpu=$cpu hearth_client=$client hearth_rise=$serial_rise
  measure named "$named_pid" "$named_port" $((RECORDS + 1)) "$UPDATES" "${@:2}"
  line='%-4s %-7s %6s updates/s  cpu %5s%% of a core  nsupdate %5s%%  serial +%s\n'
  results+=$(printf "$line" "$1" hearth "$hearth_rate" "$hearth_cpu" "$hearth_client" "$hearth_rise")$'\n'
  results+=$(printf "$line" "$1" named "$rate" "$cpu" "$client" "$serial_rise")$'\n'
  results+=$(printf '%-4s %-7s %s' "$1" ratio "$(awk -v h="$hearth_rate" -v d="$rate" 'BEGIN { printf "%.2f", h / d }')")$'\n'
}

echo "nsupdate, $UPDATES sequential TSIG-signed updates per server and transport," \
  "each adding a name to a zone of $RECORDS A records;" \
  "hearth on 127.0.0.1:$hearth_port, named on 127.0.0.1:$named_port"
machine_load
# V8 compiles hearth's hot paths only after they have run a while: warm both
# up unmeasured first (named too, so both journals already hold updates).
echo "warming up ($WARMUP updates each)..."
measure hearth "$hearth_pid" "$hearth_port" $((RECORDS + 1)) "$WARMUP"
measure named "$named_pid" "$named_port" $((RECORDS + 1)) "$WARMUP"
echo "measuring over UDP..."
row udp
if ((TCP)); then
  # nsupdate -v opens a new TCP connection for every update.
  echo "measuring over TCP (nsupdate -v)..."
  row tcp -v
fi

echo
printf '%s' "$results"
