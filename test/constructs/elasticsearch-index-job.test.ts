import { ElasticsearchIndexJob, ElasticsearchIndexJobProps } from '../../constructs/elasticsearch-index-job';
import { synthChart, testChart } from '../helpers';
import { containersOf, envOf, expectRestrictedContainers, identity, only, resources } from './fixtures';

const adminTools = { repository: 'temporalio/admin-tools', tag: '1.31.2', pullPolicy: 'IfNotPresent' as const };
const esImage = { repository: 'docker.elastic.co/elasticsearch/elasticsearch', tag: '8.15.3', pullPolicy: 'IfNotPresent' as const };
const url = 'http://temporal-elasticsearch.temporal.svc.cluster.local:9200';

const minimal: ElasticsearchIndexJobProps = {
  name: 'temporal-es-index-1-31-2',
  serviceAccountName: 'temporal-es-index',
  identity: identity('es-index'),
  image: adminTools,
  waitImage: esImage,
  resources,
  url,
  index: 'temporal_visibility_v1',
};
const credentials = { username: 'elastic', password: { name: 'es-credentials', key: 'password' } };

function synth(props: ElasticsearchIndexJobProps) {
  const chart = testChart();
  const construct = new ElasticsearchIndexJob(chart, 'IndexJob', props);
  const objects = synthChart(chart);
  const job = only(objects, 'Job');
  return { construct, objects, job, pod: job.spec.template.spec, steps: containersOf(job) };
}

const script = (c: any): string => c.command[2];
const tool = 'temporal-elasticsearch-tool';

