#!/usr/bin/env bash
# Applies the reference CRDs and the rendered profiles (dist/<profile> and dist/<profile>-custom-resources)
# to the control plane started by start-control-plane.sh, then reports every rejection and warning the
# API server returned and what the controllers made of it (ReplicaSets, Pods, Warning events such as
# PodSecurity FailedCreate). There are no nodes: Pods stay Pending and unscheduled, as expected.
#
# Usage: apply-profiles.sh [PROFILE...]   (default: dev staging production)
# Environment: CLUSTER_STATE, DIST_DIR (<repo>/dist), CRD_DIR (<repo>/../shared/reference/crds),
# SETTLE_SECONDS (how long to wait for the controllers, default 60).
# Exit status: 0 when every apply succeeded and no controller reported a Warning event, 1 otherwise.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
STATE=${CLUSTER_STATE:-/var/tmp/temporal-cdk8s-cluster}
DIST=${DIST_DIR:-$repo/dist}
CRD_DIR=${CRD_DIR:-$repo/../shared/reference/crds}
SETTLE_SECONDS=${SETTLE_SECONDS:-60}
export KUBECONFIG=${KUBECONFIG:-$STATE/admin.kubeconfig}
k() { "$KUBE_BIN_DIR/kubectl" "$@"; }

profiles=("$@")
[[ ${#profiles[@]} -gt 0 ]] || profiles=(dev staging production)
failed=0

section() { printf '\n=== %s\n' "$*"; }

# apply_dir DIR: kubectl apply, all output shown; notes failure.
apply_dir() {
  local dir=$1 out rc
  out=$(k apply -f "$dir" --recursive 2>&1)
  rc=$?
  section "kubectl apply -f ${dir#"$repo"/} --recursive (exit $rc)"
  # Created/configured/unchanged lines are noise; rejections and warnings are the point.
  printf '%s\n' "$out" | grep -Ev '^[a-z0-9.-]+(/| )[^ ]+ (created|configured|unchanged)$' || echo "(no warnings or errors)"
  printf '%s\n' "$out" | grep -Ec ' (created|configured|unchanged)$' | sed 's/^/objects accepted: /'
  [[ $rc -eq 0 ]] || failed=1
}

if [[ -d $CRD_DIR ]]; then
  section "CRDs from $CRD_DIR"
  # Server-side apply: some CRDs are larger than the client-side last-applied annotation allows.
  k apply --server-side --force-conflicts -f "$CRD_DIR" 2>&1 | grep -v ' serverside-applied$'
  k wait --for condition=Established --timeout 60s crd --all >/dev/null || failed=1
  echo "CRDs established: $(k get crd --no-headers 2>/dev/null | wc -l)"
else
  section "no CRD folder at $CRD_DIR; custom resources will be rejected"
fi

namespaces=()
for p in "${profiles[@]}"; do
  for d in "$DIST/$p" "$DIST/$p-custom-resources"; do
    [[ -d $d ]] || { section "${d#"$repo"/}: no such folder, skipped"; continue; }
    apply_dir "$d"
    while read -r ns; do
      [[ -n $ns ]] && namespaces+=("$ns")
    done < <(k get -f "$d" --recursive --ignore-not-found -o jsonpath='{range .items[*]}{.metadata.namespace}{"\n"}{end}' 2>/dev/null | sort -u)
  done
done
mapfile -t namespaces < <(printf '%s\n' "${namespaces[@]}" | sort -u)

# Let the controllers work: wait until the Pod count stops changing (or SETTLE_SECONDS pass).
prev=-1 stable=0
for ((i = 0; i < SETTLE_SECONDS; i += 2)); do
  n=$(k get pods -A --no-headers 2>/dev/null | wc -l)
  if [[ $n -eq $prev ]]; then ((stable++)); else stable=0; fi
  ((stable >= 3)) && break
  prev=$n
  sleep 2
done

for ns in "${namespaces[@]}"; do
  section "namespace $ns: $(k get ns "$ns" -o jsonpath='{.metadata.labels}' 2>/dev/null | tr -d '{}"' | tr ',' ' ' | grep -o 'pod-security[^ ]*' | tr '\n' ' ')"
  echo "-- Deployments -> ReplicaSets -> Pods"
  k -n "$ns" get deploy -o custom-columns='DEPLOYMENT:.metadata.name,DESIRED:.spec.replicas,RS_CONDITIONS:.status.conditions[*].reason' 2>&1
  k -n "$ns" get rs -o custom-columns='REPLICASET:.metadata.name,OWNER:.metadata.ownerReferences[0].name,DESIRED:.spec.replicas,PODS:.status.replicas,FAILURE:.status.conditions[?(@.type=="ReplicaFailure")].message' 2>&1
  echo "-- StatefulSets, Jobs, CronJobs"
  k -n "$ns" get sts,job,cronjob -o custom-columns='KIND:.kind,NAME:.metadata.name,DESIRED:.spec.replicas,CURRENT:.status.replicas,JOB_ACTIVE:.status.active' 2>&1
  echo "-- Pods (no nodes: Pending is expected)"
  k -n "$ns" get pods -o custom-columns='POD:.metadata.name,OWNER:.metadata.ownerReferences[0].kind,PHASE:.status.phase,SA:.spec.serviceAccountName' 2>&1
  echo "-- Warning events (HPA metric events are expected: there is no metrics-server)"
  ev=$(k -n "$ns" get events --field-selector type=Warning --no-headers \
    -o custom-columns='OBJECT:.involvedObject.kind,NAME:.involvedObject.name,REASON:.reason,COUNT:.count,MESSAGE:.message' 2>&1 |
    grep -v '^No resources found')
  unexpected=$(printf '%s\n' "$ev" | grep -Ev '^HorizontalPodAutoscaler +[^ ]+ +(FailedGetResourceMetric|FailedComputeMetricsReplicas|FailedGetPodsMetric|FailedGetExternalMetric) ' | grep -v '^$')
  printf '%s\n' "${ev:-(none)}"
  [[ -z $unexpected ]] || { echo "unexpected Warning events: $(printf '%s\n' "$unexpected" | wc -l)"; failed=1; }
  # Negative control: a bare Pod must be refused where the namespace enforces a PodSecurity level.
  if [[ -n $(k get ns "$ns" -o jsonpath='{.metadata.labels.pod-security\.kubernetes\.io/enforce}' 2>/dev/null) ]]; then
    canary=$(k -n "$ns" run psa-canary --image=example.invalid/canary --restart=Never --dry-run=server -o name 2>&1)
    if [[ $canary == *"violates PodSecurity"* ]]; then
      echo "-- PodSecurity canary (server dry-run of a bare Pod): refused as expected: $canary"
    else
      echo "-- PodSecurity canary NOT refused: $canary"
      failed=1
    fi
  fi
done

section "result: $([[ $failed -eq 0 ]] && echo OK || echo 'FAILED (rejections, warnings events or CRDs not established; see above)')"
exit "$failed"
