import { AdminTools, AdminToolsProps } from '../../constructs/admin-tools';
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

const adminTools = { repository: 'temporalio/admin-tools', tag: '1.31.2', pullPolicy: 'IfNotPresent' as const };
const minimal: AdminToolsProps = {
  name: 'temporal-admin-tools',
  identity: identity('admin-tools'),
  image: adminTools,
  resources,
  frontendAddress: 'temporal-frontend.ns.svc.cluster.local:7233',
};

function synth(props: AdminToolsProps) {
  const { workload, ...rest } = synthWorkload((chart) => new AdminTools(chart, 'AdminTools', props));
  return { ...rest, deployment: workload };
}

describe('AdminTools', () => {
  test('minimal props: one Recreate pod as uid 1000, pointed at the frontend, with no Service', () => {
    const { objects, deployment, pod, container } = synth(minimal);
    expect(deployment.metadata.name).toBe('temporal-admin-tools');
    expect(deployment.spec).toMatchObject({ replicas: 1, revisionHistoryLimit: 5, strategy: { type: 'Recreate' } });
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(pod).toMatchObject({
      serviceAccountName: 'temporal-admin-tools',
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 5,
    });
    expect(envOf(container)).toEqual({ TEMPORAL_ADDRESS: 'temporal-frontend.ns.svc.cluster.local:7233', HOME: '/tmp' });
    expect(ofKind(objects, 'Service')).toHaveLength(0);
    expect(ofKind(objects, 'PodDisruptionBudget')).toHaveLength(0);
    expect(only(objects, 'ServiceAccount').automountServiceAccountToken).toBe(false);
  });

  test('all props: every prop shows up', () => {
    const all: Required<AdminToolsProps> = {
      name: 'tools',
      identity: identity('tools', '1.31.3'),
      image: { repository: 'mirror/admin-tools', tag: '1.31.3', pullPolicy: 'Always' },
      resources: { requests: { cpu: '5m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
      frontendAddress: 'fe:7233',
      tls: { secretName: 'tools-client-cert', serverName: 'fe.example.internal' },
      runAs: { user: 4000, group: 4001, fsGroup: 4002 },
    };
    const { deployment, pod, container } = synth(all);
    expect(deployment.metadata.name).toBe('tools');
    expect(deployment.metadata.labels).toHaveProperty(['app.kubernetes.io/version'], '1.31.3');
    expect(container).toMatchObject({ name: 'admin-tools', image: 'mirror/admin-tools:1.31.3', imagePullPolicy: 'Always' });
    expect(container.resources).toEqual({ requests: { cpu: '5m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } });
    expect(envOf(container)).toEqual({ TEMPORAL_ADDRESS: 'fe:7233', HOME: '/tmp', ...cliTlsEnvFor('fe.example.internal') });
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, clientTlsMount]);
    expect(pod.volumes).toContainEqual(clientTlsVolumeFor('tools-client-cert'));
    expect(pod.securityContext).toMatchObject({ runAsUser: 4000, runAsGroup: 4001, fsGroup: 4002 });
  });

  test('tls: TEMPORAL_TLS* env after the address, the client-tls Secret mounted read-only at /etc/temporal/tls/client', () => {
    const { pod, container } = synth({ ...minimal, tls: clientTls });
    expect(container.env.map((e: any) => e.name)).toEqual([
      'TEMPORAL_ADDRESS',
      'HOME',
      'TEMPORAL_TLS',
      'TEMPORAL_TLS_CLIENT_CERT_PATH',
      'TEMPORAL_TLS_CLIENT_KEY_PATH',
      'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
      'TEMPORAL_TLS_SERVER_NAME',
    ]);
    expect(envOf(container)).toMatchObject(cliTlsEnvFor('temporal-frontend.temporal-test.svc'));
    expect(container.volumeMounts).toContainEqual(clientTlsMount);
    expect(pod.volumes).toEqual([clientTlsVolumeFor('temporal-client-tls'), { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    // The probes still run the CLI, which reads the same TEMPORAL_TLS* env.
    expect(container.readinessProbe.exec.command).toEqual(['temporal', 'operator', 'cluster', 'health']);
  });

  test('no tls: no TEMPORAL_TLS* env and no client-tls volume', () => {
    const { pod, container } = synth(minimal);
    expect(Object.keys(envOf(container)).filter((n) => n.startsWith('TEMPORAL_TLS'))).toEqual([]);
    expect(pod.volumes.map((v: any) => v.name)).not.toContain('client-tls');
  });

  test('probes run the temporal CLI', () => {
    const { container } = synth(minimal);
    expect(container.livenessProbe.exec.command).toEqual(['temporal', '--version']);
    expect(container.readinessProbe.exec.command).toEqual(['temporal', 'operator', 'cluster', 'health']);
    expect(container.readinessProbe).toMatchObject({ periodSeconds: 30, timeoutSeconds: 10 });
  });

  test('selectors are the selector labels only; containers are restricted with a writable /tmp', () => {
    const { construct, objects, container, pod } = synth(minimal);
    expect(construct.selector).toEqual(selectorOf('admin-tools'));
    expectSelectors(objects, selectorOf('admin-tools'));
    expectRestrictedContainers(objects);
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
  });
});
