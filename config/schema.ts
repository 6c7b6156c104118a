/**
 * The one schema every profile is validated against. A profile is the base spec (overlays/base.ts)
 * merged with its overrides; the result must parse here before any construct is created.
 * Every object is strict, so an unknown or misspelled key is an error, not a silent no-op.
 */
import { z } from 'zod';
import { durationHours } from '../lib/quantities';
import { checkDatastores, archivalSchema, backupSchema, elasticsearchSchema, persistenceSchema } from './datastores-schema';
import { dynamicConfigSchema } from './dynamic-config';
import { gitopsSchema } from './argocd-schema';
import { checkWorkerPools, workerPoolSchema } from './worker-pool-schema';
import { checkMonitoring, monitoringSchema } from './monitoring-schema';
import { authorizationSchema, checkSecurity, externalSecretsSchema, tlsSchema, uiAuthSchema } from './security-schema';
import { annotations, labels } from './metadata-schema';
import { generatedNameProblems } from '../lib/names';
import { checkImageVersions } from './versions';
import {
  cidr, deadlineSeconds, dnsLabel, dnsSubdomain, imageSchema, int32, nonNegativeInt, port, portList, positiveInt, resourcesSchema, scaledWorkload, storageSchema,
} from './primitives';

export { dnsLabel, imageSchema, resourcesSchema } from './primitives';

export const temporalRoleSchema = z.strictObject({
  ...scaledWorkload,
  /**
   * Seconds a new pod must stay ready before a rollout counts it available and replaces the next
   * one. A TCP readiness probe passes as soon as the port listens, before a history or matching pod
   * has taken its shards and joined the ring.
   */
  minReadySeconds: z.number().int().min(0).max(599, 'must be below 600: the Deployment\'s progress deadline (600 s) must exceed it'),
});

const retention = z
  .string()
  .refine((v) => durationHours(v) !== undefined, 'must be a duration in days or hours such as "1d", "30d" or "72h" (at most 106751d)')
  .refine((v) => (durationHours(v) ?? 0) >= 24, 'must be at least 1 day ("1d"); the server rejects shorter retention for namespaces');

export const temporalNamespaceSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/, 'must be a Temporal namespace name (letters, digits, ".", "_", "-")'),
  retention,
  description: z.string().optional(),
});

/** A non-empty set of labels: `{}` would select every namespace. */
const namespaceLabels = labels
  .refine((l) => Object.keys(l).length > 0, 'must name at least one label (e.g. kubernetes.io/metadata.name: my-apps); an empty selector matches every namespace');

/** The Temporal server roles this project deploys (one Deployment each). */
export const TEMPORAL_ROLE_NAMES = ['frontend', 'history', 'matching', 'worker'] as const;

/** Namespaces Kubernetes itself uses: Temporal's objects, and its NetworkPolicies, do not belong there. */
export const RESERVED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** PostgreSQL's own ceiling on max_connections (MAX_BACKENDS). */
const MAX_POSTGRES_CONNECTIONS = 262143;
const MAX_WORKER_POOLS = 100;
const MAX_TEMPORAL_NAMESPACES = 200;

