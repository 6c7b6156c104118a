/**
 * Who talks to whom: the one table the NetworkPolicies are generated from (docs/security.md).
 * Each flow names a source, a destination and the destination's ports; everything not listed here
 * is denied by the namespace's default-deny policy.
 */
import { selectorLabels } from '../constructs/labels';
import type { TemporalRoleName } from '../constructs/temporal-config/model';
import type { Flow, FlowPeer, FlowPort } from '../constructs/flow-policies';
import { WebUi } from '../constructs/web-ui';
import type { Spec } from '../config/schema';
import { METRICS_PORT, ROLE_PORTS, Topology } from './topology';

const tcp = (...ports: number[]): FlowPort[] => ports.map((port) => ({ port, protocol: 'TCP' as const }));

export interface FlowTable {
  /** Every component of the deployment, by the selector of its pods. */
  readonly components: FlowPeer[];
  readonly flows: Flow[];
}

export function flowTable(spec: Spec, topo: Topology): FlowTable {
  const np = spec.networkPolicies;
  const pods = (id: string, component: string, name?: string): FlowPeer => ({
    id,
    pods: selectorLabels(topo.identity(component, { name })),
  });
  const namespaces = (id: string, labels: Record<string, string>): FlowPeer => ({ id, namespaces: labels });
  const cidrs = (id: string, blocks: readonly string[]): FlowPeer => ({ id, cidrs: blocks });

  const serverRoles = topo.serverRoles;
  const roles = Object.fromEntries(serverRoles.map((r) => [r, pods(topo.names.role(r), r)])) as Partial<Record<TemporalRoleName, FlowPeer>>;
  // With authorization the server's own callers use the internal frontend (no JWT), not the public one.
  const systemFrontend: TemporalRoleName = roles['internal-frontend'] ? 'internal-frontend' : 'frontend';
  const p = spec.persistence;
  const es = spec.elasticsearch.enabled ? pods(topo.names.elasticsearch, 'visibility', 'elasticsearch') : undefined;
  const postgres = p.mode === 'inCluster' ? pods(topo.names.postgres, 'database', 'postgresql') : undefined;
  const database = postgres ?? cidrs('database', p.external!.egressCidrs);
  const dbPort = tcp(topo.databasePort);
  const web = spec.ui.enabled ? pods(topo.names.web, 'web') : undefined;
  const adminTools = spec.adminTools.enabled ? pods(topo.names.adminTools, 'admin-tools') : undefined;
  const schemaJob = pods('temporal-schema', 'schema');
  const indexJob = es ? pods('temporal-es-index', 'es-index') : undefined;
  const namespaceJob = pods('temporal-namespace-registration', 'namespace-registration');
  const backup = spec.backup.enabled && p.mode !== 'dsql' ? pods(topo.names.backup, 'backup', 'postgresql') : undefined;
  const workerPools = spec.workerPools.map((pool) => ({ pool, peer: pods(pool.name, 'worker-pool', pool.name) }));
  const monitoring = namespaces('monitoring', np.monitoringNamespace);
  const ingressController = namespaces('ingress-controller', np.ingressControllerNamespace);
  const https = cidrs('https', np.httpsEgressCidrs);
  const apiServer = cidrs('kube-apiserver', np.apiServer.cidrs);

  const flows: Flow[] = [];
  const add = (from: FlowPeer | undefined, to: FlowPeer | undefined, ports: FlowPort[], purpose: string) => {
    if (from && to) flows.push({ from, to, ports, purpose });
  };

  // The Temporal roles: ringpop membership between every pair, then the gRPC calls each role makes.
  for (const a of serverRoles) {
    for (const b of serverRoles) add(roles[a], roles[b], tcp(ROLE_PORTS[b].membership), 'membership (ringpop)');
  }
  const grpc = (from: TemporalRoleName, to: TemporalRoleName, purpose: string) =>
    add(roles[from], roles[to], tcp(ROLE_PORTS[to].grpc), purpose);
  grpc('frontend', 'history', 'workflow API calls');
  grpc('frontend', 'matching', 'task queue polls');
  grpc('internal-frontend', 'history', 'workflow API calls (system callers)');
  grpc('internal-frontend', 'matching', 'task queue polls (system callers)');
  grpc('history', 'history', 'shard ownership forwarding');
  grpc('history', 'matching', 'task dispatch');
  // History's Nexus callbacks go to the frontend's HTTP port.
  add(
    roles.history,
    roles[systemFrontend],
    tcp(ROLE_PORTS[systemFrontend].grpc, ROLE_PORTS[systemFrontend].http!),
    'system calls, Nexus callbacks (HTTP)',
  );
  // Frontends start system workflows (search attributes, namespace deletion) through their own client.
  grpc('frontend', systemFrontend, 'system workflows started by the frontend');
  if (systemFrontend === 'internal-frontend') grpc('internal-frontend', 'internal-frontend', 'system workflows started by the frontend');
  grpc('matching', 'history', 'task completion');
  grpc('matching', 'matching', 'task queue partition forwarding');
  grpc('worker', systemFrontend, 'system workflows (scanner, batcher, scheduler)');
  grpc('worker', 'history', 'system workflows');
  grpc('worker', 'matching', 'system workflows');

  // Stores.
  for (const r of serverRoles) {
    add(roles[r], database, dbPort, 'persistence (PostgreSQL)');
    add(roles[r], es, tcp(9200), 'visibility (Elasticsearch)');
  }
  add(schemaJob, database, dbPort, 'schema setup');
  add(indexJob, es, tcp(9200), 'visibility index setup');
  add(backup, database, dbPort, 'pg_dump');
  add(es, es, tcp(9300), 'Elasticsearch transport');

  // Clients of the frontend.
  const frontendPorts = tcp(ROLE_PORTS.frontend.grpc, ROLE_PORTS.frontend.http!);
  add(web, roles.frontend, tcp(ROLE_PORTS.frontend.grpc), 'Web UI');
  add(
    adminTools,
    roles[systemFrontend],
    tcp(ROLE_PORTS[systemFrontend].grpc, ROLE_PORTS[systemFrontend].http!),
    'admin tools (temporal CLI)',
  );
  add(namespaceJob, roles[systemFrontend], tcp(ROLE_PORTS[systemFrontend].grpc), 'namespace registration');
  for (const { pool, peer } of workerPools) {
    add(peer, roles.frontend, tcp(ROLE_PORTS.frontend.grpc), 'application worker');
    // The pool's token is for reading its own ConfigMap through the API server.
    add(peer, apiServer, tcp(...np.apiServer.ports), 'Kubernetes API (own ConfigMap)');
    if (pool.metricsPort !== undefined) add(monitoring, peer, tcp(pool.metricsPort), 'metrics scrape');
  }
  if (spec.workerPools.some((p) => p.keda)) {
    add(namespaces('keda', np.kedaNamespace), roles.frontend, tcp(ROLE_PORTS.frontend.grpc), 'KEDA task-queue backlog queries');
  }
  np.clientNamespaces.forEach((labels, i) => add(namespaces(`clients-${i}`, labels), roles.frontend, frontendPorts, 'client applications'));

  // From outside the namespace: the ingress controller to the UI, monitoring to metrics.
  add(ingressController, web, tcp(WebUi.PORT), 'Ingress');
  // cert-manager's ACME HTTP-01 solver pods answer the challenge for the Ingress certificate here.
  const acmeSolver =
    web && spec.ui.ingress.enabled && spec.ui.ingress.certManagerClusterIssuer
      ? { id: 'temporal-acme-http01-solver', pods: { 'acme.cert-manager.io/http01-solver': 'true' } }
      : undefined;
  add(ingressController, acmeSolver, tcp(8089), 'ACME HTTP-01 challenge');
  for (const r of serverRoles) add(monitoring, roles[r], tcp(METRICS_PORT), 'metrics scrape');

  // HTTPS out of the cluster: S3 archival and cloud credentials (IRSA/STS) for the server, signing
  // keys (JWKS) for the frontend, the identity provider for the UI's login.
  const needsCloud = spec.archival.provider?.type === 's3store' || p.mode === 'dsql';
  if (needsCloud) {
    for (const r of serverRoles) add(roles[r], https, tcp(443), 'S3 archival, AWS STS');
    if (p.mode === 'dsql') add(schemaJob, https, tcp(443), 'AWS STS (IAM token for DSQL)');
  } else if (spec.authorization.enabled) {
    add(roles.frontend, https, tcp(443), 'JWKS signing keys');
  }
  if (spec.ui.enabled && spec.ui.auth.enabled) add(web, https, tcp(443), 'OIDC provider');

  const components = [
    ...serverRoles.map((r) => roles[r]),
    acmeSolver,
    postgres,
    es,
    web,
    adminTools,
    schemaJob,
    indexJob,
    namespaceJob,
    backup,
    ...workerPools.map((w) => w.peer),
  ].filter((c): c is FlowPeer => c !== undefined);
  return { components, flows };
}
