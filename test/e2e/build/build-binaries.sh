#!/usr/bin/env bash
# Builds the real Temporal binaries that the e2e harness runs as processes, from the Go module proxy,
# into a per-version cache OUTSIDE the repo:
#
#   ${TEMPORAL_E2E_CACHE:-$HOME/.cache/temporal-cdk8s-e2e}/
#     server-<v>/bin/{temporal-server,temporal-sql-tool,temporal-elasticsearch-tool,tdbg}
#     server-<v>/schema/...            (the module's schema/ = admin-tools' /etc/temporal/schema)
#     cli-<v>/bin/temporal             (<v> = the version asked for; cli-<v>/VERSION names the one
#     cli-<v>/SUBSTITUTION.txt          built: CLI >= 1.6.0 cannot be built from the module proxy)
#     ui-server-<v>/bin/ui-server      (serves the embedded UI; run `bin/ui-server --env docker
#     ui-server-<v>/config/             start` from ui-server-<v>/: config/docker.yaml is the env template)
#   optional (need mvn + a JDK 17; Maven Central):
#     opensearch-<v>/dist/             --opensearch 2.19.6   (integ-test-zip + mapper-extras module)
#     elasticsearch-<v>/dist/          --elasticsearch 7.17.29 (same; 8.x lacks mapper-extras jars)
#   optional (module proxy):
#     s3-<v>/bin/s3-emulator           --s3: test/e2e/build/s3, a wrapper around gofakes3 <v> (the
#                                       version its go.mod requires); S3 + STS stand-in for archival
#
# A component is rebuilt only when its folder lacks the `.complete` stamp. Each build happens in a
# staging folder whose stamp is written last, then renamed into place (an interrupted build leaves
# only a staging folder, removed on the next run; processes running an old copy are unaffected).
#
# Usage: build-binaries.sh [--server 1.31.2] [--ui 2.52.0] [--cli 1.7.2] [--cli-fallback 1.5.1]
#          [--opensearch VER] [--elasticsearch VER] [--s3]
#          [--only server|cli|ui|opensearch|elasticsearch|s3] [--force]
set -euo pipefail

SERVER_VERSION=1.31.2
UI_VERSION=2.52.0
# admin-tools 1.31.2 bundles CLI 1.7.2; since 1.6.0 the CLI module has `replace ./cliext` with a
# nested module that the proxy does not serve, so the newest buildable one is used instead.
CLI_VERSION=1.7.2
CLI_FALLBACK_VERSION=1.5.1
OPENSEARCH_VERSION=""
ELASTICSEARCH_VERSION=""
S3=0
ONLY=""
FORCE=0

usage() { sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --server) SERVER_VERSION="${2#v}"; shift 2 ;;
    --ui) UI_VERSION="${2#v}"; shift 2 ;;
    --cli) CLI_VERSION="${2#v}"; shift 2 ;;
    --cli-fallback) CLI_FALLBACK_VERSION="${2#v}"; shift 2 ;;
    --opensearch) OPENSEARCH_VERSION="${2#v}"; shift 2 ;;
    --elasticsearch) ELASTICSEARCH_VERSION="${2#v}"; shift 2 ;;
    --s3) S3=1; shift ;;
    --only) ONLY="$2"; shift 2 ;;
    --force) FORCE=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

CACHE="${TEMPORAL_E2E_CACHE:-$HOME/.cache/temporal-cdk8s-e2e}"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"

command -v go >/dev/null || { echo "go is not on PATH" >&2; exit 1; }

