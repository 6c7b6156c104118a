/**
 * The pure parts of test/cluster/cluster-check.ts, the helper of `npm run cluster-check`: selector
 * matching, the prune command of the generated dist/<profile>/README.md, the `same` comparison and the
 * install check on small hand-made server dumps. No control plane, no network.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dump } from 'js-yaml';
import {
  allowlist,
  compareDumps,
  CronJob,
  Deployment,
  emptySelector,
  evaluateInstall,
  HorizontalPodAutoscaler,
  Job,
  KubeEvent,
  KubeObject,
  LabelSelector,
  loadDirs,
  main,
  matchesSelector,
  OwnerReference,
  parseDump,
  parsePruneCommand,
  parseSecretCommands,
  Pod,
  PodDisruptionBudget,
  pruneKinds,
  ReplicaSet,
  Service,
} from './cluster/cluster-check';
import { run as synth } from '../main';
import { FIXTURE_ARGS, FX, PROFILES } from './helpers';

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const NS = 'cc';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-check-helper-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** main(args) with console.log captured: its exit code and printed lines. */
function run(args: string[]): { code: number; lines: string[] } {
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    lines.push(a.join(' '));
  });
  try {
    const code = main(args);
    if (typeof code !== 'number') throw new Error('main returned a promise');
    return { code, lines };
  } finally {
    log.mockRestore();
  }
}

function writeFile(name: string, text: string): string {
  const f = path.join(tmp, name);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
  return f;
}

const writeDump = (name: string, items: KubeObject[]) => writeFile(name, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));

describe('selectors', () => {
  const labels = { app: 'web', tier: 'front' };

  test('matchLabels: every label equal', () => {
    expect(matchesSelector({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(matchesSelector({ matchLabels: { app: 'web', tier: 'back' } }, labels)).toBe(false);
    expect(matchesSelector({ matchLabels: { app: 'web' } }, undefined)).toBe(false);
  });

  test('matchExpressions: In, NotIn, Exists, DoesNotExist', () => {
    const m = (operator: string, key: string, values?: string[]) =>
      matchesSelector({ matchExpressions: [{ key, operator, values }] }, labels);
    expect(m('In', 'tier', ['front', 'back'])).toBe(true);
    expect(m('In', 'tier', ['back'])).toBe(false);
    expect(m('In', 'zone', ['a'])).toBe(false);
    expect(m('NotIn', 'tier', ['back'])).toBe(true);
    expect(m('NotIn', 'tier', ['front'])).toBe(false);
    expect(m('NotIn', 'zone', ['a'])).toBe(true);
    expect(m('Exists', 'app')).toBe(true);
    expect(m('Exists', 'zone')).toBe(false);
    expect(m('DoesNotExist', 'zone')).toBe(true);
    expect(m('DoesNotExist', 'app')).toBe(false);
    expect(
      matchesSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] }, labels),
    ).toBe(false);
  });

  test('an empty selector selects everything, and is reported as empty', () => {
    expect(matchesSelector({}, labels)).toBe(true);
    expect(emptySelector(undefined)).toBe(true);
    expect(emptySelector({ matchLabels: {}, matchExpressions: [] })).toBe(true);
    expect(emptySelector({ matchExpressions: [{ key: 'app', operator: 'Exists' }] })).toBe(false);
  });
});

