#!/usr/bin/env bash
# Installs hearth as a systemd service on Raspberry Pi OS or Debian 12/13
# (arm64, x86-64). Run it as root from a checkout in which `npm ci --omit=dev`
# (or `npm ci`) has been run; without node_modules it runs `npm ci --omit=dev`
# itself when npm is there.
#
#   deploy/pi/install.sh                      install, or upgrade keeping the previous version
#   deploy/pi/install.sh --rollback           back to the previous version (same as hearth-rollback)
#   deploy/pi/install.sh --uninstall          remove the program and its unit; keep config and data
#   deploy/pi/install.sh --uninstall --purge  remove /etc/hearth, /var/lib/hearth and the user too
#   DESTDIR=DIR deploy/pi/install.sh          stage every file under DIR and touch nothing else
#                                             (no user, no apt-get, no systemctl): for packaging, tests
#
# Running it again with the same checkout changes nothing; the user's
# /etc/hearth/hearth.yaml is never overwritten.
set -euo pipefail

DESTDIR=${DESTDIR:-}
APP=/opt/hearth
ETC=/etc/hearth
DATA=/var/lib/hearth
UNIT=/etc/systemd/system/hearth.service
BIN=/usr/local/bin/hearth
ROLLBACK=/usr/local/sbin/hearth-rollback
USER_NAME=hearth
# The checkout this script belongs to (unused by --rollback and --uninstall).
SRC=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)

say() { printf 'hearth-install: %s\n' "$*"; }
die() { printf 'hearth-install: %s\n' "$*" >&2; exit 1; }
# A real install (not staged under DESTDIR) changes the system around the files.
live() { [ -z "$DESTDIR" ]; }
# systemd is running (not a chroot, container build or image being prepared).
systemd_up() { live && [ -d /run/systemd/system ] && command -v systemctl >/dev/null; }

usage() { sed -n '2,15s/^# \{0,1\}//p' "$0"; }

# Prints the Node >= 24 to run hearth with: the release's own (the pinned
# `node` package), else the system's.
node_for() {
  local release=$1 candidate
  for candidate in "$release/node_modules/.bin/node" "$(command -v node || true)"; do
    [ -x "$candidate" ] || continue
    if "$candidate" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 24 ? 0 : 1)' 2>/dev/null; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

# A release is named by the version in package.json and a hash of what it
# runs, so installing the same checkout twice lands on the same release.
release_id() {
  local version hash
  version=$(sed -n 's/^  "version": "\([^"]*\)".*/\1/p' "$SRC/package.json")
  local parts=(src package.json package-lock.json blocklists zones hearth.example.yaml deploy/pi)
  [ -d "$SRC/scripts" ] && parts+=(scripts)
  hash=$(cd "$SRC" && find "${parts[@]}" -type f \
    ! -name '*.test.ts' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)
  printf '%s-%s\n' "${version:-0}" "$hash"
}

# Removes the packages package-lock.json marks as development-only.
prune_dev() {
  local dir=$1 node=$2
  "$node" -e '
    const { readFileSync, rmSync } = require("node:fs");
    const { join } = require("node:path");
    const lock = JSON.parse(readFileSync(join(process.argv[1], "package-lock.json"), "utf8"));
    for (const [path, entry] of Object.entries(lock.packages ?? {})) {
      if (path !== "" && entry.dev === true) rmSync(join(process.argv[1], path), { recursive: true, force: true });
    }' "$dir"
  find "$dir/node_modules/.bin" -xtype l -delete
}

# Builds the release directory beside the old one and moves it in place.
build_release() {
  local id=$1 target="$DESTDIR$APP/releases/$1" tmp node
  tmp="$DESTDIR$APP/releases/.$id.new"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  local parts=(src package.json package-lock.json blocklists zones hearth.example.yaml deploy/pi)
  [ -d "$SRC/docs" ] && parts+=(docs)
  [ -d "$SRC/scripts" ] && parts+=(scripts)
  tar -C "$SRC" --exclude='*.test.ts' -cf - "${parts[@]}" | tar -C "$tmp" -xf -
  if [ -d "$SRC/node_modules" ]; then
    mkdir "$tmp/node_modules"
    cp -a "$SRC/node_modules/." "$tmp/node_modules/" # through a symlinked node_modules too
    node=$(node_for "$tmp") || die "no Node 24: run 'npm ci --omit=dev' in $SRC first (it fetches the pinned node package)"
    prune_dev "$tmp" "$node"
  elif command -v npm >/dev/null; then
    say "node_modules missing: running npm ci --omit=dev"
    (cd "$tmp" && npm ci --omit=dev --no-audit --no-fund >/dev/null)
  else
    die "no node_modules in $SRC and no npm: run 'npm ci --omit=dev' there first"
  fi
  node=$(node_for "$tmp") || die "no Node 24 in the release nor on PATH"
  # Plain JavaScript in dist/ (types stripped once): no TypeScript parser in each thread's memory.
  if [ -f "$tmp/scripts/compile.ts" ]; then "$node" --no-warnings "$tmp/scripts/compile.ts" --quiet; fi
  rm -rf "$target"
  mv "$tmp" "$target"
}

