/**
 * Configuration, from the environment a worker-pool Deployment renders and nothing else.
 *
 * Connection settings come from @temporalio/envconfig (`loadClientConnectConfig`), which reads
 * TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS, TEMPORAL_TLS_CLIENT_CERT_PATH,
 * TEMPORAL_TLS_CLIENT_KEY_PATH, TEMPORAL_TLS_SERVER_CA_CERT_PATH and TEMPORAL_TLS_SERVER_NAME (and a few
 * more: *_DATA variants, TEMPORAL_GRPC_META_*, TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE). The TOML file
 * is disabled so a developer's ~/.config/temporalio/temporal.toml cannot leak into the test.
 *
 * envconfig does not read the task queue or the concurrency limits; those are read here:
 * TEMPORAL_TASK_QUEUE, TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS, TEMPORAL_MAX_CONCURRENT_ACTIVITIES.
 */
import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';

export interface Config {
  connect: ClientConnectConfig;
  address: string;
  namespace: string;
  taskQueue: string | undefined;
  maxConcurrentWorkflowTasks: number | undefined;
  maxConcurrentActivities: number | undefined;
}

function optionalInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return Number(raw.trim());
}

export function loadConfig(): Config {
  const connect = loadClientConnectConfig({ disableFile: true });
  const address = connect.connectionOptions.address;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set (envconfig found no address)');
  const taskQueue = process.env.TEMPORAL_TASK_QUEUE || undefined;
  return {
    connect,
    address,
    namespace: connect.namespace ?? 'default',
    taskQueue,
    maxConcurrentWorkflowTasks: optionalInt('TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS'),
    maxConcurrentActivities: optionalInt('TEMPORAL_MAX_CONCURRENT_ACTIVITIES'),
  };
}

export function requireTaskQueue(c: Config): string {
  if (!c.taskQueue) throw new Error('TEMPORAL_TASK_QUEUE is not set');
  return c.taskQueue;
}

/** What envconfig resolved, without secrets: logged by the worker, printed by `client.js config`. */
export function describeConfig(c: Config): Record<string, unknown> {
  const o = c.connect.connectionOptions;
  const tls = o.tls;
  return {
    address: c.address,
    namespace: c.namespace,
    taskQueue: c.taskQueue ?? null,
    tls: tls === undefined ? null : tls === false ? false : true,
    tlsServerName: typeof tls === 'object' && tls ? (tls.serverNameOverride ?? null) : null,
    tlsServerCa: typeof tls === 'object' && tls ? Boolean(tls.serverRootCACertificate) : false,
    tlsClientCert: typeof tls === 'object' && tls ? Boolean(tls.clientCertPair) : false,
    apiKey: Boolean(o.apiKey),
    grpcMetadataKeys: Object.keys(o.metadata ?? {}),
    maxConcurrentWorkflowTasks: c.maxConcurrentWorkflowTasks ?? null,
    maxConcurrentActivities: c.maxConcurrentActivities ?? null,
  };
}
