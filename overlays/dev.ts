/** dev: a single-replica cluster that fits a 4 GiB laptop (sum of requests ≤ 2 CPU / 3 GiB). */
import type { ProfileOverlay } from '../config/profile';

const small = (cpu: string, memory: string, limitCpu: string, limitMemory: string) => ({
  requests: { cpu, memory },
  limits: { cpu: limitCpu, memory: limitMemory },
});
const single = { minReplicas: 1, maxReplicas: 1 };

export const dev: ProfileOverlay = {
  environment: 'development',
  namespace: { name: 'temporal-dev' },
  instance: 'temporal-dev',
  temporal: {
    numHistoryShards: 4,
    logLevel: 'debug',
    frontend: { replicas: 1, autoscaling: { ...single, maxReplicas: 2 }, resources: small('100m', '128Mi', '500m', '256Mi') },
    history: { replicas: 1, autoscaling: single, resources: small('100m', '192Mi', '500m', '256Mi') },
    matching: { replicas: 1, autoscaling: single, resources: small('100m', '128Mi', '500m', '256Mi') },
    worker: { replicas: 1, autoscaling: single, resources: small('50m', '64Mi', '250m', '128Mi') },
    namespaces: [{ name: 'default', retention: '1d', description: 'Default namespace (dev)' }],
    dynamicConfig: {
      'frontend.shutdownDrainDuration': '5s',
      'frontend.persistenceMaxQPS': 500,
      'history.persistenceMaxQPS': 1000,
      'matching.numTaskqueueReadPartitions': 1,
      'matching.numTaskqueueWritePartitions': 1,
    },
  },
  persistence: {
    // One database server for everything: visibility in PostgreSQL, no Elasticsearch.
    visibilityStore: 'sql',
    passwordSecret: { name: 'temporal-postgres-dev', generate: true },
    pools: {
      default: { maxConns: 5, maxIdleConns: 2 },
      visibility: { maxConns: 5, maxIdleConns: 2 },
    },
  },
  postgres: {
    maxConnections: 80,
    resources: small('100m', '128Mi', '500m', '256Mi'),
    storage: { size: '2Gi' },
  },
  elasticsearch: { enabled: false },
  // No prometheus-operator on a laptop: plain prometheus.io annotations instead.
  monitoring: { serviceMonitors: false, alerts: false, dashboards: false, prometheusAnnotations: true },
  // Plaintext inside the cluster: no cert-manager needed on a laptop.
  tls: { enabled: false, issuer: null },
  backup: { enabled: false },
  // Closed workflow histories and visibility records are archived to a volume you can inspect.
  archival: {
    history: { state: 'enabled', enableRead: true, uri: 'file:///var/temporal/archival/history' },
    visibility: { state: 'enabled', enableRead: true, uri: 'file:///var/temporal/archival/visibility' },
    provider: { type: 'filestore', mountPath: '/var/temporal/archival', storage: { size: '1Gi' }, accessMode: 'ReadWriteOnce' },
  },
  ui: {
    autoscaling: { minReplicas: 1, maxReplicas: 1 },
    ingress: { host: 'temporal.localtest.me' },
  },
  workerPools: [
    {
      name: 'app-worker',
      autoscaling: { minReplicas: 1, maxReplicas: 2 },
      resources: small('100m', '384Mi', '500m', '512Mi'),
      env: { SPRING_PROFILES_ACTIVE: 'dev' },
    },
  ],
  gitops: { syncPolicy: 'automated-prune' },
};
