/**
 * Application worker pools: what each pool runs, how it is configured and probed, and how it scales
 * (an HPA on CPU/memory, or KEDA on the task-queue backlog, never both).
 */
import { z } from 'zod';
import { MAX_MAP_ENTRIES, dnsLabel, imageSchema, nonNegativeInt, port, positiveInt, scaledWorkload, storageSchema } from './primitives';

const probeSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('http').describe('http: an HTTP GET that must answer with a 2xx or 3xx status.'),
    path: z.string().startsWith('/').describe('Path of the HTTP GET, e.g. "/actuator/health/readiness".'),
    port: port.describe('Container port of the HTTP GET; declared on the container.'),
  }),
  z.strictObject({
    type: z.literal('tcp').describe('tcp: the port must accept a TCP connection.'),
    port: port.describe('Container port that must accept connections; declared on the container.'),
  }),
  z.strictObject({
    type: z.literal('exec').describe('exec: a command run in the container that must exit with 0.'),
    command: z
      .array(z.string())
      .min(1)
      .max(64, 'must have at most 64 arguments')
      .describe('The program and its arguments (no shell), 1–64 items.'),
  }),
]);

/** Joined with "," into TEMPORAL_TASK_QUEUES, and offered in a Grafana variable (whose syntax uses " : "). */
const taskQueue = z
  .string()
  .min(1)
  .max(1000, "must be at most 1000 characters (the server's limit)")
  .refine(
    (q) => !q.includes(',') && !q.includes(' : '),
    'must not contain "," (TEMPORAL_TASK_QUEUES is comma-separated) or " : " (Grafana variable syntax)',
  );

const configFiles = z
  .record(
    z
      .string()
      .max(253, 'must be at most 253 characters')
      .regex(/^[-._a-zA-Z0-9]+$/, 'must be a ConfigMap key (a file name)'),
    z.string(),
  )
  .refine((m) => Object.keys(m).length <= MAX_MAP_ENTRIES, `must have at most ${MAX_MAP_ENTRIES} files`);

/** Set by the app from the spec; a pool's `env` may not override them. */
export const RESERVED_POOL_ENV = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_TASK_QUEUE',
  'TEMPORAL_TASK_QUEUES',
  'TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS',
  'TEMPORAL_MAX_CONCURRENT_ACTIVITIES',
  'JAVA_TOOL_OPTIONS',
  'TEMPORAL_API_KEY',
];

export const kedaSchema = z.strictObject({
  minReplicas: nonNegativeInt.describe('Fewest pods; 0 lets KEDA scale the pool to zero while the queues are empty. At most maxReplicas.'),
  maxReplicas: positiveInt.describe('Most pods KEDA scales the pool to.'),
  targetQueueSize: positiveInt.describe('Backlog per replica KEDA aims for.'),
  activationTargetQueueSize: nonNegativeInt.describe('Backlog above which KEDA wakes a pool that is at zero.'),
  queueTypes: z
    .array(z.enum(['workflow', 'activity', 'nexus']))
    .min(1)
    .describe('Task queue types whose backlog counts: workflow, activity and/or nexus.'),
  pollingIntervalSeconds: positiveInt.describe('How often KEDA queries the backlog, in seconds.'),
  cooldownPeriodSeconds: positiveInt.describe('Seconds after the last active trigger before KEDA scales the pool to zero.'),
});

