/**
 * Worker pools shared by the staging and production profiles. Each entry states only what differs
 * from `workerPoolDefaults` (a Spring Boot worker); `null` removes an inherited key.
 */
import type { WorkerPoolOverlay } from './profile';

/** A Ruby worker: no JVM, no Spring config, a CLI health check, SDK metrics on 9464. */
export const rubyWorker: WorkerPoolOverlay = {
  name: 'ruby-worker',
  image: { repository: 'ghcr.io/example-org/temporal-ruby-worker', tag: '1.0.0' },
  taskQueues: ['ruby-task-queue'],
  maxConcurrentWorkflowTasks: 20,
  maxConcurrentActivities: 40,
  env: { SPRING_CONFIG_ADDITIONAL_LOCATION: null, RUBY_YJIT_ENABLE: '1' },
  config: { 'application.yaml': null, 'worker.yml': 'log_level: info\n' },
  jvmOptions: [],
  liveness: { type: 'exec', command: ['bundle', 'exec', 'bin/worker', 'health'] },
  readiness: { type: 'exec', command: ['bundle', 'exec', 'bin/worker', 'health'] },
  metricsPort: 9464,
  metricsPath: '/metrics',
};
