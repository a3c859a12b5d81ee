#!/bin/sh
# /usr/local/bin/hearth, as deploy/pi/install.sh installs it: the installed
# release (its compiled dist/, else src/) on its pinned Node 24, or on the
# system's Node when that is >= 24.
app=/opt/hearth/current
node="$app/node_modules/.bin/node"
[ -x "$node" ] || node=$(command -v node) || { echo "hearth: no Node.js found" >&2; exit 1; }
main="$app/dist/main.js"
[ -f "$main" ] || main="$app/src/main.ts"
exec "$node" "$main" "$@"