describe('prune-args and prune-kinds of a generated dist/<profile>/README.md', () => {
  const profiles = fs
    .readdirSync(dist)
    .filter((p) => fs.existsSync(path.join(dist, p, 'README.md')))
    .sort();

  test('there are generated READMEs, one for each profile', () => {
    expect(profiles).toEqual(expect.arrayContaining(PROFILES));
  });

  test.each(profiles)('%s: one kubectl apply --prune with a group/version/Kind allowlist', (p) => {
    const readme = path.join(dist, p, 'README.md');
    const args = parsePruneCommand(fs.readFileSync(readme, 'utf8'), readme);
    expect(args[0]).toBe('apply');
    expect(args).toContain('--prune');
    expect(args).toEqual(expect.arrayContaining(['--recursive', '-f', `dist/${p}`]));
    const gvks = allowlist(args);
    expect(gvks.length).toBeGreaterThan(3);
    for (const gvk of gvks) expect(gvk).toMatch(/^[a-z0-9.-]+\/v[0-9a-z]+\/[A-Z][A-Za-z]+$/);
    // One argument a line, as cluster-check.sh reads them with mapfile.
    expect(run(['prune-args', readme])).toEqual({ code: 0, lines: args });
  });

  test(`${FX.staging}: kubectl get arguments for the allowlist and every rendered kind, sorted, once each`, () => {
    const out = path.join(tmp, 'fixture-dist');
    expect(
      synth(['--quiet', '--outdir', out, ...FIXTURE_ARGS, '--profile', FX.staging], { out: () => undefined, err: () => undefined }, {}),
    ).toBe(0);
    const readme = path.join(out, FX.staging, 'README.md');
    const dirs = [path.join(out, FX.staging), path.join(out, `${FX.staging}-custom-resources`)];
    const kinds = pruneKinds(readme, dirs);
    expect(kinds).toEqual([...new Set(kinds)].sort());
    expect(kinds).toEqual(
      expect.arrayContaining([
        'ConfigMap',
        'Namespace',
        'Service',
        'Deployment.v1.apps',
        'CronJob.v1.batch',
        'Certificate.v1.cert-manager.io',
        'HorizontalPodAutoscaler.v2.autoscaling',
      ]),
    );
    for (const o of loadDirs(dirs)) {
      const [g, v] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
      expect(kinds).toContain(g ? `${o.kind}.${v}.${g}` : o.kind);
    }
    expect(run(['prune-kinds', readme, ...dirs])).toEqual({ code: 0, lines: [kinds.join(',')] });
  });

  test('a comma-separated allowlist and the core group', () => {
    const args = ['apply', '--prune', '--prune-allowlist=core/v1/ConfigMap,apps/v1/Deployment', '--prune-allowlist', 'batch/v1/Job'];
    expect(allowlist(args)).toEqual(['core/v1/ConfigMap', 'apps/v1/Deployment', 'batch/v1/Job']);
    const readme = writeFile('prune/README.md', `# x\n\n## Apply with prune\n\n\`\`\`sh\nkubectl ${args.join(' \\\n  ')}\n\`\`\`\n`);
    expect(run(['prune-kinds', readme])).toEqual({ code: 0, lines: ['ConfigMap,Deployment.v1.apps,Job.v1.batch'] });
  });

  test('what the check does not run is refused', () => {
    const readme = (body: string) => `# x\n\n## Apply with prune\n\n${body}\n`;
    expect(() => parsePruneCommand('# x\n', 'R')).toThrow('R: no "## Apply with prune" section');
    expect(() => parsePruneCommand(readme('kubectl apply --prune'), 'R')).toThrow('R: no sh block in the prune section');
    expect(() => parsePruneCommand(readme('```sh\nkubectl delete -f dist/x\n```'), 'R')).toThrow(
      'R: the prune command is not "kubectl apply …": kubectl delete -f dist/x',
    );
    expect(() => parsePruneCommand(readme('```sh\nkubectl apply -f "$DIR" --prune\n```'), 'R')).toThrow(
      'R: the prune command has shell syntax this check does not run',
    );
    const f = writeFile('bad/README.md', readme('```sh\nkubectl apply -f dist/x | tee log\n```'));
    expect(run(['prune-args', f])).toEqual({
      code: 1,
      lines: [`FAIL ${f}: the prune command has shell syntax this check does not run: kubectl apply -f dist/x | tee log`],
    });
  });
});

describe('same', () => {
  const deployment = (replicas: number, extra: Partial<Deployment['metadata']> = {}): Deployment & { status?: unknown } => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: NS, ...extra },
    spec: { replicas, template: { spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
  });

  test('status, managedFields, resourceVersion and the last-applied annotation are ignored', () => {
    const a = deployment(1, { resourceVersion: '1', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } });
    const b = { ...deployment(1, { resourceVersion: '7', managedFields: [{ manager: 'kubectl' }] }), status: { replicas: 1 } };
    expect(compareDumps([a], [b])).toEqual({ compared: 1, problems: [] });
    const fa = writeDump('same/a.json', [a]);
    const fb = writeFile('same/b.json', JSON.stringify(b)); // one object, not a List
    expect(run(['same', fa, fb])).toEqual({ code: 0, lines: ['1 objects compared, 0 differences'] });
  });

  test('any other change, a gone and a new object fail', () => {
    const cm = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS } });
    const other = deployment(2, { annotations: { team: 'a' } });
    const fa = writeDump('same/c.json', [deployment(1), cm('old')]);
    const fb = writeDump('same/d.json', [other, cm('new')]);
    expect(run(['same', fa, fb])).toEqual({
      code: 1,
      lines: [
        'FAIL changed Deployment.apps/cc/web: .metadata.annotations: undefined -> {"team":"a"}',
        'FAIL changed Deployment.apps/cc/web: .spec.replicas: 1 -> 2',
        'FAIL changed ConfigMap/cc/old: gone',
        'FAIL changed ConfigMap/cc/new: new',
        '2 objects compared, 4 differences',
      ],
    });
  });

  test('an empty output and a document that is no Kubernetes object', () => {
    expect(parseDump('  \n')).toEqual([]);
    expect(() => parseDump('{"kind":"List","items":[{"kind":"Pod"}]}', 'F')).toThrow('F: not a Kubernetes object');
  });
});

