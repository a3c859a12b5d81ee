#!/usr/bin/env bash
# Whole-process memory: RSS of hearth, dnsmasq and unbound as a house runs
# them, in one run: idle; with a million blocked names; filled with 50,000
# cached answers from the same local origin; and then (CHURN_MINUTES > 0)
# hearth under churn with its cache at max_entries, RSS printed every minute.
#
#   bench/footprint.sh                              # the state table, no churn
#   CHURN_MINUTES=60 bench/footprint.sh             # and an hour of churn
#   BLOCKED=200000 CACHED=10000 bench/footprint.sh  # smaller, quicker
#   PEERS=no bench/footprint.sh                     # hearth only
#
# RSS and its anonymous part come from /proc/PID/status of the running
# process (VmRSS, RssAnon). See bench/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BLOCKED=${BLOCKED:-1000000}
CACHED=${CACHED:-50000}
CHURN_MINUTES=${CHURN_MINUTES:-0}
CHURN_QPS=${CHURN_QPS:-2000}
PEERS=${PEERS:-yes}
FILL_QPS=5000
PATH=$PATH:/usr/sbin
source bench/lib.sh

check_tools dnsperf=dnsperf dnsmasq=dnsmasq-base unbound=unbound
check_node
make_tmp
free_ports origin_port tiny_port tiny_api log_port log_api big_port big_api

# kB -> MB of one field of /proc/PID/status.
status_mb() { awk -v f="$2:" '$1 == f { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
# "RSS MB (anon MB)" of a running process.
rss() { echo "$(status_mb "$1" VmRSS) MB (anon $(status_mb "$1" RssAnon))"; }

# The origin: unbound answering CACHED names (host<i>.fill.test) plus the
# churn names (churn<i>.fill.test, synthesized by a wildcard-like redirect
# zone), TTL 1 h; everything else refused, so nothing leaves the machine.
echo "writing $CACHED origin names and $BLOCKED blocked names..."
awk -v n="$CACHED" -v port="$origin_port" -v dir="$tmp" 'BEGIN {
  print "server:\n  interface: 127.0.0.1@" port "\n  port: " port "\n  do-ip6: no\n  username: \"\"\n  chroot: \"\""
  print "  directory: \"" dir "\"\n  pidfile: \"\"\n  use-syslog: no\n  logfile: \"\"\n  num-threads: 1"
  print "  module-config: \"iterator\"\n  access-control: 127.0.0.0/8 allow\n  local-zone: \".\" refuse"
  print "  local-zone: \"fill.test.\" static\n  local-zone: \"churn.test.\" redirect"
  print "  local-data: \"churn.test. 3600 IN A 10.99.0.1\""
  for (i = 1; i <= n; i++) {
    printf "  local-data: \"host%d.fill.test. 3600 IN A 10.%d.%d.%d\"\n", i, int(i / 65536) % 256, int(i / 256) % 256, i % 256
    printf "host%d.fill.test A\n", i > (dir "/fill")
  }
}' >"$tmp/origin.conf"
echo 'host1.fill.test A' >"$tmp/probe"
# The million names: hosts-style for dnsmasq, domains for hearth, unbound local-zones.
awk -v n="$BLOCKED" -v dir="$tmp" 'BEGIN {
  for (i = 1; i <= n; i++) {
    name = sprintf("ad%x.tracker%d.example", i * 7919, i % 5000)
    print name > (dir "/blocked.txt")
    print "0.0.0.0 " name > (dir "/blocked.hosts")
    print "  local-zone: \"" name ".\" always_nxdomain" > (dir "/blocked.unbound")
  }
}'
echo 'tiny.example' >"$tmp/tiny.txt"
mkdir "$tmp/zones"

hearth_config() { # dns-port api-port data-dir list querylog
  cat <<EOF
data_dir: $3
dns:
  listen: ["127.0.0.1:$1"]
  zones_dir: $tmp/zones
  upstreams:
    servers: ["udp://127.0.0.1:$origin_port"]
  cache: { max_entries: $((CACHED + CACHED / 5)), min_ttl: 3600 }
  blocking:
    mode: nxdomain
    lists: ["$4"]
api:
  listen: "127.0.0.1:$2"
querylog:
  enabled: $5
EOF
}
hearth_config "$tiny_port" "$tiny_api" "$tmp/data-tiny" "$tmp/tiny.txt" false >"$tmp/tiny.yaml"
hearth_config "$log_port" "$log_api" "$tmp/data-log" "$tmp/tiny.txt" true >"$tmp/log.yaml"
hearth_config "$big_port" "$big_api" "$tmp/data-big" "$tmp/blocked.txt" true >"$tmp/big.yaml"

start origin unbound -d -c "$tmp/origin.conf"
origin_pid=$pid
wait_ready origin "$origin_pid" "$origin_port"

# Started one at a time, so each starts on an otherwise quiet machine.
for name in tiny log big; do
  port_var=${name}_port
  start "$name" env HEARTH_LOG_LEVEL=warn "${HEARTH[@]}" run -c "$tmp/$name.yaml"
  declare "${name}_pid=$pid"
  wait_ready "$name" "$pid" "${!port_var}"
