import { NamespaceJob, NamespaceJobProps } from '../../constructs/namespace-job';
import { synthChart, testChart } from '../helpers';
import {
  cliTlsEnvFor,
  clientTls,
  clientTlsMount,
  clientTlsVolumeFor,
  envOf,
  expectRestrictedContainers,
  identity,
  only,
  resources,
} from './fixtures';

const adminTools = { repository: 'temporalio/admin-tools', tag: '1.31.2', pullPolicy: 'IfNotPresent' as const };
const minimal: NamespaceJobProps = {
  name: 'temporal-namespaces-abc',
  serviceAccountName: 'temporal-namespace-registration',
  identity: identity('namespace-registration'),
  image: adminTools,
  resources,
  frontendAddress: 'temporal-frontend.ns.svc.cluster.local:7233',
  namespaces: [{ name: 'default', retentionHours: 72 }],
};

function synth(props: NamespaceJobProps) {
  const chart = testChart();
  new NamespaceJob(chart, 'Namespaces', props);
  const objects = synthChart(chart);
  const job = only(objects, 'Job');
  const pod = job.spec.template.spec;
  return { objects, job, pod, register: pod.containers[0], wait: pod.initContainers[0] };
}

const line = (n: string, settings: string, createOnly = '') =>
  `if temporal operator namespace describe --namespace ${n} >/dev/null 2>&1; then temporal operator namespace update --namespace ${n} ${settings}; ` +
  `else temporal operator namespace create --namespace ${n} ${settings}${createOnly ? ` ${createOnly}` : ''}; fi`;

describe('NamespaceJob', () => {
  test('minimal props: backoffLimit 5, ttl 86400, a 15-minute deadline, uid 1000; describe, then update or create with --retention <hours>h', () => {
    const { job, pod, register } = synth(minimal);
    expect(job.metadata.name).toMatch(/^temporal-namespaces-abc-[0-9a-f]{8}$/);
    expect(job.spec).toMatchObject({ backoffLimit: 5, ttlSecondsAfterFinished: 86400, activeDeadlineSeconds: 900 });
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(pod).toMatchObject({
      restartPolicy: 'OnFailure',
      serviceAccountName: 'temporal-namespace-registration',
      automountServiceAccountToken: false,
    });
    expect(register.name).toBe('register-namespaces');
    expect(register.command).toEqual(['/bin/sh', '-ec', line('default', '--retention 72h')]);
    expect(register.command[2]).not.toContain('--description');
  });

  test('all props: every prop shows up; each namespace is one line, in order, descriptions quoted', () => {
    const all: Required<NamespaceJobProps> = {
      name: 'ns-job',
      serviceAccountName: 'ns-sa',
      identity: identity('ns', '1.31.3'),
      image: { repository: 'mirror/admin-tools', tag: '1.31.3', pullPolicy: 'Always' },
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
      frontendAddress: 'fe:7233',
      tls: { secretName: 'ns-client-cert', serverName: 'fe.example.internal' },
      namespaces: [
        { name: 'orders', retentionHours: 168, description: "Orders' workflows" },
        { name: 'billing', retentionHours: 24 },
      ],
      backoffLimit: 2,
      ttlSecondsAfterFinished: 60,
      activeDeadlineSeconds: 120,
      runAs: { user: 3000, group: 3001, fsGroup: 3002 },
      archival: { historyUri: 's3://b/history', visibilityUri: 's3://b/visibility' },
    };
    const { objects, job, pod, register, wait } = synth(all);
    expect(job.metadata.name).toMatch(/^ns-job-[0-9a-f]{8}$/);
    expect(job.metadata.labels).toHaveProperty(['app.kubernetes.io/component'], 'ns');
    expect(only(objects, 'ServiceAccount').metadata.name).toBe('ns-sa');
    expect(pod.serviceAccountName).toBe('ns-sa');
    expect(job.spec).toMatchObject({ backoffLimit: 2, ttlSecondsAfterFinished: 60, activeDeadlineSeconds: 120 });
    expect(pod.securityContext).toMatchObject({ runAsUser: 3000, runAsGroup: 3001, fsGroup: 3002 });
    for (const c of [wait, register]) {
      expect(c).toMatchObject({ image: 'mirror/admin-tools:1.31.3', imagePullPolicy: 'Always' });
      expect(c.resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } });
      expect(envOf(c)).toEqual({ TEMPORAL_ADDRESS: 'fe:7233', HOME: '/tmp', ...cliTlsEnvFor('fe.example.internal') });
      expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, clientTlsMount]);
    }
    expect(pod.volumes).toContainEqual(clientTlsVolumeFor('ns-client-cert'));
    // Archival is switched on for existing namespaces; URIs can only be set at creation.
    const states = '--history-archival-state enabled --visibility-archival-state enabled';
    const uris = '--history-uri s3://b/history --visibility-uri s3://b/visibility';
    expect(register.command[2].split('\n')).toEqual([
      line('orders', `--retention 168h --description 'Orders'\\'' workflows' ${states}`, uris),
      line('billing', `--retention 24h ${states}`, uris),
    ]);
  });

  test('waits for the frontend in an init container first', () => {
    const { pod, wait } = synth(minimal);
    expect(pod.initContainers).toHaveLength(1);
    expect(wait.name).toBe('wait-for-frontend');
    expect(wait.command[2]).toMatch(/^until temporal operator cluster health; do/);
  });

  test('tls: both steps get the TEMPORAL_TLS* env and the client-tls mount; the pod gets the Secret volume once', () => {
    const { pod, register, wait } = synth({ ...minimal, tls: clientTls });
    for (const c of [wait, register]) {
      expect(envOf(c)).toEqual({
        TEMPORAL_ADDRESS: 'temporal-frontend.ns.svc.cluster.local:7233',
        HOME: '/tmp',
        ...cliTlsEnvFor('temporal-frontend.temporal-test.svc'),
      });
      expect(c.volumeMounts).toContainEqual(clientTlsMount);
    }
    expect(pod.volumes.filter((v: any) => v.name === 'client-tls')).toEqual([clientTlsVolumeFor('temporal-client-tls')]);
    expect(pod.volumes).toHaveLength(2);
  });

  test('tls changes the Job name (its template is immutable)', () => {
    const plain = synth(minimal).job.metadata.name;
    const tls = synth({ ...minimal, tls: clientTls }).job.metadata.name;
    expect(tls).toMatch(/^temporal-namespaces-abc-[0-9a-f]{8}$/);
    expect(tls).not.toBe(plain);
  });

  test('every container is restricted and writes only to /tmp', () => {
    const { objects, pod } = synth(minimal);
    expectRestrictedContainers(objects);
    for (const c of [...pod.initContainers, ...pod.containers]) expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
  });
});
