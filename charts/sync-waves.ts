/**
 * Argo CD sync waves for every object, so a sync applies the deployment in dependency order:
 *
 * | wave | what |
 * |---|---|
 * | 0 | Namespace |
 * | 1 | ServiceAccounts, RBAC, ConfigMaps, Secrets, ExternalSecrets, Issuers, Certificates, PVCs, NetworkPolicies |
 * | 2 | PostgreSQL, Elasticsearch |
 * | 3 | schema and index Jobs (Sync hooks) |
 * | 4 | Temporal roles |
 * | 5 | namespace-registration Job (Sync hook): workers need their namespaces to start |
 * | 6 | Web UI, admin tools, worker pools |
 * | 7 | backups, monitoring |
 *
 * Jobs are Argo CD Sync hooks deleted before each new run (BeforeHookCreation): every sync re-runs
 * them, a TTL-deleted Job never shows as OutOfSync, and plain `kubectl apply` ignores the annotations.
 */
import { ApiObject, Chart } from 'cdk8s';

export const WAVE = { namespace: 0, foundation: 1, datastores: 2, setup: 3, server: 4, namespaces: 5, clients: 6, after: 7 } as const;

const FOUNDATION_KINDS = new Set([
  'ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'Secret', 'ExternalSecret', 'Issuer', 'Certificate',
  'PersistentVolumeClaim', 'NetworkPolicy',
]);

const COMPONENT_WAVES: Record<string, number> = {
  database: WAVE.datastores,
  visibility: WAVE.datastores,
  schema: WAVE.setup,
  'es-index': WAVE.setup,
  frontend: WAVE.server,
  'internal-frontend': WAVE.server,
  history: WAVE.server,
  matching: WAVE.server,
  worker: WAVE.server,
  web: WAVE.clients,
  'admin-tools': WAVE.clients,
  'worker-pool': WAVE.clients,
  'namespace-registration': WAVE.namespaces,
  backup: WAVE.after,
  monitoring: WAVE.after,
};

/** The wave of one object, from its kind and its `app.kubernetes.io/component` label. */
export function syncWave(kind: string, component: string | undefined): number {
  if (kind === 'Namespace') return WAVE.namespace;
  if (component === 'monitoring') return WAVE.after;
  if (FOUNDATION_KINDS.has(kind)) return WAVE.foundation;
  const wave = component !== undefined ? COMPONENT_WAVES[component] : undefined;
  if (wave === undefined) throw new Error(`no sync wave for ${kind} of component "${component}"; add it to charts/sync-waves.ts`);
  return wave;
}

/** Annotates every object of the charts with its wave; Jobs also become Sync hooks. */
export function applySyncWaves(charts: readonly Chart[]): void {
  for (const chart of charts) {
    for (const node of chart.node.findAll()) {
      if (!(node instanceof ApiObject)) continue;
      const wave = syncWave(node.kind, node.metadata.getLabel('app.kubernetes.io/component'));
      node.metadata.addAnnotation('argocd.argoproj.io/sync-wave', String(wave));
      // Deleting the Application (or a later prune) must never take the data with it.
      if (node.kind === 'Namespace' || node.kind === 'PersistentVolumeClaim') {
        node.metadata.addAnnotation('argocd.argoproj.io/sync-options', 'Delete=false,Prune=false');
      }
      if (node.kind === 'Job') {
        node.metadata.addAnnotation('argocd.argoproj.io/hook', 'Sync');
        node.metadata.addAnnotation('argocd.argoproj.io/hook-delete-policy', 'BeforeHookCreation');
      }
    }
  }
}
