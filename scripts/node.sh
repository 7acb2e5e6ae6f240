#!/bin/sh
# Runs node with the given arguments on Node >= 22.12 (tokenhub targets Node 24 LTS). When the
# system node is older (Debian's is 20), installs node@24 from the npm registry into
# ~/.cache/node24 once and uses that. `npm start` and `npm test` go through this script, so the
# README's two commands work on a fresh machine.
set -eu
ok() { "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' 2>/dev/null; }
if command -v node >/dev/null 2>&1 && ok node; then
  exec node "$@"
fi
cache="${TOKENHUB_NODE_CACHE:-$HOME/.cache/node24}"
if [ ! -x "$cache/node_modules/.bin/node" ] || ! ok "$cache/node_modules/.bin/node"; then
  echo "tokenhub: system node is older than 22.12; installing node@24 into $cache (once)" >&2
  if ! npm install --prefix "$cache" --no-save --no-audit --no-fund --loglevel=error node@24 >&2; then
    echo "tokenhub needs Node.js 22.12 or later (Node 24 LTS recommended), and node@24 could not be installed from the npm registry: install Node from https://nodejs.org or your package manager, then run the command again" >&2
    exit 1
  fi
fi
PATH="$cache/node_modules/.bin:$PATH"
export PATH
exec node "$@"
