/**
 * Bad input ends the synth with exit code 1 and a message naming the profile, the field path and
 * the fix, and leaves the output folder byte-for-byte as it was.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from '../main';

let work: string;
let outdir: string;
let before: string;

function treeDigest(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      hash.update(path.relative(dir, p));
      if (e.isDirectory()) walk(p);
      else hash.update(fs.readFileSync(p));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

function synth(args: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = run(['--outdir', outdir, ...args], { out: (l) => out.push(l), err: (l) => err.push(l) }, {});
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function overlay(name: string, text: string): string {
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-'));
  outdir = path.join(work, 'dist');
  expect(synth(['--quiet']).code).toBe(0);
  before = treeDigest(outdir);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

afterEach(() => {
  expect(treeDigest(outdir)).toBe(before);
  expect(fs.readdirSync(work).filter((f) => f.startsWith('.dist-tmp-'))).toEqual([]);
});

const cases: Array<[string, string, string, string[]]> = [
  ['an unknown key', 'staging', 'temporal:\n  frontend:\n    replica: 3\n',
    ['profile "staging"', 'temporal.frontend: unknown key "replica"', 'remove it or fix the spelling']],
  ['a wrong type', 'staging', 'temporal:\n  numHistoryShards: many\n',
    ['profile "staging"', 'temporal.numHistoryShards: expected number, got string']],
  ['zero replicas', 'production', 'temporal:\n  history:\n    replicas: 0\n',
    ['profile "production"', 'temporal.history.replicas: must be at least 1']],
  ['negative replicas', 'dev', 'ui:\n  replicas: -2\n',
    ['profile "dev"', 'ui.replicas: must be at least 1']],
  ['HPA min > max', 'staging', 'temporal:\n  matching:\n    autoscaling:\n      minReplicas: 6\n      maxReplicas: 3\n',
    ['temporal.matching.autoscaling.minReplicas: minReplicas (6) must be ≤ maxReplicas (3)', 'lower minReplicas or raise maxReplicas']],
  ['shards not a power of two', 'production', 'temporal:\n  numHistoryShards: 500\n',
    ['profile "production"', 'temporal.numHistoryShards: must be a power of two']],
  ['an image without a tag', 'staging', 'images:\n  server:\n    tag: ""\n',
    ['images.server.tag: must be a pinned image tag such as "1.31.2"']],
  ['a tag written into the repository', 'staging', 'images:\n  ui:\n    repository: temporalio/ui:2.52.0\n',
    ['images.ui.repository:', 'put the version in "tag"']],
  ['latest outside dev', 'production', 'images:\n  ui:\n    tag: latest\n',
    ['profile "production"', 'images.ui.tag: "latest" is only allowed in development']],
  ['an invalid DNS-1123 name', 'staging', 'namespace:\n  name: Temporal_Staging\n',
    ['namespace.name: must be a DNS-1123 label']],
  ['an invalid worker pool name', 'dev', 'workerPools:\n  - name: Billing_Worker\n',
    ['workerPools[0] (Billing_Worker).name: must be a DNS-1123 label']],
  ['a worker pool env var the app owns', 'dev', 'workerPools:\n  - name: app-worker\n    env:\n      TEMPORAL_NAMESPACE: other\n',
    ['workerPools[0] (app-worker).env.TEMPORAL_NAMESPACE', 'is set by the app from the spec']],
  ['duplicate Temporal namespaces', 'staging',
    'temporal:\n  namespaces:\n    - {name: default, retention: 1d}\n    - {name: default, retention: 2d}\n',
    ['temporal.namespaces[1] (default).name: duplicate Temporal namespace "default"']],
  ['retention below one day', 'dev', 'temporal:\n  namespaces:\n    - {name: default, retention: 12h}\n',
    ['temporal.namespaces[0] (default).retention: must be at least 1 day']],
  ['a generated secret outside development', 'staging', 'persistence:\n  passwordSecret:\n    generate: true\n',
    ['persistence.passwordSecret.generate: generated secrets are only allowed in development']],
  ['min idle connections above max', 'staging', 'persistence:\n  maxConns: 5\n  maxIdleConns: 10\n',
    ['persistence.maxIdleConns: must be ≤ maxConns (5)']],
  ['more database connections than PostgreSQL allows', 'production', 'persistence:\n  maxConns: 100\n',
    ['postgres.maxConnections: 800 is below the 4610 connections the Temporal pods may open', 'raise it or lower persistence.maxConns']],
  ['a YAML overlay that does not parse', 'staging', 'temporal:\n  frontend: [unclosed\n',
    ['profile "staging"', 'is not valid YAML', 'Fix the syntax']],
  ['a YAML overlay that is a list', 'staging', '- a\n- b\n',
    ['must contain a mapping of spec fields']],
];

test.each(cases)('rejects %s with a precise message', (_name, profile, text, expected) => {
  const file = overlay(profile, text);
  const { code, err } = synth(['--profile', profile, '--overlay', file]);
  expect(code).toBe(1);
  for (const e of expected) expect(err).toContain(e);
  expect(err).toContain('dist/ was left unchanged.');
});

test('one bad profile stops every profile from being written', () => {
  const file = overlay('all', 'temporal:\n  numHistoryShards: 3\n');
  const { code, err } = synth(['--overlay', file]);
  expect(code).toBe(1);
  expect(err).toContain('profile "dev"');
});

test('`autoscaling: null` in an overlay removes an inherited HPA and pins replicas', () => {
  const other = path.join(work, 'pinned-dist');
  const file = overlay('pinned', 'temporal:\n  history:\n    replicas: 3\n    autoscaling: null\n');
  expect(run(['--outdir', other, '--profile', 'staging', '--overlay', file, '--quiet'], { out: () => undefined, err: () => undefined }, {})).toBe(0);
  const text = fs.readFileSync(path.join(other, 'staging', '0002-temporal-server.k8s.yaml'), 'utf8');
  const docs = text.split('\n---\n');
  const history = docs.find((d) => d.startsWith('apiVersion: apps/v1\nkind: Deployment') && d.includes('\n  name: temporal-history\n'))!;
  expect(history).toContain('\n  replicas: 3\n');
  expect(docs.some((d) => d.includes('kind: HorizontalPodAutoscaler') && d.includes('\n  name: temporal-history\n'))).toBe(false);
});

test('rejects an unknown profile name and lists the known ones', () => {
  const { code, err } = synth(['--profile', 'qa']);
  expect(code).toBe(1);
  expect(err).toContain('unknown profile "qa". Known profiles: dev, staging, production');
});

test('rejects an unknown command-line argument', () => {
  const { code, err } = synth(['--profiles', 'dev']);
  expect(code).toBe(1);
  expect(err).toContain('unknown argument "--profiles"');
});

test('accepts latest in development, and a YAML-only profile from the overlays folder', () => {
  const dir = path.join(work, 'overlays');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'qa.yaml'), 'environment: staging\nnamespace:\n  name: temporal-qa\ninstance: temporal-qa\n');
  const other = path.join(work, 'other-dist');
  const out: string[] = [];
  const code = run(['--outdir', other, '--overlays-dir', dir, '--profile', 'dev,qa', '--overlay', overlay('latest', 'images:\n  ui:\n    tag: latest\n')],
    { out: (l) => out.push(l), err: (l) => out.push(l) }, {});
  expect(code).toBe(1); // latest is allowed for dev, but the qa profile is a staging environment
  expect(out.join('\n')).toContain('profile "qa": invalid spec');
  expect(fs.existsSync(other)).toBe(false);
  const ok = run(['--outdir', other, '--overlays-dir', dir, '--profile', 'dev,qa', '--quiet'], { out: () => undefined, err: () => undefined }, {});
  expect(ok).toBe(0);
  expect(fs.readdirSync(other).sort()).toEqual(['dev', 'qa']);
  expect(fs.readFileSync(path.join(other, 'qa', '0000-namespace.k8s.yaml'), 'utf8')).toContain('name: temporal-qa');
});

test('the real entry point exits 1 and prints the message on stderr', () => {
  const file = overlay('e2e', 'temporal:\n  numHistoryShards: 500\n');
  const res = spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'synth.js'), '--outdir', outdir, '--profile', 'staging', '--overlay', file], { encoding: 'utf8' });
  expect(res.status).toBe(1);
  expect(res.stderr).toContain('profile "staging": invalid spec');
  expect(res.stderr).toContain('temporal.numHistoryShards: must be a power of two');
});
