import { DsqlSchemaJob, DsqlSchemaJobProps } from '../../constructs/dsql-schema-job';
import { synthChart, testChart } from '../helpers';
import { containersOf, envOf, expectRestrictedContainers, identity, only, resources } from './fixtures';

const dsqlTools = { repository: 'example.com/temporal-dsql-tools', tag: '1.31.2', pullPolicy: 'IfNotPresent' as const };
const endpoint = 'abcdefghijklmnop.dsql.eu-west-1.on.aws';
const roleAnnotation = { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/temporal-schema' };

const minimal: DsqlSchemaJobProps = {
  name: 'temporal-schema-1-31-2',
  serviceAccountName: 'temporal-schema',
  serviceAccountAnnotations: roleAnnotation,
  identity: identity('schema'),
  image: dsqlTools,
  resources,
  endpoint,
  region: 'eu-west-1',
};

function synth(props: DsqlSchemaJobProps) {
  const chart = testChart();
  const construct = new DsqlSchemaJob(chart, 'Schema', props);
  const objects = synthChart(chart);
  const job = only(objects, 'Job');
  return { construct, objects, job, pod: job.spec.template.spec, steps: containersOf(job) };
}

const script = (c: any): string => c.command[2];
const tool = `temporal-dsql-tool --endpoint ${endpoint} --region eu-west-1`;

describe('DsqlSchemaJob', () => {
  test('minimal props: one step, backoffLimit 5, ttl 86400, a 15-minute deadline, uid 1000, schema dsql/v12/temporal at 1.12', () => {
    const { construct, job, pod, steps } = synth(minimal);
    expect(job.metadata.name).toMatch(/^temporal-schema-1-31-2-[0-9a-f]{8}$/);
    expect(construct.jobName).toBe(job.metadata.name);
    expect(job.spec).toMatchObject({ backoffLimit: 5, ttlSecondsAfterFinished: 86400, activeDeadlineSeconds: 900 });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(pod).toMatchObject({ restartPolicy: 'OnFailure', serviceAccountName: 'temporal-schema', automountServiceAccountToken: false });
    expect(pod).not.toHaveProperty('initContainers');
    expect(steps.map((c) => c.name)).toEqual(['setup-dsql-schema']);
    expect(steps[0].image).toBe('example.com/temporal-dsql-tools:1.31.2');
    expect(script(steps[0])).toBe(
      [
        `if ${tool} update-schema --schema-name dsql/v12/temporal --version 1.12; then echo "schema is at version" 1.12;`,
        `else ${tool} setup-schema --schema-name dsql/v12/temporal --version 1.12; fi`,
      ].join('\n'),
    );
  });

  test('all props: every prop shows up', () => {
    const all: Required<DsqlSchemaJobProps> = {
      name: 'dsql-schema-x',
      serviceAccountName: 'dsql-schema-sa',
      serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/r', 'example.com/team': 'platform' },
      identity: identity('schema', '1.31.3'),
      image: { repository: 'mirror/dsql-tools', tag: '1.31.3', pullPolicy: 'Always' },
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
      endpoint: 'zyxw.dsql.us-east-2.on.aws',
      region: 'us-east-2',
      schemaName: 'dsql/v12/custom',
      schemaVersion: '1.13',
      backoffLimit: 3,
      ttlSecondsAfterFinished: 600,
      activeDeadlineSeconds: 300,
      runAs: { user: 2000, group: 2001, fsGroup: 2002 },
    };
    const { objects, job, pod, steps } = synth(all);
    expect(job.metadata.name).toMatch(/^dsql-schema-x-[0-9a-f]{8}$/);
    expect(job.metadata.labels).toHaveProperty(['app.kubernetes.io/version'], '1.31.3');
    const sa = only(objects, 'ServiceAccount');
    expect(sa.metadata.name).toBe('dsql-schema-sa');
    expect(sa.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/r', 'example.com/team': 'platform' });
    expect(pod.serviceAccountName).toBe('dsql-schema-sa');
    expect(job.spec).toMatchObject({ backoffLimit: 3, ttlSecondsAfterFinished: 600, activeDeadlineSeconds: 300 });
    expect(pod.securityContext).toMatchObject({ runAsUser: 2000, runAsGroup: 2001, fsGroup: 2002 });
    expect(steps[0]).toMatchObject({ image: 'mirror/dsql-tools:1.31.3', imagePullPolicy: 'Always' });
    expect(steps[0].resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } });
    const t = 'temporal-dsql-tool --endpoint zyxw.dsql.us-east-2.on.aws --region us-east-2';
    expect(script(steps[0])).toBe(
      [
        `if ${t} update-schema --schema-name dsql/v12/custom --version 1.13; then echo "schema is at version" 1.13;`,
        `else ${t} setup-schema --schema-name dsql/v12/custom --version 1.13; fi`,
      ].join('\n'),
    );
    expect(envOf(steps[0])).toEqual({ AWS_REGION: 'us-east-2' });
  });

  test('every tool invocation passes --endpoint, --region and --schema-name dsql/v12/temporal', () => {
    const { steps } = synth(minimal);
    const invocations = script(steps[0])
      .split('\n')
      .map((l) => l.slice(l.indexOf('temporal-dsql-tool')));
    expect(invocations).toHaveLength(2);
    for (const line of invocations) {
      expect(line).toMatch(
        /^temporal-dsql-tool --endpoint abcdefghijklmnop\.dsql\.eu-west-1\.on\.aws --region eu-west-1 (update|setup)-schema /,
      );
      expect(line).toContain('--schema-name dsql/v12/temporal ');
    }
    expect(script(steps[0])).not.toContain('temporal-sql-tool');
  });

  test('versioning stays on: never --disable-versioning', () => {
    for (const props of [minimal, { ...minimal, schemaVersion: '1.13' }, { ...minimal, schemaName: 'dsql/v12/other' }]) {
      const s = script(synth(props).steps[0]);
      expect(s).not.toContain('--disable-versioning');
      expect(s).not.toMatch(/(^|\s)-d(\s|$)/);
      expect(s).toMatch(/--version \S+/);
    }
  });

  test('no password anywhere: IAM auth through the ServiceAccount, AWS_REGION set', () => {
    const { objects, steps } = synth(minimal);
    expect(envOf(steps[0])).toEqual({ AWS_REGION: 'eu-west-1' });
    for (const c of steps) {
      for (const e of c.env ?? []) {
        expect(e.name).not.toMatch(/PASSWORD|PWD|SECRET|TOKEN/i);
        expect(e).not.toHaveProperty('valueFrom');
      }
      expect(c).not.toHaveProperty('envFrom');
    }
    expect(JSON.stringify(objects)).not.toMatch(/password|secretKeyRef|SQL_PASSWORD/i);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const sa = only(objects, 'ServiceAccount');
    expect(sa.metadata.name).toBe('temporal-schema');
    expect(sa.metadata.annotations).toEqual(roleAnnotation);
    expect(sa.automountServiceAccountToken).toBe(false);
  });

  test('endpoint and region are shell-quoted', () => {
    const { steps } = synth({ ...minimal, endpoint: 'a b.dsql.x.on.aws', region: "eu'west" });
    expect(script(steps[0])).toContain(`temporal-dsql-tool --endpoint 'a b.dsql.x.on.aws' --region 'eu'\\''west' `);
  });

  test('the container is restricted with a writable /tmp', () => {
    const { objects, steps, pod } = synth(minimal);
    expectRestrictedContainers(objects);
    expect(steps[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(steps[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
  });

  test('the Job name changes with the endpoint or the schema version', () => {
    const names = [minimal, { ...minimal, endpoint: 'other.dsql.eu-west-1.on.aws' }, { ...minimal, schemaVersion: '1.13' }].map(
      (props) => synth(props).construct.jobName,
    );
    expect(new Set(names).size).toBe(3);
    expect(synth(minimal).construct.jobName).toBe(names[0]);
  });
});
