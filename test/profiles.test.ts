/**
 * The sizing and policy a profile states reach the output, checked on the fixture profiles
 * (test/fixtures/profiles, shaped like the example profiles of docs/customise.md "Profiles"). The example
 * profiles themselves are yours to change: their values are covered by the full-profile snapshots.
 */
import { ALL_PROFILES, FX, K8sObject, find, podSpec, synthesized } from './helpers';

const container = (objects: K8sObject[], kind: string, name: string) => podSpec(find(objects, kind, name)).containers[0];
const limits = (objects: K8sObject[], kind: string, name: string) => container(objects, kind, name).resources.limits;
const schemaJob = (objects: K8sObject[]) => objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('temporal-schema-1-31-2-'))!;
const hpa = (objects: K8sObject[], name: string) => find(objects, 'HorizontalPodAutoscaler', name).spec;

describe(FX.dev, () => {
  const { objects, spec } = synthesized(FX.dev);
  test('small limits that fit a laptop', () => {
    for (const role of ['frontend', 'history', 'matching'])
      expect(limits(objects, 'Deployment', `temporal-${role}`)).toEqual({ cpu: '500m', memory: '256Mi' });
    expect(limits(objects, 'Deployment', 'temporal-worker')).toEqual({ cpu: '250m', memory: '128Mi' });
    expect(limits(objects, 'StatefulSet', 'temporal-postgres').memory).toBe('256Mi');
  });
  test('4 history shards, a 1-day default namespace, a generated dev-only Secret', () => {
    expect(spec.temporal.numHistoryShards).toBe(4);
    expect(find(objects, 'ConfigMap', 'temporal-config').data['config.yaml']).toContain('numHistoryShards: 4\n');
    expect(spec.temporal.namespaces).toEqual([expect.objectContaining({ name: 'default', retention: '1d' })]);
    const secret = find(objects, 'Secret', 'temporal-postgres-dev');
    expect(secret.metadata.annotations).toHaveProperty(['temporal.cdk8s.io/dev-only']);
    expect(schemaJob(objects).spec.template.spec.containers[0].command[2]).toContain('--plugin postgres12_pgx');
  });
});

describe(FX.staging, () => {
  const { objects } = synthesized(FX.staging);
  test('1 CPU / 512Mi limits, worker 0.5 / 256Mi', () => {
    for (const role of ['frontend', 'history', 'matching'])
      expect(limits(objects, 'Deployment', `temporal-${role}`)).toEqual({ cpu: '1', memory: '512Mi' });
    expect(limits(objects, 'Deployment', 'temporal-worker')).toEqual({ cpu: '500m', memory: '256Mi' });
  });
  test('Ingress with TLS from a referenced Secret', () => {
    expect(find(objects, 'Ingress', 'temporal-web').spec.tls).toEqual([
      { hosts: ['temporal.fixture-staging.test'], secretName: 'temporal-web-tls' },
    ]);
  });
});

