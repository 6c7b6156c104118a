#!/usr/bin/env bash
# npm run cluster-check [-- --profile P]... [--base REF | --base-dist DIR] [--dist DIR] [--keep]
#
# Applies the rendered profiles to a real Kubernetes control plane (etcd, kube-apiserver with
# PodSecurity, kube-controller-manager; built from the Go module proxy by build-control-plane.sh and
# cached) the way docs/deploy.md tells users to, and fails on anything the API server or the controllers
# refuse or warn about:
#   1. control plane + the CRDs of ../shared/reference/crds;
#   2. first install, per profile: `kubectl apply -f dist/<p> --recursive`, then the custom-resources
#      folder (no kubectl warning allowed); the controllers create ReplicaSets and Pods (Pending: there
#      are no nodes) and, read back from the server, every expected Pod exists (admitted under the
#      namespace's "restricted" enforcement), every HPA can scale its target, every PDB and Service
#      selects the Pods of its workload, no Warning event; then `kubectl apply --server-side` twice
#      over it: accepted, and nothing changes; dist/argocd in an "argocd" namespace;
#   3. upgrade, per profile, on a fresh control plane: the base commit's dist/ (git archive), then the
#      current one as "Upgrades" in docs/operate.md says (datastores file, folder, custom resources), then
#      the prune command of dist/<p>/README.md: it must remove exactly what the base renders and the
#      current dist does not;
#   4. bad output fails loudly: broken copies of rendered objects are refused (or warned about and
#      then refused to the controller) with the expected message.
# Prints a summary table; exit 1 on any failure.
#
# Options: --profile P (repeatable; default dev staging production), --base REF (default: the merge
# base of HEAD and origin/main, else HEAD~1; when that renders this very dist/, the commit before the
# newest change of dist/), --base-dist DIR (a dist/ folder instead of a ref),
# --dist DIR (default <repo>/dist), --keep (keep the work folder: logs, dumps, control-plane state).
# Environment: K8S_VERSION, CLUSTER_ETCD_VERSION, K8S_CACHE (versions.env); CLUSTER_APISERVER_PORT
# (16443), CLUSTER_ETCD_PORT (23790), CLUSTER_ETCD_PEER_PORT (23800), CLUSTER_KCM_PORT (16257): two runs
# on one machine need different ports; CLUSTER_SETTLE_TIMEOUT (seconds for the controllers, 120);
# CRD_DIR (<repo>/../shared/reference/crds).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

