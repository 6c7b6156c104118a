import { Chart } from 'cdk8s';
import { ServerConfig, ServerConfigProps, SqlStoreProps } from '../../constructs/server-config';
import { TemporalRole, TemporalRoleProps } from '../../constructs/temporal-role';
import type { TemporalRoleName } from '../../constructs/temporal-config/model';
import { waitForPostgres } from '../../constructs/wait-for';
import { K8sObject, synthChart, testChart } from '../helpers';
import {
  envOf,
  expectRestrictedContainers,
  expectSelectors,
  identity,
  image,
  ofKind,
  only,
  postgresImage,
  resources,
  selectorOf,
} from './fixtures';

const PORTS: Record<TemporalRoleName, { grpc: number; membership: number; http?: number }> = {
  frontend: { grpc: 7233, membership: 6933, http: 7243 },
  'internal-frontend': { grpc: 7236, membership: 6936, http: 7246 },
  history: { grpc: 7234, membership: 6934 },
  matching: { grpc: 7235, membership: 6935 },
  worker: { grpc: 7239, membership: 6939 },
};

function serverConfig(chart: Chart, archival: Partial<ServerConfigProps> = {}): ServerConfig {
  return new ServerConfig(chart, 'Config', {
    configMapName: 'temporal-config',
    dynamicConfigMapName: 'temporal-dynamic-config',
    labels: {},
    numHistoryShards: 4,
    ports: PORTS,
    frontendHost: 'temporal-frontend',
    persistence: { default: store('temporal'), visibility: store('temporal_visibility') },
    ...archival,
  });
}

function store(database: string): SqlStoreProps {
  return {
    kind: 'sql',
    pluginName: 'postgres12',
    host: 'pg',
    port: 5432,
    user: 'temporal',
    database,
    password: { name: 'temporal-db', key: 'password' },
    tls: { enableHostVerification: true, caSecret: { name: 'db-ca', key: 'ca.crt' } },
    maxConns: 10,
    maxIdleConns: 10,
    maxConnLifetime: '1h',
  };
}

/** Synthesizes one role (plus its ServerConfig, whose ConfigMaps are dropped from the result). */
function synth(role: TemporalRoleName, extra: Partial<TemporalRoleProps> = {}) {
  const chart = testChart();
  const config = serverConfig(chart);
  const construct = new TemporalRole(chart, role, {
    role,
    name: `temporal-${role}`,
    identity: identity(role),
    image,
    resources,
    ports: PORTS[role],
    config,
    ...extra,
  });
  const objects = synthChart(chart).filter((o) => o.kind !== 'ConfigMap');
  const deployment = only(objects, 'Deployment');
  return {
    construct,
    config,
    objects,
    deployment,
    pod: deployment.spec.template.spec,
    container: deployment.spec.template.spec.containers[0],
  };
}

const serviceNamed = (objects: K8sObject[], name: string) => ofKind(objects, 'Service').find((s) => s.metadata.name === name);

