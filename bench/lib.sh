# Shell functions the dnsperf benchmarks (bench/dns-local.sh, bench/dns-cache.sh)
# share. Source it from the repository root, after `set -euo pipefail`.

# The script's name, the prefix of its error messages.
me=${0##*/}
NODE=node_modules/.bin/node

# Exits with an apt-get hint unless every command is on PATH.
check_tools() { # command=package...
  local tool missing=()
  for tool in "$@"; do
    command -v "${tool%%=*}" >/dev/null || missing+=("${tool#*=}")
  done
  if ((${#missing[@]} > 0)); then
    echo "$me: missing ${missing[*]}; install with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
}

# hearth as `npm start` runs it (package.json): compiled to dist/.
HEARTH=("$NODE" dist/main.js)

# Exits unless the project's Node is installed; brings dist/ up to date.
check_node() {
  if [[ ! -x $NODE ]]; then
    echo "$me: $NODE not found; run npm ci first" >&2
    exit 1
  fi
  "$NODE" --no-warnings scripts/compile.ts --quiet
}

# Makes the work directory $tmp; on exit, stops the servers in pids and
# removes it.
make_tmp() {
  tmp=$(mktemp -d -t hearth-bench.XXXXXX)
  pids=()
  trap cleanup EXIT
  # Turn Ctrl-C and kill into a normal exit so the EXIT trap runs.
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# Stops the servers in pids and removes $tmp (the EXIT trap).
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}

# Sets the named variables to ports free on 127.0.0.1 for both UDP and TCP
# (the servers bind both). All sockets stay open until every port is found,
# so they all differ.
free_ports() { # variable...
  read -r "$@" < <("$NODE" -e '
  const dgram = require("node:dgram"), net = require("node:net");
  const grab = () => new Promise((resolve) => {
    const udp = dgram.createSocket("udp4");
    udp.bind(0, "127.0.0.1", () => {
      const { port } = udp.address();
      net.createServer().once("error", () => resolve(grab())).listen(port, "127.0.0.1", () => resolve(port));
    });
  });
  (async () => {
    const ports = [];
    for (let i = 0; i < Number(process.argv[1]); i++) ports.push(await grab());
    console.log(ports.join(" "));
    process.exit(0);
  })();
' "$#") || { echo "$me: found no free ports on 127.0.0.1" >&2; exit 1; }
}

# Starts a server in the background, output to $tmp/NAME.log; sets pid and
# adds it to pids.
start() { # name command...
  local name=$1
  shift
  "$@" >"$tmp/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
}

# Waits until CHECK (a command) succeeds, asking every 0.5 s, as a server
# that logs nothing when it is up can only be asked; fails with the server's
# log if it exits or takes > 20 s, saying it did not DO.
wait_until() { # name pid do check...
  local try
  for ((try = 0; try < 40; try++)); do
    if ! kill -0 "$2" 2>/dev/null; then
      echo "$me: $1 exited at startup:" >&2
      cat "$tmp/$1.log" >&2
      exit 1
    fi
    if "${@:4}"; then
      return
    fi
    sleep 0.5
  done
  echo "$me: $1 did not $3 within 20 s:" >&2
  cat "$tmp/$1.log" >&2
  exit 1
}

# Succeeds when 127.0.0.1:PORT answers the query in $tmp/probe.
answers_probe() { # port
  dnsperf -s 127.0.0.1 -p "$1" -d "$tmp/probe" -n 1 -t 1 2>/dev/null | grep -q 'Queries completed: *1 '
}

# Waits until the server answers the query in $tmp/probe.
wait_ready() { # name pid port
  wait_until "$1" "$2" "answer on 127.0.0.1:$3" answers_probe "$3"
}

# user + system CPU ticks of a process, all threads (fields 14, 15 of
# /proc/PID/stat, counted after the ") " that ends the command name).
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
ticks_per_second=$(getconf CLK_TCK)

# Prints the percent of one core process PID has used since it had used
# TICKS (cpu_ticks) at time START ($EPOCHREALTIME).
cpu_percent() { # pid ticks start
  awk -v t="$(($(cpu_ticks "$1") - $2))" -v hz="$ticks_per_second" \
    -v s="$3" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", 100 * t / hz / (e - s) }'
}

# Sets qps and lost from dnsperf's output in $tmp/NAME.dnsperf; warns unless
# every answer was NOERROR.
dnsperf_results() { # name
  qps=$(awk '/Queries per second:/ { printf "%.0f", $4 }' "$tmp/$1.dnsperf")
  lost=$(awk '/Queries lost:/ { print $3 }' "$tmp/$1.dnsperf")
  # Every query names an existing record: any other rcode means a broken answer.
  if ! grep -Eq 'Response codes: *NOERROR [0-9]+ \(100\.00%\)$' "$tmp/$1.dnsperf"; then
    echo "warning: $1 did not answer NOERROR to every query: $(grep 'Response codes:' "$tmp/$1.dnsperf")" >&2
  fi
}

# Prints the machine's core count and load average (other work on the
# machine takes CPU from the servers and dnsperf alike).
machine_load() {
  echo "$(nproc) cores, load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
}