export const workerPoolSchema = z.strictObject({
  name: dnsLabel.describe(
    'Pool name: names its Deployment, ServiceAccount, Role, HPA or ScaledObject and PDB; unique, not starting with "temporal-".',
  ),
  image: imageSchema.describe("The worker's container image (your application)."),
  temporalNamespace: z
    .string()
    .min(1)
    .describe("Temporal namespace the pool polls (TEMPORAL_NAMESPACE, and KEDA's); must be listed in temporal.namespaces."),
  taskQueues: z
    .array(taskQueue)
    .min(1, 'list at least one task queue the pool polls')
    .max(50, 'must list at most 50 task queues')
    .describe('Task queues the pool polls: TEMPORAL_TASK_QUEUE (the first) and TEMPORAL_TASK_QUEUES (all, comma-separated).'),
  maxConcurrentWorkflowTasks: positiveInt
    .optional()
    .describe("Passed as TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS; the SDK's default when absent."),
  maxConcurrentActivities: positiveInt.optional().describe("Passed as TEMPORAL_MAX_CONCURRENT_ACTIVITIES; the SDK's default when absent."),
  ...scaledWorkload,
  keda: kedaSchema
    .nullable()
    .optional()
    .transform((k) => k ?? undefined)
    .describe('Scale on the task-queue backlog with a KEDA ScaledObject instead of an HPA (set autoscaling: null); none when absent.'),
  env: z
    .record(
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
        .refine(
          (k) => !RESERVED_POOL_ENV.includes(k),
          'is set by the app from the spec (temporalNamespace, taskQueues, maxConcurrent*, jvmOptions)',
        ),
      z.string(),
    )
    .refine((m) => Object.keys(m).length <= MAX_MAP_ENTRIES, `must have at most ${MAX_MAP_ENTRIES} variables`)
    .describe('Extra plain environment variables of the worker container; `null` in an overlay removes an inherited one.'),
  envFrom: z
    .strictObject({
      configMaps: z.array(dnsLabel).max(50, 'must list at most 50 ConfigMaps').describe('Pre-existing ConfigMaps loaded with envFrom.'),
      secrets: z.array(dnsLabel).max(50, 'must list at most 50 Secrets').describe('Pre-existing Secrets loaded with envFrom.'),
    })
    .describe("Pre-existing ConfigMaps and Secrets loaded with envFrom; the pool's Role may read exactly these."),
  config: configFiles.describe("Application config files (file name → content) of the pool's ConfigMap, mounted at configMountPath."),
  configWhenTls: configFiles.describe("More files for that ConfigMap, only when the profile runs TLS (e.g. the app's mTLS settings)."),
  configWhenApiKey: configFiles.describe("More files for that ConfigMap, only when apiKeySecret is set (e.g. the app's API-key setting)."),
  apiKeySecret: z
    .strictObject({
      name: dnsLabel.describe('Name of the Secret.'),
      key: z.string().min(1).describe('Key in the Secret that holds the token.'),
    })
    .nullable()
    .optional()
    .transform((s) => s ?? undefined)
    .describe('Secret with the JWT/API key the worker (TEMPORAL_API_KEY) and KEDA send; required while authorization is on.'),
  configMountPath: z.string().startsWith('/').describe("Where the pool's ConfigMap is mounted, read-only, in the worker container."),
  jvmOptions: z
    .array(z.string().min(1))
    .max(100, 'must list at most 100 options')
    .describe('JVM flags (JAVA_TOOL_OPTIONS); [] for other images. A pool with flags is a JVM: with TLS it gets a trust store.'),
  liveness: probeSchema.describe('Liveness check of the worker container; also its startup probe (up to 5 minutes to start).'),
  readiness: probeSchema.describe('Readiness check of the worker container.'),
  volume: z
    .strictObject({
      ...storageSchema.shape,
      mountPath: z.string().startsWith('/').describe('Where the volume is mounted in the worker container.'),
      accessMode: z
        .enum(['ReadWriteOnce', 'ReadWriteMany'])
        .describe('Access mode of the claim; ReadWriteOnce only while the pool can run a single pod.'),
    })
    .nullable()
    .optional()
    .transform((v) => v ?? undefined)
    .describe('A PersistentVolumeClaim <name>-data mounted in the worker container; none when absent.'),
  metricsPort: port
    .optional()
    .describe('Container port serving Prometheus metrics, exposed by a <name>-metrics Service for scraping; none when absent.'),
  metricsPath: z.string().startsWith('/').describe('HTTP path of the metrics endpoint, for the ServiceMonitor and prometheus.io/path.'),
});

type Pool = z.output<typeof workerPoolSchema>;

/** Pool rules that span fields or pools. */
export function checkWorkerPools(
  spec: { workerPools: Pool[]; temporal: { namespaces: { name: string }[] }; authorization: { enabled: boolean } },
  ctx: z.RefinementCtx,
): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const names = new Map<string, number>();
  const known = new Set(spec.temporal.namespaces.map((n) => n.name));
  spec.workerPools.forEach((p, i) => {
    if (names.has(p.name))
      issue(
        ['workerPools', i, 'name'],
        `duplicate worker pool "${p.name}" (also at index ${names.get(p.name)}); pool names must be unique`,
      );
    names.set(p.name, i);
    if (p.name.startsWith('temporal-'))
      issue(['workerPools', i, 'name'], 'must not start with "temporal-" (reserved for the Temporal components)');
    if (!known.has(p.temporalNamespace)) {
      issue(
        ['workerPools', i, 'temporalNamespace'],
        `"${p.temporalNamespace}" is not registered; add it to temporal.namespaces or use one of: ${[...known].join(', ')}`,
      );
    }
    if (p.keda && p.autoscaling) {
      issue(
        ['workerPools', i, 'keda'],
        'KEDA and an HPA cannot both scale one Deployment; set autoscaling: null to scale on the backlog, or keda: null to scale on CPU',
      );
    }
    if (p.keda && p.keda.minReplicas > p.keda.maxReplicas) {
      issue(['workerPools', i, 'keda', 'minReplicas'], `must be ≤ maxReplicas (${p.keda.maxReplicas})`);
    }
    const maxPods = p.keda?.maxReplicas ?? p.autoscaling?.maxReplicas ?? p.replicas;
    if (p.volume?.accessMode === 'ReadWriteOnce' && maxPods > 1) {
      issue(
        ['workerPools', i, 'volume', 'accessMode'],
        `ReadWriteOnce cannot be mounted by ${maxPods} pods on different nodes; use ReadWriteMany or a single replica`,
      );
    }
    if (new Set(p.taskQueues).size !== p.taskQueues.length) issue(['workerPools', i, 'taskQueues'], 'lists a task queue twice');
    if (spec.authorization.enabled && !p.apiKeySecret) {
      issue(
        ['workerPools', i, 'apiKeySecret'],
        "is required while authorization is on: the frontend refuses calls without a JWT; name the Secret (and key) holding the worker's token",
      );
    }
  });
}