describe('TemporalRole', () => {
  test('minimal props: defaults for replicas, security, grace period, readiness, and no HPA', () => {
    const { objects, deployment, pod, container } = synth('history');
    expect(deployment.metadata.name).toBe('temporal-history');
    expect(deployment.spec.replicas).toBe(1);
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, runAsNonRoot: true });
    expect(pod.terminationGracePeriodSeconds).toBe(60);
    expect(deployment.spec).not.toHaveProperty('minReadySeconds');
    expect(pod).not.toHaveProperty('topologySpreadConstraints');
    expect(pod).not.toHaveProperty('initContainers');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.readinessProbe.grpc).toEqual({ port: 7234, service: 'temporal.api.workflowservice.v1.HistoryService' });
    expect(only(objects, 'ServiceAccount').automountServiceAccountToken).toBe(false);
    expect(only(objects, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    const annotations = deployment.spec.template.metadata.annotations;
    for (const a of ['prometheus.io/scrape', 'prometheus.io/port', 'prometheus.io/path']) expect(annotations).not.toHaveProperty([a]);
  });

  test('all props: every prop shows up; an HPA owns replicas when autoscaling is set', () => {
    const waitFor = { name: 'wait-for-database', image: 'postgres:16', command: ['true'] };
    const chart = testChart();
    const config = serverConfig(chart);
    const all: Required<TemporalRoleProps> = {
      role: 'matching',
      name: 'tm',
      identity: identity('matching', '1.31.3'),
      image: { repository: 'registry.local/temporal', tag: '1.31.3', pullPolicy: 'Always' },
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
      ports: { grpc: 8235, membership: 8935 },
      config,
      serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/t' },
      replicas: 5,
      autoscaling: { minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 65, behavior: 'conservative' },
      topologySpread: true,
      initContainers: [waitFor],
      readinessCheck: 'tcp',
      runAs: { user: 2000, group: 3000, fsGroup: 4000 },
      terminationGracePeriodSeconds: 120,
      prometheusAnnotations: true,
      minReadySeconds: 30,
    };
    new TemporalRole(chart, 'Role', all);
    const objects = synthChart(chart);
    const deployment = only(objects, 'Deployment');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];

    expect(deployment.metadata.name).toBe('tm');
    expect(deployment.metadata.labels).toHaveProperty(['app.kubernetes.io/version'], '1.31.3');
    expect(deployment.spec).not.toHaveProperty('replicas');
    expect(container.image).toBe('registry.local/temporal:1.31.3');
    expect(container.imagePullPolicy).toBe('Always');
    expect(container.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } });
    expect(container.ports).toEqual([
      { name: 'grpc', containerPort: 8235, protocol: 'TCP' },
      { name: 'membership', containerPort: 8935, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ]);
    expect(envOf(container).TEMPORAL_DEFAULT_STORE_PASSWORD).toEqual({ secretKeyRef: { name: 'temporal-db', key: 'password' } });
    expect(envOf(container).TEMPORAL_VISIBILITY_STORE_PASSWORD).toEqual({ secretKeyRef: { name: 'temporal-db', key: 'password' } });
    expect(only(objects, 'ServiceAccount').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/t' });
    expect(pod.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    expect(pod.topologySpreadConstraints[0].labelSelector.matchLabels).toEqual(selectorOf('matching'));
    expect(pod.initContainers).toEqual([waitFor]);
    expect(container.readinessProbe).toHaveProperty('tcpSocket.port', 'grpc');
    expect(container.readinessProbe).not.toHaveProperty('grpc');
    expect(pod.securityContext).toMatchObject({ runAsUser: 2000, runAsGroup: 3000, fsGroup: 4000 });
    expect(pod.terminationGracePeriodSeconds).toBe(120);
    expect(deployment.spec.minReadySeconds).toBe(30);
    expect(deployment.spec.template.metadata.annotations).toEqual({
      'checksum/config': config.checksum,
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '9090',
      'prometheus.io/path': '/metrics',
    });

    const hpa = only(objects, 'HorizontalPodAutoscaler');
    expect(hpa.metadata.name).toBe('tm');
    expect(hpa.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 6,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'tm' },
    });
    expect(hpa.spec.metrics[0].resource.target.averageUtilization).toBe(65);
    expect(hpa.spec).toHaveProperty('behavior.scaleDown.stabilizationWindowSeconds', 1800);
  });

  test('autoscaling with default behavior renders an HPA without a behavior section', () => {
    const { objects, deployment } = synth('history', {
      autoscaling: { minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 80 },
    });
    expect(deployment.spec).not.toHaveProperty('replicas');
    expect(only(objects, 'HorizontalPodAutoscaler').spec).not.toHaveProperty('behavior');
  });

  test('an explicit replica count is used without autoscaling; an empty initContainers list is left out', () => {
    const { deployment, pod } = synth('history', { replicas: 3, initContainers: [] });
    expect(deployment.spec.replicas).toBe(3);
    expect(pod).not.toHaveProperty('initContainers');
  });

  test('frontend: a ClusterIP Service for clients plus a <name>-headless Service', () => {
    const { construct, objects } = synth('frontend');
    expect(
      ofKind(objects, 'Service')
        .map((s) => s.metadata.name)
        .sort(),
    ).toEqual(['temporal-frontend', 'temporal-frontend-headless']);
    expect(construct.serviceName).toBe('temporal-frontend');
    expect(construct.headlessServiceName).toBe('temporal-frontend-headless');

    const client = serviceNamed(objects, 'temporal-frontend')!;
    expect(client.spec.type).toBe('ClusterIP');
    expect(client.spec).not.toHaveProperty('clusterIP');
    expect(client.spec.ports).toEqual([
      { name: 'grpc', port: 7233, targetPort: 'grpc', protocol: 'TCP' },
      { name: 'http', port: 7243, targetPort: 'http', protocol: 'TCP' },
    ]);
    const headless = serviceNamed(objects, 'temporal-frontend-headless')!;
    expect(headless.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(headless.spec.ports.map((p: any) => [p.name, p.port])).toEqual([
      ['grpc', 7233],
      ['membership', 6933],
      ['metrics', 9090],
    ]);
  });

  test('internal-frontend: like the frontend, a ClusterIP Service named after it plus <name>-headless', () => {
    const { construct, objects, container } = synth('internal-frontend');
    expect(
      ofKind(objects, 'Service')
        .map((s) => s.metadata.name)
        .sort(),
    ).toEqual(['temporal-internal-frontend', 'temporal-internal-frontend-headless']);
    expect(construct.serviceName).toBe('temporal-internal-frontend');
    expect(construct.headlessServiceName).toBe('temporal-internal-frontend-headless');

    const client = serviceNamed(objects, 'temporal-internal-frontend')!;
    expect(client.spec).toMatchObject({ type: 'ClusterIP', selector: selectorOf('internal-frontend') });
    expect(client.spec).not.toHaveProperty('clusterIP');
    expect(client.spec.ports).toEqual([
      { name: 'grpc', port: 7236, targetPort: 'grpc', protocol: 'TCP' },
      { name: 'http', port: 7246, targetPort: 'http', protocol: 'TCP' },
    ]);
    const headless = serviceNamed(objects, 'temporal-internal-frontend-headless')!;
    expect(headless.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(headless.spec.ports.map((p: any) => [p.name, p.port])).toEqual([
      ['grpc', 7236],
      ['membership', 6936],
      ['metrics', 9090],
    ]);

    expect(container.name).toBe('temporal-internal-frontend');
    expect(envOf(container).TEMPORAL_SERVICES).toBe('internal-frontend');
    expect(container.ports).toEqual([
      { name: 'grpc', containerPort: 7236, protocol: 'TCP' },
      { name: 'membership', containerPort: 6936, protocol: 'TCP' },
      { name: 'http', containerPort: 7246, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ]);
    expect(container.readinessProbe.grpc).toEqual({ port: 7236, service: 'temporal.api.workflowservice.v1.WorkflowService' });
    expect(container.startupProbe.tcpSocket.port).toBe('grpc');
  });

  test.each(['history', 'matching', 'worker'] as const)('%s: only a headless Service, named <name>', (role) => {
    const { construct, objects } = synth(role);
    const services = ofKind(objects, 'Service');
    expect(services).toHaveLength(1);
    expect(services[0].metadata.name).toBe(`temporal-${role}`);
    expect(services[0].spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(construct.headlessServiceName).toBe(`temporal-${role}`);
    expect(construct.serviceName).toBe(`temporal-${role}`);
  });

  test('frontend container exposes the http port; the gRPC readiness probe uses the WorkflowService health name', () => {
    const { container } = synth('frontend');
    expect(container.ports.map((p: any) => p.name)).toEqual(['grpc', 'membership', 'http', 'metrics']);
    expect(container.readinessProbe.grpc).toEqual({ port: 7233, service: 'temporal.api.workflowservice.v1.WorkflowService' });
  });

  test.each(['frontend', 'internal-frontend', 'history', 'matching', 'worker'] as const)(
    '%s: selectors are the selector labels only',
    (role) => {
      const { construct, objects, deployment } = synth(role, {
        autoscaling: { minReplicas: 1, maxReplicas: 2, targetCPUUtilizationPercentage: 50 },
      });
      expect(construct.selector).toEqual(selectorOf(role));
      expectSelectors(objects, selectorOf(role));
      expect(deployment.spec.template.metadata.labels).toMatchObject(selectorOf(role));
    },
  );

  test('every container is restricted', () => {
    const { objects } = synth('frontend', {
      initContainers: [waitForPostgres({ image: postgresImage, host: 'pg', port: 5432, user: 'temporal', resources })],
    });
    expectRestrictedContainers(objects);
  });

  test('the pod template carries the config checksum, server env, and mounts both ConfigMaps', () => {
    const { config, deployment, container, pod } = synth('worker');
    expect(deployment.spec.template.metadata.annotations).toEqual({ 'checksum/config': config.checksum });
    expect(envOf(container)).toMatchObject({
      TEMPORAL_SERVICES: 'worker',
      TEMPORAL_SERVER_CONFIG_FILE_PATH: '/etc/temporal/config/config.yaml',
      POD_IP: { fieldRef: { fieldPath: 'status.podIP', apiVersion: 'v1' } },
      TEMPORAL_DEFAULT_STORE_PASSWORD: { secretKeyRef: { name: 'temporal-db', key: 'password' } },
    });
    // The ServerConfig's CA bundle is mounted where its caFile points.
    expect(pod.volumes.map((v: any) => v.configMap?.name ?? v.name)).toEqual([
      'default-ca',
      'temporal-config',
      'temporal-dynamic-config',
      'tmp',
    ]);
    expect(container.volumeMounts).toEqual([
      { name: 'config', mountPath: '/etc/temporal/config', readOnly: true },
      { name: 'dynamic-config', mountPath: '/etc/temporal/dynamic_config', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'default-ca', mountPath: '/etc/temporal/tls/default-ca', readOnly: true },
    ]);
    expect(config.model.persistence.datastores.default).toHaveProperty('sql.tls.caFile', '/etc/temporal/tls/default-ca/ca.crt');
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });

  // BUG: the Temporal worker role serves no gRPC; it only joins membership. The official helm chart
  // gives it no rpc port and no probes (../shared/reference/temporal-helm-chart.md: "worker: only
  // membershipPort 6939 (no gRPC listener)", "The worker has no probes"). TCP/gRPC probes on its gRPC
  // port can never pass: the startup probe restarts the pod after 5 minutes, and it never turns Ready.
  test('worker: no probe targets the gRPC port, which the worker role does not listen on', () => {
    const { container } = synth('worker');
    const probes = [container.startupProbe, container.livenessProbe, container.readinessProbe].filter(Boolean);
    for (const p of probes) {
      expect(p.tcpSocket?.port).not.toBe('grpc');
      expect(p.grpc?.port).not.toBe(7239);
    }
  });
});