# Points `current` (and `previous`) at releases; atomic through rename.
point() {
  local name=$1 release=$2
  ln -sfn "$release" "$DESTDIR$APP/.$name.new"
  mv -T "$DESTDIR$APP/.$name.new" "$DESTDIR$APP/$name"
}

# Keeps the current and previous releases only.
drop_old_releases() {
  local keep_current keep_previous dir
  keep_current=$(readlink "$DESTDIR$APP/current" || true)
  keep_previous=$(readlink "$DESTDIR$APP/previous" || true)
  for dir in "$DESTDIR$APP"/releases/*/; do
    dir=releases/$(basename "$dir")
    [ "$dir" = "$keep_current" ] || [ "$dir" = "$keep_previous" ] || rm -rf "${DESTDIR:?}$APP/${dir:?}"
  done
}

install_file() { # mode source destination
  install -D -m "$1" "$2" "$DESTDIR$3"
}

install_packages() {
  local wanted=(iproute2 iputils-arping) missing=() package
  for package in "${wanted[@]}"; do dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package"); done
  [ "${#missing[@]}" -eq 0 ] && return 0
  say "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

create_user() {
  getent passwd "$USER_NAME" >/dev/null && return 0
  say "creating the system user $USER_NAME"
  useradd --system --user-group --home-dir "$DATA" --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
}

# The config and the example zones, only where the user has none yet.
install_config() {
  local created=1 # 0 (true) once a new hearth.yaml is written
  mkdir -p "$DESTDIR$ETC" "$DESTDIR$DATA"
  chmod 0750 "$DESTDIR$ETC" "$DESTDIR$DATA"
  if [ ! -e "$DESTDIR$ETC/hearth.yaml" ]; then
    install -m 0640 "$SRC/hearth.example.yaml" "$DESTDIR$ETC/hearth.yaml"
    say "wrote $ETC/hearth.yaml from hearth.example.yaml: edit it, then 'hearth doctor'"
    created=0
  fi
  if [ ! -e "$DESTDIR$ETC/zones" ]; then
    mkdir -p "$DESTDIR$ETC/zones"
    install -m 0640 "$SRC"/zones/*.zone "$DESTDIR$ETC/zones/"
  fi
  # hearth writes its config through the API (PUT /config, temp + rename in
  # /etc/hearth) and its data in /var/lib/hearth.
  live && chown -R "$USER_NAME:$USER_NAME" "$ETC" "$DATA"
  return "$created"
}

# The usual neighbours on ports 53 and 67: named, not stopped.
warn_conflicts() {
  command -v ss >/dev/null || return 0
  local holders
  holders=$(ss -H -lntup 'sport = :53 or sport = :67' 2>/dev/null | grep -v 'node' | sed -n 's/.*users:(("\([^"]*\)".*/\1/p' | sort -u | tr '\n' ' ' || true)
  [ -n "$holders" ] || return 0
  say "warning: ports 53/67 are in use by: $holders"
  case $holders in
    *systemd-resolve*) say "  systemd-resolved's stub listens on 127.0.0.53:53: list only the LAN address in dns.listen" \
      "(e.g. 192.168.1.2:53), or turn the stub off (DNSStubListener=no in /etc/systemd/resolved.conf.d/)";;
  esac
  case $holders in
    *dnsmasq*|*pihole*) say "  dnsmasq or Pi-hole: stop and disable it before starting hearth (systemctl disable --now dnsmasq pihole-FTL)";;
  esac
  return 0
}

