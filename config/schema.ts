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
  cidr,
  deadlineSeconds,
  dnsLabel,
  dnsSubdomain,
  imageSchema,
  int32,
  nonNegativeInt,
  port,
  portList,
  positiveInt,
  resourcesSchema,
  scaledWorkload,
  storageSchema,
} from './primitives';

export { dnsLabel, imageSchema, resourcesSchema } from './primitives';

export const temporalRoleSchema = z.strictObject({
  ...scaledWorkload,
  // A TCP readiness probe passes as soon as the port listens, before a history or matching pod has
  // taken its shards and joined the ring: minReadySeconds covers that time.
  minReadySeconds: z
    .number()
    .int()
    .min(0)
    .max(599, "must be below 600: the Deployment's progress deadline (600 s) must exceed it")
    .describe('Seconds a new pod must stay ready before the rollout counts it available and replaces the next one (below 600).'),
});

const retention = z
  .string()
  .refine((v) => durationHours(v) !== undefined, 'must be a duration in days or hours such as "1d", "30d" or "72h" (at most 106751d)')
  .refine((v) => (durationHours(v) ?? 0) >= 24, 'must be at least 1 day ("1d"); the server rejects shorter retention for namespaces');

export const temporalNamespaceSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/, 'must be a Temporal namespace name (letters, digits, ".", "_", "-")')
    .describe('Temporal namespace the namespace Job creates (or updates); unique in the list.'),
  retention: retention.describe(
    'How long closed workflows are kept ("3d", "72h"); at least 1 day and any system.namespaceMinRetentionLocal.',
  ),
  description: z.string().optional().describe('Description of the namespace, set by the namespace Job; none when absent.'),
});

/** A non-empty set of labels: `{}` would select every namespace. */
const namespaceLabels = labels.refine(
  (l) => Object.keys(l).length > 0,
  'must name at least one label (e.g. kubernetes.io/metadata.name: my-apps); an empty selector matches every namespace',
);

/** The Temporal server roles this project deploys (one Deployment each). */
export const TEMPORAL_ROLE_NAMES = ['frontend', 'history', 'matching', 'worker'] as const;

/** Namespaces Kubernetes itself uses: Temporal's objects, and its NetworkPolicies, do not belong there. */
export const RESERVED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** PostgreSQL's own ceiling on max_connections (MAX_BACKENDS). */
const MAX_POSTGRES_CONNECTIONS = 262143;
const MAX_WORKER_POOLS = 100;
const MAX_TEMPORAL_NAMESPACES = 200;

