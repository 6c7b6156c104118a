#!/usr/bin/env bash
# Stops what start-control-plane.sh started, by the pids it recorded (never by name), newest first.
# A recorded pid is only signalled while its /proc/<pid>/exe is still the binary that was started.
# Leaves $CLUSTER_STATE (logs, certificates) in place unless CLUSTER_CLEAN=1.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
STATE=${CLUSTER_STATE:-/var/tmp/temporal-cdk8s-cluster}

log() { printf '[stop-control-plane] %s\n' "$*" >&2; }

stop_one() {
  local name=$1 pidfile="$STATE/pids/$1.pid" pid exe
  [[ -f $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
  if [[ -z $exe || $(basename "${exe% (deleted)}") != "$name" ]]; then
    log "$name (pid $pid) is not running"
    rm -f "$pidfile"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name (pid $pid) ignored SIGTERM for 20s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  log "$name (pid $pid) stopped"
  rm -f "$pidfile"
}

stop_one kube-controller-manager
stop_one kube-apiserver
stop_one etcd

if [[ ${CLUSTER_CLEAN:-0} == 1 ]]; then
  rm -rf "$STATE"
  log "removed $STATE"
fi