do_install() {
  if [ ! -f "$SRC/package.json" ] || [ ! -d "$SRC/src" ]; then die "run this script from a hearth checkout ($SRC has no src/)"; fi
  live && [ "$(id -u)" -ne 0 ] && die "run as root (or stage with DESTDIR=DIR)"
  live && install_packages
  live && create_user

  local id old new_config=no
  id=$(release_id)
  old=$(readlink "$DESTDIR$APP/current" 2>/dev/null || true)
  mkdir -p "$DESTDIR$APP/releases"
  build_release "$id"
  install_config && new_config=yes

  point current "releases/$id"
  # The new version must accept the config in use (which may name files in
  # /opt/hearth/current) before the service runs it; if not, current goes back.
  if live && ! "$(node_for "$APP/current")" "$APP/current/src/main.ts" check -c "$ETC/hearth.yaml"; then
    if [ -n "$old" ]; then point current "$old"; else rm -f "$APP/current"; fi
    [ "$old" = "releases/$id" ] || rm -rf "${APP:?}/releases/$id"
    die "the new version refuses $ETC/hearth.yaml (above); nothing was changed"
  fi
  if [ -n "$old" ] && [ "$old" != "releases/$id" ]; then
    point previous "$old"
    say "upgraded: $old -> releases/$id (hearth-rollback goes back)"
  fi
  drop_old_releases

  install_file 0644 "$SRC/deploy/pi/hearth.service" "$UNIT"
  install_file 0755 "$SRC/deploy/pi/hearth.sh" "$BIN"
  mkdir -p "$DESTDIR$(dirname "$ROLLBACK")"
  ln -sfn "$APP/current/deploy/pi/install.sh" "$DESTDIR$ROLLBACK"

  if systemd_up; then
    systemctl daemon-reload
    systemctl enable -q hearth
    if systemctl is-active -q hearth; then
      [ "$old" = "releases/$id" ] || { systemctl restart hearth; say "restarted hearth"; }
    elif [ "$new_config" = yes ]; then
      say "enabled; start it once the config suits the house: systemctl start hearth"
    else
      systemctl start hearth && say "started hearth"
    fi
  elif live && command -v systemctl >/dev/null; then
    systemctl enable -q hearth 2>/dev/null || true
    say "systemd is not running here: hearth starts at the next boot"
  fi
  live && warn_conflicts
  say "installed releases/$id under $DESTDIR$APP"
}

do_rollback() {
  live && [ "$(id -u)" -ne 0 ] && die "run as root"
  local current previous
  current=$(readlink "$DESTDIR$APP/current" 2>/dev/null || true)
  previous=$(readlink "$DESTDIR$APP/previous" 2>/dev/null || true)
  if [ -z "$previous" ] || [ ! -d "$DESTDIR$APP/$previous" ]; then die "no previous version to go back to"; fi
  point current "$previous"
  point previous "$current"
  say "rolled back: $current -> $previous"
  if systemd_up && systemctl is-active -q hearth; then systemctl restart hearth && say "restarted hearth"; fi
}

do_uninstall() {
  local purge=$1
  live && [ "$(id -u)" -ne 0 ] && die "run as root"
  if systemd_up; then
    systemctl disable -q --now hearth 2>/dev/null || true
  elif live && command -v systemctl >/dev/null; then
    systemctl disable -q hearth 2>/dev/null || true
  fi
  rm -rf "${DESTDIR}${APP:?}"
  rm -f "$DESTDIR$UNIT" "$DESTDIR$BIN" "$DESTDIR$ROLLBACK"
  systemd_up && systemctl daemon-reload
  if [ "$purge" = yes ]; then
    rm -rf "${DESTDIR}${ETC:?}" "${DESTDIR}${DATA:?}"
    live && getent passwd "$USER_NAME" >/dev/null && userdel "$USER_NAME"
    say "removed hearth, its config, its data and its user"
  else
    say "removed hearth; kept $ETC and $DATA (--uninstall --purge removes them)"
  fi
}

main() {
  local action=install purge=no
  [ "$(basename "$0")" = hearth-rollback ] && action=rollback
  while [ $# -gt 0 ]; do
    case $1 in
      --rollback) action=rollback;;
      --uninstall) action=uninstall;;
      --purge) purge=yes;;
      -h|--help) usage; exit 0;;
      *) usage >&2; exit 2;;
    esac
    shift
  done
  [ "$purge" = no ] || [ "$action" = uninstall ] || die "--purge goes with --uninstall"
  case $action in
    install) do_install;;
    rollback) do_rollback;;
    uninstall) do_uninstall "$purge";;
  esac
}

main "$@"
