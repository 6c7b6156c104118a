/** staging: production's shape at a smaller size; secrets come from pre-existing Secrets. */
import { rubyWorker } from './pools';
import type { ProfileOverlay } from '../config/profile';

const limits = (cpu: string, memory: string) => ({ cpu, memory });

export const staging: ProfileOverlay = {
  environment: 'staging',
  namespace: { name: 'temporal-staging' },
  instance: 'temporal-staging',
  temporal: {
    numHistoryShards: 512,
    frontend: { resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: limits('1', '512Mi') } },
    history: { resources: { requests: { cpu: '250m', memory: '384Mi' }, limits: limits('1', '512Mi') } },
    matching: { resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: limits('1', '512Mi') } },
    worker: { resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: limits('500m', '256Mi') } },
    namespaces: [
      { name: 'default', retention: '7d', description: 'Default namespace (staging)' },
      { name: 'staging', retention: '7d', description: 'Application workflows (staging)' },
    ],
  },
  postgres: { storage: { size: '50Gi' } },
  // Visibility on a single Elasticsearch node (persistence.visibilityStore defaults to elasticsearch).
  elasticsearch: { storage: { size: '20Gi' } },
  // Nightly dumps of the in-cluster PostgreSQL, kept for a week.
  backup: { enabled: true, retentionDays: 7, storage: { size: '50Gi' } },
  ui: {
    ingress: { host: 'temporal.staging.example.com', tlsSecretName: 'temporal-web-tls', certManagerClusterIssuer: 'letsencrypt' },
  },
  workerPools: [
    // Scales on the task-queue backlog with KEDA (down to one pod when idle).
    {
      name: 'app-worker',
      autoscaling: null,
      keda: {
        minReplicas: 1,
        maxReplicas: 5,
        targetQueueSize: 10,
        activationTargetQueueSize: 0,
        queueTypes: ['workflow', 'activity'],
        pollingIntervalSeconds: 30,
        cooldownPeriodSeconds: 300,
      },
    },
    // CPU and memory HPA (Ruby returns freed memory, unlike a JVM heap).
    {
      ...rubyWorker,
      autoscaling: { minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 80, targetMemoryUtilizationPercentage: 80 },
    },
  ],
  // Application namespaces labelled temporal-client=<env> may call the frontend.
  networkPolicies: {
    clientNamespaces: [{ 'temporal-client': 'staging' }],
  },
  gitops: { syncPolicy: 'automated' },
};