log() { printf '[build-binaries %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# One build at a time per cache (other runs wait here).
exec 9>"$CACHE/.lock"
if command -v flock >/dev/null; then
  flock -n 9 || { log "another build holds $CACHE/.lock; waiting"; flock 9; }
fi
# Leftovers of interrupted builds (we hold the lock, so none is in progress).
for d in "$CACHE"/.staging-*; do
  [[ -e "$d" ]] || continue
  chmod -R u+w "$d" 2>/dev/null || true; rm -rf "$d"
done

# Static builds like the upstream images (CGO_ENABLED=0). go install pkg@version ignores any
# go.mod around us; run from a neutral directory anyway.
export CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/temporal-e2e-build.XXXXXX")"
STAGE=""
cleanup() {
  chmod -R u+w "$WORK" 2>/dev/null || true; rm -rf "$WORK"
  if [[ -n "$STAGE" && -d "$STAGE" ]]; then chmod -R u+w "$STAGE" 2>/dev/null || true; rm -rf "$STAGE"; fi
}
trap cleanup EXIT
cd "$WORK"

# version_gt A B: true when Go version A > B (e.g. 1.27.0 > 1.26.8).
version_gt() { [[ "$1" != "$2" && "$(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -1)" == "$1" ]]; }

# use_toolchain_for GOMODFILE: if the module needs a newer Go than the local one, switch to the
# approved go1.27.3 toolchain (the go command fetches it from the module proxy).
use_toolchain_for() {
  local need have
  need="$(awk '$1=="go"{print $2; exit}' "$1")"
  have="$(GOTOOLCHAIN=local go env GOVERSION)"; have="${have#go}"
  if [[ -n "$need" ]] && version_gt "$need" "$have"; then
    if version_gt "$need" "1.27.3"; then
      echo "module $1 needs go $need, newer than the approved go1.27.3" >&2; return 1
    fi
    log "module needs go $need > local $have: export GOTOOLCHAIN=go1.27.3"
    export GOTOOLCHAIN=go1.27.3
  fi
}

# mod_field MODULE@VERSION FIELD -> a field of `go mod download -json` (Dir, GoMod, ...).
mod_field() {
  # go exits non-zero when it cannot extract the module (e.g. it needs a newer Go); the JSON still
  # names its go.mod, which is what decides the toolchain.
  { go mod download -json "$1" || true; } | awk -v f="\"$2\":" '$1==f{gsub(/^"|",?$/,"",$2); print $2; exit}'
}

declare -A TIMINGS=()
ORDER=()

# begin NAME FINAL_DIR: returns 1 when FINAL_DIR is complete (skip); otherwise sets STAGE to a
# fresh staging folder (with bin/) that finish() renames to FINAL_DIR.
begin() {
  local name="$1" dir="$2"
  if [[ $FORCE -eq 0 && -f "$dir/.complete" ]]; then
    log "$name: cached at $dir"
    TIMINGS[$name]="cached"; ORDER+=("$name")
    return 1
  fi
  STAGE="$CACHE/.staging-$(basename "$dir").$$"
  rm -rf "$STAGE"; mkdir -p "$STAGE/bin"
  log "$name: building $dir (staging in $STAGE)"
}

finish() {
  local name="$1" dir="$2" start="$3" elapsed old
  elapsed=$(( $(date +%s) - start ))
  {
    echo "component=$name"
    echo "built_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "go=$(GOTOOLCHAIN=local go env GOVERSION)"
    echo "build_seconds=$elapsed"
  } > "$STAGE/.complete"                       # the stamp, last
  if [[ -e "$dir" ]]; then                    # incomplete or --force: swap the old copy out
    old="$CACHE/.staging-old-$(basename "$dir").$$"
    mv "$dir" "$old"; mv "$STAGE" "$dir"
    chmod -R u+w "$old" 2>/dev/null || true; rm -rf "$old"
  else
    mv "$STAGE" "$dir"
  fi
  STAGE=""
  TIMINGS[$name]="${elapsed}s"; ORDER+=("$name")
  log "$name: done in ${elapsed}s"
}

# ---------------------------------------------------------------------------------------------
build_server() {
  local v="$SERVER_VERSION" dir="$CACHE/server-$SERVER_VERSION" start gomod src
  begin server "$dir" || return 0
  start=$(date +%s)
  gomod="$(mod_field "go.temporal.io/server@v$v" GoMod)"
  # A release that needs a newer Go than this machine's is only extracted once the approved
  # toolchain is selected (go mod download refuses it with GOTOOLCHAIN=local).
  use_toolchain_for "$gomod"
  src="$(mod_field "go.temporal.io/server@v$v" Dir)"
  [[ -n "$src" ]] || { echo "go.temporal.io/server@v$v: go mod download gave no source folder" >&2; return 1; }
  (
    use_toolchain_for "$gomod"
    local gobin="$WORK/server-gobin"; mkdir -p "$gobin"
    # One invocation: all four packages are from the same module@version (shared compilation).
    GOBIN="$gobin" go install \
      "go.temporal.io/server/cmd/server@v$v" \
      "go.temporal.io/server/cmd/tools/sql@v$v" \
      "go.temporal.io/server/cmd/tools/elasticsearch@v$v" \
      "go.temporal.io/server/cmd/tools/tdbg@v$v"
    mv "$gobin/server" "$STAGE/bin/temporal-server"
    mv "$gobin/sql" "$STAGE/bin/temporal-sql-tool"
    mv "$gobin/elasticsearch" "$STAGE/bin/temporal-elasticsearch-tool"
    mv "$gobin/tdbg" "$STAGE/bin/tdbg"
  )
  # admin-tools serves this at /etc/temporal/schema
  cp -R "$src/schema" "$STAGE/schema"
  # The server image's CMD, /etc/temporal/entrypoint.sh (docker/targets/server.Dockerfile)
  cp "$src/docker/scripts/sh/entrypoint.sh" "$STAGE/entrypoint.sh"
  chmod 755 "$STAGE/entrypoint.sh"
  chmod -R u+w "$STAGE/schema"
  echo "go.temporal.io/server v$v" > "$STAGE/VERSION"
  finish server "$dir" "$start"
}

# ---------------------------------------------------------------------------------------------
# write_cli_notes DIR WANT BUILT: (re)writes DIR/SUBSTITUTION.txt (also on cached runs, so the
# notes follow test/e2e/build/cli-flag-differences.txt).
write_cli_notes() {
  local dir="$1" want="$2" built="$3" tmp
  [[ "$built" == "$want" ]] && { rm -f "$dir/SUBSTITUTION.txt"; return 0; }
  tmp="$dir/.SUBSTITUTION.txt.$$"
  {
    echo "CLI SUBSTITUTION"
    echo "================"
    echo "Requested: github.com/temporalio/cli v$want (the version bundled in temporalio/admin-tools 1.31.2)"
    echo "Built:     github.com/temporalio/cli v$built  -> $dir/bin/temporal"
    echo
    echo "Why: \`go install github.com/temporalio/cli/cmd/temporal@v$want\` failed with:"
    if [[ -f "$dir/build-v$want.log" ]]; then sed 's/^/    /' "$dir/build-v$want.log"; fi
    echo
    echo "Since v1.6.0 the CLI's go.mod has \`replace github.com/temporalio/cli/cliext => ./cliext\`;"
    echo "cliext is a nested module, left out of the module zip and not served by the proxy"
    echo "(github.com/temporalio/cli/cliext@v0.0.0.zip: 403 Forbidden), so a wrapper module that"
    echo "requires github.com/temporalio/cli cannot build it either. On the proxy, v1.6.2, v1.7.1 and"
    echo "v1.7.2 carry that replace, v1.6.0, v1.6.1, v1.7.0 and v1.5.2-* are not served (403), so"
    echo "v1.5.1 is the newest buildable release."
    if [[ -f "$SCRIPT_DIR/cli-flag-differences.txt" ]]; then
      echo
      cat "$SCRIPT_DIR/cli-flag-differences.txt"
    fi
  } > "$tmp"
  mv "$tmp" "$dir/SUBSTITUTION.txt"
}

build_cli() {
  local want="$CLI_VERSION" dir="$CACHE/cli-$CLI_VERSION" start built="" gomod v
  if ! begin cli "$dir"; then
    built="$(awk '{sub(/^v/,"",$2); print $2}' "$dir/VERSION" 2>/dev/null || true)"
    [[ -n "$built" ]] && write_cli_notes "$dir" "$want" "$built"
    return 0
  fi
  start=$(date +%s)
  local candidates=("$want")
  [[ "$CLI_FALLBACK_VERSION" != "$want" ]] && candidates+=("$CLI_FALLBACK_VERSION")
  for v in "${candidates[@]}"; do
    log "cli: trying github.com/temporalio/cli/cmd/temporal@v$v"
    if gomod="$(mod_field "github.com/temporalio/cli@v$v" GoMod 2>>"$STAGE/build-v$v.log")" && (
         use_toolchain_for "$gomod"
         GOBIN="$WORK/cli-gobin-$v" go install \
           -ldflags "-s -w -X github.com/temporalio/cli/temporalcli.Version=$v -X github.com/temporalio/cli/internal/temporalcli.Version=$v" \
           "github.com/temporalio/cli/cmd/temporal@v$v"
       ) >>"$STAGE/build-v$v.log" 2>&1; then
      mv "$WORK/cli-gobin-$v/temporal" "$STAGE/bin/temporal"
      built="$v"
      break
    fi
    log "cli: v$v failed:"; sed 's/^/    /' "$STAGE/build-v$v.log" >&2
  done
  [[ -n "$built" ]] || { echo "no CLI version could be built" >&2; exit 1; }
  echo "github.com/temporalio/cli v$built" > "$STAGE/VERSION"
  write_cli_notes "$STAGE" "$want" "$built"
  # the notes name the final path
  [[ -f "$STAGE/SUBSTITUTION.txt" ]] && sed -i "s#$STAGE#$dir#g" "$STAGE/SUBSTITUTION.txt"
  [[ "$built" != "$want" ]] && log "cli: substituted v$built for v$want (see $dir/SUBSTITUTION.txt)"
  finish cli "$dir" "$start"
}

# ---------------------------------------------------------------------------------------------
build_ui() {
  local v="$UI_VERSION" dir="$CACHE/ui-server-$UI_VERSION" start gomod src
  begin ui-server "$dir" || return 0
  start=$(date +%s)
  gomod="$(mod_field "github.com/temporalio/ui-server/v2@v$v" GoMod)"
  src="$(mod_field "github.com/temporalio/ui-server/v2@v$v" Dir)"
  (
    use_toolchain_for "$gomod"
    if grep -q '^replace' "$gomod" || [[ "${UI_BUILD_VIA_WRAPPER:-0}" == 1 ]]; then
      # go install refuses modules with replace directives: build from a throw-away wrapper
      # module that requires ui-server and repeats its replaces (these have pointed at other
      # published modules, e.g. grpc-gateway => temporalio/grpc-gateway; a local path would not work).
      log "ui-server: building through a wrapper module"
      local w="$WORK/ui-wrapper"; mkdir -p "$w"
      {
        echo "module temporal-cdk8s-e2e/ui-server-wrapper"
        echo
        awk '$1=="go"{print; exit}' "$gomod"
        echo
        awk '/^replace[[:space:]]*\(/{inb=1} inb{print} inb&&/^\)/{inb=0} /^replace[[:space:]]+[^(]/{print}' "$gomod"
      } > "$w/go.mod"
      (cd "$w" \
        && go get "github.com/temporalio/ui-server/v2/cmd/server@v$v" \
        && go build -o "$STAGE/bin/ui-server" github.com/temporalio/ui-server/v2/cmd/server)
    else
      GOBIN="$WORK/ui-gobin" go install "github.com/temporalio/ui-server/v2/cmd/server@v$v"
      mv "$WORK/ui-gobin/server" "$STAGE/bin/ui-server"
    fi
  )
  # The image runs `./ui-server --env docker start` in /home/ui-server with config/docker.yaml
  # (an env template). The module's whole config/ is copied: with --env docker the server loads
  # base.yaml then docker.yaml, and docker.yaml sets both keys base.yaml has.
  cp -R "$src/config" "$STAGE/config"
  cp "$src/docker/start-ui-server.sh" "$STAGE/start-ui-server.sh" 2>/dev/null || true
  chmod -R u+w "$STAGE/config" "$STAGE/start-ui-server.sh" 2>/dev/null || true
  echo "github.com/temporalio/ui-server/v2 v$v" > "$STAGE/VERSION"
  finish ui-server "$dir" "$start"
}

# ---------------------------------------------------------------------------------------------
# build_search opensearch|elasticsearch VERSION: the integ-test-zip distribution from Maven
# Central, plus the mapper-extras module (scaled_float, which Temporal's visibility template
# uses) rebuilt from its published -client jar. Neither runs as root (see RUN.txt).
build_search() {
  local kind="$1" v="$2" dir="$CACHE/$1-$2" start group plugin_group cls verkey javaver
  case "$kind" in
    opensearch) group=org.opensearch; cls=org.opensearch.index.mapper.MapperExtrasPlugin
                verkey=opensearch.version; javaver=11 ;;
    elasticsearch) group=org.elasticsearch; cls=org.elasticsearch.index.mapper.MapperExtrasPlugin
                   verkey=elasticsearch.version; javaver=1.8 ;;
  esac
  plugin_group="$group.plugin"
  begin "$kind" "$dir" || return 0
  start=$(date +%s)
  command -v mvn >/dev/null || { echo "$kind needs mvn (Maven) and a JDK" >&2; exit 1; }
  command -v unzip >/dev/null || { echo "$kind needs unzip" >&2; exit 1; }
  mvn -B -q -Dstyle.color=never dependency:copy "-Dartifact=$group.distribution.integ-test-zip:$kind:$v:zip" \
    "-DoutputDirectory=$WORK/$kind"
  mvn -B -q -Dstyle.color=never dependency:copy "-Dartifact=$plugin_group:mapper-extras-client:$v:jar" \
    "-DoutputDirectory=$WORK/$kind-mx"
  unzip -q "$WORK/$kind/$kind-$v.zip" -d "$WORK/$kind/unpacked"
  mv "$WORK/$kind/unpacked/$kind-$v" "$STAGE/dist"
  rmdir "$STAGE/bin"
  mkdir -p "$STAGE/dist/modules/mapper-extras"
  cp "$WORK/$kind-mx/mapper-extras-client-$v.jar" "$STAGE/dist/modules/mapper-extras/"
  cat > "$STAGE/dist/modules/mapper-extras/plugin-descriptor.properties" <<EOF
