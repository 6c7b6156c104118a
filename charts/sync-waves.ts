/**
 * Argo CD sync waves for every object, so a sync applies the deployment in dependency order:
 *
 * | wave | what |
 * |---|---|
 * | 0 | Namespace |
 * | 1 | the namespace CAs: self-signed bootstrap Issuers and CA Certificates |
 * | 2 | ServiceAccounts, RBAC, ConfigMaps, Secrets, ExternalSecrets, CA Issuers, Certificates, NetworkPolicies |
 * | 3 | PostgreSQL, Elasticsearch |
 * | 4 | schema and index Jobs (Sync hooks) |
 * | 5 | Temporal roles |
 * | 6 | namespace-registration Job (Sync hook): workers need their namespaces to start |
 * | 7 | Web UI, admin tools, worker pools |
 * | 8 | HPAs, ScaledObjects, Ingress, backups, monitoring |
 *
 * Argo CD starts a wave only once every object of the previous one is healthy, but ends the sync as
 * soon as it has applied a last wave that holds no hook. So the last wave takes what nothing waits
 * for and what is healthy only after the sync: autoscalers (new pods have no metrics yet, and
 * `FailedGetResourceMetric` is Degraded), the Ingress (its controller fills in the address), the
 * backup CronJob (no pod before its schedule) and monitoring.
 *
 * Two waves are derived from the objects: a standalone PVC goes in the earliest wave of a workload
 * that mounts it, because under a `WaitForFirstConsumer` StorageClass it stays Pending (Progressing)
 * until a pod uses it; and a CA Issuer is Degraded until its CA Certificate's Secret exists, so
 * that Certificate and its bootstrap Issuer come a wave earlier.
 *
 * Jobs are Argo CD Sync hooks deleted before each new run (BeforeHookCreation): every sync re-runs
 * them, a TTL-deleted Job never shows as OutOfSync, and plain `kubectl apply` ignores the annotations.
 */
import { ApiObject, Chart } from 'cdk8s';

export const WAVE = {
  namespace: 0,
  ca: 1,
  foundation: 2,
  datastores: 3,
  setup: 4,
  server: 5,
  namespaces: 6,
  clients: 7,
  after: 8,
} as const;

const FOUNDATION_KINDS = new Set([
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ConfigMap',
  'Secret',
  'ExternalSecret',
  'Issuer',
  'Certificate',
  'NetworkPolicy',
]);

const AFTER_KINDS = new Set(['HorizontalPodAutoscaler', 'ScaledObject', 'Ingress']);

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

/** Where each workload kind keeps its pod template. */
const POD_TEMPLATE: Record<string, readonly string[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** The wave of one object from its kind and its `app.kubernetes.io/component` label (PVCs aside). */
export function syncWave(kind: string, component: string | undefined): number {
  if (kind === 'Namespace') return WAVE.namespace;
  if (component === 'monitoring' || AFTER_KINDS.has(kind)) return WAVE.after;
  if (FOUNDATION_KINDS.has(kind)) return WAVE.foundation;
  const wave = component !== undefined ? COMPONENT_WAVES[component] : undefined;
  if (wave === undefined) throw new Error(`no sync wave for ${kind} of component "${component}"; add it to charts/sync-waves.ts`);
  return wave;
}

/** Annotates every object of the charts with its wave; Jobs also become Sync hooks. */
export function applySyncWaves(charts: readonly Chart[]): void {
  const objects = charts.flatMap((c) => c.node.findAll().filter((n): n is ApiObject => n instanceof ApiObject));
  const waves = new Map<ApiObject, number>();
  for (const o of objects) {
    if (o.kind !== 'PersistentVolumeClaim') waves.set(o, syncWave(o.kind, o.metadata.getLabel('app.kubernetes.io/component')));
  }
  for (const o of caBootstrap(objects)) waves.set(o, WAVE.ca);
  for (const [claim, wave] of claimWaves(objects, waves)) waves.set(claim, wave);

  for (const [node, wave] of waves) {
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

/** CA Certificates and the Issuers that sign them. */
function caBootstrap(objects: readonly ApiObject[]): ApiObject[] {
  const cas = objects.filter((o) => o.kind === 'Certificate' && o.toJson().spec?.isCA === true);
  const signers = new Set(
    cas
      .map((c) => c.toJson().spec.issuerRef)
      .filter((r) => (r.kind ?? 'Issuer') === 'Issuer')
      .map((r) => r.name),
  );
  return [...cas, ...objects.filter((o) => o.kind === 'Issuer' && signers.has(o.name))];
}

/** Each standalone PVC with the earliest wave of the workloads whose pod template mounts it. */
function claimWaves(objects: readonly ApiObject[], waves: ReadonlyMap<ApiObject, number>): Map<ApiObject, number> {
  const claims = objects.filter((o) => o.kind === 'PersistentVolumeClaim');
  if (claims.length === 0) return new Map();
  type PodTemplate = { spec?: { volumes?: { persistentVolumeClaim?: { claimName?: string } }[] } };
  const earliest = new Map<string, number>();
  for (const o of objects) {
    const path = POD_TEMPLATE[o.kind];
    if (!path) continue;
    const template = path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o.toJson()) as PodTemplate | undefined;
    for (const v of template?.spec?.volumes ?? []) {
      const name = v.persistentVolumeClaim?.claimName;
      if (name) earliest.set(name, Math.min(earliest.get(name) ?? Infinity, waves.get(o)!));
    }
  }
  return new Map(
    claims.map((c) => {
      const wave = earliest.get(c.name);
      if (wave === undefined)
        throw new Error(
          `PersistentVolumeClaim ${c.name} is mounted by no workload; under a WaitForFirstConsumer StorageClass it would stay Pending and stall an Argo CD sync`,
        );
      return [c, wave];
    }),
  );
}