const specObject = z.strictObject({
  environment: z
    .enum(['development', 'staging', 'production'])
    .describe('Class of environment; only development may use generated secrets, "latest" tags and no TLS.'),
  namespace: z
    .strictObject({
      name: dnsLabel
        .refine(
          (n) => !RESERVED_NAMESPACES.includes(n),
          `must not be one of ${RESERVED_NAMESPACES.join(', ')} (reserved for Kubernetes); use a namespace of its own such as "temporal"`,
        )
        .describe('Kubernetes namespace every object is rendered into (and the Argo CD destination); one per profile.'),
      labels: labels.describe('Extra labels on the Namespace object.'),
    })
    .describe('The Kubernetes Namespace the profile renders, with Pod Security "restricted" enforced.'),
  instance: dnsLabel.describe(
    'app.kubernetes.io/instance of every object, one per profile; also names the Argo CD Application and dashboard uids.',
  ),
  images: z
    .strictObject({
      server: imageSchema.describe('Temporal server image of every server role.'),
      adminTools: imageSchema.describe(
        "admin-tools image (temporal CLI, schema tools) of the setup Jobs and the admin-tools pod; the server's release.",
      ),
      ui: imageSchema.describe('Temporal Web UI image; at least the UI the official chart pairs with the server minor.'),
      postgres: imageSchema.describe('PostgreSQL image of the in-cluster database, the wait-for-database init containers and backups.'),
      elasticsearch: imageSchema.describe('Elasticsearch image of the visibility cluster and the wait-for-Elasticsearch init containers.'),
      keytool: imageSchema.describe(
        "A JRE whose keytool builds JVM worker pools' trust store when TLS is on (the pool's image may have no shell).",
      ),
    })
    .describe('Container images, each a repository, a tag and a pull policy.'),
  topologySpread: z
    .boolean()
    .describe('Spread the server roles, Web UI, worker pools and Elasticsearch over zones and nodes (ScheduleAnyway).'),
  temporal: z
    .strictObject({
      numHistoryShards: int32(1)
        .refine(
          (n) => (n & (n - 1)) === 0,
          'must be a power of two (e.g. 4, 512, 1024); it is fixed at first start, so size it for peak load',
        )
        .describe("History shards, a power of two; immutable after the cluster's first start (the server keeps the persisted value)."),
      logLevel: z.enum(['debug', 'info', 'warn', 'error']).describe("Level of the server's JSON logs on stdout."),
      clusterName: dnsLabel.describe("Name of this cluster in the server's clusterMetadata (current and master cluster)."),
      frontend: temporalRoleSchema.describe(
        'The frontend role, serving the gRPC (7233) and HTTP (7243) API to clients, workers and the Web UI.',
      ),
      history: temporalRoleSchema.describe('The history role, which owns the history shards; every membership change moves shards.'),
      matching: temporalRoleSchema.describe('The matching role, which hosts the task queues; every membership change moves partitions.'),
      worker: temporalRoleSchema.describe('The Temporal system worker role (scanners, batcher, scheduler); not an application pool.'),
      internalFrontend: temporalRoleSchema.describe(
        "The internal-frontend role, deployed only with authorization: serves the server's own callers without JWTs.",
      ),
      namespaces: z
        .array(temporalNamespaceSchema)
        .min(1)
        .max(MAX_TEMPORAL_NAMESPACES, `must list at most ${MAX_TEMPORAL_NAMESPACES} namespaces`)
        .describe("Temporal namespaces the namespace Job registers (1–200); the first is the Web UI's default."),
      dynamicConfig: dynamicConfigSchema.describe(
        'Dynamic-config values by key (keys listed in config/dynamic-config.ts); applied without restarting pods.',
      ),
      dynamicConfigPollIntervalSeconds: int32(5, 'must be at least 5 (the server rejects shorter poll intervals)').describe(
        'How often the server re-reads the dynamic config, in seconds (at least 5).',
      ),
      serviceAccountAnnotations: annotations.describe(
        "Annotations on the server roles' ServiceAccounts (and the DSQL schema Job's), e.g. an IAM role for S3 or DSQL.",
      ),
    })
    .describe('The Temporal server: cluster settings, the roles, namespaces and dynamic config.'),
  persistence: persistenceSchema.describe(
    "Temporal's primary SQL store (in-cluster PostgreSQL, external PostgreSQL or Aurora DSQL) and its visibility store.",
  ),
  postgres: z
    .strictObject({
      port: port.describe('Port the in-cluster PostgreSQL listens on (container and Services).'),
      maxConnections: positiveInt
        .max(MAX_POSTGRES_CONNECTIONS, `must be at most ${MAX_POSTGRES_CONNECTIONS} (PostgreSQL's limit)`)
        .describe("PostgreSQL max_connections; must cover every Temporal pod's pools at maximum scale plus 10."),
      resources: resourcesSchema.describe(
        'Requests and limits of PostgreSQL; shared_buffers is a quarter of the memory limit, /dev/shm an eighth (≥ 64Mi).',
      ),
      storage: storageSchema.describe("The database's data volume (a claim template of the StatefulSet)."),
    })
    .describe('The single-node PostgreSQL StatefulSet; only used with persistence.mode inCluster.'),
  elasticsearch: elasticsearchSchema.describe('The in-cluster Elasticsearch StatefulSet that holds visibility records.'),
  monitoring: monitoringSchema.describe('ServiceMonitors, alerts and Grafana dashboards, or prometheus.io annotations.'),
  gitops: gitopsSchema.describe('How Argo CD deploys the profile: Git source of dist/, destination and sync policy.'),
  tls: tlsSchema.describe('cert-manager certificates: mTLS between the server roles, TLS on the frontend, client certificates.'),
  authorization: authorizationSchema.describe('JWT authorization on the frontend.'),
  externalSecrets: externalSecretsSchema.describe(
    'Where credentials come from: ExternalSecrets (external-secrets.io), or Secrets you create.',
  ),
  backup: backupSchema.describe('A CronJob that dumps the SQL databases with pg_dump onto a volume; not with persistence.mode dsql.'),
  archival: archivalSchema.describe('Archival of closed workflow histories and visibility records after retention.'),
  jobs: z
    .strictObject({
      backoffLimit: nonNegativeInt.describe(
        'Container restarts before a setup Job fails; the back-offs (10 s doubling) should fit the deadlines.',
      ),
      // Waits are included, so an unreachable store fails the Job (and an Argo CD sync) instead of hanging.
      activeDeadlineSeconds: z
        .strictObject({
          setup: deadlineSeconds.describe('Deadline of the schema and Elasticsearch index Jobs, in seconds (at least 60).'),
          namespaces: deadlineSeconds.describe('Deadline of the namespace-registration Job, in seconds (at least 60).'),
        })
        .describe("Bounds on each setup Job's run, waits and retries included."),
      ttlSecondsAfterFinished: nonNegativeInt.describe('Seconds a finished setup Job is kept before Kubernetes deletes it.'),
      resources: resourcesSchema.describe(
        "Requests and limits of the setup Jobs, the wait-for-store init containers and Elasticsearch's init container.",
      ),
    })
    .describe('The one-shot setup Jobs: schema, Elasticsearch index and namespace registration.'),
  ui: z
    .strictObject({
      enabled: z.boolean().describe('Render the Web UI (Deployment, Service, PDB, HPA and Ingress).'),
      ...scaledWorkload,
      ingress: z
        .strictObject({
          enabled: z.boolean().describe("Render the Ingress; without it the UI's URL is http://localhost:8080 (a port-forward)."),
          host: dnsSubdomain.describe("Host of the Ingress; the UI's public URL, CORS origin and OIDC callback derive from it."),
          className: dnsLabel.describe('ingressClassName; with "nginx" and OIDC login the Ingress also gets a 16k proxy buffer.'),
          tlsSecretName: dnsLabel
            .optional()
            .describe('Secret with the certificate for host; the URL is https when set, and no TLS section is rendered when absent.'),
          certManagerClusterIssuer: dnsSubdomain
            .optional()
            .describe('cert-manager ClusterIssuer that fills tlsSecretName (e.g. letsencrypt); you create the Secret when absent.'),
          annotations: annotations.describe(
            'Extra Ingress annotations; they override rendered ones except cert-manager.io/cluster-issuer.',
          ),
        })
        .describe('The Ingress in front of the Web UI.'),
      auth: uiAuthSchema.describe('OIDC login for the Web UI.'),
      extraCorsOrigins: z
        .array(z.string().regex(/^https?:\/\/[^\s/,]+$/, 'must be an origin such as "https://tools.example.com"'))
        .max(50, 'must list at most 50 origins')
        .describe('Origins allowed by CORS besides the UI\'s own URL, e.g. "https://tools.example.com".'),
    })
    .describe('The Temporal Web UI.'),
  adminTools: z
    .strictObject({
      enabled: z.boolean().describe('Render the admin-tools Deployment (one pod, no Service).'),
      resources: resourcesSchema.describe('Requests and limits of the admin-tools container.'),
    })
    .describe('A pod with the temporal CLI and tdbg to kubectl exec into; it calls the internal frontend when there is one.'),
  workerPools: z
    .array(workerPoolSchema)
    .max(MAX_WORKER_POOLS, `must list at most ${MAX_WORKER_POOLS} pools`)
    .describe('Application worker pools (at most 100); each entry is merged onto workerPoolDefaults in overlays/base.ts.'),
  networkPolicies: z
    .strictObject({
      enabled: z.boolean().describe('Render a default-deny NetworkPolicy plus one policy per component allowing exactly its flows.'),
      clientNamespaces: z
        .array(namespaceLabels)
        .max(100, 'must list at most 100 selectors')
        .describe('Namespaces, each a set of namespace labels, whose pods may call the frontend on 7233/7243.'),
      ingressControllerNamespace: namespaceLabels.describe("Labels of the ingress controller's namespace: the only way into the Web UI."),
      monitoringNamespace: namespaceLabels.describe('Labels of the monitoring namespace: the only one that may scrape metrics.'),
      kedaNamespace: namespaceLabels.describe('Labels of the namespace KEDA runs in; it may query the frontend for task-queue backlogs.'),
      dns: z
        .strictObject({
          namespace: namespaceLabels.describe('Labels of the namespace cluster DNS runs in.'),
          pods: namespaceLabels.describe('Labels of the cluster DNS pods.'),
        })
        .describe('Where cluster DNS runs; every pod may query it on 53/UDP and 53/TCP.'),
      apiServer: z
        .strictObject({
          cidrs: z.array(cidr).min(1).max(100, 'must list at most 100 CIDRs').describe('Address ranges of the Kubernetes API server.'),
          ports: portList.min(1).max(16, 'must list at most 16 ports').describe('Ports of the Kubernetes API server, e.g. 443 and 6443.'),
        })
        .describe('The Kubernetes API server, for the pods that mount a token (worker pools read their own ConfigMap).'),
      httpsEgressCidrs: z
        .array(cidr)
        .max(100, 'must list at most 100 CIDRs')
        .describe('HTTPS (443) destinations outside the cluster: S3, AWS STS, JWKS and the OIDC provider.'),
    })
    .describe('Least-privilege NetworkPolicies generated from the flow table in charts/flows.ts.'),
});

