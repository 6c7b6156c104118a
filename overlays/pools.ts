/**
 * Worker pools shared by the staging and production profiles. Each entry states only what differs
 * from `workerPoolDefaults` (a Spring Boot worker); `null` removes an inherited key.
 */
import type { WorkerPoolOverlay } from '../config/profile';

/** A Ruby worker: no JVM, no Spring config, a CLI health check, SDK metrics on 9464. */
export const rubyWorker: WorkerPoolOverlay = {
  name: 'ruby-worker',
  image: { repository: 'ghcr.io/example-org/temporal-ruby-worker', tag: '1.0.0' },
  taskQueues: ['ruby-task-queue'],
  maxConcurrentWorkflowTasks: 20,
  maxConcurrentActivities: 40,
  env: { SPRING_CONFIG_ADDITIONAL_LOCATION: null, RUBY_YJIT_ENABLE: '1' },
  config: { 'application.yaml': null, 'worker.yml': 'log_level: info\n' },
  // The Ruby SDK reads TEMPORAL_TLS_* and TEMPORAL_API_KEY itself (environment configuration).
  configWhenTls: { 'temporal-mtls.yaml': null },
  configWhenApiKey: { 'temporal-api-key.yaml': null },
  resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { cpu: '500m', memory: '384Mi' } },
  jvmOptions: [],
  liveness: { type: 'exec', command: ['bundle', 'exec', 'bin/worker', 'health'] },
  readiness: { type: 'exec', command: ['bundle', 'exec', 'bin/worker', 'health'] },
  metricsPort: 9464,
  metricsPath: '/metrics',
};