description=Adds advanced field mappers (scaled_float, ...); jar from $plugin_group:mapper-extras-client:$v
version=$v
name=mapper-extras
classname=$cls
java.version=$javaver
$verkey=$v
extended.plugins=
has.native.controller=false
EOF
  local envjava=JAVA_HOME opts=OPENSEARCH_JAVA_OPTS extra=""
  if [[ "$kind" == elasticsearch ]]; then envjava=ES_JAVA_HOME; opts=ES_JAVA_OPTS; extra=" -Expack.security.enabled=false"; fi
  cat > "$STAGE/RUN.txt" <<EOF
$kind $v (integ-test-zip: no bundled JDK, only transport-netty4$( [[ $kind == elasticsearch ]] && echo ", x-pack-core/security") + mapper-extras).
It refuses to run as root; as root, map the user in a user namespace (file access unchanged):

  $envjava=/usr/lib/jvm/java-17-openjdk-amd64 $opts="-Xms512m -Xmx512m" \\
  unshare --user --map-user=1000 --map-group=1000 \\
    $dir/dist/bin/$kind -Ediscovery.type=single-node -Enetwork.host=127.0.0.1 \\
    -Ehttp.port=9200 -Etransport.port=9300 -Epath.data=\$DATA -Epath.logs=\$LOGS$extra