const specObject = z
  .strictObject({
    /** Class of environment; rules that only relax in development (generated secrets, `latest`). */
    environment: z.enum(['development', 'staging', 'production']),
    namespace: z.strictObject({
      name: dnsLabel.refine((n) => !RESERVED_NAMESPACES.includes(n), `must not be one of ${RESERVED_NAMESPACES.join(', ')} (reserved for Kubernetes); use a namespace of its own such as "temporal"`),
      labels,
    }),
    /** `app.kubernetes.io/instance` of every object. */
    instance: dnsLabel,
    images: z.strictObject({
      server: imageSchema,
      adminTools: imageSchema,
      ui: imageSchema,
      postgres: imageSchema,
      elasticsearch: imageSchema,
      /** A JRE whose `keytool` builds JVM worker pools' trust store when TLS is on (the pool's image may have no shell). */
      keytool: imageSchema,
    }),
    /** Topology spread over zones and nodes for every multi-replica workload. */
    topologySpread: z.boolean(),
    temporal: z.strictObject({
      /** Immutable after the cluster's first start: the server keeps the persisted value. */
      numHistoryShards: int32(1)
        .refine((n) => (n & (n - 1)) === 0, 'must be a power of two (e.g. 4, 512, 1024); it is fixed at first start, so size it for peak load'),
      logLevel: z.enum(['debug', 'info', 'warn', 'error']),
      clusterName: dnsLabel,
      frontend: temporalRoleSchema,
      history: temporalRoleSchema,
      matching: temporalRoleSchema,
      worker: temporalRoleSchema,
      /** Only deployed with authorization: serves the server's own callers without JWTs. */
      internalFrontend: temporalRoleSchema,
      namespaces: z.array(temporalNamespaceSchema).min(1).max(MAX_TEMPORAL_NAMESPACES, `must list at most ${MAX_TEMPORAL_NAMESPACES} namespaces`),
      dynamicConfig: dynamicConfigSchema,
      /** The server's dynamic-config poll interval in seconds (the server requires ≥ 5). */
      dynamicConfigPollIntervalSeconds: int32(5, 'must be at least 5 (the server rejects shorter poll intervals)'),
      /** Annotations on the server roles' ServiceAccounts, e.g. the cloud IAM role for S3 archival or DSQL. */
      serviceAccountAnnotations: annotations,
    }),
    persistence: persistenceSchema,
    postgres: z.strictObject({
      port,
      /** `max_connections`; must cover every pod's pools (validated below). */
      maxConnections: positiveInt.max(MAX_POSTGRES_CONNECTIONS, `must be at most ${MAX_POSTGRES_CONNECTIONS} (PostgreSQL's limit)`),
      resources: resourcesSchema,
      storage: storageSchema,
    }),
    elasticsearch: elasticsearchSchema,
    monitoring: monitoringSchema,
    gitops: gitopsSchema,
    tls: tlsSchema,
    authorization: authorizationSchema,
    externalSecrets: externalSecretsSchema,
    backup: backupSchema,
    archival: archivalSchema,
    jobs: z.strictObject({
      /** Container restarts before a Job fails; the back-offs (10 s doubling) should fit the deadlines. */
      backoffLimit: nonNegativeInt,
      /** Bounds on each Job, waits included, so an unreachable store fails the Job (and an Argo CD sync) instead of hanging. */
      activeDeadlineSeconds: z.strictObject({
        /** Schema and index Jobs. */
        setup: deadlineSeconds,
        /** The namespace-registration Job. */
        namespaces: deadlineSeconds,
      }),
      ttlSecondsAfterFinished: nonNegativeInt,
      resources: resourcesSchema,
    }),
    ui: z.strictObject({
      enabled: z.boolean(),
      ...scaledWorkload,
      ingress: z.strictObject({
        enabled: z.boolean(),
        host: dnsSubdomain,
        className: dnsLabel,
        /** Secret with the certificate for `host`; no TLS section when absent. */
        tlsSecretName: dnsLabel.optional(),
        /** cert-manager ClusterIssuer that fills `tlsSecretName` (e.g. letsencrypt). @default the operator creates the Secret */
        certManagerClusterIssuer: dnsSubdomain.optional(),
        annotations,
      }),
      /** OIDC login. */
      auth: uiAuthSchema,
      /** Extra origins allowed by CORS besides the Ingress URL. */
      extraCorsOrigins: z.array(z.string().regex(/^https?:\/\/[^\s/,]+$/, 'must be an origin such as "https://tools.example.com"')).max(50, 'must list at most 50 origins'),
    }),
    adminTools: z.strictObject({
      enabled: z.boolean(),
      resources: resourcesSchema,
    }),
    workerPools: z.array(workerPoolSchema).max(MAX_WORKER_POOLS, `must list at most ${MAX_WORKER_POOLS} pools`),
    /** Least-privilege NetworkPolicies generated from the flow table in charts/flows.ts. */
    networkPolicies: z.strictObject({
      enabled: z.boolean(),
      /** Namespaces (each a set of namespace labels) whose pods may call the frontend on 7233/7243. */
      clientNamespaces: z.array(namespaceLabels).max(100, 'must list at most 100 selectors'),
      /** The ingress controller's namespace: the only way into the Web UI. */
      ingressControllerNamespace: namespaceLabels,
      /** The monitoring namespace: the only one that may scrape metrics. */
      monitoringNamespace: namespaceLabels,
      /** Where the KEDA operator runs (it queries the frontend for task-queue backlogs). */
      kedaNamespace: namespaceLabels,
      /** Where cluster DNS runs (every pod may query it on 53/UDP and 53/TCP). */
      dns: z.strictObject({ namespace: namespaceLabels, pods: namespaceLabels }),
      /** The Kubernetes API server, for pods that mount a token: its address range and ports. */
      apiServer: z.strictObject({ cidrs: z.array(cidr).min(1).max(100, 'must list at most 100 CIDRs'), ports: portList.min(1).max(16, 'must list at most 16 ports') }),
      /** HTTPS (443) destinations outside the cluster: S3, AWS STS, JWKS, the OIDC provider. */
      httpsEgressCidrs: z.array(cidr).max(100, 'must list at most 100 CIDRs'),
    }),
  });

