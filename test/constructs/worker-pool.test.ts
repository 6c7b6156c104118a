import { KedaScalingProps, WorkerPool, WorkerPoolProps } from '../../constructs/worker-pool';
import { synthChart, testChart } from '../helpers';
import {
  cliTlsEnvFor,
  clientTls,
  clientTlsMount,
  clientTlsVolumeFor,
  envOf,
  expectRestrictedContainers,
  expectSelectors,
  identity,
  ofKind,
  only,
  resources,
  selectorOf,
  synthWorkload,
} from './fixtures';

const appImage = { repository: 'registry.local/orders-worker', tag: '3.2.1', pullPolicy: 'IfNotPresent' as const };
const minimal: WorkerPoolProps = {
  name: 'orders-worker',
  identity: identity('orders-worker', '3.2.1'),
  image: appImage,
  resources,
  frontendAddress: 'temporal-frontend.ns.svc.cluster.local:7233',
  temporalNamespace: 'orders',
  taskQueues: ['orders-tq'],
  liveness: { type: 'http', path: '/actuator/health/liveness', port: 8080 },
  readiness: { type: 'http', path: '/actuator/health/readiness', port: 8080 },
};

/** The env every pool has, for `minimal`. */
const baseEnv = {
  TEMPORAL_ADDRESS: 'temporal-frontend.ns.svc.cluster.local:7233',
  TEMPORAL_NAMESPACE: 'orders',
  TEMPORAL_TASK_QUEUE: 'orders-tq',
  TEMPORAL_TASK_QUEUES: 'orders-tq',
};

const backlog: KedaScalingProps = { minReplicas: 1, maxReplicas: 8, targetQueueSize: 20 };

function synth(props: WorkerPoolProps) {
  const { workload, ...rest } = synthWorkload((chart) => new WorkerPool(chart, 'Pool', props));
  return { ...rest, deployment: workload, annotations: workload.spec.template.metadata.annotations as Record<string, string> };
}

const named = (objects: { kind: string; metadata: { name: string } }[], kind: string, name: string) =>
  ofKind(objects as any, kind).find((o) => o.metadata.name === name);

const PROMETHEUS_ANNOTATIONS = ['prometheus.io/scrape', 'prometheus.io/port', 'prometheus.io/path'];

