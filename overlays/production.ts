/** production: highly available roles spread over zones and nodes; admin tools off. */
import type { ProfileOverlay } from './profile';

const res = (reqCpu: string, reqMemory: string, limCpu: string, limMemory: string) => ({
  requests: { cpu: reqCpu, memory: reqMemory },
  limits: { cpu: limCpu, memory: limMemory },
});

export const production: ProfileOverlay = {
  environment: 'production',
  namespace: { name: 'temporal' },
  instance: 'temporal',
  topologySpread: true,
  temporal: {
    numHistoryShards: 512,
    frontend: {
      replicas: 3,
      autoscaling: { minReplicas: 3, maxReplicas: 10, targetCPUUtilizationPercentage: 70, behavior: 'default' },
      resources: res('500m', '512Mi', '2', '1Gi'),
    },
    history: {
      replicas: 5,
      autoscaling: { minReplicas: 5, maxReplicas: 5, targetCPUUtilizationPercentage: 75, behavior: 'conservative' },
      resources: res('1', '1536Mi', '2', '2Gi'),
    },
    matching: {
      replicas: 3,
      autoscaling: { minReplicas: 3, maxReplicas: 3, targetCPUUtilizationPercentage: 75, behavior: 'conservative' },
      resources: res('500m', '512Mi', '2', '1Gi'),
    },
    worker: {
      replicas: 3,
      autoscaling: { minReplicas: 3, maxReplicas: 5, targetCPUUtilizationPercentage: 75, behavior: 'default' },
      resources: res('250m', '256Mi', '1', '512Mi'),
    },
    namespaces: [
      { name: 'default', retention: '30d', description: 'Default namespace' },
      { name: 'production', retention: '30d', description: 'Application workflows' },
    ],
    dynamicConfig: {
      'frontend.persistenceMaxQPS': 3000,
      'history.persistenceMaxQPS': 9000,
      'matching.persistenceMaxQPS': 3000,
    },
  },
  persistence: { maxConns: 15, maxIdleConns: 10 },
  postgres: {
    maxConnections: 800,
    resources: res('1', '2Gi', '2', '4Gi'),
    storage: { size: '100Gi' },
  },
  ui: {
    replicas: 2,
    autoscaling: { minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 75, behavior: 'default' },
    ingress: { host: 'temporal.example.com', tlsSecretName: 'temporal-web-tls' },
  },
  adminTools: { enabled: false },
  workerPools: [
    {
      name: 'app-worker',
      temporalNamespace: 'production',
      replicas: 3,
      autoscaling: { minReplicas: 3, maxReplicas: 10 },
      resources: res('250m', '512Mi', '1', '1Gi'),
    },
  ],
  networkPolicies: {
    webFromNamespaces: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
    metricsFromNamespaces: { 'kubernetes.io/metadata.name': 'monitoring' },
  },
};