done
# The peers, each twice: without a list, and with the same million names
# (dnsmasq as a hosts file, unbound as always_nxdomain local zones), both
# forwarding to the origin with room for the names to be cached.
unbound_config() { # port list-file-or-empty
  sed -n '1,/access-control/p' "$tmp/origin.conf" | sed -e "s/@$origin_port/@$1/" -e "s/port: $origin_port/port: $1/"
  echo '  do-not-query-localhost: no'
  echo '  local-zone: "test." nodefault'
  echo '  msg-cache-size: 32m'
  echo '  rrset-cache-size: 64m'
  [[ -n $2 ]] && cat "$2"
  printf 'forward-zone:\n  name: "."\n  forward-addr: 127.0.0.1@%s\n' "$origin_port"
}
if [[ $PEERS == yes ]]; then
  free_ports dnsmasq_port dnsmasq_big_port unbound_port unbound_big_port
  for name in dnsmasq dnsmasq_big; do
    port_var=${name}_port hosts=()
    [[ $name == dnsmasq_big ]] && hosts=(--addn-hosts="$tmp/blocked.hosts")
    start "$name" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --pid-file= \
      --user="$(id -un)" --group="$(id -gn)" --log-facility=- \
      --listen-address=127.0.0.1 --bind-interfaces --port="${!port_var}" "${hosts[@]}" \
      --cache-size=$((CACHED + CACHED / 5)) --server="127.0.0.1#$origin_port"
    declare "${name}_pid=$pid"
    wait_ready "$name" "$pid" "${!port_var}"
  done
  unbound_config "$unbound_port" "" >"$tmp/unbound.conf"
  unbound_config "$unbound_big_port" "$tmp/blocked.unbound" >"$tmp/unbound-big.conf"
  for name in unbound unbound_big; do
    port_var=${name}_port
    start "$name" unbound -d -c "$tmp/${name/_/-}.conf"
    declare "${name}_pid=$pid"
    wait_ready "$name" "$pid" "${!port_var}"
  done
fi
sleep 2
fill() { # port
  dnsperf -s 127.0.0.1 -p "$1" -d "$tmp/fill" -n 1 -Q "$FILL_QPS" -c 1 -q 100 >"$tmp/fill.dnsperf" 2>&1
  if ! grep -q "Queries completed: *$CACHED " "$tmp/fill.dnsperf"; then
    echo "warning: not every fill query was answered: $(grep 'Queries lost' "$tmp/fill.dnsperf")" >&2
  fi
}
# One column of the table: "RSS (anon)" of the named server, or "-".
cell() { # name
  local pid_var=${1}_pid
  if [[ -n ${!pid_var:-} ]]; then rss "${!pid_var}"; else echo -; fi
}
row() { # label hearth dnsmasq unbound (server names or "")
  printf '%-46s %-20s %-20s %s\n' "$1" "$(cell "$2")" "$(cell "$3")" "$(cell "$4")"
}
fill_all() { # names...
  local name port_var
  for name in "$@"; do
    port_var=${name}_port
    [[ -n ${!port_var:-} ]] && fill "${!port_var}"
  done
}

echo
echo "RSS of the running process (anonymous part in brackets), $(machine_load)"
printf '%-46s %-20s %-20s %s\n' state hearth dnsmasq unbound
row "idle, tiny list, empty cache, query log off" tiny dnsmasq unbound
row "+ query log on" log "" ""
row "$BLOCKED blocked names, empty cache (+ log)" big dnsmasq_big unbound_big
fill_all tiny dnsmasq unbound
row "tiny list, $CACHED answers cached" tiny dnsmasq unbound
fill_all big dnsmasq_big unbound_big
row "$BLOCKED blocked + $CACHED cached (+ log)" big dnsmasq_big unbound_big
fill_all big dnsmasq_big unbound_big
row "the same after $CACHED more hits" big dnsmasq_big unbound_big

# Churn: names never asked before at a steady rate, so the cache stays at
# max_entries and evicts all the time; RSS printed every minute.
if ((CHURN_MINUTES > 0)); then
  awk -v n=$((CACHED * 4)) 'BEGIN { for (i = 1; i <= n; i++) printf "c%d.churn.test A\n", i }' >"$tmp/churn"
  echo
  echo "churn: $CHURN_QPS qps of new names for $CHURN_MINUTES min, cache at max_entries"
  printf '%-8s %-20s %-20s %s\n' minute hearth dnsmasq unbound
  printf '%-8s %-20s %-20s %s\n' 0 "$(cell big)" "$(cell dnsmasq_big)" "$(cell unbound_big)"
  for ((minute = 1; minute <= CHURN_MINUTES; minute++)); do
    churners=()
    for name in big dnsmasq_big unbound_big; do
      port_var=${name}_port
      [[ -n ${!port_var:-} ]] || continue
      dnsperf -s 127.0.0.1 -p "${!port_var}" -d "$tmp/churn" -l 60 -Q "$CHURN_QPS" -c 1 -q 100 >"$tmp/churn-$name.dnsperf" 2>&1 &
      churners+=($!)
    done
    wait "${churners[@]}"
    printf '%-8s %-20s %-20s %s\n' "$minute" "$(cell big)" "$(cell dnsmasq_big)" "$(cell unbound_big)"
  done
fi