describe('ElasticsearchIndexJob', () => {
  test('minimal props: backoffLimit 5, ttl 86400, a 15-minute deadline, uid 1000, no credentials', () => {
    const { construct, job, pod, steps } = synth(minimal);
    expect(job.metadata.name).toMatch(/^temporal-es-index-1-31-2-[0-9a-f]{8}$/);
    expect(construct.jobName).toBe(job.metadata.name);
    expect(job.spec).toMatchObject({ backoffLimit: 5, ttlSecondsAfterFinished: 86400, activeDeadlineSeconds: 900 });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(pod).toMatchObject({ restartPolicy: 'OnFailure', serviceAccountName: 'temporal-es-index', automountServiceAccountToken: false });
    expect(steps.map((c) => c.name)).toEqual(['wait-for-elasticsearch', 'setup-visibility-index']);
    expect(envOf(steps[1])).toEqual({ ES_SERVER: url });
    expect(steps[0]).not.toHaveProperty('env');
  });

  test('all props: every prop shows up', () => {
    const all: Required<ElasticsearchIndexJobProps> = {
      name: 'es-index-x',
      serviceAccountName: 'es-index-sa',
      identity: identity('es-index', '1.31.3'),
      image: { repository: 'mirror/admin-tools', tag: '1.31.3', pullPolicy: 'Always' },
      waitImage: { repository: 'mirror/elasticsearch', tag: '8.16.0', pullPolicy: 'Never' },
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
      url: 'https://es.example:9243',
      index: 'visibility_prod',
      credentials: { username: 'temporal', password: { name: 'es-secret', key: 'pw' } },
      backoffLimit: 3,
      ttlSecondsAfterFinished: 600,
      activeDeadlineSeconds: 300,
      runAs: { user: 2000, group: 2001, fsGroup: 2002 },
    };
    const { objects, job, pod, steps } = synth(all);
    expect(job.metadata.name).toMatch(/^es-index-x-[0-9a-f]{8}$/);
    expect(job.metadata.labels).toHaveProperty(['app.kubernetes.io/version'], '1.31.3');
    expect(job.metadata.labels).toHaveProperty(['app.kubernetes.io/component'], 'es-index');
    expect(only(objects, 'ServiceAccount').metadata.name).toBe('es-index-sa');
    expect(pod.serviceAccountName).toBe('es-index-sa');
    expect(job.spec).toMatchObject({ backoffLimit: 3, ttlSecondsAfterFinished: 600, activeDeadlineSeconds: 300 });
    expect(pod.securityContext).toMatchObject({ runAsUser: 2000, runAsGroup: 2001, fsGroup: 2002 });
    expect(steps[0]).toMatchObject({ image: 'mirror/elasticsearch:8.16.0', imagePullPolicy: 'Never' });
    expect(script(steps[0])).toContain('-u "temporal:$ES_PWD" ');
    expect(script(steps[0])).toContain('https://es.example:9243/_cluster/health');
    expect(steps[1]).toMatchObject({ image: 'mirror/admin-tools:1.31.3', imagePullPolicy: 'Always' });
    expect(script(steps[1])).toContain(`${tool} create-index --index visibility_prod `);
    expect(script(steps[1])).toContain(`${tool} update-schema --index visibility_prod`);
    expect(envOf(steps[1])).toEqual({
      ES_SERVER: 'https://es.example:9243',
      ES_USER: 'temporal',
      ES_PWD: { secretKeyRef: { name: 'es-secret', key: 'pw' } },
    });
    for (const c of steps) expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } });
  });

  test('the init container waits for cluster health with curl in the wait image', () => {
    const { pod } = synth(minimal);
    expect(pod.initContainers).toHaveLength(1);
    const wait = pod.initContainers[0];
    expect(wait.name).toBe('wait-for-elasticsearch');
    expect(wait.image).toBe('docker.elastic.co/elasticsearch/elasticsearch:8.15.3');
    const target = `${url}/_cluster/health?wait_for_status=yellow&timeout=5s`;
    expect(wait.command).toEqual([
      '/bin/sh',
      '-ec',
      `until curl -fsS -o /dev/null '${target}'; do echo "waiting for ${target}"; sleep 5; done`,
    ]);
  });

  test('the main step: setup-schema, create-index tolerating resource_already_exists_exception, then update-schema', () => {
    const { pod } = synth(minimal);
    expect(pod.containers).toHaveLength(1);
    const main = pod.containers[0];
    expect(main.name).toBe('setup-visibility-index');
    expect(main.image).toBe('temporalio/admin-tools:1.31.2');
    expect(main.command.slice(0, 2)).toEqual(['/bin/sh', '-ec']);
    expect(script(main)).toBe(
      [
        `${tool} setup-schema`,
        `if out=$(${tool} create-index --index temporal_visibility_v1 2>&1); then echo "$out";`,
        `elif echo "$out" | grep -q 'resource_already_exists_exception'; then echo "index already exists:" temporal_visibility_v1;`,
        'else echo "$out" >&2; exit 1; fi',
        `${tool} update-schema --index temporal_visibility_v1`,
      ].join('\n'),
    );
    const lines = script(main).split('\n');
    expect(lines.findIndex((l) => l.includes('setup-schema'))).toBeLessThan(lines.findIndex((l) => l.includes('create-index')));
    expect(lines.findIndex((l) => l.includes('create-index'))).toBeLessThan(lines.findIndex((l) => l.includes('update-schema')));
  });

  test('an index name with shell metacharacters is quoted', () => {
    const { steps } = synth({ ...minimal, index: 'vis;rm -rf' });
    expect(script(steps[1])).toContain(`create-index --index 'vis;rm -rf' 2>&1`);
    expect(script(steps[1])).toContain(`update-schema --index 'vis;rm -rf'`);
  });

  test('with credentials: ES_USER and ES_PWD from the Secret; the wait step authenticates', () => {
    const { steps } = synth({ ...minimal, credentials });
    expect(envOf(steps[1])).toEqual({
      ES_SERVER: url,
      ES_USER: 'elastic',
      ES_PWD: { secretKeyRef: { name: 'es-credentials', key: 'password' } },
    });
    expect(envOf(steps[0])).toEqual({ ES_PWD: { secretKeyRef: { name: 'es-credentials', key: 'password' } } });
    expect(script(steps[0])).toContain('curl -fsS -o /dev/null -u "elastic:$ES_PWD" ');
    // The password itself is never in the rendered Job.
    for (const c of steps) for (const e of c.env ?? []) if (e.name === 'ES_PWD') expect(e).not.toHaveProperty('value');
  });

  test('every container is restricted with a writable /tmp', () => {
    const { objects, steps, pod } = synth({ ...minimal, credentials });
    expectRestrictedContainers(objects);
    for (const c of steps) {
      expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
      expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    }
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
  });

  test('the Job name is <prefix>-<8 hex>, stable for the same props, and changes when the index changes', () => {
    const a = synth(minimal).construct.jobName;
    const b = synth(minimal).construct.jobName;
    const c = synth({ ...minimal, index: 'temporal_visibility_v2' }).construct.jobName;
    const d = synth({ ...minimal, credentials }).construct.jobName;
    for (const n of [a, c, d]) expect(n).toMatch(/^temporal-es-index-1-31-2-[0-9a-f]{8}$/);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(d).not.toBe(a);
  });
});
