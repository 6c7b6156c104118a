import { PostgresCluster, PostgresClusterProps } from '../../constructs/postgres-cluster';
import {
  envOf,
  expectRestrictedContainers,
  expectSelectors,
  identity,
  ofKind,
  only,
  postgresImage,
  resources,
  selectorOf,
  synthWorkload,
} from './fixtures';

const minimal: PostgresClusterProps = {
  name: 'temporal-postgres',
  identity: identity('database', '16.4'),
  image: postgresImage,
  resources,
  storage: { size: '10Gi' },
  user: 'temporal',
  database: 'temporal',
  passwordSecret: { name: 'temporal-db', key: 'password' },
};

function synth(props: PostgresClusterProps) {
  const { workload, ...rest } = synthWorkload((chart) => new PostgresCluster(chart, 'Postgres', props), 'StatefulSet');
  return { ...rest, sts: workload };
}

describe('PostgresCluster', () => {
  test('minimal props: port 5432, uid 999, no Secret, default storage class', () => {
    const { construct, objects, sts, pod, container } = synth(minimal);
    expect(ofKind(objects, 'Secret')).toHaveLength(0);
    expect(construct.port).toBe(5432);
    expect(construct.serviceName).toBe('temporal-postgres');
    expect(container.ports).toEqual([{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }]);
    expect(pod.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999 });
    expect(sts.spec.volumeClaimTemplates[0].spec).not.toHaveProperty('storageClassName');
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '10Gi' } },
      volumeMode: 'Filesystem',
    });
    expect(container.readinessProbe.exec.command).toEqual([
      'pg_isready',
      '-h',
      '127.0.0.1',
      '-p',
      '5432',
      '-U',
      'temporal',
      '-d',
      'temporal',
    ]);
    expect(container.args).toEqual(['-c', 'max_connections=100', '-c', 'shared_buffers=128MB']);
    expect(container.volumeMounts).toContainEqual({ name: 'shm', mountPath: '/dev/shm' });
  });

  test('all props: a generated password renders the Secret; port, storage class and uid are applied', () => {
    const all: Required<PostgresClusterProps> = {
      name: 'pg',
      identity: identity('db', '16.6'),
      image: { repository: 'mirror/postgres', tag: '16.6', pullPolicy: 'Always' },
      resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
      storage: { size: '50Gi', storageClassName: 'fast-ssd' },
      user: 'admin',
      database: 'main',
      passwordSecret: { name: 'pg-credentials', key: 'pw' },
      generatedPassword: 'dev-only-secret',
      port: 5433,
      runAs: { user: 70, group: 70, fsGroup: 71 },
      maxConnections: 300,
      sharedBuffers: '1GB',
      shmSize: '512Mi',
    };
    const { construct, objects, sts, pod, container } = synth(all);
    const secret = only(objects, 'Secret');
    expect(secret.metadata.name).toBe('pg-credentials');
    expect(secret.type).toBe('Opaque');
    expect(secret.stringData).toEqual({ pw: 'dev-only-secret' });
    expect(secret.metadata.annotations).toHaveProperty(['temporal.cdk8s.io/dev-only']);

    expect(construct.port).toBe(5433);
    expect(sts.metadata.name).toBe('pg');
    expect(container.image).toBe('mirror/postgres:16.6');
    expect(container.imagePullPolicy).toBe('Always');
    expect(container.resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } });
    expect(container.ports[0].containerPort).toBe(5433);
    expect(envOf(container)).toEqual({
      POSTGRES_USER: 'admin',
      POSTGRES_DB: 'main',
      POSTGRES_PASSWORD: { secretKeyRef: { name: 'pg-credentials', key: 'pw' } },
      PGDATA: '/var/lib/postgresql/data/pgdata',
      PGPORT: '5433',
    });
    expect(container.args).toEqual(['-c', 'max_connections=300', '-c', 'shared_buffers=1GB']);
    expect(pod.volumes.find((v: any) => v.name === 'shm')).toEqual({ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '512Mi' } });
    expect(container.livenessProbe.exec.command).toEqual(['pg_isready', '-h', '127.0.0.1', '-p', '5433', '-U', 'admin', '-d', 'main']);
    expect(pod.securityContext).toMatchObject({ runAsUser: 70, runAsGroup: 70, fsGroup: 71 });
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: 'fast-ssd',
      resources: { requests: { storage: '50Gi' } },
    });
    for (const svc of ofKind(objects, 'Service'))
      expect(svc.spec.ports).toEqual([{ name: 'postgres', port: 5433, targetPort: 'postgres', protocol: 'TCP' }]);
    expect(sts.metadata.labels).toHaveProperty(['app.kubernetes.io/component'], 'db');
  });

  test('a headless Service for stable pod DNS and a ClusterIP client Service', () => {
    const { objects, sts } = synth(minimal);
    const services = ofKind(objects, 'Service');
    expect(services.map((s) => s.metadata.name).sort()).toEqual(['temporal-postgres', 'temporal-postgres-headless']);
    const headless = services.find((s) => s.metadata.name === 'temporal-postgres-headless')!;
    expect(headless.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(services.find((s) => s.metadata.name === 'temporal-postgres')!.spec.type).toBe('ClusterIP');
    expect(sts.spec.serviceName).toBe('temporal-postgres-headless');
    expect(sts.spec).toMatchObject({ replicas: 1, podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate' } });
  });

  test('selectors are the selector labels only; containers are restricted with a read-only root', () => {
    const { construct, objects, container, pod } = synth(minimal);
    expect(construct.selector).toEqual(selectorOf('database'));
    expectSelectors(objects, selectorOf('database'));
    expectRestrictedContainers(objects);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(container.volumeMounts.map((m: any) => m.mountPath)).toEqual([
      '/var/lib/postgresql/data',
      '/var/run/postgresql',
      '/tmp',
      '/dev/shm',
    ]);
    expect(pod.volumes).toEqual([
      { name: 'run', emptyDir: { sizeLimit: '16Mi' } },
      { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
      { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
    ]);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(only(objects, 'ServiceAccount').metadata.name).toBe('temporal-postgres');
  });

  // BUG: volumeClaimTemplates is immutable on a StatefulSet, but its labels include
  // app.kubernetes.io/version (the postgres image tag). Bumping the tag makes `kubectl apply` fail with
  // "updates to statefulset spec for fields other than ... are forbidden".
  test('the volume claim template does not change when the version does', () => {
    const before = synth(minimal).sts.spec.volumeClaimTemplates;
    const after = synth({ ...minimal, identity: identity('database', '16.6'), image: { ...postgresImage, tag: '16.6' } }).sts.spec
      .volumeClaimTemplates;
    expect(after).toEqual(before);
  });
});
