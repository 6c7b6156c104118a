#!/usr/bin/env bash
# Builds the TypeScript SDK worker + client into a cache OUTSIDE the repo:
#
#   ${TEMPORAL_E2E_CACHE:-$HOME/.cache/temporal-cdk8s-e2e}/ts-worker-<hash>/
#     worker.js, client.js       entry points (node worker.js | node client.js <command> ...)
#     dist/                      tsc output + dist/workflow-bundle.js (pre-bundled workflow code)
#     node_modules/              from `npm ci` (the npm registry is all it needs)
#     .complete                  stamp, written last
#
# <hash> = first 12 hex of a sha256 over package.json, package-lock.json, tsconfig.json, build.sh and
# src/**: a folder with the stamp is reused as is. The folder path is the last line on stdout;
# everything else goes to stderr.
#
# Usage: build.sh [--force]
set -euo pipefail

FORCE=0
case "${1:-}" in
  --force) FORCE=1 ;;
  "") ;;
  -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "unknown argument: $1" >&2; exit 2 ;;
esac

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${TEMPORAL_E2E_CACHE:-$HOME/.cache/temporal-cdk8s-e2e}"

command -v node >/dev/null || { echo "node is not on PATH" >&2; exit 1; }
command -v npm >/dev/null || { echo "npm is not on PATH" >&2; exit 1; }
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=3)?0:1)' \
  || { echo "node >= 20.3 is required (found $(node --version))" >&2; exit 1; }

cd "$SRC"
TOP=(package.json package-lock.json tsconfig.json build.sh)
FILES=("${TOP[@]}")
while IFS= read -r f; do FILES+=("$f"); done < <(find src -type f -name '*.ts' | LC_ALL=C sort)
HASH="$(for f in "${FILES[@]}"; do printf '%s\0' "$f"; sha256sum < "$f"; done | sha256sum | cut -c1-12)"

mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"
OUT="$CACHE/ts-worker-$HASH"

if [[ $FORCE -eq 0 && -f "$OUT/.complete" ]]; then
  echo "ts-worker: cached ($OUT)" >&2
  echo "$OUT"
  exit 0
fi

# One build of this component at a time per cache.
exec 9>"$CACHE/.ts-worker.lock"
if command -v flock >/dev/null; then flock 9; fi
if [[ $FORCE -eq 0 && -f "$OUT/.complete" ]]; then
  echo "ts-worker: cached ($OUT)" >&2
  echo "$OUT"
  exit 0
fi

TMP="$(mktemp -d "$CACHE/.ts-worker-$HASH.tmp.XXXXXX")"
chmod 755 "$TMP"
trap 'rm -rf "$TMP"' EXIT
echo "ts-worker: building $OUT" >&2
cp "${TOP[@]}" "$TMP"/
mkdir -p "$TMP/src" && cp -R src/. "$TMP/src/"
(
  cd "$TMP"
  npm ci --no-audit --no-fund --loglevel=error 1>&2
  ./node_modules/.bin/tsc -p tsconfig.json 1>&2
  node dist/bundle.js 1>&2
  printf '#!/usr/bin/env node\nrequire("./dist/worker.js");\n' > worker.js
  printf '#!/usr/bin/env node\nrequire("./dist/client.js");\n' > client.js
  chmod +x worker.js client.js
  node -e 'require("@temporalio/worker"); require("@temporalio/envconfig")' 1>&2  # the native bridge loads
)
rm -rf "$OUT"
mv "$TMP" "$OUT"
trap - EXIT
date -u +%Y-%m-%dT%H:%M:%SZ > "$OUT/.complete"
echo "ts-worker: built $OUT" >&2
echo "$OUT"
