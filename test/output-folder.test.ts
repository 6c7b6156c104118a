/**
 * The synth writes only into folders it owns and replaces only files it wrote: a dangerous
 * --outdir, a bad profile name or a change a deployed cluster cannot take is refused before
 * anything is written.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { deployedShardCounts } from '../output/deployed';
import { MANIFEST } from '../output/output-folder';
import { run } from '../main';
import { FIXTURE_ARGS, FIXTURES_DIR, FX, loadProfile } from './helpers';

const projectRoot = path.resolve(__dirname, '..');
let work: string;

function synth(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = run(['--quiet', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) }, env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Every path below `dir` with its size and mtime: what must not change when the synth refuses. */
function snapshotTree(dir: string, skip = new Set(['.git', 'node_modules', '.build'])): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => !skip.has(e.name))
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      const st = fs.lstatSync(p);
      return e.isDirectory() ? [p, ...snapshotTree(p, skip)] : [`${p} ${st.size} ${st.mtimeMs}`];
    })
    .sort();
}

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'output-folder-'));
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

describe('refused output folders leave the checkout untouched', () => {
  let before: string[];
  beforeAll(() => {
    before = snapshotTree(projectRoot);
  });
  afterEach(() => expect(snapshotTree(projectRoot)).toEqual(before));

  test.each([
    ['.', 'is the project itself'],
    ['..', 'contains the project'],
    ['/', 'is the filesystem root'],
    [projectRoot, 'is the project itself'],
    ['charts', 'holds files the synth did not write'],
    ['node_modules/x', 'is inside node_modules/'],
    ['.git/out', 'is inside .git/'],
    [path.join(path.parse(projectRoot).root, 'etc', 'temporal-out'), 'is outside the project'],
  ])('--outdir %s', (outdir, why) => {
    const r = synth(['--outdir', outdir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(why);
    expect(r.err).toContain('Nothing was written');
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  test('a symlink that points at the project, or into one of its source folders', () => {
    fs.symlinkSync(projectRoot, path.join(work, 'link'));
    expect(synth(['--outdir', path.join(work, 'link')]).err).toContain('is the project itself');
    fs.symlinkSync(path.join(projectRoot, 'overlays'), path.join(work, 'overlays-link'));
    expect(synth(['--outdir', path.join(work, 'overlays-link')]).err).toContain('holds files the synth did not write');
  });

  test('the cdk8s CLI mirror obeys the same rules', () => {
    const r = synth(['--outdir', path.join(work, 'dist')], { CDK8S_OUTDIR: projectRoot });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`--outdir ${projectRoot} is the project itself`);
  });
});

describe('files the synth did not write', () => {
  test('a folder with foreign files is refused and keeps them', () => {
    const outdir = path.join(work, 'out');
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(outdir, 'notes.txt'), 'mine');
    const r = synth(['--outdir', outdir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('holds files the synth did not write (not listed in its .synth-manifest): notes.txt');
    expect(fs.readdirSync(outdir)).toEqual(['notes.txt']);
  });

  test('a file added inside a profile folder is refused, and a later synth keeps it until it is moved', () => {
    const outdir = path.join(work, 'dist');
    expect(synth(['--outdir', outdir]).code).toBe(0);
    fs.writeFileSync(path.join(outdir, 'dev', 'kustomization.yaml'), 'resources: []\n');
    const r = synth(['--outdir', outdir, '--profile', 'dev']);
    expect(r.err).toContain('dev/kustomization.yaml');
    expect(fs.readFileSync(path.join(outdir, 'dev', 'kustomization.yaml'), 'utf8')).toBe('resources: []\n');
  });

  test('the manifest lists exactly what was written; a whole synth retires folders of profiles that are gone', () => {
    const outdir = path.join(work, 'dist');
    // One overlays folder throughout (the fixtures beside the typed profiles), so only qa comes and goes.
    const overlays = path.join(work, 'overlays');
    fs.cpSync(FIXTURES_DIR, overlays, { recursive: true });
    expect(synth(['--outdir', outdir, '--overlays-dir', overlays]).code).toBe(0);
    const listed = fs
      .readFileSync(path.join(outdir, MANIFEST), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    const onDisk = (d: string, pre = ''): string[] =>
      fs
        .readdirSync(path.join(d, pre), { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? onDisk(d, path.posix.join(pre, e.name)) : [path.posix.join(pre, e.name)]));
    expect(
      onDisk(outdir)
        .filter((f) => f !== MANIFEST)
        .sort(),
    ).toEqual(listed);

    // A profile built from a YAML overlay in that overlays folder, then removed from it.
    fs.writeFileSync(
      path.join(overlays, 'qa.yaml'),
      'namespace:\n  name: temporal-qa\ninstance: temporal-qa\nenvironment: development\n' +
        'ui:\n  ingress:\n    host: temporal.qa.example.com\n',
    );
    expect(synth(['--outdir', outdir, '--overlays-dir', overlays]).err).toBe('');
    expect(fs.existsSync(path.join(outdir, 'qa'))).toBe(true);
    fs.rmSync(path.join(overlays, 'qa.yaml'));
    expect(synth(['--outdir', outdir, '--overlays-dir', overlays]).code).toBe(0);
    expect(fs.existsSync(path.join(outdir, 'qa'))).toBe(false);
  });

  test('output written before the manifest existed is adopted', () => {
    const outdir = path.join(work, 'dist');
    expect(synth(['--outdir', outdir]).code).toBe(0);
    fs.rmSync(path.join(outdir, MANIFEST));
    expect(synth(['--outdir', outdir, '--profile', 'dev']).code).toBe(0);
    expect(fs.readFileSync(path.join(outdir, MANIFEST), 'utf8')).toContain('production/0000-namespace.k8s.yaml');
  });
});

describe('profile names and command lines', () => {
  test.each([
    [['--profile', '../evil'], 'profile name "../evil"', 'must be a DNS label'],
    [['--profile='], 'profile name ""', 'is empty'],
    [['--profile', 'dev,'], 'profile name ""', 'is empty'],
    [['--profile', 'argocd'], 'profile name "argocd"', 'is reserved'],
    [['--profile', 'dev-custom-resources'], 'profile name "dev-custom-resources"', 'must not end in "-custom-resources"'],
    [['--profile', 'Dev'], 'profile name "Dev"', 'must be a DNS label'],
    [['--profile', 'dev', '--profile', 'dev'], '--profile dev is given twice', ''],
    [['--outdir', 'a', '--outdir', 'b'], '--outdir is given twice', ''],
    [['--overlays-dir', '/nonexistent/overlays'], '--overlays-dir /nonexistent/overlays: no such folder', ''],
  ])('%j', (args, what, why) => {
    const r = synth(['--outdir', path.join(work, 'dist'), ...args]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(what);
    expect(r.err).toContain(why);
    expect(fs.existsSync(path.join(work, 'dist'))).toBe(false);
  });

  test.each(['argocd', 'staging-custom-resources'])('a YAML profile named %s is refused', (name) => {
    const overlays = path.join(work, 'overlays');
    fs.mkdirSync(overlays);
    fs.writeFileSync(path.join(overlays, `${name}.yaml`), 'environment: development\n');
    const r = synth(['--outdir', path.join(work, 'dist'), '--overlays-dir', overlays]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`profile name "${name}" (from ${path.join(overlays, name)}.yaml)`);
  });

  // qa claims one of the staging fixture's namespace, instance and Ingress host (beside it in the overlays folder).
  const staging = loadProfile(FX.staging);
  test.each([
    ['namespace.name', `namespace:\n  name: ${staging.namespace.name}\ninstance: temporal-qa\nui:\n  ingress:\n    host: qa.example.com\n`],
    ['instance', `namespace:\n  name: temporal-qa\ninstance: ${staging.instance}\nui:\n  ingress:\n    host: qa.example.com\n`],
    ['ui.ingress.host', `namespace:\n  name: temporal-qa\ninstance: temporal-qa\nui:\n  ingress:\n    host: ${staging.ui.ingress.host}\n`],
  ])('two profiles sharing %s are refused', (field, yaml) => {
    const overlays = path.join(work, 'overlays');
    fs.mkdirSync(overlays);
    fs.copyFileSync(path.join(FIXTURES_DIR, `${FX.staging}.yaml`), path.join(overlays, `${FX.staging}.yaml`));
    fs.writeFileSync(path.join(overlays, 'qa.yaml'), `environment: development\n${yaml}`);
    const r = synth(['--outdir', path.join(work, 'dist'), '--overlays-dir', overlays, '--profile', 'qa']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`profile "qa": ${field.replace(/\./g, '\\.')} ".*" is also used by profile "${FX.staging}"`));
  });
});

describe('the shard count of a deployed profile', () => {
  const shards = (n: number) => {
    const file = path.join(work, `shards-${n}.yaml`);
    fs.writeFileSync(file, `temporal:\n  numHistoryShards: ${n}\n`);
    return file;
  };

  test('a change against the output on disk is refused unless --new-cluster', () => {
    const outdir = path.join(work, 'dist');
    const production = ['--outdir', outdir, ...FIXTURE_ARGS, '--profile', FX.production];
    expect(synth(production).code).toBe(0);
    const r = synth([...production, '--overlay', shards(1024)]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`profile "${FX.production}": temporal.numHistoryShards: deployed 512`);
    expect(r.err).toContain('requested 1024');
    expect(r.err).toContain(`set it back to 512 in ${path.relative(process.cwd(), path.join(FIXTURES_DIR, FX.production))}.yaml or`);
    expect(r.err).toContain('--new-cluster');
    expect(synth([...production, '--overlay', shards(1024), '--new-cluster']).code).toBe(0);
  });

  test('the copy committed at git HEAD counts too, even after the working tree changed', () => {
    const repo = path.join(work, 'repo');
    const dir = path.join(repo, 'dist', 'staging');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, '0003-temporal-server.k8s.yaml'),
      'data:\n  config.yaml: |\n    persistence:\n      numHistoryShards: 512\n',
    );
    const git = (...a: string[]) => spawnSync('git', ['-c', 'user.email=t@e', '-c', 'user.name=t', ...a], { cwd: repo });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'deployed');
    fs.writeFileSync(
      path.join(dir, '0003-temporal-server.k8s.yaml'),
      'data:\n  config.yaml: |\n    persistence:\n      numHistoryShards: 64\n',
    );
    expect(deployedShardCounts(dir).map((d) => [d.value, d.source.replace(/.*\/dist/, 'dist')])).toEqual([
      [64, 'dist/staging/ (working tree)'],
      [512, 'dist/staging/ at git HEAD'],
    ]);
  });

  test('a profile that was never deployed takes any valid count', () => {
    expect(synth(['--outdir', path.join(work, 'dist'), ...FIXTURE_ARGS, '--profile', FX.production, '--overlay', shards(2048)]).code).toBe(
      0,
    );
  });
});
