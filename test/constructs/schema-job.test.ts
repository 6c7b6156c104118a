import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SchemaJob, SchemaJobProps } from '../../constructs/schema-job';
import { synthChart, testChart } from '../helpers';
import { containersOf, envOf, expectRestrictedContainers, identity, only, postgresImage, resources } from './fixtures';

const adminTools = { repository: 'temporalio/admin-tools', tag: '1.31.2', pullPolicy: 'IfNotPresent' as const };
const stores = [
  { store: 'default', database: 'temporal', schemaDir: '/etc/temporal/schema/postgresql/v12/temporal/versioned' },
  { store: 'visibility', database: 'temporal_visibility', schemaDir: '/etc/temporal/schema/postgresql/v12/visibility/versioned' },
];
const minimal: SchemaJobProps = {
  name: 'temporal-schema-1-31-2',
  serviceAccountName: 'temporal-schema',
  identity: identity('schema'),
  image: adminTools,
  waitImage: postgresImage,
  resources,
  pluginName: 'postgres12',
  host: 'temporal-postgres.ns.svc.cluster.local',
  port: 5432,
  user: 'temporal',
  passwordSecret: { name: 'temporal-db', key: 'password' },
  stores,
};

function synth(props: SchemaJobProps) {
  const chart = testChart();
  new SchemaJob(chart, 'Schema', props);
  const objects = synthChart(chart);
  const job = only(objects, 'Job');
  return { objects, job, pod: job.spec.template.spec, steps: containersOf(job) };
}

const script = (c: any): string => c.command[2];