log() { printf '[cluster-check] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

profiles=()
base_ref=""
base_dist=""
DIST="$repo/dist"
keep=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --profile) [[ $# -ge 2 ]] || die "--profile needs a value"; profiles+=("$2"); shift 2 ;;
    --profile=*) profiles+=("${1#*=}"); shift ;;
    --base) [[ $# -ge 2 ]] || die "--base needs a value"; base_ref=$2; shift 2 ;;
    --base=*) base_ref=${1#*=}; shift ;;
    --base-dist) [[ $# -ge 2 ]] || die "--base-dist needs a value"; base_dist=$2; shift 2 ;;
    --base-dist=*) base_dist=${1#*=}; shift ;;
    --dist) [[ $# -ge 2 ]] || die "--dist needs a value"; DIST=$2; shift 2 ;;
    --dist=*) DIST=${1#*=}; shift ;;
    --keep) keep=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
[[ ${#profiles[@]} -gt 0 ]] || profiles=(dev staging production)
[[ -z $base_ref || -z $base_dist ]] || die "--base and --base-dist exclude each other"
DIST=$(cd "$DIST" && pwd) || die "no dist folder $DIST"
for p in "${profiles[@]}"; do [[ -d $DIST/$p ]] || die "no profile folder $DIST/$p"; done
CRD_DIR=${CRD_DIR:-$repo/../shared/reference/crds}
[[ -d $CRD_DIR ]] || die "no CRD folder $CRD_DIR"
SETTLE_TIMEOUT=${CLUSTER_SETTLE_TIMEOUT:-120}
command -v node >/dev/null || die "node is not on PATH"
command -v openssl >/dev/null || die "openssl is not on PATH (certificates)"
command -v curl >/dev/null || die "curl is not on PATH (health checks)"

export CLUSTER_APISERVER_PORT=${CLUSTER_APISERVER_PORT:-16443}
export CLUSTER_ETCD_PORT=${CLUSTER_ETCD_PORT:-23790}
export CLUSTER_ETCD_PEER_PORT=${CLUSTER_ETCD_PEER_PORT:-23800}
export CLUSTER_KCM_PORT=${CLUSTER_KCM_PORT:-16257}
ports=("$CLUSTER_APISERVER_PORT" "$CLUSTER_ETCD_PORT" "$CLUSTER_ETCD_PEER_PORT" "$CLUSTER_KCM_PORT")

# One run per port set: a second run with the same ports fails here instead of half-starting.
lock="${TMPDIR:-/tmp}/temporal-cdk8s-cluster-check.$CLUSTER_APISERVER_PORT.lock"
exec 8>"$lock"
flock -n 8 || die "another cluster-check uses API server port $CLUSTER_APISERVER_PORT (lock $lock); set CLUSTER_APISERVER_PORT, CLUSTER_ETCD_PORT, CLUSTER_ETCD_PEER_PORT and CLUSTER_KCM_PORT to free ports"

WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/temporal-cdk8s-cluster-check.XXXXXX")
export CLUSTER_STATE="$WORK/control-plane"
export KUBECONFIG="$CLUSTER_STATE/admin.kubeconfig"
KUBECTL="$KUBE_BIN_DIR/kubectl"
HELPER=(node "$repo/scripts/run.js" test/cluster/cluster-check.ts)
mkdir -p "$WORK/logs" "$WORK/dumps"
k() { "$KUBECTL" "$@"; }

started=$SECONDS
rows=()
failed=0

stop_cluster() { "$here/stop-control-plane.sh" >>"$WORK/logs/control-plane.log" 2>&1 || true; }
on_exit() {
  local rc=$?
  stop_cluster
  if [[ $rc -eq 0 && $keep -eq 0 ]]; then
    rm -rf "$WORK"
  else
    log "work folder kept: $WORK (logs/, dumps/, control-plane/logs/)"
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# step NAME PROFILE FUNCTION ARGS...: runs FUNCTION in a subshell with errexit, times it, records a
# summary row. The function's output goes to the terminal and logs/NAME-PROFILE.log; its last line
# starting with "NOTE " becomes the row's note. Returns the function's status.
step() {
  local name=$1 profile=$2; shift 2
  local t0=$SECONDS rc=0 logf="$WORK/logs/$name-$profile.log"
  printf '\n=== %s %s\n' "$name" "$profile"
  set +e
  (set -e; "$@") 2>&1 | tee "$logf"
  rc=${PIPESTATUS[0]}
  set -e
  local note result
  note=$(grep '^NOTE ' "$logf" | tail -n1 | cut -c6-) || true
  case $rc in
    0) result=PASS ;;
    3) result=SKIP ;; # the step does not apply (printed why)
    *) result=FAIL; failed=1; [[ -n $note ]] || note=$(grep -m1 -E '^(FAIL |  \| )' "$logf" | sed -E 's/^(FAIL |  \| )//' | cut -c1-110) || true ;;
  esac
  rows+=("$name|$profile|$result|$((SECONDS - t0))|${note:--}")
  return 0
}
step_failed() { [[ ${rows[-1]} == *"|FAIL|"* ]]; }

# ------------------------------------------------------------------------------------------ kubectl
# kubectl_checked NAME ARGS...: runs kubectl ARGS; fails on a non-zero exit and on ANY stderr output
# (kubectl prints the API server's warnings there: PodSecurity, deprecations, unknown fields, …).
kubectl_checked() {
  local name=$1; shift
  local out="$WORK/logs/$name.out" err="$WORK/logs/$name.err" rc=0
  k "$@" >"$out" 2>"$err" || rc=$?
  local counts
  counts=$(awk '{print $NF}' "$out" | sort | uniq -c | awk '{printf "%s%s %s", (NR>1?", ":""), $1, $2}')
  echo "kubectl $* -> exit $rc${counts:+: $counts}"
  if [[ -s $err ]]; then
    echo "kubectl stderr (each line fails the check):"
    sed 's/^/  | /' "$err"
    { echo "## $name: kubectl $*"; cat "$err"; } >>"${WARNINGS_FILE:-$WORK/warnings.txt}"
    return 1
  fi
  [[ $rc -eq 0 ]]
}

ports_free() {
  local p
  for p in "${ports[@]}"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "FAIL port 127.0.0.1:$p is in use (another control plane?); set CLUSTER_APISERVER_PORT, CLUSTER_ETCD_PORT, CLUSTER_ETCD_PEER_PORT, CLUSTER_KCM_PORT"
      return 1
    fi
  done
}

start_cluster() {
  ports_free
  "$here/start-control-plane.sh" >"$WORK/logs/control-plane.out" 2>>"$WORK/logs/control-plane.log" || {
    tail -n 40 "$WORK/logs/control-plane.log"
    return 1
  }
  grep '^\[start-control-plane\] control plane up' "$WORK/logs/control-plane.log" | tail -n1 || true
  kubectl_checked crds apply --server-side -f "$CRD_DIR"
  k wait --for condition=Established --timeout 60s crd --all >/dev/null
  echo "NOTE Kubernetes $K8S_VERSION, etcd $CLUSTER_ETCD_VERSION, $(k get crd --no-headers | wc -l) CRDs"
}

# ------------------------------------------------------------------------------------------ helpers
ns_of() { "${HELPER[@]}" keys "$1" | awk -F/ '$1 == "Namespace" {print $3; exit}'; }
cr_dir() { [[ -d $1/$2-custom-resources ]] && echo "$1/$2-custom-resources"; return 0; }
# profile_dirs DIST PROFILE: PD=(DIST/PROFILE [DIST/PROFILE-custom-resources])
profile_dirs() { PD=("$1/$2"); [[ ! -d $1/$2-custom-resources ]] || PD+=("$1/$2-custom-resources"); }

# What docs/deploy.md asks to do by hand before the first apply ("Secrets to create"): for a profile
# whose generated README ("Before you apply") leaves Secrets to a person, create the namespace with
# --save-config (the first apply adopts it; without it the apply warns that the last-applied annotation
# is missing), then run each `kubectl create secret` command of that README as printed, with a made-up
# value. test/docs-commands.test.ts checks the page's commands against this function and the README.
# readme_prestep DIST PROFILE NS
readme_prestep() {
  local dist=$1 profile=$2 ns=$3 i=0 line out
  local -a cmds args
  out=$("${HELPER[@]}" secret-commands "$dist/$profile/README.md") || { echo "$out"; return 1; }
  [[ -n $out ]] || return 0
  mapfile -t cmds <<<"$out"
  kubectl_checked "prestep-$profile-ns" create namespace "$ns" --save-config
  for line in "${cmds[@]}"; do
    IFS=$'\t' read -r -a args <<<"$line"
    kubectl_checked "prestep-$profile-secret-$((i++))" "${args[@]}"
  done
}

# apply_profile TAG DIST PROFILE: the two commands of docs/deploy.md ("With kubectl").
apply_profile() {
  local tag=$1 dist=$2 p=$3 cr
  kubectl_checked "$tag-$p" apply -f "$dist/$p" --recursive
  cr=$(cr_dir "$dist" "$p")
  if [[ -n $cr ]]; then kubectl_checked "$tag-$p-custom-resources" apply -f "$cr" --recursive; fi
}

dump_namespace() {
  k -n "$1" get deployments,statefulsets,jobs,cronjobs,replicasets,pods,horizontalpodautoscalers,poddisruptionbudgets,services,events -o json >"$2"
}

# run_cronjobs NS DIRS...: starts one Job from each rendered CronJob of NS (`kubectl create job
# --from=cronjob/…`, as an operator would to test a backup), so its Pod template meets admission too.
run_cronjobs() {
  local ns=$1 cj; shift
  for cj in $("${HELPER[@]}" keys "$@" | awk -F/ -v ns="$ns" '$1 == "CronJob.batch" && $2 == ns {print $3}'); do
    k -n "$ns" get job "$cj-check" >/dev/null 2>&1 || kubectl_checked "cronjob-$ns-$cj" -n "$ns" create job "$cj-check" --from="cronjob/$cj"
  done
}

# settle MODE PROFILE NS DIRS...: polls the server until the install check passes, fails or times out.
settle() {
  local mode=$1 p=$2 ns=$3; shift 3
  local deadline=$((SECONDS + SETTLE_TIMEOUT)) dump="$WORK/dumps/$mode-$p.json" rc
  [[ $mode != install ]] || run_cronjobs "$ns" "$@"
  while :; do
    dump_namespace "$ns" "$dump"
    rc=0
    "${HELPER[@]}" install-check --mode "$mode" --ns "$ns" --server "$dump" "$@" >/dev/null || rc=$?
    [[ $rc -eq 2 && $SECONDS -lt $deadline ]] || break
    sleep 2
  done
  "${HELPER[@]}" install-check --mode "$mode" --ns "$ns" --server "$dump" --final "$@"
}

# The namespace enforces "restricted", and a bare Pod with no security context is refused there.
podsecurity_canary() {
  local ns=$1 level out
  level=$(k get ns "$ns" -o jsonpath='{.metadata.labels.pod-security\.kubernetes\.io/enforce}')
  [[ $level == restricted ]] || { echo "FAIL namespace $ns enforces Pod Security \"$level\", not restricted"; return 1; }
  out=$(k -n "$ns" run psa-canary --image=example.invalid/canary --restart=Never --dry-run=server -o name 2>&1) || true
  [[ $out == *'violates PodSecurity "restricted:'* ]] || { echo "FAIL PodSecurity canary not refused in $ns: $out"; return 1; }
  echo "namespace $ns: enforce=restricted; a bare Pod is refused (server dry-run)"
}

# ------------------------------------------------------------------------------------------ steps
do_install() {
  local p=$1 ns
  ns=$(ns_of "$DIST/$p")
  readme_prestep "$DIST" "$p" "$ns"
  apply_profile install "$DIST" "$p"
  profile_dirs "$DIST" "$p"
  echo "NOTE namespace $ns, $("${HELPER[@]}" keys "${PD[@]}" | wc -l) objects"
}

do_assert() {
  local mode=$1 dist=$2 p=$3 ns out
  ns=$(ns_of "$dist/$p")
  profile_dirs "$dist" "$p"
  out=$(settle "$mode" "$p" "$ns" "${PD[@]}") || { echo "$out"; return 1; }
  echo "$out"
  podsecurity_canary "$ns"
  echo "NOTE $(tail -n1 <<<"$out" | sed "s/^$ns: //")"
}

do_server_side() {
  local p=$1 d fargs=() dirs
  profile_dirs "$DIST" "$p"
  dirs=("${PD[@]}")
  for d in "${dirs[@]}"; do fargs+=(-f "$d"); done
  k get "${fargs[@]}" --recursive -o json >"$WORK/dumps/ssa-$p-0.json"
  local i rc=0
  for i in 1 2; do
    for d in "${dirs[@]}"; do
      kubectl_checked "ssa$i-$p-$(basename "$d")" apply --server-side -f "$d" --recursive || rc=1
    done
    k get "${fargs[@]}" --recursive -o json >"$WORK/dumps/ssa-$p-$i.json"
    echo "server-side apply #$i changed (status, managedFields, resourceVersion and last-applied aside):"
    "${HELPER[@]}" same "$WORK/dumps/ssa-$p-$((i - 1)).json" "$WORK/dumps/ssa-$p-$i.json" | sed 's/^/  /' || rc=1
  done
  [[ $rc -eq 0 ]] && echo "NOTE accepted twice, nothing changed"
  return "$rc"
}

do_argocd() {
  [[ -d $DIST/argocd ]] || { echo "NOTE no $DIST/argocd"; return 3; }
  # Argo CD's own namespace exists where Argo CD runs; created here without apply (nothing to adopt).
  k create namespace argocd >/dev/null
  kubectl_checked argocd apply -f "$DIST/argocd" --recursive
  echo "NOTE $(grep -c '^kind:' "$DIST"/argocd/*.yaml | awk -F: '{s+=$NF} END {print s}') objects"
}

# extract_base SHA: BASE=<work>/base-SHA/dist, the dist/ committed at SHA.
extract_base() {
  mkdir -p "$WORK/base-$1"
  git -C "$repo" archive "$1" dist | tar -x -C "$WORK/base-$1" || { BASE_ERROR="git archive $1 dist failed (no dist/ there?)"; return 1; }
  BASE="$WORK/base-$1/dist"
  BASE_LABEL="$(git -C "$repo" log -1 --format='%h %s' "$1" | cut -c1-60)"
}

resolve_base() {
  local explicit=0
  [[ -z $base_ref ]] || explicit=1
  if [[ -n $base_dist ]]; then
    BASE=$(cd "$base_dist" && pwd)
    BASE_LABEL="$base_dist"
    return 0
  fi
  if [[ -z $base_ref ]]; then
    if git -C "$repo" rev-parse -q --verify origin/main >/dev/null; then
      base_ref=$(git -C "$repo" merge-base HEAD origin/main)
    else
      base_ref=HEAD~1
    fi
  fi
  local sha last
  # (A shallow clone has no HEAD~1: fetch more history or pass --base/--base-dist.)
  sha=$(git -C "$repo" rev-parse -q --verify "$base_ref^{commit}") || { BASE_ERROR="--base $base_ref: no such commit (shallow clone?)"; return 1; }
  extract_base "$sha" || return 1
  BASE_LABEL="$base_ref ($BASE_LABEL)"
  # On main itself the merge base renders exactly this dist/, and an upgrade to itself proves nothing:
  # upgrade from the dist/ before the newest commit that changed it (the last change users applied).
  if [[ $explicit -eq 0 ]] && diff -rq "$BASE" "$DIST" >/dev/null 2>&1; then
    last=$(git -C "$repo" log -1 --format=%H "$sha" -- dist)
    sha=$(git -C "$repo" rev-parse -q --verify "$last~1^{commit}") || { BASE_ERROR="$base_ref renders this dist/ and the commit before its last dist/ change is not here (shallow clone?): pass --base or --base-dist"; return 1; }
    extract_base "$sha" || return 1
    BASE_LABEL="the dist/ before its last change ($BASE_LABEL)"
  fi
}

do_upgrade() {
  local p=$1 ns
  [[ -d $BASE/$p ]] || { echo "NOTE the base renders no $p: nothing to upgrade"; return 3; }
  ns=$(ns_of "$DIST/$p")
  readme_prestep "$DIST" "$p" "$ns"
  echo "-- the base: $BASE_LABEL"
  apply_profile base "$BASE" "$p"
  # The base's controllers run (claim PVCs, ReplicaSets, Job Pods) before the upgrade, as in a cluster.
  local out
  profile_dirs "$BASE" "$p"
  out=$(settle install "base-$p" "$(ns_of "$BASE/$p")" "${PD[@]}") || { echo "$out"; echo "FAIL the base install"; return 1; }
  echo "the base install: $(tail -n1 <<<"$out")"
  echo "-- the upgrade (docs/operate.md \"Upgrades\", kubectl): the datastores file first, then both folders"
  local ds
  ds=$(find "$DIST/$p" -maxdepth 1 -name '*-datastores.k8s.yaml' | sort | head -n1)
  if [[ -n $ds ]]; then
    kubectl_checked "upgrade-$p-datastores" apply -f "$ds"
    echo "(the docs' wait for the schema Job is skipped: without nodes no Job completes)"
  fi
  apply_profile upgrade "$DIST" "$p"
  local changed
  changed=$(diff -rq "$BASE/$p" "$DIST/$p" 2>/dev/null | grep -c '\.yaml' || true)
  echo "NOTE $changed manifest file(s) differ from the base"
}

do_prune() {
  local p=$1 ns readme kinds args=() base_dirs cur_dirs
  readme="$DIST/$p/README.md"
  [[ -d $BASE/$p ]] || { echo "NOTE the base renders no $p"; return 3; }
  [[ -f $readme ]] || { echo "FAIL no $readme (the generated prune command)"; return 1; }
  ns=$(ns_of "$DIST/$p")
  profile_dirs "$BASE" "$p"; base_dirs=("${PD[@]}")
  profile_dirs "$DIST" "$p"; cur_dirs=("${PD[@]}")
  kinds=$("${HELPER[@]}" prune-kinds "$readme" "${base_dirs[@]}")
  mapfile -t args < <("${HELPER[@]}" prune-args "$readme")
  [[ ${#args[@]} -gt 0 && ${args[0]} == apply ]] || { printf '%s\n' "${args[@]}"; return 1; }
  k get "$kinds" -A -o json >"$WORK/dumps/prune-$p-before.json"
  # The command as printed, run where "dist/" is this check's dist folder.
  mkdir -p "$WORK/cwd-$p"
  ln -sfn "$DIST" "$WORK/cwd-$p/dist"
  local rc=0
  (cd "$WORK/cwd-$p" && kubectl_checked "prune-$p" "${args[@]}") || rc=1
  k get "$kinds" -A -o json >"$WORK/dumps/prune-$p-after.json"
  local out
  out=$("${HELPER[@]}" prune-check --base "${base_dirs[@]}" --current "${cur_dirs[@]}" \
    --before "$WORK/dumps/prune-$p-before.json" --after "$WORK/dumps/prune-$p-after.json") || rc=1
  echo "$out"
  [[ $rc -ne 0 ]] || echo "NOTE pruned exactly what the change removed: $(grep '^removed by the prune' <<<"$out" | cut -d: -f2- | sed 's/^ none$//' | wc -w) object(s)"
  return "$rc"
}

# contains_all TEXT 'A&&B&&…': TEXT contains every literal part.
contains_all() {
  local text=$1 part
  local -a parts
  IFS=$'\x01' read -r -a parts <<<"${2//&&/$'\x01'}"
  for part in "${parts[@]}"; do [[ $text == *"$part"* ]] || return 1; done
}

# expect_refused NAME 'MESSAGE[&&MESSAGE…]' KUBECTL-ARGS...: kubectl must exit non-zero, its output
# containing every MESSAGE.
expect_refused() {
  local name=$1 msg=$2; shift 2
  local out rc=0
  out=$(k "$@" 2>&1) || rc=$?
  if [[ $rc -ne 0 ]] && contains_all "$out" "$msg"; then
    echo "refused as expected: $name: $(tr '\n' ' ' <<<"$out" | cut -c1-240)"
    return 0
  fi
  echo "FAIL $name: expected a refusal containing '$msg', got exit $rc: $out"
  return 1
}

do_bad_output() {
  local ns=cluster-check-bad dir="$WORK/bad" rc=0 out
  WARNINGS_FILE="$WORK/logs/bad-output-warnings.txt" # expected here: not in the summary's list
  # Its own namespace, with the labels the profiles' Namespaces carry.
  k create namespace "$ns" >/dev/null
  k label namespace "$ns" pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/enforce-version=latest \
    pod-security.kubernetes.io/warn=restricted pod-security.kubernetes.io/audit=restricted >/dev/null
  local i
  for ((i = 0; i < 30; i++)); do k -n "$ns" get serviceaccount default >/dev/null 2>&1 && break; sleep 1; done
  "${HELPER[@]}" bad-variants "$DIST" "$dir" "$ns"

  # 1. Privileged container: a bare Pod is refused; a Deployment is accepted with a PodSecurity warning
  #    (which kubectl_checked turns into a failure) and its ReplicaSet's Pods are refused (FailedCreate,
  #    which the install check turns into a failure).
  expect_refused "privileged Pod" 'violates PodSecurity "restricted:latest"&&privileged (container' apply -f "$dir/privileged-pod.yaml" || rc=1
  if kubectl_checked bad-privileged-deployment apply -f "$dir/privileged-deployment.yaml" >"$WORK/logs/bad-deploy.txt"; then
    echo "FAIL privileged Deployment: applied without a warning"; rc=1
  elif grep -q 'bad-privileged created' "$WORK/logs/bad-privileged-deployment.out" &&
    contains_all "$(cat "$WORK/logs/bad-deploy.txt")" 'would violate PodSecurity "restricted:latest"&&privileged (container'; then
    echo "warned as expected (kubectl_checked fails on it): privileged Deployment: $(grep -m1 'would violate' "$WORK/logs/bad-deploy.txt" | cut -c1-200)"
  else
    echo "FAIL privileged Deployment: $(cat "$WORK/logs/bad-deploy.txt")"; rc=1
  fi
  local seen=0
  for ((i = 0; i < 30; i++)); do
    dump_namespace "$ns" "$WORK/dumps/bad.json"
    out=$("${HELPER[@]}" install-check --mode install --ns "$ns" --server "$WORK/dumps/bad.json" "$dir/privileged-deployment.yaml") || true
    if grep -q 'FailedCreate.*violates PodSecurity' <<<"$out"; then seen=1; break; fi
    sleep 1
  done
  if [[ $seen -eq 1 ]]; then
    echo "caught as expected: privileged Deployment: $(grep -m1 'FailedCreate' <<<"$out" | cut -c1-200)"
  else
    echo "FAIL privileged Deployment: no FailedCreate event caught: $out"; rc=1
  fi

  # 2. Invalid Service port name.
  expect_refused "Service port name Bad_Port" 'spec.ports[0].name: Invalid value: "Bad_Port"' apply -f "$dir/bad-port-service.yaml" || rc=1
  # 3. Unknown field in a custom resource: server-side apply and client-side --validate=strict.
  expect_refused "Certificate unknown field (--server-side)" 'bogusField' apply --server-side -f "$dir/certificate-unknown-field.yaml" || rc=1
  expect_refused "Certificate unknown field (--validate=strict)" 'unknown field "spec.bogusField"' apply --validate=strict -f "$dir/certificate-unknown-field.yaml" || rc=1
  expect_refused "Certificate enum (CRD schema)" 'spec.privateKey.algorithm: Unsupported value: "DSA"' apply -f "$dir/certificate-bad-enum.yaml" || rc=1
  # 4. Immutable fields changed in place (why Job names carry a digest; claim templates stay fixed).
  k apply -f "$dir/job-original.yaml" >/dev/null
  expect_refused "Job pod template changed in place" 'spec.template: Invalid value&&field is immutable' apply -f "$dir/job-template-changed.yaml" || rc=1
  k apply -f "$dir/statefulset-original.yaml" >/dev/null
  expect_refused "StatefulSet volumeClaimTemplates resized" 'spec.volumeClaimTemplates: Invalid value&&field is immutable' apply -f "$dir/statefulset-claim-resized.yaml" || rc=1
  [[ $rc -ne 0 ]] || echo "NOTE 9 broken variants caught"
  return "$rc"
}

# ------------------------------------------------------------------------------------------ run
log "work folder $WORK; profiles: ${profiles[*]}; dist: $DIST"
do_build() {
  "$here/build-control-plane.sh"
  echo "NOTE $(cat "$K8S_CACHE/kubernetes-$K8S_VERSION/.complete"); $(cat "$K8S_CACHE/etcd-$CLUSTER_ETCD_VERSION/.complete")"
}
step build - do_build
if step_failed; then exit 1; fi

# Phase 1: first install.
step control-plane - start_cluster
if ! step_failed; then
  for p in "${profiles[@]}"; do step install "$p" do_install "$p"; done
  for p in "${profiles[@]}"; do step assert "$p" do_assert install "$DIST" "$p"; done
  for p in "${profiles[@]}"; do step server-side "$p" do_server_side "$p"; done
  step argocd - do_argocd
fi
stop_cluster

# Phase 2: upgrade from the base on a fresh control plane, then the bad output in its own namespace.
BASE_LABEL="(none)"
if ! resolve_base; then
  log "ERROR: $BASE_ERROR"
  rows+=("base|-|FAIL|0|$BASE_ERROR")
  failed=1
else
  log "upgrade base: $BASE_LABEL"
  # (A control plane that could not start once will not start now: ports, binaries, certificates.)
  [[ ${rows[1]} == *"|FAIL|"* ]] || step control-plane - start_cluster
fi
if ! step_failed; then
  for p in "${profiles[@]}"; do
    step upgrade "$p" do_upgrade "$p"
    step prune "$p" do_prune "$p"
    step assert-upgraded "$p" do_assert upgrade "$DIST" "$p"
  done
  step bad-output - do_bad_output
fi
stop_cluster

# ------------------------------------------------------------------------------------------ summary
printf '\n=== summary: Kubernetes %s (kube-apiserver, kube-controller-manager, kubectl), etcd %s; upgrade base %s\n' \
  "$K8S_VERSION" "$CLUSTER_ETCD_VERSION" "$BASE_LABEL"
{
  printf 'STEP|PROFILE|RESULT|SECONDS|NOTE\n'
  printf '%s\n' "${rows[@]}"
} | column -t -s '|'
if [[ -s $WORK/warnings.txt ]]; then
  printf '\nkubectl warnings and errors (each fails the check):\n'
  sed 's/^/  /' "$WORK/warnings.txt"
fi
printf '\ncluster-check: %s in %ss\n' "$([[ $failed -eq 0 ]] && echo PASSED || echo FAILED)" "$((SECONDS - started))"
exit "$failed"
