/** production: highly available roles spread over zones and nodes; admin tools off. */
import { rubyWorker } from './pools';
import type { ProfileOverlay } from '../config/profile';

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
      'frontend.namespaceRPS': 2400,
      'matching.numTaskqueueReadPartitions': 8,
      'matching.numTaskqueueWritePartitions': 8,
      // Protect against namespaces registered with a retention too short to debug an incident.
      'system.namespaceMinRetentionLocal': '72h',
    },
    // IAM role (IRSA) of the server pods: s3:PutObject/GetObject/ListBucket on the archival bucket.
    serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/temporal-server' },
  },
  // A managed PostgreSQL (RDS, Cloud SQL, Azure Database…): replace host, CIDRs and Secret names with yours.
  persistence: {
    mode: 'external',
    external: {
      host: 'temporal-db.internal.example.com',
      port: 5432,
      egressCidrs: ['10.20.0.0/16'],
      tls: { enabled: true, caSecret: { name: 'temporal-postgres-ca', key: 'ca.crt' }, enableHostVerification: true },
    },
    pools: {
      default: { maxConns: 20, maxIdleConns: 10, maxConnLifetime: '30m' },
      visibility: { maxConns: 10, maxIdleConns: 5, maxConnLifetime: '30m' },
    },
  },
  elasticsearch: {
    replicas: 3,
    resources: res('1', '4Gi', '2', '4Gi'),
    storage: { size: '100Gi' },
    security: {
      enabled: true,
      credentialsSecret: { name: 'temporal-elasticsearch-credentials', key: 'password' },
      transportTlsSecret: 'temporal-elasticsearch-transport-tls',
    },
  },
  backup: { enabled: true, retentionDays: 14, storage: { size: '200Gi' } },
  archival: {
    history: { state: 'enabled', enableRead: true, uri: 's3://example-temporal-archival/history' },
    visibility: { state: 'enabled', enableRead: true, uri: 's3://example-temporal-archival/visibility' },
    provider: { type: 's3store', region: 'us-east-1', s3ForcePathStyle: false },
  },
  ui: {
    replicas: 2,
    autoscaling: { minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 75, behavior: 'default' },
    ingress: { host: 'temporal.example.com', tlsSecretName: 'temporal-web-tls', certManagerClusterIssuer: 'letsencrypt' },
    // Sign-in through your identity provider; replace the URL and client id with yours.
    auth: {
      enabled: true,
      providerUrl: 'https://login.example.com/realms/temporal',
      clientId: 'temporal-web',
      clientSecret: { name: 'temporal-web-oidc', key: 'client-secret' },
    },
  },
  // Every client of the frontend presents a certificate; callers carry JWTs from the same provider.
  tls: { frontendRequireClientAuth: true },
  authorization: {
    enabled: true,
    jwtKeySourceURIs: ['https://login.example.com/realms/temporal/protocol/openid-connect/certs'],
  },
  // Credentials come from the external store (e.g. AWS Secrets Manager) through external-secrets.io.
  externalSecrets: {
    enabled: true,
    store: { name: 'aws-secrets-manager', kind: 'ClusterSecretStore' },
    remoteKeyPrefix: 'temporal/production',
  },
  adminTools: { enabled: false },
  workerPools: [
    // HPA on CPU, 3–10 pods; the token for the JWT authorizer comes from the external store.
    {
      name: 'app-worker',
      temporalNamespace: 'production',
      replicas: 3,
      // CPU only: a JVM keeps its heap, so memory would hold the pool at its maximum.
      autoscaling: { minReplicas: 3, maxReplicas: 10, targetCPUUtilizationPercentage: 80 },
      resources: res('500m', '768Mi', '2', '1Gi'),
      apiKeySecret: { name: 'app-worker-temporal-api-key', key: 'api-key' },
    },
    // Backlog-driven with KEDA.
    {
      ...rubyWorker,
      temporalNamespace: 'production',
      autoscaling: null,
      keda: {
        minReplicas: 2,
        maxReplicas: 20,
        targetQueueSize: 20,
        activationTargetQueueSize: 0,
        queueTypes: ['workflow', 'activity'],
        pollingIntervalSeconds: 15,
        cooldownPeriodSeconds: 600,
      },
      resources: res('250m', '256Mi', '1', '512Mi'),
      apiKeySecret: { name: 'ruby-worker-temporal-api-key', key: 'api-key' },
    },
  ],
  // Application namespaces labelled temporal-client=<env> may call the frontend.
  networkPolicies: {
    clientNamespaces: [{ 'temporal-client': 'production' }],
  },
};
