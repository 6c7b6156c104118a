/**
 * Every default of the spec. A profile (dev.ts, staging.ts, production.ts, or a YAML overlay) only
 * states what differs from this. Field meanings are the schema's descriptions (`.describe()` in config/).
 */
import type { SpecInput, WorkerPoolInput } from '../config/schema';
import type { ProfileOverlay } from '../config/profile';

const TEMPORAL_VERSION = '1.31.2';

/** The base is a complete spec, except that worker pools list only names and overrides. */
type BaseSpec = Omit<SpecInput, 'workerPools'> & Pick<ProfileOverlay, 'workerPools'>;

export const base: BaseSpec = {
  environment: 'production',
  namespace: { name: 'temporal', labels: {} },
  instance: 'temporal',
  images: {
    server: { repository: 'temporalio/server', tag: TEMPORAL_VERSION, pullPolicy: 'IfNotPresent' },
    adminTools: { repository: 'temporalio/admin-tools', tag: TEMPORAL_VERSION, pullPolicy: 'IfNotPresent' },
    ui: { repository: 'temporalio/ui', tag: '2.52.0', pullPolicy: 'IfNotPresent' },
    postgres: { repository: 'postgres', tag: '17.6', pullPolicy: 'IfNotPresent' },
    elasticsearch: { repository: 'docker.elastic.co/elasticsearch/elasticsearch', tag: '8.19.16', pullPolicy: 'IfNotPresent' },
    keytool: { repository: 'eclipse-temurin', tag: '17.0.15_6-jre', pullPolicy: 'IfNotPresent' },
  },
  topologySpread: false,
  temporal: {
    numHistoryShards: 512,
    logLevel: 'info',
    clusterName: 'active',
    frontend: {
      replicas: 2,
      minReadySeconds: 10,
      autoscaling: { minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 75, behavior: 'default' },
      resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    },
    // History and matching are pinned (min = max): every membership change moves shards and task-queue
    // partitions, so Temporal's maintainers advise sizing them for peak rather than autoscaling.
    history: {
      replicas: 2,
      minReadySeconds: 30,
      autoscaling: { minReplicas: 2, maxReplicas: 2, targetCPUUtilizationPercentage: 75, behavior: 'conservative' },
      resources: { requests: { cpu: '250m', memory: '384Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    },
    matching: {
      replicas: 2,
      minReadySeconds: 30,
      autoscaling: { minReplicas: 2, maxReplicas: 2, targetCPUUtilizationPercentage: 75, behavior: 'conservative' },
      resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    },
    worker: {
      replicas: 1,
      minReadySeconds: 10,
      autoscaling: { minReplicas: 1, maxReplicas: 2, targetCPUUtilizationPercentage: 75, behavior: 'default' },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    },
    internalFrontend: {
      replicas: 2,
      minReadySeconds: 10,
      autoscaling: { minReplicas: 2, maxReplicas: 3, targetCPUUtilizationPercentage: 75, behavior: 'default' },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    },
    namespaces: [{ name: 'default', retention: '3d', description: 'Default namespace' }],
    dynamicConfig: {
      // Let in-flight calls finish on rollouts (terminationGracePeriodSeconds is 60).
      'frontend.shutdownDrainDuration': '30s',
    },
    dynamicConfigPollIntervalSeconds: 10,
    serviceAccountAnnotations: {},
  },
  persistence: {
    mode: 'inCluster',
    pluginName: 'postgres12_pgx',
    visibilityStore: 'elasticsearch',
    defaultDatabase: 'temporal',
    visibilityDatabase: 'temporal_visibility',
    user: 'temporal',
    passwordSecret: { name: 'temporal-postgres-credentials', passwordKey: 'password', generate: false },
    pools: {
      default: { maxConns: 10, maxIdleConns: 5, maxConnLifetime: '1h' },
      visibility: { maxConns: 5, maxIdleConns: 2, maxConnLifetime: '1h' },
    },
  },
  postgres: {
    port: 5432,
    maxConnections: 250,
    resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    storage: { size: '20Gi' },
  },
  elasticsearch: {
    enabled: true,
    replicas: 1,
    resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
    heapPercent: 50,
    storage: { size: '10Gi' },
    index: 'temporal_visibility_v1',
    security: { enabled: false, credentialsSecret: { name: 'temporal-elasticsearch-credentials', key: 'password' } },
  },
  backup: {
    enabled: true,
    schedule: '15 2 * * *',
    timeZone: 'Etc/UTC',
    retentionDays: 7,
    storage: { size: '20Gi' },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    backoffLimit: 2,
    activeDeadlineSeconds: 21600,
  },
  archival: {
    history: { state: 'disabled', enableRead: false },
    visibility: { state: 'disabled', enableRead: false },
  },
  tls: {
    enabled: true,
    issuer: { type: 'selfSignedCA' },
    frontendRequireClientAuth: false,
    refreshInterval: '1m',
    certificateDuration: '2160h',
    renewBefore: '720h',
  },
  authorization: { enabled: false, jwtKeySourceURIs: [], refreshInterval: '1m', permissionsClaimName: 'permissions' },
  externalSecrets: {
    enabled: false,
    store: { name: 'temporal-secrets', kind: 'ClusterSecretStore' },
    remoteKeyPrefix: 'temporal',
    refreshInterval: '1h',
  },
  monitoring: {
    serviceMonitors: true,
    alerts: true,
    dashboards: true,
    prometheusAnnotations: false,
    selectorLabels: { release: 'kube-prometheus-stack' },
    scrapeInterval: '30s',
    dashboardLabels: { grafana_dashboard: '1' },
    thresholds: {
      serviceDownFor: '5m',
      workflowFailureRatio: 0.1,
      workflowTimeoutsPer10m: 10,
      requestLatencyP99Seconds: 5,
      activityScheduleToStartP95Seconds: 30,
      persistenceErrorRatio: 0.01,
      shardMovesPer10m: 50,
    },
  },
  // Replace repoURL with the repository you commit dist/ to.
  gitops: {
    repoURL: 'https://github.com/example-org/temporal-platform.git',
    targetRevision: 'main',
    distPath: 'dist',
    project: 'temporal',
    argocdNamespace: 'argocd',
    destinationServer: 'https://kubernetes.default.svc',
    syncPolicy: 'manual',
  },
  jobs: {
    backoffLimit: 5,
    activeDeadlineSeconds: { setup: 900, namespaces: 600 },
    ttlSecondsAfterFinished: 86400,
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  },
  ui: {
    enabled: true,
    replicas: 1,
    autoscaling: { minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 75, behavior: 'default' },
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '128Mi' } },
    ingress: { enabled: true, host: 'temporal.example.com', className: 'nginx', annotations: {} },
    auth: { enabled: false, scopes: ['openid', 'profile', 'email'], useIdTokenAsBearer: true },
    extraCorsOrigins: [],
  },
  adminTools: {
    enabled: true,
    resources: { requests: { cpu: '25m', memory: '32Mi' }, limits: { cpu: '250m', memory: '128Mi' } },
  },
  workerPools: [{ name: 'app-worker' }],
  networkPolicies: {
    enabled: true,
    clientNamespaces: [],
    ingressControllerNamespace: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
    monitoringNamespace: { 'kubernetes.io/metadata.name': 'monitoring' },
    kedaNamespace: { 'kubernetes.io/metadata.name': 'keda' },
    dns: { namespace: { 'kubernetes.io/metadata.name': 'kube-system' }, pods: { 'k8s-app': 'kube-dns' } },
    // Narrow both to your cluster's control plane and egress ranges.
    apiServer: { cidrs: ['0.0.0.0/0'], ports: [443, 6443] },
    httpsEgressCidrs: ['0.0.0.0/0'],
  },
};

/**
 * Every worker pool entry (in any layer) is merged onto these defaults, so a pool states only
 * its name and what differs. The application image is yours: replace it with your worker's image.
 */
export const workerPoolDefaults: Omit<WorkerPoolInput, 'name'> = {
  image: { repository: 'ghcr.io/example-org/temporal-app-worker', tag: '1.0.0', pullPolicy: 'IfNotPresent' },
  temporalNamespace: 'default',
  taskQueues: ['app-task-queue'],
  maxConcurrentWorkflowTasks: 50,
  maxConcurrentActivities: 100,
  replicas: 1,
  autoscaling: { minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 80, behavior: 'default' },
  // A JVM with Spring Boot and the gRPC stack: the heap is 75% of the limit (jvmOptions).
  resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '768Mi' } },
  // The defaults describe a Spring Boot worker: Spring reads the mounted application.yaml from here.
  env: { SPRING_CONFIG_ADDITIONAL_LOCATION: 'optional:file:/etc/app/' },
  envFrom: { configMaps: [], secrets: [] },
  config: {
    'application.yaml': [
      'spring:',
      '  temporal:',
      '    connection:',
      '      target: ${TEMPORAL_ADDRESS}',
      '    namespace: ${TEMPORAL_NAMESPACE}',
      '    workers:',
      '      - task-queue: ${TEMPORAL_TASK_QUEUE}',
      '        capacity:',
      '          max-concurrent-workflow-task-executors: ${TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS:200}',
      '          max-concurrent-activity-executors: ${TEMPORAL_MAX_CONCURRENT_ACTIVITIES:200}',
      '  # Present only when the profile runs TLS / the pool has an API key (configWhenTls, configWhenApiKey).',
      '  config:',
      '    import:',
      '      - optional:file:/etc/app/temporal-mtls.yaml',
      '      - optional:file:/etc/app/temporal-api-key.yaml',
      'management:',
      '  endpoints:',
      '    web:',
      '      exposure:',
      '        include: health,info,metrics,prometheus',
      '  endpoint:',
      '    health:',
      '      probes:',
      '        enabled: true',
      '',
    ].join('\n'),
  },
  // The Spring Boot starter reads the client certificate from files (PKCS#8 key, as issued). It has no
  // CA-file setting: a JVM pool (one with jvmOptions) trusts the CA through a trust store built at start.
  configWhenTls: {
    'temporal-mtls.yaml': [
      'spring:',
      '  temporal:',
      '    connection:',
      '      mtls:',
      '        key-file: ${TEMPORAL_TLS_CLIENT_KEY_PATH}',
      '        cert-chain-file: ${TEMPORAL_TLS_CLIENT_CERT_PATH}',
      '        server-name: ${TEMPORAL_TLS_SERVER_NAME}',
      '',
    ].join('\n'),
  },
  configWhenApiKey: {
    'temporal-api-key.yaml': ['spring:', '  temporal:', '    connection:', '      api-key: ${TEMPORAL_API_KEY}', ''].join('\n'),
  },
  configMountPath: '/etc/app',
  jvmOptions: ['-XX:+UseContainerSupport', '-XX:MaxRAMPercentage=75.0'],
  liveness: { type: 'http', path: '/actuator/health/liveness', port: 8080 },
  readiness: { type: 'http', path: '/actuator/health/readiness', port: 8080 },
  metricsPort: 8080,
  metricsPath: '/actuator/prometheus',
};