describe('install-check on a hand-made server dump', () => {
  const meta = (name: string, owner?: OwnerReference, labels?: Record<string, string>) => ({
    name,
    namespace: NS,
    ...(owner ? { ownerReferences: [owner] } : {}),
    ...(labels ? { labels } : {}),
  });
  const ownedBy = (kind: string, name: string): OwnerReference => ({ apiVersion: 'x', kind, name, controller: true });
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } };
  const jobSpec = { template: { spec: { containers: [{ name: 'backup', image: 'backup:1' }] } } };

  const web: Deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web'), spec: { replicas: 3, template } };
  const hpa: HorizontalPodAutoscaler = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta('web'),
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 5 },
  };
  const backup: CronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta('backup'),
    spec: { schedule: '0 3 * * *', jobTemplate: { spec: jobSpec } },
  };
  const elsewhere: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'elsewhere', namespace: 'other' } };
  const rendered: KubeObject[] = [web, hpa, backup, elsewhere];

  const pod = (name: string, owner: OwnerReference, labels?: Record<string, string>): Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(name, owner, labels),
    spec: { containers: [{ name: 'c', image: 'i', ports: [{ name: 'http', containerPort: 8080 }] }] },
  });
  const event = (type: string, involved: { kind: string; name: string }, reason: string, message: string): KubeEvent => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: meta(`${involved.name}.1`),
    type,
    involvedObject: involved,
    reason,
    message,
  });
  const backupJob = (owner?: OwnerReference): Job => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta('backup-check', owner),
    spec: { parallelism: 1, completions: 1, ...jobSpec },
  });
  const service = (targetPort: string): Service => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('web'),
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort }] },
  });
  const pdb = (selector: LabelSelector): PodDisruptionBudget => ({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta('web'),
    spec: { selector },
  });

  /** What the controllers make of `rendered` (plus the Job cluster-check.sh starts from the CronJob). */
  function settled(): KubeObject[] {
    const liveWeb: Deployment = { ...web, spec: { ...web.spec, replicas: 2 } };
    const rs: ReplicaSet = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('web-5d8', ownedBy('Deployment', 'web')) };
    const liveHpa: HorizontalPodAutoscaler = { ...hpa, status: { conditions: [{ type: 'AbleToScale', status: 'True' }] } };
    return [
      liveWeb,
      rs,
      pod('web-5d8-a', ownedBy('ReplicaSet', 'web-5d8'), { app: 'web' }),
      pod('web-5d8-b', ownedBy('ReplicaSet', 'web-5d8'), { app: 'web' }),
      liveHpa,
      pdb({ matchLabels: { app: 'web' } }),
      service('http'),
      backup,
      backupJob(ownedBy('CronJob', 'backup')),
      pod('backup-check-x', ownedBy('Job', 'backup-check')),
      event('Warning', { kind: 'HorizontalPodAutoscaler', name: 'web' }, 'FailedGetResourceMetric', 'no metrics API'),
      event('Warning', { kind: 'CronJob', name: 'backup' }, 'UnexpectedJob', 'Saw a job that the controller did not create'),
      event('Normal', { kind: 'Pod', name: 'web-5d8-a' }, 'Scheduled', 'x'),
    ];
  }

  /** install-check through main, on files as cluster-check.sh passes them. */
  function check(name: string, server: KubeObject[], ...flags: string[]) {
    const dir = path.join(tmp, 'install', name);
    writeFile(path.join('install', name, 'dist', 'all.k8s.yaml'), rendered.map((o) => dump(o)).join('---\n'));
    const f = writeDump(path.join('install', name, 'server.json'), server);
    return run(['install-check', '--mode', 'install', '--ns', NS, '--server', f, ...flags, path.join(dir, 'dist')]);
  }

  test('settled: a Pod owned by a Job started from a CronJob counts for the CronJob; the HPA sets the replicas', () => {
    const r = evaluateInstall(rendered, settled(), 'install', NS);
    expect(r).toEqual({
      fails: [],
      pending: [],
      infos: ['Deployment/web: 2 Pod(s) / 2 expected', 'CronJob/backup: 1 Pod(s) / 1 expected'],
      summary: 'cc: 3 Pods (3 expected), 1 HPAs, 1 PDBs, 1 Services checked',
    });
    expect(check('settled', settled())).toEqual({ code: 0, lines: [] });
    expect(check('settled-final', settled(), '--final')).toEqual({
      code: 0,
      lines: ['  Deployment/web: 2 Pod(s) / 2 expected', '  CronJob/backup: 1 Pod(s) / 1 expected', r.summary],
    });
  });

  test("a Job the CronJob did not start is not the CronJob's", () => {
    const server = settled().map((o) => (o.kind === 'Job' ? backupJob() : o));
    const r = evaluateInstall(rendered, server, 'install', NS);
    expect(r.fails).toEqual(['Pod backup-check-x: owned by Job/backup-check, which is not rendered']);
    expect(r.pending).toEqual(['CronJob/backup: no Job started from it yet']);
  });

  test('a Warning event fails', () => {
    const server = [
      ...settled(),
      event(
        'Warning',
        { kind: 'ReplicaSet', name: 'web-5d8' },
        'FailedCreate',
        'pods "web-5d8-c" is forbidden: violates PodSecurity "restricted:latest"',
      ),
    ];
    expect(check('warning', server)).toEqual({
      code: 1,
      lines: [
        'FAIL Warning event on ReplicaSet/web-5d8: FailedCreate: pods "web-5d8-c" is forbidden: violates PodSecurity "restricted:latest"',
        'cc: 3 Pods (3 expected), 1 HPAs, 1 PDBs, 1 Services checked',
      ],
    });
  });

  test('not settled: exit 2 while polling, a failure with --final', () => {
    const server = settled().filter((o) => o.kind !== 'Job' && !o.metadata.name.startsWith('backup-check'));
    expect(check('pending', server)).toEqual({ code: 2, lines: [] });
    expect(check('pending-final', server, '--final')).toEqual({
      code: 1,
      lines: [
        'FAIL CronJob/backup: no Job started from it yet (not settled in time)',
        'cc: 2 Pods (2 expected), 1 HPAs, 1 PDBs, 1 Services checked',
      ],
    });
  });

  test('Services and PDBs select the Pods of their workload, with its named ports', () => {
    const server = settled().map((o) => (o.kind === 'Service' ? service('grpc') : o.kind === 'PodDisruptionBudget' ? pdb({}) : o));
    server.push(pod('stray', ownedBy('ReplicaSet', 'gone'), { app: 'web' }));
    expect(evaluateInstall(rendered, server, 'install', NS).fails).toEqual([
      'Pod stray: owned by ReplicaSet/gone, which is not rendered',
      'PodDisruptionBudget/web: empty selector',
      'Service/web: selects Pods of Deployment/web, ReplicaSet/gone',
      'Service/web: targetPort "grpc" is no container port of Pod web-5d8-a',
    ]);
    const one = server.filter((o) => o.metadata.name !== 'stray');
    expect(evaluateInstall(rendered, one, 'install', NS).fails).toEqual([
      'PodDisruptionBudget/web: empty selector',
      'Service/web: targetPort "grpc" is no container port of Pod web-5d8-a',
    ]);
  });

  test('upgrade: the ReplicaSet of the current revision needs a Pod', () => {
    const revision = (n: string) => ({ annotations: { 'deployment.kubernetes.io/revision': n } });
    const server = settled().map((o) => (o.kind === 'Deployment' ? { ...web, metadata: { ...o.metadata, ...revision('2') } } : o));
    const newest: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { ...meta('web-9f1', ownedBy('Deployment', 'web')), ...revision('2') },
    };
    server.push(newest);
    const r = evaluateInstall(rendered, server, 'upgrade', NS);
    expect(r.pending).toEqual(['Deployment/web: the ReplicaSet of the current template (web-9f1) has no Pod']);
    expect(r.infos[0]).toBe('Deployment/web: 2 Pod(s)');
    expect(r.summary).toBe('cc: 3 Pods, 1 HPAs, 1 PDBs, 1 Services checked');
  });
});