EOF
  echo "$group.distribution.integ-test-zip:$kind:$v:zip + $plugin_group:mapper-extras-client:$v" > "$STAGE/VERSION"
  # The image's files belong to its non-root user; the harness runs the node as the pod's uid.
  chmod -R a+rX "$STAGE/dist"
  finish "$kind" "$dir" "$start"
}

# ---------------------------------------------------------------------------------------------
# build_s3: the S3 emulator wrapper module of this repository (test/e2e/build/s3), built from a
# copy (nothing is written into the repo). The folder is named after the gofakes3 version; the
# wrapper's own source is part of the build, so a copy built from other source is rebuilt.
build_s3() {
  local src="$SCRIPT_DIR/s3" v dir start sum force="$FORCE"
  v="$(awk -v m=github.com/johannesboyne/gofakes3 '$1=="require"&&$2==m{print $3; exit} $1==m{print $2; exit}' "$src/go.mod")"
  v="${v#v}"
  [[ -n "$v" ]] || { echo "$src/go.mod does not require github.com/johannesboyne/gofakes3" >&2; exit 1; }
  dir="$CACHE/s3-$v"
  sum="$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -d' ' -f1)"
  if [[ -f "$dir/.complete" && "$(cat "$dir/SOURCE_SHA256" 2>/dev/null)" != "$sum" ]]; then
    log "s3: $dir was built from other wrapper source: rebuilding"; force=1
  fi
  FORCE="$force" begin s3 "$dir" || return 0
  start=$(date +%s)
  cp -R "$src" "$WORK/s3-src"
  (
    use_toolchain_for "$src/go.mod"
    cd "$WORK/s3-src" && go build -trimpath -o "$STAGE/bin/s3-emulator" .
  )
  echo "github.com/johannesboyne/gofakes3 v$v (wrapper module test/e2e/build/s3)" > "$STAGE/VERSION"
  echo "$sum" > "$STAGE/SOURCE_SHA256"
  finish s3 "$dir" "$start"
}

TOTAL_START=$(date +%s)
case "$ONLY" in
  "") build_server; build_cli; build_ui
      [[ -z "$OPENSEARCH_VERSION" ]] || build_search opensearch "$OPENSEARCH_VERSION"
      [[ -z "$ELASTICSEARCH_VERSION" ]] || build_search elasticsearch "$ELASTICSEARCH_VERSION"
      [[ $S3 -eq 0 ]] || build_s3 ;;
  server) build_server ;;
  cli) build_cli ;;
  ui|ui-server) build_ui ;;
  opensearch) build_search opensearch "${OPENSEARCH_VERSION:-2.19.6}" ;;
  elasticsearch) build_search elasticsearch "${ELASTICSEARCH_VERSION:-7.17.29}" ;;
  s3) build_s3 ;;
  *) echo "--only must be server, cli, ui, opensearch, elasticsearch or s3" >&2; exit 2 ;;
esac

echo "== timings (cache: $CACHE)"
for n in "${ORDER[@]}"; do printf '  %-14s %s\n' "$n" "${TIMINGS[$n]}"; done
printf '  %-14s %ss\n' total "$(( $(date +%s) - TOTAL_START ))"