describe(FX.production, () => {
  const { objects, spec } = synthesized(FX.production);
  test('at least 3 frontend, 5 history, 3 matching and 3 worker replicas', () => {
    expect(hpa(objects, 'temporal-frontend').minReplicas).toBeGreaterThanOrEqual(3);
    expect(hpa(objects, 'temporal-history').minReplicas).toBeGreaterThanOrEqual(5);
    expect(hpa(objects, 'temporal-matching').minReplicas).toBeGreaterThanOrEqual(3);
    expect(hpa(objects, 'temporal-worker').minReplicas).toBeGreaterThanOrEqual(3);
  });
  test('limits: frontend 1Gi/2, history 2Gi/2, matching 1Gi/2, worker 512Mi/1', () => {
    expect(limits(objects, 'Deployment', 'temporal-frontend')).toEqual({ cpu: '2', memory: '1Gi' });
    expect(limits(objects, 'Deployment', 'temporal-history')).toEqual({ cpu: '2', memory: '2Gi' });
    expect(limits(objects, 'Deployment', 'temporal-matching')).toEqual({ cpu: '2', memory: '1Gi' });
    expect(limits(objects, 'Deployment', 'temporal-worker')).toEqual({ cpu: '1', memory: '512Mi' });
  });
  test('history and matching scale conservatively; frontend on CPU', () => {
    for (const role of ['history', 'matching']) {
      expect(hpa(objects, `temporal-${role}`).behavior.scaleDown).toEqual(
        expect.objectContaining({ stabilizationWindowSeconds: 1800, policies: [{ type: 'Pods', value: 1, periodSeconds: 600 }] }),
      );
    }
    expect(hpa(objects, 'temporal-frontend').metrics[0].resource.name).toBe('cpu');
  });
  test('topology spread over zones and nodes, admin tools off, 512 shards, 30-day namespaces', () => {
    const keys = find(objects, 'Deployment', 'temporal-history').spec.template.spec.topologySpreadConstraints.map(
      (c: any) => c.topologyKey,
    );
    expect(keys).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    expect(objects.some((o) => o.metadata.name === 'temporal-admin-tools')).toBe(false);
    expect(spec.temporal.numHistoryShards).toBe(512);
    expect(spec.temporal.namespaces.map((n) => [n.name, n.retention])).toEqual([
      ['default', '30d'],
      ['production', '30d'],
    ]);
  });
  test('images are pinned to the required versions', () => {
    expect(container(objects, 'Deployment', 'temporal-frontend').image).toBe('temporalio/server:1.31.2');
    expect(schemaJob(objects).spec.template.spec.containers[0].image).toBe('temporalio/admin-tools:1.31.2');
    expect(container(objects, 'Deployment', 'temporal-web').image).toBe('temporalio/ui:2.52.0');
    expect(container(objects, 'StatefulSet', 'temporal-elasticsearch').image).toMatch(
      /^docker\.elastic\.co\/elasticsearch\/elasticsearch:8\.\d+\.\d+$/,
    );
    // pg_dump must be at least the server's major version; the backup uses the postgres image.
    expect(container(objects, 'CronJob', 'temporal-postgres-backup').image).toMatch(/^postgres:1[67]\./);
  });
  test('datastores: managed PostgreSQL over verified TLS, 3-node secure Elasticsearch, backups, S3 archival', () => {
    expect(objects.some((o) => o.kind === 'StatefulSet' && o.metadata.name === 'temporal-postgres')).toBe(false);
    expect(spec.persistence).toMatchObject({
      mode: 'external',
      visibilityStore: 'elasticsearch',
      external: { tls: { enabled: true, enableHostVerification: true } },
    });
    expect(spec.elasticsearch).toMatchObject({ replicas: 3, security: { enabled: true } });
    expect(spec.backup).toMatchObject({ enabled: true, retentionDays: 14 });
    expect(spec.archival.provider?.type).toBe('s3store');
    expect(spec.temporal.serviceAccountAnnotations).toHaveProperty(['eks.amazonaws.com/role-arn']);
  });
});

describe(`datastores of ${FX.dev} and ${FX.staging}`, () => {
  test(`${FX.dev}: one PostgreSQL with SQL visibility, no Elasticsearch, no backups, filestore archival`, () => {
    const { spec, objects } = synthesized(FX.dev);
    expect(spec.persistence).toMatchObject({ mode: 'inCluster', visibilityStore: 'sql' });
    expect(objects.some((o) => o.metadata.name === 'temporal-elasticsearch')).toBe(false);
    expect(objects.some((o) => o.kind === 'CronJob')).toBe(false);
    expect(spec.archival.provider?.type).toBe('filestore');
  });
  test(`${FX.staging}: in-cluster PostgreSQL, single-node Elasticsearch, nightly backups, archival off`, () => {
    const { spec, objects } = synthesized(FX.staging);
    expect(spec.persistence).toMatchObject({ mode: 'inCluster', visibilityStore: 'elasticsearch' });
    expect(find(objects, 'StatefulSet', 'temporal-elasticsearch').spec.replicas).toBe(1);
    expect(find(objects, 'CronJob', 'temporal-postgres-backup').spec.schedule).toBe('15 2 * * *');
    expect(spec.archival.provider).toBeUndefined();
  });
});

test('synthesis is deterministic, for every profile', () => {
  const first = ALL_PROFILES.map((p) => synthesized(p).files);
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.isolateModules needs a synchronous require
    const { synthesized: fresh } = require('./helpers') as typeof import('./helpers');
    expect(ALL_PROFILES.map((p) => fresh(p).files)).toEqual(first);
  });
});