describe('SchemaJob', () => {
  test('minimal props: backoffLimit 5, ttl 86400, a 15-minute deadline, uid 1000', () => {
    const { job, pod } = synth(minimal);
    expect(job.metadata.name).toMatch(/^temporal-schema-1-31-2-[0-9a-f]{8}$/);
    expect(job.spec.backoffLimit).toBe(5);
    expect(job.spec.activeDeadlineSeconds).toBe(900);
    expect(job.spec.ttlSecondsAfterFinished).toBe(86400);
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(pod).toMatchObject({ restartPolicy: 'OnFailure', serviceAccountName: 'temporal-schema', automountServiceAccountToken: false });
  });

  test('all props: every prop shows up', () => {
    const all: Required<SchemaJobProps> = {
      ...minimal,
      name: 'schema-x',
      serviceAccountName: 'schema-sa',
      identity: identity('schema', '1.31.3'),
      image: { repository: 'mirror/admin-tools', tag: '1.31.3', pullPolicy: 'Always' },
      waitImage: { repository: 'mirror/postgres', tag: '17', pullPolicy: 'Never' },
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
      pluginName: 'postgres12_pgx',
      host: 'db.example',
      port: 6432,
      user: "o'brien",
      passwordSecret: { name: 'db', key: 'pw' },
      stores: [stores[0]],
      backoffLimit: 3,
      ttlSecondsAfterFinished: 600,
      activeDeadlineSeconds: 300,
      runAs: { user: 2000, group: 2001, fsGroup: 2002 },
      tls: { enableHostVerification: true, caSecret: { name: 'db-ca', key: 'root.pem' } },
    };
    const { objects, job, pod, steps } = synth(all);
    for (const c of steps.slice(1)) {
      expect(envOf(c)).toEqual({
        SQL_PASSWORD: { secretKeyRef: { name: 'db', key: 'pw' } },
        SQL_TLS: 'true',
        SQL_TLS_DISABLE_HOST_VERIFICATION: 'false',
        SQL_TLS_CA_FILE: '/etc/temporal/tls/database-ca/ca.crt',
      });
      expect(c.volumeMounts).toContainEqual({ name: 'database-ca', mountPath: '/etc/temporal/tls/database-ca', readOnly: true });
    }
    expect(pod.volumes).toContainEqual({
      name: 'database-ca',
      secret: { secretName: 'db-ca', items: [{ key: 'root.pem', path: 'ca.crt' }] },
    });
    expect(job.metadata.name).toMatch(/^schema-x-[0-9a-f]{8}$/);
    expect(job.metadata.labels).toHaveProperty(['app.kubernetes.io/version'], '1.31.3');
    expect(only(objects, 'ServiceAccount').metadata.name).toBe('schema-sa');
    expect(pod.serviceAccountName).toBe('schema-sa');
    expect(job.spec).toMatchObject({ backoffLimit: 3, ttlSecondsAfterFinished: 600, activeDeadlineSeconds: 300 });
    expect(pod.securityContext).toMatchObject({ runAsUser: 2000, runAsGroup: 2001, fsGroup: 2002 });
    expect(steps.map((c) => c.name)).toEqual(['wait-for-database', 'create-default-database', 'update-default-schema']);
    expect(steps[0]).toMatchObject({ image: 'mirror/postgres:17', imagePullPolicy: 'Never' });
    expect(script(steps[0])).toMatch(/pg_isready -h db\.example -p 6432 -U \S+ /);
    for (const c of steps.slice(1)) {
      expect(c).toMatchObject({ image: 'mirror/admin-tools:1.31.3', imagePullPolicy: 'Always' });
      expect(script(c)).toContain(
        `temporal-sql-tool --plugin postgres12_pgx --endpoint db.example --port 6432 --user 'o'\\''brien' --database temporal `,
      );
      expect(envOf(c).SQL_PASSWORD).toEqual({ secretKeyRef: { name: 'db', key: 'pw' } });
    }
    for (const c of steps) expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } });
  });

  test('steps run in order as init containers; the last step is the main container', () => {
    const { pod } = synth(minimal);
    expect(pod.initContainers.map((c: any) => c.name)).toEqual([
      'wait-for-database',
      'create-default-database',
      'update-default-schema',
      'create-visibility-database',
    ]);
    expect(pod.containers.map((c: any) => c.name)).toEqual(['update-visibility-schema']);
  });

  test("every sql-tool step passes --plugin and the store's own database", () => {
    const { steps } = synth(minimal);
    const toolSteps = steps.slice(1);
    expect(toolSteps).toHaveLength(4);
    for (const c of toolSteps) {
      const db = c.name.includes('visibility') ? 'temporal_visibility' : 'temporal';
      for (const line of script(c)
        .split('\n')
        .filter((l: string) => l.includes('temporal-sql-tool'))) {
        expect(line).toContain('--plugin postgres12 ');
        expect(line).toContain(`--database ${db} `);
      }
    }
  });

  test('create-database tolerates "already exists" and a missing CREATEDB; update runs setup-schema -v 0.0 then update-schema', () => {
    const { steps } = synth(minimal);
    const tool =
      'temporal-sql-tool --plugin postgres12 --endpoint temporal-postgres.ns.svc.cluster.local --port 5432 --user temporal --database temporal';
    expect(script(steps[1])).toBe(
      [
        `if out=$(${tool} create-database 2>&1); then echo "$out";`,
        `elif echo "$out" | grep -q 'already exists'; then echo "database temporal already exists";`,
        `elif echo "$out" | grep -q 'permission denied to create database'; then echo "no CREATEDB privilege: using the existing database temporal";`,
        'else echo "$out" >&2; exit 1; fi',
      ].join('\n'),
    );
    expect(script(steps[2])).toBe(
      `${tool} setup-schema -v 0.0\n${tool} update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned`,
    );
    expect(steps[1].command.slice(0, 2)).toEqual(['/bin/sh', '-ec']);
  });

  describe('the create-database script, run by /bin/sh -ec against a stub temporal-sql-tool', () => {
    let bin: string;
    beforeAll(() => {
      bin = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-job-'));
      fs.writeFileSync(path.join(bin, 'temporal-sql-tool'), '#!/bin/sh\necho "$STUB_OUTPUT"\nexit "$STUB_RC"\n', { mode: 0o755 });
    });
    afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

    const run = (rc: number, output: string) => {
      const [sh, flags, text] = synth(minimal).steps[1].command;
      return spawnSync(sh, [flags, text], {
        encoding: 'utf8',
        env: { PATH: `${bin}:/usr/bin:/bin`, STUB_RC: String(rc), STUB_OUTPUT: output },
      });
    };

    test('created: succeeds and prints the tool output', () => {
      const r = run(0, 'database created');
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('database created\n');
    });

    test('"already exists": succeeds', () => {
      const r = run(1, 'pq: database "temporal" already exists');
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('database temporal already exists\n');
    });

    test('"permission denied to create database" (no CREATEDB): succeeds, using the existing database', () => {
      const r = run(1, 'pq: permission denied to create database');
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('no CREATEDB privilege: using the existing database temporal\n');
    });

    test('any other error: fails with the tool output on stderr', () => {
      const r = run(1, 'dial tcp: connection refused');
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('dial tcp: connection refused\n');
    });
  });

  test('tls: SQL_TLS and host verification; SQL_TLS_SERVER_NAME is never rendered; no CA Secret means no mount', () => {
    const { steps, pod } = synth({ ...minimal, tls: { enableHostVerification: false } });
    for (const c of steps.slice(1)) {
      expect(envOf(c)).toEqual({
        SQL_PASSWORD: { secretKeyRef: { name: 'temporal-db', key: 'password' } },
        SQL_TLS: 'true',
        SQL_TLS_DISABLE_HOST_VERIFICATION: 'true',
      });
      expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    }
    expect(pod.volumes.map((v: any) => v.name)).toEqual(['tmp']);
    for (const c of steps) expect(Object.keys(envOf(c))).not.toContain('SQL_TLS_SERVER_NAME');
  });

  test('no tls: no SQL_TLS* env at all', () => {
    const { steps } = synth(minimal);
    for (const c of steps) expect(Object.keys(envOf(c)).filter((n) => n.startsWith('SQL_TLS'))).toEqual([]);
  });

  test('the wait step has no password; every container is restricted with a writable /tmp', () => {
    const { objects, steps, pod } = synth(minimal);
    expect(envOf(steps[0])).not.toHaveProperty('SQL_PASSWORD');
    expectRestrictedContainers(objects);
    for (const c of steps.slice(1)) expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
  });
});

test('SchemaJob: any change to what the Job runs changes its name (a Job template is immutable)', () => {
  const names = [
    minimal,
    { ...minimal, resources: { ...minimal.resources, limits: { memory: '512Mi' } } },
    { ...minimal, user: 'other' },
  ].map((props) => {
    const chart = testChart();
    return new SchemaJob(chart, 'schema', props).jobName;
  });
  expect(new Set(names).size).toBe(3);
});