export const specSchema = specObject.superRefine((spec, ctx) => {
  const dev = spec.environment === 'development';
  const images = Object.entries(spec.images).map(([k, img]) => ({ path: ['images', k], img }));
  spec.workerPools.forEach((p, i) => images.push({ path: ['workerPools', String(i), 'image'], img: p.image }));
  for (const { path, img } of images) {
    if (!dev && img.tag === 'latest' && !img.digest) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'tag'],
        message: '"latest" is only allowed in development; pin a version such as "1.31.2"',
      });
    }
  }
  checkDatastores(spec, ctx);
  checkSecurity(spec, ctx);
  checkImageVersions(spec, ctx);
  const seen = new Map<string, number>();
  spec.temporal.namespaces.forEach((ns, i) => {
    if (seen.has(ns.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['temporal', 'namespaces', i, 'name'],
        message: `duplicate Temporal namespace "${ns.name}" (also at index ${seen.get(ns.name)}); names must be unique`,
      });
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
        ctx.addIssue({
          code: 'custom',
          path: ['temporal', 'namespaces', i, 'retention'],
          message: `${ns.retention} is below system.namespaceMinRetentionLocal (${minRetention}); the server would reject it`,
        });
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
  const sized = [
    ...TEMPORAL_ROLE_NAMES.map((r) => spec.temporal[r]),
    ...(spec.authorization.enabled ? [spec.temporal.internalFrontend] : []),
  ];
  // BigInt: int32 replicas times int32 pool sizes can exceed Number's exact range.
  const rolePods = sized.reduce((n, r) => n + BigInt(r.autoscaling?.maxReplicas ?? r.replicas), 0n);
  const perPod = BigInt(pools.default.maxConns) + BigInt(spec.persistence.visibilityStore === 'sql' ? pools.visibility.maxConns : 0);
  const needed = rolePods * perPod + 10n;
  if (needed > BigInt(spec.postgres.maxConnections)) {
    ctx.addIssue({
      code: 'custom',
      path: ['postgres', 'maxConnections'],
      message:
        `${spec.postgres.maxConnections} is below the ${needed} connections the Temporal pods may open ` +
        `(${rolePods} pods at max scale × ${perPod} pooled connections each + 10); raise it or lower persistence.pools.*.maxConns`,
    });
  }
}
