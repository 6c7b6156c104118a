/**
 * The Helm-like habits of the CLI: --help, `npm run spec` (the merged spec), `--set path=value` typed by
 * the schema, `--stdout` (like `helm template`), and dist/argocd/ rebuilt by every synth.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadAll } from 'js-yaml';
import { run } from '../main';
import { FIXTURE_ARGS, FX, loadProfile } from './helpers';

let work = '';
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = run(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, {});
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Every file under a folder, relative path → content. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return files;
}

describe('--help', () => {
  test.each([[['--help']], [['-h']], [['spec', '--help']]])('%j prints the usage and exits 0', (args) => {
    const r = cli(...args);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: npm run (synth|spec) --/);
    expect(r.out).toContain('--set <path=value>');
    expect(r.err).toBe('');
  });
});

describe('npm run spec', () => {
  test('prints the merged, validated spec: YAML equal to what the synth builds from', () => {
    const r = cli('spec', '--profile', FX.production, ...FIXTURE_ARGS);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toMatch(
      /^# The merged, validated spec of profile "fixture-production" \(overlays\/base\.ts → \S*fixture-production\.yaml\)\.$/,
    );
    expect(loadAll(r.out)[0]).toEqual(JSON.parse(JSON.stringify(loadProfile(FX.production))));
  });

  test('needs exactly one profile, and refuses synth-only options', () => {
    expect(cli('spec').err).toContain('give exactly one --profile');
    expect(cli('spec', '--profile', 'dev', '--profile', 'staging').err).toContain('give exactly one --profile');
    expect(cli('spec', '--profile', 'dev', '--outdir', 'x').err).toContain('--outdir is an option of npm run synth, not of npm run spec');
  });
});

describe('--set path=value, typed by the schema', () => {
  const spec = (...sets: string[]) => {
    const r = cli('spec', '--profile', FX.staging, ...FIXTURE_ARGS, ...sets.flatMap((s) => ['--set', s]));
    if (r.code !== 0) throw new Error(r.err);
    return loadAll(r.out)[0] as Record<string, any>;
  };
  const pool = (s: Record<string, any>, name: string) => s.workerPools.find((p: { name: string }) => p.name === name);

  test('numbers, booleans and strings as the field takes them; the version tag stays a string', () => {
    const s = spec('temporal.history.replicas=5', 'ui.enabled=false', 'images.server.tag=1.31.2', 'namespace.labels.team=42');
    expect(s.temporal.history.replicas).toBe(5);
    expect(s.ui.enabled).toBe(false);
    expect(s.images.server.tag).toBe('1.31.2');
    expect(s.namespace.labels.team).toBe('42');
  });

  test('a named entry by name: an inherited pool changes one field, a new one is added with the defaults', () => {
    const base = loadProfile(FX.staging);
    const s = spec('workerPools[ruby-worker].replicas=4', 'workerPools[billing].temporalNamespace=staging');
    expect(pool(s, 'ruby-worker')).toEqual({ ...JSON.parse(JSON.stringify(pool(base, 'ruby-worker'))), replicas: 4 });
    expect(pool(s, 'billing').taskQueues.length).toBeGreaterThan(0);
  });

  test('null removes an inherited key; lists in YAML flow style', () => {
    const s = spec(
      'workerPools[app-worker].keda=null',
      'workerPools[app-worker].replicas=2',
      'networkPolicies.httpsEgressCidrs=[10.1.0.0/16]',
    );
    expect(pool(s, 'app-worker').keda).toBeUndefined();
    expect(s.networkPolicies.httpsEgressCidrs).toEqual(['10.1.0.0/16']);
  });

  test('bad values name the --set and the fix; dist/ is not touched', () => {
    const outdir = path.join(work, 'untouched');
    const refuse = (set: string) => cli('--outdir', outdir, '--profile', 'staging', '--set', set);
    expect(refuse('temporal.history.replicas=five').err).toBe(
      'synth failed: profile "staging": --set temporal.history.replicas=five: "five" is not a number, which this field takes\ndist/ was left unchanged.',
    );
    expect(refuse('ui.enabled=yes').err).toContain('"yes" is not true or false, which this field takes');
    // (The profile's own files come first: overlays/staging.ts, and overlays/staging.yaml if you have one.)
    expect(refuse('temporal.histroy.replicas=5').err).toMatch(
      /- temporal: unknown key "histroy": remove it or fix the spelling \(config\/schema\.ts lists every field\)\nFix these fields in overlays\/staging\.ts (or \S+ )*or --set temporal\.histroy\.replicas=5 /,
    );
    expect(refuse('temporal.history.replicas').err).toContain('write path=value');
    expect(fs.existsSync(outdir)).toBe(false);
  });
});

describe('--stdout and dist/argocd/', () => {
  test('--stdout prints exactly the documents the synth writes, and writes nothing', () => {
    const outdir = path.join(work, 'dist-a');
    expect(cli('--outdir', outdir, '--quiet').code).toBe(0);
    const written = tree(outdir);
    const printed = path.join(work, 'never');
    const r = cli('--outdir', printed, '--stdout');
    expect(r.code).toBe(0);
    expect(fs.existsSync(printed)).toBe(false);
    expect(r.err).toMatch(/^dev: \d+ objects → stdout/);
    const manifests = Object.entries(written)
      .filter(([f]) => f.endsWith('.k8s.yaml'))
      .flatMap(([, text]) => loadAll(text));
    const key = (docs: unknown[]) => docs.map((d) => JSON.stringify(d)).sort();
    expect(key(loadAll(r.out))).toEqual(key(manifests));
    expect(loadAll(r.out)[0]).toMatchObject({ kind: 'Namespace' }); // apply order: the Namespace first
    expect(r.out).toContain('# Source: ');
  });

  test('--profile staging rebuilds dist/argocd/ from every profile too', () => {
    const whole = path.join(work, 'dist-whole');
    expect(cli('--outdir', whole, '--quiet').code).toBe(0);
    const one = path.join(work, 'dist-one');
    expect(cli('--outdir', one, '--quiet', '--profile', 'staging').code).toBe(0);
    expect(fs.readdirSync(one).sort()).toEqual(['.synth-manifest', 'argocd', 'staging', 'staging-custom-resources']);
    expect(tree(path.join(one, 'argocd'))).toEqual(tree(path.join(whole, 'argocd')));
  });

  test('a broken other profile stops a single-profile synth, because dist/argocd/ describes it', () => {
    const dir = path.join(work, 'overlays');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'qa.yaml'),
      'environment: development\nnamespace: {name: temporal-qa}\ninstance: temporal-qa\ntemporal: {numHistoryShards: 0}\n',
    );
    const r = cli('--outdir', path.join(work, 'dist-qa'), '--overlays-dir', dir, '--profile', 'dev');
    expect(r.code).toBe(1);
    expect(r.err).toContain('(dist/argocd/ describes every profile, so profile "qa" must be valid too.)');
  });
});

describe('npm run spec -- --get', () => {
  test('prints one value: a scalar as text, a list or object as YAML; a missing path exits 1', () => {
    const get = (p: string) => cli('spec', '--profile', FX.staging, ...FIXTURE_ARGS, '--get', p);
    expect(get('namespace.name')).toEqual({ code: 0, out: loadProfile(FX.staging).namespace.name, err: '' });
    expect(get('workerPools[app-worker].replicas').out).toBe(
      String(loadProfile(FX.staging).workerPools.find((p) => p.name === 'app-worker')!.replicas),
    );
    expect(loadAll(get('temporal.namespaces').out)[0]).toEqual(JSON.parse(JSON.stringify(loadProfile(FX.staging).temporal.namespaces)));
    expect(get('temporal.nope')).toMatchObject({
      code: 1,
      err: expect.stringContaining('--get temporal.nope: profile "fixture-staging" has no value there'),
    });
    expect(cli('--get', 'instance').err).toContain('--get is an option of npm run spec, not of npm run synth');
  });
});
