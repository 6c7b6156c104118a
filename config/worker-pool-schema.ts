/**
 * Application worker pools: what each pool runs, how it is configured and probed, and how it scales
 * (an HPA on CPU/memory, or KEDA on the task-queue backlog, never both).
 */
import { z } from 'zod';
import { MAX_MAP_ENTRIES, dnsLabel, imageSchema, nonNegativeInt, port, positiveInt, scaledWorkload, storageSchema } from './primitives';

const probeSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('http'), path: z.string().startsWith('/'), port }),
  z.strictObject({ type: z.literal('tcp'), port }),
  z.strictObject({ type: z.literal('exec'), command: z.array(z.string()).min(1).max(64, 'must have at most 64 arguments') }),
]);

/** Joined with "," into TEMPORAL_TASK_QUEUES, and offered in a Grafana variable (whose syntax uses " : "). */
const taskQueue = z.string().min(1).max(1000, 'must be at most 1000 characters (the server\'s limit)')
  .refine((q) => !q.includes(',') && !q.includes(' : '), 'must not contain "," (TEMPORAL_TASK_QUEUES is comma-separated) or " : " (Grafana variable syntax)');

const configFiles = z.record(z.string().max(253, 'must be at most 253 characters').regex(/^[-._a-zA-Z0-9]+$/, 'must be a ConfigMap key (a file name)'), z.string())
  .refine((m) => Object.keys(m).length <= MAX_MAP_ENTRIES, `must have at most ${MAX_MAP_ENTRIES} files`);

/** Set by the app from the spec; a pool's `env` may not override them. */
export const RESERVED_POOL_ENV = [
  'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'TEMPORAL_TASK_QUEUES',
  'TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS', 'TEMPORAL_MAX_CONCURRENT_ACTIVITIES', 'JAVA_TOOL_OPTIONS', 'TEMPORAL_API_KEY',
];

/** KEDA's `temporal` scaler: replicas follow the task-queue backlog. */
export const kedaSchema = z.strictObject({
  /** 0 lets KEDA scale the pool to zero when the queue is empty. */
  minReplicas: nonNegativeInt,
  maxReplicas: positiveInt,
  /** Backlog per replica KEDA aims for. */
  targetQueueSize: positiveInt,
  /** Backlog above which KEDA wakes a pool that is at zero. */
  activationTargetQueueSize: nonNegativeInt,
  queueTypes: z.array(z.enum(['workflow', 'activity', 'nexus'])).min(1),
  pollingIntervalSeconds: positiveInt,
  cooldownPeriodSeconds: positiveInt,
});

export const workerPoolSchema = z.strictObject({
  name: dnsLabel,
  image: imageSchema,
  temporalNamespace: z.string().min(1),
  /** Task queues the pool polls: TEMPORAL_TASK_QUEUE (the first) and TEMPORAL_TASK_QUEUES (all, comma-separated). */
  taskQueues: z.array(taskQueue).min(1, 'list at least one task queue the pool polls').max(50, 'must list at most 50 task queues'),
  /** Passed as TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS / TEMPORAL_MAX_CONCURRENT_ACTIVITIES. @default the SDK's */
  maxConcurrentWorkflowTasks: positiveInt.optional(),
  maxConcurrentActivities: positiveInt.optional(),
  ...scaledWorkload,
  /** Scale on the task-queue backlog with KEDA instead of an HPA (set `autoscaling: null`). */
  keda: kedaSchema.nullable().optional().transform((k) => k ?? undefined),
  /** Extra plain environment variables for the worker container. */
  env: z.record(
    z.string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
      .refine((k) => !RESERVED_POOL_ENV.includes(k), 'is set by the app from the spec (temporalNamespace, taskQueues, maxConcurrent*, jvmOptions)'),
    z.string(),
  ).refine((m) => Object.keys(m).length <= MAX_MAP_ENTRIES, `must have at most ${MAX_MAP_ENTRIES} variables`),
  /** Pre-existing ConfigMaps and Secrets loaded with envFrom; the pool's Role may read exactly these. */
  envFrom: z.strictObject({ configMaps: z.array(dnsLabel).max(50, 'must list at most 50 ConfigMaps'), secrets: z.array(dnsLabel).max(50, 'must list at most 50 Secrets') }),
  /** Application config rendered into the pool's ConfigMap and mounted at `configMountPath`. */
  config: configFiles,
  /** More files for that ConfigMap, only when the profile runs TLS (e.g. the app's mTLS settings). */
  configWhenTls: configFiles,
  /** More files, only when `apiKeySecret` is set (e.g. the app's API-key setting). */
  configWhenApiKey: configFiles,
  /** Secret (name, key) with the JWT/API key the worker (TEMPORAL_API_KEY) and KEDA send to an authorizing frontend. @default none */
  apiKeySecret: z.strictObject({ name: dnsLabel, key: z.string().min(1) }).nullable().optional().transform((s) => s ?? undefined),
  configMountPath: z.string().startsWith('/'),
  /** JVM flags (JAVA_TOOL_OPTIONS) for JVM images; [] for others. */
  jvmOptions: z.array(z.string().min(1)).max(100, 'must list at most 100 options'),
  liveness: probeSchema,
  readiness: probeSchema,
  /** A PersistentVolumeClaim mounted at `mountPath`. @default none */
  volume: z
    .strictObject({ ...storageSchema.shape, mountPath: z.string().startsWith('/'), accessMode: z.enum(['ReadWriteOnce', 'ReadWriteMany']) })
    .nullable().optional().transform((v) => v ?? undefined),
  /** Where the worker serves Prometheus metrics. @default none */
  metricsPort: port.optional(),
  metricsPath: z.string().startsWith('/'),
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
    if (names.has(p.name)) issue(['workerPools', i, 'name'], `duplicate worker pool "${p.name}" (also at index ${names.get(p.name)}); pool names must be unique`);
    names.set(p.name, i);
    if (p.name.startsWith('temporal-')) issue(['workerPools', i, 'name'], 'must not start with "temporal-" (reserved for the Temporal components)');
    if (!known.has(p.temporalNamespace)) {
      issue(['workerPools', i, 'temporalNamespace'], `"${p.temporalNamespace}" is not registered; add it to temporal.namespaces or use one of: ${[...known].join(', ')}`);
    }
    if (p.keda && p.autoscaling) {
      issue(['workerPools', i, 'keda'], 'KEDA and an HPA cannot both scale one Deployment; set autoscaling: null to scale on the backlog, or keda: null to scale on CPU');
    }
    if (p.keda && p.keda.minReplicas > p.keda.maxReplicas) {
      issue(['workerPools', i, 'keda', 'minReplicas'], `must be ≤ maxReplicas (${p.keda.maxReplicas})`);
    }
    const maxPods = p.keda?.maxReplicas ?? p.autoscaling?.maxReplicas ?? p.replicas;
    if (p.volume?.accessMode === 'ReadWriteOnce' && maxPods > 1) {
      issue(['workerPools', i, 'volume', 'accessMode'], `ReadWriteOnce cannot be mounted by ${maxPods} pods on different nodes; use ReadWriteMany or a single replica`);
    }
    if (new Set(p.taskQueues).size !== p.taskQueues.length) issue(['workerPools', i, 'taskQueues'], 'lists a task queue twice');
    if (spec.authorization.enabled && !p.apiKeySecret) {
      issue(['workerPools', i, 'apiKeySecret'], 'is required while authorization is on: the frontend refuses calls without a JWT; name the Secret (and key) holding the worker\'s token');
    }
  });
}
