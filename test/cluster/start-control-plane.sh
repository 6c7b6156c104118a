#!/usr/bin/env bash
# Starts a throw-away Kubernetes control plane on 127.0.0.1 (no nodes, no container runtime):
# etcd, kube-apiserver (RBAC, PodSecurity admission) and kube-controller-manager (so Deployments get
# ReplicaSets and Pods, Jobs get Pods). Binaries come from build-control-plane.sh (built if missing).
#
# State (certificates, etcd data, logs, pid files, kubeconfig) lives in $CLUSTER_STATE, default
# /var/tmp/temporal-cdk8s-cluster, and is recreated on every start. Stop with stop-control-plane.sh.
# On success prints `export KUBECONFIG=...` on stdout.
#
# Environment (CLUSTER_ prefix: etcd reads any ETCD_* variable as a flag): CLUSTER_STATE,
# CLUSTER_ETCD_PORT (23790), CLUSTER_ETCD_PEER_PORT (23800), CLUSTER_APISERVER_PORT (16443),
# CLUSTER_KCM_PORT (16257), CLUSTER_SERVICE_CIDR (10.96.0.0/16: virtual ClusterIPs only, nothing is
# routed), CLUSTER_SERVICE_IP (10.96.0.1), CLUSTER_READY_TIMEOUT seconds (180).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

STATE=${CLUSTER_STATE:-/var/tmp/temporal-cdk8s-cluster}
ETCD_PORT=${CLUSTER_ETCD_PORT:-23790}
ETCD_PEER_PORT=${CLUSTER_ETCD_PEER_PORT:-23800}
APISERVER_PORT=${CLUSTER_APISERVER_PORT:-16443}
KCM_PORT=${CLUSTER_KCM_PORT:-16257}
SERVICE_CIDR=${CLUSTER_SERVICE_CIDR:-10.96.0.0/16}
SERVICE_IP=${CLUSTER_SERVICE_IP:-10.96.0.1} # first address of SERVICE_CIDR, for the serving cert's SANs
READY_TIMEOUT=${CLUSTER_READY_TIMEOUT:-180}