describe('WorkerPool', () => {
  test('minimal props: empty config at /etc/app, 1 replica, no envFrom, no HPA/KEDA/PVC/metrics Service, uid 1000', () => {
    const { construct, objects, deployment, pod, container, annotations } = synth(minimal);
    expect(construct.configMapName).toBe('orders-worker-config');
    expect(construct.metricsServiceName).toBeUndefined();
    expect(only(objects, 'ConfigMap')).toMatchObject({ metadata: { name: 'orders-worker-config' }, data: {} });
    expect(container.name).toBe('worker');
    expect(container.volumeMounts).toEqual([
      { name: 'config', mountPath: '/etc/app', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    expect(pod.volumes).toContainEqual({ name: 'config', configMap: { name: 'orders-worker-config' } });
    expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } });
    expect(deployment.spec.replicas).toBe(1);
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(ofKind(objects, 'ScaledObject')).toHaveLength(0);
    expect(ofKind(objects, 'TriggerAuthentication')).toHaveLength(0);
    expect(ofKind(objects, 'PersistentVolumeClaim')).toHaveLength(0);
    expect(ofKind(objects, 'Service')).toHaveLength(0);
    expect(only(objects, 'PodDisruptionBudget').metadata.name).toBe('orders-worker');
    expect(container).not.toHaveProperty('envFrom');
    expect(envOf(container)).toEqual(baseEnv);
    expect(container.ports).toEqual([{ name: 'http-8080', containerPort: 8080, protocol: 'TCP' }]);
    expect(container.livenessProbe).toMatchObject({
      httpGet: { path: '/actuator/health/liveness', port: 8080, scheme: 'HTTP' },
      periodSeconds: 15,
    });
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/actuator/health/readiness', port: 8080 }, periodSeconds: 10 });
    expect(pod).not.toHaveProperty('topologySpreadConstraints');
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(pod.terminationGracePeriodSeconds).toBe(60);
    expect(only(objects, 'Role').rules).toHaveLength(1);
    expect(Object.keys(annotations)).toEqual(['checksum/config']);
  });

  test('all props (HPA variant; keda is exclusive with autoscaling): every prop shows up', () => {
    const all: Required<Omit<WorkerPoolProps, 'keda'>> = {
      name: 'billing',
      identity: identity('billing', '9.9.9'),
      image: { repository: 'registry.local/billing', tag: '9.9.9', pullPolicy: 'Always' },
      resources: { requests: { cpu: '300m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      frontendAddress: 'fe:7233',
      temporalNamespace: 'billing-ns',
      taskQueues: ['billing-tq', 'billing-refunds', 'billing-reports'],
      liveness: { type: 'tcp', port: 9000 },
      readiness: { type: 'exec', command: ['cat', '/tmp/ready'] },
      maxConcurrentWorkflowTasks: 40,
      maxConcurrentActivities: 120,
      replicas: 7,
      autoscaling: {
        minReplicas: 2,
        maxReplicas: 10,
        targetCPUUtilizationPercentage: 55,
        targetMemoryUtilizationPercentage: 80,
        behavior: 'conservative',
      },
      env: { ZED: 'last', ALPHA: 'first' },
      envFrom: { configMaps: ['billing-env', 'shared-env'], secrets: ['billing-secrets', 'billing-db'] },
      config: { 'application.yaml': 'x: 1\n' },
      configMountPath: '/config',
      jvmOptions: ['-XX:MaxRAMPercentage=75', '-XX:+ExitOnOutOfMemoryError'],
      volume: { size: '10Gi', storageClassName: 'fast-ssd', mountPath: '/var/lib/billing', accessMode: 'ReadWriteMany' },
      metricsPort: 9464,
      metricsPath: '/actuator/prometheus',
      prometheusAnnotations: true,
      tls: { secretName: 'billing-client-cert', serverName: 'fe.example.internal' },
      javaTrustStore: { image: { repository: 'eclipse-temurin', tag: '17.0.15_6-jre', pullPolicy: 'IfNotPresent' } },
      apiKeySecret: { name: 'billing-api-key', key: 'token' },
      topologySpread: true,
      runAs: { user: 6000, group: 6001, fsGroup: 6002 },
    };
    const chart = testChart();
    const construct = new WorkerPool(chart, 'Pool', all);
    const objects = synthChart(chart);
    const deployment = only(objects, 'Deployment');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];

    expect(deployment.metadata.name).toBe('billing');
    expect(deployment.metadata.labels).toHaveProperty(['app.kubernetes.io/version'], '9.9.9');
    expect(deployment.spec).not.toHaveProperty('replicas');
    expect(container).toMatchObject({ image: 'registry.local/billing:9.9.9', imagePullPolicy: 'Always' });
    expect(container.resources).toEqual({ requests: { cpu: '300m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(container.env.map((e: any) => e.name)).toEqual([
      'TEMPORAL_ADDRESS',
      'TEMPORAL_NAMESPACE',
      'TEMPORAL_TASK_QUEUE',
      'TEMPORAL_TASK_QUEUES',
      'TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS',
      'TEMPORAL_MAX_CONCURRENT_ACTIVITIES',
      'JAVA_TOOL_OPTIONS',
      'TEMPORAL_TLS',
      'TEMPORAL_TLS_CLIENT_CERT_PATH',
      'TEMPORAL_TLS_CLIENT_KEY_PATH',
      'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
      'TEMPORAL_TLS_SERVER_NAME',
      'TEMPORAL_API_KEY',
      'ALPHA',
      'ZED',
    ]);
    expect(envOf(container)).toEqual({
      TEMPORAL_ADDRESS: 'fe:7233',
      TEMPORAL_NAMESPACE: 'billing-ns',
      TEMPORAL_TASK_QUEUE: 'billing-tq',
      TEMPORAL_TASK_QUEUES: 'billing-tq,billing-refunds,billing-reports',
      TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS: '40',
      TEMPORAL_MAX_CONCURRENT_ACTIVITIES: '120',
      JAVA_TOOL_OPTIONS:
        '-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djavax.net.ssl.trustStore=/var/run/java-trust-store/truststore.p12' +
        ' -Djavax.net.ssl.trustStoreType=PKCS12 -Djavax.net.ssl.trustStorePassword=changeit',
      ALPHA: 'first',
      ZED: 'last',
      TEMPORAL_API_KEY: { secretKeyRef: { name: 'billing-api-key', key: 'token' } },
      ...cliTlsEnvFor('fe.example.internal'),
    });
    expect(container.envFrom).toEqual([
      { configMapRef: { name: 'billing-env' } },
      { configMapRef: { name: 'shared-env' } },
      { secretRef: { name: 'billing-secrets' } },
      { secretRef: { name: 'billing-db' } },
    ]);
    expect(only(objects, 'Role').rules).toEqual([
      {
        apiGroups: [''],
        resources: ['configmaps'],
        resourceNames: ['billing-config', 'billing-env', 'shared-env'],
        verbs: ['get', 'list', 'watch'],
      },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['billing-secrets', 'billing-db'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(only(objects, 'ConfigMap')).toMatchObject({ metadata: { name: 'billing-config' }, data: { 'application.yaml': 'x: 1\n' } });
    expect(container.volumeMounts).toEqual([
      { name: 'config', mountPath: '/config', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'data', mountPath: '/var/lib/billing' },
      clientTlsMount,
      { name: 'java-trust-store', mountPath: '/var/run/java-trust-store', readOnly: true },
    ]);
    // The Spring starter has no CA setting: keytool builds the JVM's trust store from the JRE's CAs and the TLS CA.
    const [trustStore] = pod.initContainers;
    expect(trustStore).toMatchObject({
      name: 'java-trust-store',
      image: 'eclipse-temurin:17.0.15_6-jre',
      command: ['sh', '-c', expect.any(String)],
    });
    expect(trustStore.command[2]).toContain('-srckeystore "$JAVA_HOME/lib/security/cacerts"');
    expect(trustStore.command[2]).toContain('-importcert -noprompt -alias temporal-ca -file /etc/temporal/tls/client/ca.crt');
    expect(trustStore.volumeMounts).toEqual([{ name: 'java-trust-store', mountPath: '/var/run/java-trust-store' }, clientTlsMount]);
    expect(pod.volumes).toContainEqual({ name: 'java-trust-store', emptyDir: { sizeLimit: '16Mi' } });
    expect(pod.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'billing-data' } });
    expect(pod.volumes).toContainEqual(clientTlsVolumeFor('billing-client-cert'));
    expect(only(objects, 'PersistentVolumeClaim')).toMatchObject({
      metadata: { name: 'billing-data' },
      spec: { accessModes: ['ReadWriteMany'], storageClassName: 'fast-ssd', resources: { requests: { storage: '10Gi' } } },
    });
    expect(container.ports).toEqual([
      { name: 'metrics', containerPort: 9464, protocol: 'TCP' },
      { name: 'http-9000', containerPort: 9000, protocol: 'TCP' },
    ]);
    expect(construct.metricsServiceName).toBe('billing-metrics');
    expect(only(objects, 'Service').spec).toEqual({
      clusterIP: 'None',
      selector: selectorOf('billing'),
      ports: [{ name: 'metrics', port: 9464, targetPort: 'metrics', protocol: 'TCP' }],
    });
    expect(deployment.spec.template.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '9464',
      'prometheus.io/path': '/actuator/prometheus',
    });
    expect(container.livenessProbe.tcpSocket.port).toBe(9000);
    expect(container.startupProbe).toMatchObject({ tcpSocket: { port: 9000 }, periodSeconds: 5, failureThreshold: 60 });
    expect(container.readinessProbe.exec.command).toEqual(['cat', '/tmp/ready']);
    expect(pod.topologySpreadConstraints).toHaveLength(2);
    expect(pod.topologySpreadConstraints[0].labelSelector.matchLabels).toEqual(selectorOf('billing'));
    expect(pod.securityContext).toMatchObject({ runAsUser: 6000, runAsGroup: 6001, fsGroup: 6002 });
    const hpa = only(objects, 'HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 10,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'billing' },
    });
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 55 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
    expect(hpa.spec).toHaveProperty('behavior.scaleUp.policies.0.value', 1);
    expect(ofKind(objects, 'ScaledObject')).toHaveLength(0);
  });

  test('all props (KEDA variant): keda renders a ScaledObject and a TriggerAuthentication, no replicas and no HPA', () => {
    const keda: Required<KedaScalingProps> = {
      minReplicas: 0,
      maxReplicas: 12,
      targetQueueSize: 50,
      activationTargetQueueSize: 5,
      queueTypes: ['activity'],
      pollingIntervalSeconds: 15,
      cooldownPeriodSeconds: 120,
    };
    const { objects, deployment } = synth({ ...minimal, taskQueues: ['orders-tq', 'orders-priority'], keda, tls: clientTls });
    expect(deployment.spec).not.toHaveProperty('replicas');
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
    const so = only(objects, 'ScaledObject');
    expect(so.apiVersion).toBe('keda.sh/v1alpha1');
    expect(so.metadata.name).toBe('orders-worker');
    expect(so.metadata.labels).toEqual(deployment.metadata.labels);
    expect(so.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders-worker' },
      minReplicaCount: 0,
      maxReplicaCount: 12,
      pollingInterval: 15,
      cooldownPeriod: 120,
    });
    const meta = (taskQueue: string) => ({
      endpoint: 'temporal-frontend.ns.svc.cluster.local:7233',
      namespace: 'orders',
      taskQueue,
      targetQueueSize: '50',
      activationTargetQueueSize: '5',
      queueTypes: 'activity',
      tlsServerName: 'temporal-frontend.temporal-test.svc',
    });
    expect(so.spec.triggers).toEqual([
      { type: 'temporal', metadata: meta('orders-tq'), authenticationRef: { name: 'orders-worker', kind: 'TriggerAuthentication' } },
      { type: 'temporal', metadata: meta('orders-priority'), authenticationRef: { name: 'orders-worker', kind: 'TriggerAuthentication' } },
    ]);
    const auth = only(objects, 'TriggerAuthentication');
    expect(auth.metadata.name).toBe('orders-worker');
    expect(auth.spec.secretTargetRef).toEqual([
      { parameter: 'cert', name: 'temporal-client-tls', key: 'tls.crt' },
      { parameter: 'key', name: 'temporal-client-tls', key: 'tls.key' },
      { parameter: 'ca', name: 'temporal-client-tls', key: 'ca.crt' },
    ]);
  });

  test('keda without tls: a ScaledObject with defaults and no TriggerAuthentication; the PDB stays', () => {
    const { objects, deployment } = synth({ ...minimal, keda: backlog, replicas: 4 });
    expect(deployment.spec).not.toHaveProperty('replicas');
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(ofKind(objects, 'TriggerAuthentication')).toHaveLength(0);
    expect(ofKind(objects, 'PodDisruptionBudget')).toHaveLength(1);
    const so = only(objects, 'ScaledObject');
    expect(so.spec).toMatchObject({ minReplicaCount: 1, maxReplicaCount: 8, pollingInterval: 30, cooldownPeriod: 300 });
    expect(so.spec.triggers).toEqual([
      {
        type: 'temporal',
        metadata: {
          endpoint: 'temporal-frontend.ns.svc.cluster.local:7233',
          namespace: 'orders',
          taskQueue: 'orders-tq',
          targetQueueSize: '20',
          activationTargetQueueSize: '0',
          queueTypes: 'workflow,activity',
        },
      },
    ]);
  });

  test('autoscaling and keda together throw', () => {
    expect(() =>
      synth({
        ...minimal,
        autoscaling: { minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 70 },
        keda: backlog,
      }),
    ).toThrow(/HPA and KEDA cannot both scale/);
  });

  test('zero task queues throw', () => {
    expect(() => synth({ ...minimal, taskQueues: [] })).toThrow(/at least one task queue/);
  });

  test('taskQueues: TEMPORAL_TASK_QUEUE is the first, TEMPORAL_TASK_QUEUES all of them comma-separated', () => {
    const { container } = synth({ ...minimal, taskQueues: ['b-queue', 'a-queue'] });
    expect(envOf(container)).toMatchObject({ TEMPORAL_TASK_QUEUE: 'b-queue', TEMPORAL_TASK_QUEUES: 'b-queue,a-queue' });
  });

  test('concurrency limits and jvmOptions only when set; an empty jvmOptions list sets no JAVA_TOOL_OPTIONS', () => {
    expect(envOf(synth({ ...minimal, jvmOptions: [] }).container)).toEqual(baseEnv);
    expect(
      envOf(synth({ ...minimal, maxConcurrentWorkflowTasks: 0, maxConcurrentActivities: 5, jvmOptions: ['-Xss1m'] }).container),
    ).toEqual({
      ...baseEnv,
      TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS: '0',
      TEMPORAL_MAX_CONCURRENT_ACTIVITIES: '5',
      JAVA_TOOL_OPTIONS: '-Xss1m',
    });
  });

  test('autoscaling with a memory target: an HPA on CPU and memory, no replicas', () => {
    const { objects, deployment } = synth({
      ...minimal,
      autoscaling: { minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 60, targetMemoryUtilizationPercentage: 75 },
    });
    expect(deployment.spec).not.toHaveProperty('replicas');
    const hpa = only(objects, 'HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders-worker' });
    expect(hpa.spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([
      ['cpu', 60],
      ['memory', 75],
    ]);
    expect(ofKind(objects, 'ScaledObject')).toHaveLength(0);
  });

  test('tls: TEMPORAL_TLS* env, client-tls mounted read-only next to the config, the Secret as a pod volume', () => {
    const { objects, pod, container } = synth({ ...minimal, tls: clientTls });
    expect(envOf(container)).toEqual({ ...baseEnv, ...cliTlsEnvFor('temporal-frontend.temporal-test.svc') });
    expect(container.volumeMounts).toEqual([
      { name: 'config', mountPath: '/etc/app', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
      clientTlsMount,
    ]);
    expect(pod.volumes.map((v: any) => v.name).sort()).toEqual(['client-tls', 'config', 'tmp']);
    expect(pod.volumes).toContainEqual(clientTlsVolumeFor('temporal-client-tls'));
    // The kubelet mounts the Secret: the pool's Role is not widened to read it.
    expect(only(objects, 'Role').rules).toHaveLength(1);
    // Without backlog scaling there is no KEDA object to authenticate.
    expect(ofKind(objects, 'TriggerAuthentication')).toHaveLength(0);
  });

  test('no tls: no TEMPORAL_TLS* env and no client-tls volume', () => {
    const { pod, container } = synth(minimal);
    expect(Object.keys(envOf(container)).filter((n) => n.startsWith('TEMPORAL_TLS'))).toEqual([]);
    expect(pod.volumes.map((v: any) => v.name)).not.toContain('client-tls');
    expect(container.volumeMounts.map((m: any) => m.name)).not.toContain('client-tls');
  });

  test('the Role reads only its own ConfigMap, get/list/watch', () => {
    const { objects } = synth(minimal);
    expect(only(objects, 'Role').rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['orders-worker-config'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  test('envFrom ConfigMaps only: configMapRef entries, the Role reads them too and no Secrets', () => {
    const { objects, container } = synth({ ...minimal, envFrom: { configMaps: ['orders-env'] } });
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'orders-env' } }]);
    expect(only(objects, 'Role').rules).toEqual([
      {
        apiGroups: [''],
        resources: ['configmaps'],
        resourceNames: ['orders-worker-config', 'orders-env'],
        verbs: ['get', 'list', 'watch'],
      },
    ]);
  });

  test('envFrom Secrets only: secretRef entries and a Secrets rule for exactly those names, get/list/watch', () => {
    const { objects, container } = synth({ ...minimal, envFrom: { secrets: ['orders-secrets'] } });
    expect(container.envFrom).toEqual([{ secretRef: { name: 'orders-secrets' } }]);
    const rules = only(objects, 'Role').rules;
    expect(rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['orders-worker-config'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['orders-secrets'], verbs: ['get', 'list', 'watch'] },
    ]);
    for (const r of rules) expect(r.verbs).not.toEqual(expect.arrayContaining(['create', 'update', 'patch', 'delete']));
  });

  test('empty envFrom lists render no envFrom and no Secrets rule', () => {
    const { objects, container } = synth({ ...minimal, envFrom: { configMaps: [], secrets: [] } });
    expect(container).not.toHaveProperty('envFrom');
    expect(only(objects, 'Role').rules).toHaveLength(1);
  });

  test("the RoleBinding binds the Role to the pool's ServiceAccount, whose token is mounted", () => {
    const { objects, pod } = synth(minimal);
    const binding = only(objects, 'RoleBinding');
    expect(binding.metadata.name).toBe('orders-worker');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'orders-worker' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'orders-worker' }]);
    expect(only(objects, 'ServiceAccount').automountServiceAccountToken).toBe(true);
    expect(pod).toMatchObject({ serviceAccountName: 'orders-worker', automountServiceAccountToken: true });
  });

  test('volume: a PVC <name>-data (no storage class when unset) mounted at mountPath', () => {
    const { objects, pod, container } = synth({ ...minimal, volume: { size: '5Gi', mountPath: '/data', accessMode: 'ReadWriteOnce' } });
    const pvc = only(objects, 'PersistentVolumeClaim');
    expect(pvc.metadata.name).toBe('orders-worker-data');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } });
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    expect(pod.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'orders-worker-data' } });
  });

  test('metricsPort: a container port named metrics and a headless <name>-metrics Service selecting the pods', () => {
    const { construct, objects, container, annotations } = synth({ ...minimal, metricsPort: 9464 });
    expect(container.ports).toEqual([
      { name: 'metrics', containerPort: 9464, protocol: 'TCP' },
      { name: 'http-8080', containerPort: 8080, protocol: 'TCP' },
    ]);
    expect(construct.metricsServiceName).toBe('orders-worker-metrics');
    const svc = named(objects, 'Service', 'orders-worker-metrics')!;
    expect(svc).toBeDefined();
    expect(svc.metadata.labels).toMatchObject(selectorOf('orders-worker'));
    expect(svc.spec).toEqual({
      clusterIP: 'None',
      selector: selectorOf('orders-worker'),
      ports: [{ name: 'metrics', port: 9464, targetPort: 'metrics', protocol: 'TCP' }],
    });
    // Annotations are opt-in.
    for (const a of PROMETHEUS_ANNOTATIONS) expect(annotations).not.toHaveProperty([a]);
  });

  test('a metrics port that is also a probe port appears once, named metrics', () => {
    const { container } = synth({ ...minimal, metricsPort: 8080 });
    expect(container.ports).toEqual([{ name: 'metrics', containerPort: 8080, protocol: 'TCP' }]);
  });

  test('prometheusAnnotations: scrape/port/path (default /metrics) with a metrics port, none without one', () => {
    const withPort = synth({ ...minimal, metricsPort: 9464, prometheusAnnotations: true }).annotations;
    expect(withPort).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9464', 'prometheus.io/path': '/metrics' });
    expect(withPort['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
    const withoutPort = synth({ ...minimal, prometheusAnnotations: true }).annotations;
    expect(Object.keys(withoutPort)).toEqual(['checksum/config']);
  });

  test('the config checksum annotation changes with the config', () => {
    const checksum = (config: Record<string, string>) => synth({ ...minimal, config }).annotations['checksum/config'];
    expect(checksum({ a: '1' })).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum({ a: '1' })).toBe(checksum({ a: '1' }));
    expect(checksum({ a: '2' })).not.toBe(checksum({ a: '1' }));
    expect(synth(minimal).annotations['checksum/config']).toBe(checksum({}));
  });

  test('selectors are the selector labels only; containers are restricted; rolling update surges and drains one pod', () => {
    const { construct, objects, deployment } = synth({ ...minimal, metricsPort: 9464 });
    expect(construct.selector).toEqual(selectorOf('orders-worker'));
    expectSelectors(objects, selectorOf('orders-worker'));
    expectRestrictedContainers(objects);
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } });
  });
});
