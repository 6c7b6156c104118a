import { WorkerPool, WorkerPoolProps } from '../../constructs/worker-pool';
import {
  cliTlsEnvFor, clientTls, clientTlsMount, clientTlsVolumeFor, envOf, expectRestrictedContainers, expectSelectors, identity, ofKind, only, resources,
  selectorOf, synthWorkload,
} from './fixtures';

const appImage = { repository: 'registry.local/orders-worker', tag: '3.2.1', pullPolicy: 'IfNotPresent' as const };
const minimal: WorkerPoolProps = {
  name: 'orders-worker',
  identity: identity('orders-worker', '3.2.1'),
  image: appImage,
  resources,
  frontendAddress: 'temporal-frontend.ns.svc.cluster.local:7233',
  temporalNamespace: 'orders',
  taskQueue: 'orders-tq',
  liveness: { type: 'http', path: '/actuator/health/liveness', port: 8080 },
  readiness: { type: 'http', path: '/actuator/health/readiness', port: 8080 },
};

function synth(props: WorkerPoolProps) {
  const { workload, ...rest } = synthWorkload((chart) => new WorkerPool(chart, 'Pool', props));
  return { ...rest, deployment: workload };
}

describe('WorkerPool', () => {
  test('minimal props: empty config at /etc/app, 1 replica, no Secret, no HPA, uid 1000', () => {
    const { construct, objects, deployment, pod, container } = synth(minimal);
    expect(construct.configMapName).toBe('orders-worker-config');
    expect(only(objects, 'ConfigMap')).toMatchObject({ metadata: { name: 'orders-worker-config' }, data: {} });
    expect(container.volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/app', readOnly: true });
    expect(pod.volumes).toContainEqual({ name: 'config', configMap: { name: 'orders-worker-config' } });
    expect(deployment.spec.replicas).toBe(1);
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(container).not.toHaveProperty('envFrom');
    expect(envOf(container)).toEqual({
      TEMPORAL_ADDRESS: 'temporal-frontend.ns.svc.cluster.local:7233',
      TEMPORAL_NAMESPACE: 'orders',
      TEMPORAL_TASK_QUEUE: 'orders-tq',
    });
    expect(container.ports).toEqual([{ name: 'http-8080', containerPort: 8080, protocol: 'TCP' }]);
    expect(pod).not.toHaveProperty('topologySpreadConstraints');
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(only(objects, 'Role').rules).toHaveLength(1);
  });

  test('all props: every prop shows up', () => {
    const all: Required<WorkerPoolProps> = {
      name: 'billing',
      identity: identity('billing', '9.9.9'),
      image: { repository: 'registry.local/billing', tag: '9.9.9', pullPolicy: 'Always' },
      resources: { requests: { cpu: '300m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      frontendAddress: 'fe:7233',
      temporalNamespace: 'billing-ns',
      taskQueue: 'billing-tq',
      liveness: { type: 'tcp', port: 9000 },
      readiness: { type: 'exec', command: ['cat', '/tmp/ready'] },
      replicas: 7,
      autoscaling: { minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 55, behavior: 'conservative' },
      env: { ZED: 'last', ALPHA: 'first' },
      config: { 'application.yaml': 'x: 1\n' },
      configMountPath: '/config',
      existingSecret: 'billing-secrets',
      tls: { secretName: 'billing-client-cert', serverName: 'fe.example.internal' },
      metricsPort: 9464,
      topologySpread: true,
      runAs: { user: 6000, group: 6001, fsGroup: 6002 },
    };
    const { objects, deployment, pod, container } = synth(all);
    expect(deployment.metadata.name).toBe('billing');
    expect(deployment.spec).not.toHaveProperty('replicas');
    expect(container).toMatchObject({ image: 'registry.local/billing:9.9.9', imagePullPolicy: 'Always' });
    expect(container.resources).toEqual({ requests: { cpu: '300m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(container.env.map((e: any) => e.name)).toEqual([
      'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE',
      'TEMPORAL_TLS', 'TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_KEY_PATH', 'TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'TEMPORAL_TLS_SERVER_NAME',
      'ALPHA', 'ZED',
    ]);
    expect(envOf(container)).toEqual({
      TEMPORAL_ADDRESS: 'fe:7233', TEMPORAL_NAMESPACE: 'billing-ns', TEMPORAL_TASK_QUEUE: 'billing-tq', ALPHA: 'first', ZED: 'last',
      ...cliTlsEnvFor('fe.example.internal'),
    });
    expect(container.volumeMounts).toContainEqual(clientTlsMount);
    expect(pod.volumes).toContainEqual(clientTlsVolumeFor('billing-client-cert'));
    expect(container.envFrom).toEqual([{ secretRef: { name: 'billing-secrets' } }]);
    expect(only(objects, 'ConfigMap').data).toEqual({ 'application.yaml': 'x: 1\n' });
    expect(container.volumeMounts).toContainEqual({ name: 'config', mountPath: '/config', readOnly: true });
    expect(container.ports).toEqual([
      { name: 'metrics', containerPort: 9464, protocol: 'TCP' },
      { name: 'http-9000', containerPort: 9000, protocol: 'TCP' },
    ]);
    expect(container.livenessProbe.tcpSocket.port).toBe(9000);
    expect(container.startupProbe).toMatchObject({ tcpSocket: { port: 9000 }, periodSeconds: 5, failureThreshold: 60 });
    expect(container.readinessProbe.exec.command).toEqual(['cat', '/tmp/ready']);
    expect(pod.topologySpreadConstraints).toHaveLength(2);
    expect(pod.securityContext).toMatchObject({ runAsUser: 6000, runAsGroup: 6001, fsGroup: 6002 });
    const hpa = only(objects, 'HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 10, scaleTargetRef: { kind: 'Deployment', name: 'billing' } });
    expect(hpa.spec).toHaveProperty('behavior.scaleUp.policies.0.value', 1);
  });

  test('tls: TEMPORAL_TLS* env, client-tls mounted read-only next to the config, the Secret as a pod volume', () => {
    const { objects, pod, container } = synth({ ...minimal, tls: clientTls });
    expect(envOf(container)).toEqual({
      TEMPORAL_ADDRESS: 'temporal-frontend.ns.svc.cluster.local:7233',
      TEMPORAL_NAMESPACE: 'orders',
      TEMPORAL_TASK_QUEUE: 'orders-tq',
      ...cliTlsEnvFor('temporal-frontend.temporal-test.svc'),
    });
    expect(container.volumeMounts).toEqual([
      { name: 'config', mountPath: '/etc/app', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
      clientTlsMount,
    ]);
    expect(pod.volumes.map((v: any) => v.name).sort()).toEqual(['client-tls', 'config', 'tmp']);
    expect(pod.volumes).toContainEqual(clientTlsVolumeFor('temporal-client-tls'));
    // The kubelet mounts the Secret: the pool's Role is not widened to read it.
    expect(only(objects, 'Role').rules).toHaveLength(1);
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

  test('with existingSecret the Role also reads that one Secret, get/list/watch', () => {
    const { objects } = synth({ ...minimal, existingSecret: 'orders-secrets' });
    const rules = only(objects, 'Role').rules;
    expect(rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['orders-worker-config'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['orders-secrets'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  test('the RoleBinding binds the Role to the pool\'s ServiceAccount, whose token is mounted', () => {
    const { objects, pod } = synth(minimal);
    const binding = only(objects, 'RoleBinding');
    expect(binding.metadata.name).toBe('orders-worker');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'orders-worker' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'orders-worker' }]);
    expect(only(objects, 'ServiceAccount').automountServiceAccountToken).toBe(true);
    expect(pod).toMatchObject({ serviceAccountName: 'orders-worker', automountServiceAccountToken: true });
  });

  test('the config checksum annotation changes with the config', () => {
    const checksum = (config: Record<string, string>) => synth({ ...minimal, config }).deployment.spec.template.metadata.annotations['checksum/config'];
    expect(checksum({ a: '1' })).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum({ a: '1' })).toBe(checksum({ a: '1' }));
    expect(checksum({ a: '2' })).not.toBe(checksum({ a: '1' }));
  });

  test('a metrics port that is also a probe port appears once, named metrics', () => {
    const { container } = synth({ ...minimal, metricsPort: 8080 });
    expect(container.ports).toEqual([{ name: 'metrics', containerPort: 8080, protocol: 'TCP' }]);
  });

  test('selectors are the selector labels only; containers are restricted', () => {
    const { construct, objects, deployment } = synth(minimal);
    expect(construct.selector).toEqual(selectorOf('orders-worker'));
    expectSelectors(objects, selectorOf('orders-worker'));
    expectRestrictedContainers(objects);
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } });
  });
});