describe('secret-commands: the Secrets a generated README leaves to a person', () => {
  test('each **you** row becomes kubectl arguments with a made-up value, for every profile README', () => {
    for (const p of PROFILES) {
      const readme = path.join(root, 'dist', p, 'README.md');
      const text = fs.readFileSync(readme, 'utf8');
      const commands = parseSecretCommands(text, readme);
      expect(commands.length).toBe((text.match(/\*\*you\*\*: `/g) ?? []).length);
      for (const c of commands) {
        expect(c.slice(0, 5)).toEqual(['-n', expect.any(String), 'create', 'secret', 'generic']);
        expect(c.at(-1)).toMatch(/^--from-literal=[\w.-]+=cluster-check$/);
      }
    }
  });

  test('anything but a plain create-secret command is refused', () => {
    const page = (cmd: string) => `## Before you apply\n\n| \`s\` | k | r | **you**: \`${cmd}\` |\n\n## Components\n`;
    expect(parseSecretCommands(page("kubectl -n ns create secret generic s --from-literal=k='…'"), 'R')).toEqual([
      ['-n', 'ns', 'create', 'secret', 'generic', 's', '--from-literal=k=cluster-check'],
    ]);
    expect(() => parseSecretCommands(page('kubectl -n ns delete namespace ns; rm -rf /'), 'R')).toThrow(
      /a Secret command this check does not run/,
    );
    expect(() => parseSecretCommands('# no section', 'R')).toThrow(/no "## Before you apply" section/);
  });
});