log() { printf '[start-control-plane] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

"$here/build-control-plane.sh" >/dev/null

KUBECTL="$KUBE_BIN_DIR/kubectl"
KUBECONFIG_FILE="$STATE/admin.kubeconfig"

alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

if alive "$STATE/pids/etcd.pid" || alive "$STATE/pids/kube-apiserver.pid" || alive "$STATE/pids/kube-controller-manager.pid"; then
  die "a control plane from $STATE is still running; run $here/stop-control-plane.sh first"
fi

rm -rf "$STATE"
mkdir -p "$STATE"/{pki,logs,pids}
chmod 700 "$STATE"
cleanup_on_error() {
  local rc=$?
  if [[ $rc -ne 0 ]]; then
    log "start failed (rc=$rc); last log lines:"
    local f
    for f in "$STATE"/logs/*.log; do [[ -f $f ]] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }; done
    CLUSTER_STATE="$STATE" "$here/stop-control-plane.sh" || true
  fi
}
trap cleanup_on_error EXIT

# ---------------------------------------------------------------- certificates (openssl)
pki="$STATE/pki"
log "generating certificates in $pki"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
  -keyout "$pki/ca.key" -out "$pki/ca.crt" -subj "/CN=temporal-cdk8s-test-ca" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null

# sign NAME SUBJECT EXTENSIONS
sign() {
  local name=$1 subj=$2 ext=$3
  openssl req -new -newkey rsa:2048 -nodes -keyout "$pki/$name.key" -out "$pki/$name.csr" -subj "$subj" 2>/dev/null
  printf '%b\n' "$ext" >"$pki/$name.ext"
  openssl x509 -req -sha256 -days 365 -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
    -CAcreateserial -extfile "$pki/$name.ext" -out "$pki/$name.crt" 2>/dev/null
  rm -f "$pki/$name.csr"
}
client_ext='basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth'
sign apiserver "/CN=kube-apiserver" \
  "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,IP:$SERVICE_IP,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
sign admin "/O=system:masters/CN=kubernetes-admin" "$client_ext"
sign kube-controller-manager "/CN=system:kube-controller-manager" "$client_ext"
# Service-account token signing key pair.
openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
chmod 600 "$pki"/*.key

# write_kubeconfig FILE CLIENT_NAME
write_kubeconfig() {
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority: $pki/ca.crt
users:
- name: $2
  user:
    client-certificate: $pki/$2.crt
    client-key: $pki/$2.key
contexts:
- name: $2@local
  context:
    cluster: local
    user: $2
current-context: $2@local
EOF
}
write_kubeconfig "$KUBECONFIG_FILE" admin
write_kubeconfig "$STATE/kube-controller-manager.kubeconfig" kube-controller-manager

# start NAME BINARY ARGS...: background process, pid file, log file.
start() {
  local name=$1; shift
  nohup "$@" >"$STATE/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$STATE/pids/$name.pid"
  log "$name started (pid $!, log $STATE/logs/$name.log)"
}

# wait_for NAME PIDFILE COMMAND...: polls COMMAND until it succeeds, the process dies or time runs out.
wait_for() {
  local name=$1 pidfile=$2; shift 2
  local deadline=$((SECONDS + READY_TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    alive "$pidfile" || die "$name exited early"
    ((SECONDS < deadline)) || die "$name not ready after ${READY_TIMEOUT}s"
    sleep 1
  done
  log "$name ready after ${SECONDS}s"
}

# ---------------------------------------------------------------- etcd
start etcd "$ETCD_BIN_DIR/etcd" \
  --name local \
  --data-dir "$STATE/etcd-data" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "local=http://127.0.0.1:$ETCD_PEER_PORT" \
  --unsafe-no-fsync \
  --log-level warn
wait_for etcd "$STATE/pids/etcd.pid" curl -fsS "http://127.0.0.1:$ETCD_PORT/health"

# ---------------------------------------------------------------- kube-apiserver
# PodSecurity is on by default; it is named in --enable-admission-plugins to make that explicit.
start kube-apiserver "$KUBE_BIN_DIR/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address 127.0.0.1 \
  --advertise-address 127.0.0.1 \
  --secure-port "$APISERVER_PORT" \
  --endpoint-reconciler-type none \
  --tls-cert-file "$pki/apiserver.crt" \
  --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$pki/sa.pub" \
  --service-account-signing-key-file "$pki/sa.key" \
  --service-cluster-ip-range "$SERVICE_CIDR" \
  --authorization-mode Node,RBAC \
  --enable-admission-plugins NodeRestriction,PodSecurity \
  --allow-privileged=true \
  --profiling=false \
  --v 1
wait_for kube-apiserver "$STATE/pids/kube-apiserver.pid" \
  bash -c "[[ \$('$KUBECTL' --kubeconfig '$KUBECONFIG_FILE' get --raw /readyz 2>/dev/null) == ok ]]"

# ---------------------------------------------------------------- kube-controller-manager
start kube-controller-manager "$KUBE_BIN_DIR/kube-controller-manager" \
  --kubeconfig "$STATE/kube-controller-manager.kubeconfig" \
  --authentication-kubeconfig "$STATE/kube-controller-manager.kubeconfig" \
  --authorization-kubeconfig "$STATE/kube-controller-manager.kubeconfig" \
  --authentication-skip-lookup=true \
  --bind-address 127.0.0.1 \
  --secure-port "$KCM_PORT" \
  --service-account-private-key-file "$pki/sa.key" \
  --root-ca-file "$pki/ca.crt" \
  --use-service-account-credentials=true \
  --service-cluster-ip-range "$SERVICE_CIDR" \
  --leader-elect=false \
  --profiling=false \
  --v 1
wait_for kube-controller-manager "$STATE/pids/kube-controller-manager.pid" \
  curl -fsSk "https://127.0.0.1:$KCM_PORT/healthz"
# The serviceaccount controller creating default/default shows the controllers are reconciling.
wait_for "kube-controller-manager controllers" "$STATE/pids/kube-controller-manager.pid" \
  "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" -n default get serviceaccount default

trap - EXIT
log "control plane up: $("$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" version 2>/dev/null | tr '\n' ' ')"
echo "export KUBECONFIG=$KUBECONFIG_FILE"