export const specSchema = specObject
  .superRefine((spec, ctx) => {
    const dev = spec.environment === 'development';
    const images = Object.entries(spec.images).map(([k, img]) => ({ path: ['images', k], img }));
    spec.workerPools.forEach((p, i) => images.push({ path: ['workerPools', String(i), 'image'], img: p.image }));
    for (const { path, img } of images) {
      if (!dev && img.tag === 'latest' && !img.digest) {
        ctx.addIssue({ code: 'custom', path: [...path, 'tag'], message: '"latest" is only allowed in development; pin a version such as "1.31.2"' });
      }
    }
    checkDatastores(spec, ctx);
    checkSecurity(spec, ctx);
    checkImageVersions(spec, ctx);
    const seen = new Map<string, number>();
    spec.temporal.namespaces.forEach((ns, i) => {
      if (seen.has(ns.name)) {
        ctx.addIssue({ code: 'custom', path: ['temporal', 'namespaces', i, 'name'], message: `duplicate Temporal namespace "${ns.name}" (also at index ${seen.get(ns.name)}); names must be unique` });
      }
      seen.set(ns.name, i);
    });
    checkWorkerPools(spec, ctx);
    checkMonitoring(spec, ctx);
    checkConnectionBudget(spec, ctx);
    for (const p of generatedNameProblems(spec)) ctx.addIssue({ code: 'custom', ...p });
    const minRetention = spec.temporal.dynamicConfig['system.namespaceMinRetentionLocal'];
    if (typeof minRetention === 'string') {
      const minHours = goDurationHours(minRetention);
      spec.temporal.namespaces.forEach((ns, i) => {
        if (minHours !== undefined && durationHours(ns.retention)! < minHours) {
          ctx.addIssue({ code: 'custom', path: ['temporal', 'namespaces', i, 'retention'], message: `${ns.retention} is below system.namespaceMinRetentionLocal (${minRetention}); the server would reject it` });
        }
      });
    }
  });

/** What a profile author writes (before validation). */
export type SpecInput = z.input<typeof specSchema>;
/** The fully resolved, validated spec every chart receives. */
export type Spec = z.output<typeof specSchema>;
export type WorkerPoolInput = z.input<typeof workerPoolSchema>;

type SpecShape = z.output<typeof specObject>;

/** Go duration (e.g. "48h", "90m") in hours; undefined for other forms. */
function goDurationHours(d: string): number | undefined {
  const m = /^(\d+)(h|m|s)$/.exec(d);
  if (!m) return undefined;
  return Number(m[1]) / { h: 1, m: 60, s: 3600 }[m[2] as 'h' | 'm' | 's'];
}

/**
 * In-cluster PostgreSQL must accept every connection the Temporal pods may open at maximum scale:
 * each pod opens one pool per SQL store. 10 are kept for Jobs, backups and admin tools.
 */
function checkConnectionBudget(spec: SpecShape, ctx: z.RefinementCtx): void {
  if (spec.persistence.mode !== 'inCluster') return;
  const pools = spec.persistence.pools;
  const sized = [...TEMPORAL_ROLE_NAMES.map((r) => spec.temporal[r]), ...(spec.authorization.enabled ? [spec.temporal.internalFrontend] : [])];
  // BigInt: int32 replicas times int32 pool sizes can exceed Number's exact range.
  const rolePods = sized.reduce((n, r) => n + BigInt(r.autoscaling?.maxReplicas ?? r.replicas), 0n);
  const perPod = BigInt(pools.default.maxConns) + BigInt(spec.persistence.visibilityStore === 'sql' ? pools.visibility.maxConns : 0);
  const needed = rolePods * perPod + 10n;
  if (needed > BigInt(spec.postgres.maxConnections)) {
    ctx.addIssue({
      code: 'custom',
      path: ['postgres', 'maxConnections'],
      message: `${spec.postgres.maxConnections} is below the ${needed} connections the Temporal pods may open `
        + `(${rolePods} pods at max scale × ${perPod} pooled connections each + 10); raise it or lower persistence.pools.*.maxConns`,
    });
  }
}
