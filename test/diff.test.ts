/**
 * scripts/diff.ts (`npm run diff`): per-object comparison of a fresh synth with committed output.
 * The script is spawned as CI runs it (`node scripts/run.js scripts/diff.ts`); dist/ itself is never
 * written — the "committed" side is a fresh synth in a temporary folder (`--against`), or dist/ at HEAD
 * (`--base HEAD`). Reports that name objects and values compare synths of the fixture profiles
 * (`--against` one, `--synth-dir` the other); the example profiles are only ever compared as they are.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dump, loadAll } from 'js-yaml';
import { editScript, lineDiff } from '../scripts/diff';
import { FIXTURE_ARGS, FIXTURE_PROFILES, FX, PROFILES, loadProfile } from './helpers';

const root = path.resolve(__dirname, '..');
const runner = path.join(root, 'scripts', 'run.js');

jest.setTimeout(60_000);

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function node(file: string, args: string[]): Result {
  const r = spawnSync(process.execPath, [file, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const diff = (...args: string[]) => node(runner, ['scripts/diff.ts', ...args]);

function synth(outdir: string, ...args: string[]): void {
  const r = node(path.join(root, 'scripts', 'run.js'), ['main.ts', '--quiet', '--outdir', outdir, ...args]);
  if (r.code !== 0) throw new Error(`synth failed: ${r.stderr}`);
}

/** The indented lines (the unified diff) printed under a `~ changed …` heading. */
function diffUnder(stdout: string, heading: string): string[] {
  const lines = stdout.split('\n');
  const at = lines.indexOf(heading);
  if (at < 0) return [];
  const body: string[] = [];
  for (const l of lines.slice(at + 1)) {
    if (!l.startsWith('    ')) break;
    body.push(l.slice(4));
  }
  return body;
}

let tmp: string;
/** A synth of the example profiles, whatever they hold. */
let fresh: string;
/** A synth of the fixture profiles. */
let fixtures: string;
/** An example profile, for what works on any profile. */
const anyProfile = PROFILES[0];
const stagingNs = loadProfile(FX.staging).namespace.name;
const devNs = loadProfile(FX.dev).namespace.name;
const write = (name: string, text: string) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, text);
  return f;
};

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-test-'));
  fresh = path.join(tmp, 'fresh');
  synth(fresh);
  fixtures = path.join(tmp, 'fixtures');
  synth(fixtures, ...FIXTURE_ARGS, '--profile', FIXTURE_PROFILES.join(','));
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('npm run diff', () => {
  test('identical output: no differences, a summary line per profile and argocd, exit 0', () => {
    const r = diff('--against', fresh);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No differences.');
    for (const group of [...PROFILES, 'argocd']) {
      expect(r.stdout).toMatch(new RegExp(`^${group}: 0 added, 0 removed, 0 changed$`, 'm'));
    }
    expect(r.stdout).not.toMatch(/^[-+~] /m);
  });

  test('only the requested profiles are compared, and argocd (which every synth rebuilds)', () => {
    const r = diff('--profile', anyProfile, '--against', fresh);
    expect(r.code).toBe(0);
    const summary = r.stdout.split('\n').filter((l) => /^\S+: \d+ added/.test(l));
    expect(summary).toEqual([`${anyProfile}: 0 added, 0 removed, 0 changed`, 'argocd: 0 added, 0 removed, 0 changed']);
  });

  test('a profile change that reaches dist/argocd/ shows there too (--profile P)', () => {
    const overlay = write('ns-renamed.yaml', 'namespace:\n  name: temporal-renamed\n');
    const r = diff('--profile', anyProfile, '--overlay', overlay, '--against', fresh);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^argocd: 0 added, 0 removed, [1-9]\d* changed/m);
    expect(r.stdout).toContain('+    namespace: temporal-renamed');
  });

  test('--overlay: the synth it runs takes the overlay, and the report is the one of that synth', () => {
    const overlay = write('label.yaml', 'namespace:\n  labels:\n    example.com/diff-test: "yes"\n');
    const r = diff('--profile', anyProfile, '--overlay', overlay, '--against', fresh);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^${anyProfile}: 0 added, 0 removed, [1-9]\\d* changed`, 'm'));
    const labelled = path.join(tmp, 'labelled');
    synth(labelled, '--profile', anyProfile, '--overlay', overlay);
    const same = diff('--profile', anyProfile, '--against', fresh, '--synth-dir', labelled);
    const body = (text: string) => text.split('\n').slice(1).join('\n');
    expect(body(r.stdout)).toBe(body(same.stdout));
    expect(r.stdout).toContain("+    example.com/diff-test: 'yes'");
  });

  test('a deliberate change: the changed Deployment with a replicas hunk, the removed HPA, exit 1', () => {
    const overlay = write('history-7.yaml', 'temporal:\n  history:\n    replicas: 7\n    autoscaling: null\n');
    const changed = path.join(tmp, 'history-7');
    synth(changed, ...FIXTURE_ARGS, '--profile', FX.staging, '--overlay', overlay);
    const r = diff('--profile', FX.staging, '--against', fixtures, '--synth-dir', changed);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`\n- removed HorizontalPodAutoscaler ${stagingNs}/temporal-history\n`);
    const hunk = diffUnder(r.stdout, `~ changed Deployment ${stagingNs}/temporal-history`);
    expect(hunk[0]).toMatch(/^@@ -\d+(,\d+)? \+\d+(,\d+)? @@$/);
    expect(hunk).toContain('+  replicas: 7');
    expect(r.stdout).toMatch(new RegExp(`^${FX.staging}: 0 added, 1 removed, [1-9]\\d* changed`, 'm'));
    expect(
      r.stdout.split('\n').filter((l) => /^\S+: \d+ added/.test(l) && !l.startsWith(`${FX.staging}: `) && !l.startsWith('argocd: ')),
    ).toEqual([]);
  });

  test('a changed value shows as a - and a + line in the same hunk', () => {
    const three = write('history-3.yaml', 'temporal:\n  history:\n    replicas: 3\n    autoscaling: null\n');
    const seven = write('history-7b.yaml', 'temporal:\n  history:\n    replicas: 7\n    autoscaling: null\n');
    const base = path.join(tmp, 'history-3');
    const changed = path.join(tmp, 'history-7b');
    synth(base, ...FIXTURE_ARGS, '--profile', FX.staging, '--overlay', three);
    synth(changed, ...FIXTURE_ARGS, '--profile', FX.staging, '--overlay', seven);
    const r = diff('--profile', FX.staging, '--against', base, '--synth-dir', changed);
    expect(r.code).toBe(1);
    const hunk = diffUnder(r.stdout, `~ changed Deployment ${stagingNs}/temporal-history`);
    const minus = hunk.indexOf('-  replicas: 3');
    expect(minus).toBeGreaterThan(0);
    expect(hunk[minus + 1]).toBe('+  replicas: 7');
    // Three lines of context either side.
    expect(hunk.slice(minus - 3, minus).every((l) => l.startsWith(' '))).toBe(true);
    expect(hunk.slice(minus + 2, minus + 5).every((l) => l.startsWith(' '))).toBe(true);
    expect(r.stdout).toMatch(new RegExp(`^${FX.staging}: 0 added, 0 removed, 1 changed(, 1 file changed)?$`, 'm'));
  });

  test('an added worker pool is reported as added objects', () => {
    const overlay = write(
      'billing.yaml',
      ['workerPools:', '  - name: app-worker', '  - name: billing-worker', '    taskQueues: [billing]', ''].join('\n'),
    );
    const changed = path.join(tmp, 'billing');
    synth(changed, ...FIXTURE_ARGS, '--profile', FX.dev, '--overlay', overlay);
    const r = diff('--profile', FX.dev, '--against', fixtures, '--synth-dir', changed);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`\n+ added Deployment ${devNs}/billing-worker\n`);
    expect(r.stdout).toMatch(new RegExp(`^${FX.dev}: [1-9]\\d* added, `, 'm'));
  });

  test('objects that only moved to another file, or were re-serialised, are not changes', () => {
    const moved = path.join(tmp, 'moved');
    fs.cpSync(fixtures, moved, { recursive: true });
    const dir = path.join(moved, FX.staging);
    // The first web document moves to the end of the datastores file …
    const web = path.join(dir, '0004-web.k8s.yaml');
    const docs = fs.readFileSync(web, 'utf8').split(/^---\n/m);
    fs.writeFileSync(web, docs.slice(1).join('---\n'));
    fs.appendFileSync(path.join(dir, '0002-datastores.k8s.yaml'), `---\n${docs[0]}`);
    // … a file is renamed and another rewritten by a different YAML writer.
    fs.renameSync(path.join(dir, '0000-namespace.k8s.yaml'), path.join(dir, 'namespace.yaml'));
    const workers = path.join(dir, '0005-workers.k8s.yaml');
    fs.writeFileSync(
      workers,
      loadAll(fs.readFileSync(workers, 'utf8'))
        .map((d) => dump(d, { flowLevel: 3 }))
        .join('---\n'),
    );
    const r = diff('-p', FX.staging, '--against', moved, '--synth-dir', fixtures);
    expect(r.stdout).toMatch(new RegExp(`^${FX.staging}: 0 added, 0 removed, 0 changed$`, 'm'));
    expect(r.code).toBe(0);
  });

  test('README.md is compared as text', () => {
    const edited = path.join(tmp, 'readme');
    fs.cpSync(fresh, edited, { recursive: true });
    const readme = path.join(edited, anyProfile, 'README.md');
    fs.writeFileSync(readme, `${fs.readFileSync(readme, 'utf8')}stale line\n`);
    const r = diff('-p', anyProfile, '--against', edited, '--synth-dir', fresh);
    expect(r.code).toBe(1);
    expect(diffUnder(r.stdout, `~ file changed ${anyProfile}/README.md`)).toContain('-stale line');
    expect(r.stdout).toMatch(new RegExp(`^${anyProfile}: 0 added, 0 removed, 0 changed, 1 file changed$`, 'm'));
  });

  test('--base HEAD reads dist/ from git', () => {
    const head = spawnSync('git', ['rev-parse', '--verify', 'HEAD'], { cwd: root, encoding: 'utf8' });
    const names =
      head.status === 0
        ? spawnSync('git', ['ls-tree', '-r', '--name-only', 'HEAD', '--', 'dist/'], { cwd: root, encoding: 'utf8' })
            .stdout.split('\n')
            .filter(Boolean)
        : [];
    if (head.status !== 0 || names.length === 0) {
      console.log(`skipped --base HEAD: ${head.status !== 0 ? 'no git HEAD here' : 'HEAD has no dist/'}`);
      return;
    }
    const r = diff('--base', 'HEAD', '--profile', anyProfile);
    expect(r.stderr).toBe('');
    expect([0, 1]).toContain(r.code);
    expect(r.stdout).toContain(`Comparing a fresh synth with dist/ at HEAD (${head.stdout.trim().slice(0, 12)})`);
    expect(r.stdout).toMatch(new RegExp(`^${anyProfile}: \\d+ added, \\d+ removed, \\d+ changed`, 'm'));
    // Deterministic (no synth in between, so edits made meanwhile cannot interfere): HEAD's dist/
    // checked out by hand equals what --base reads, and both give the same report against one output.
    const checkout = path.join(tmp, 'head-dist');
    for (const name of names) {
      const file = path.join(checkout, path.relative('dist', name));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, spawnSync('git', ['show', `HEAD:./${name}`], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 }).stdout);
    }
    const same = diff('--base', 'HEAD', '--synth-dir', checkout);
    expect(same.stdout).toContain('No differences.');
    expect(same.code).toBe(0);
    const viaGit = diff('--base', 'HEAD', '--synth-dir', fresh);
    const viaDir = diff('--against', checkout, '--synth-dir', fresh);
    const body = (s: string) => s.split('\n').slice(1).join('\n');
    expect(body(viaGit.stdout)).toBe(body(viaDir.stdout));
    expect(viaGit.code).toBe(viaDir.code);
  });

  test.each([
    [['--bogus'], /unknown argument "--bogus"/],
    [['--profile'], /--profile needs a value/],
    [['--base', 'HEAD', '--against', 'dist'], /cannot be combined/],
    [['--synth-dir', 'dist', '--overlay', 'x.yaml'], /cannot be combined with --synth-dir/],
    [['--base', 'no-such-ref-0123'], /--base no-such-ref-0123: not a commit/],
    [['--profile', 'no-such-profile'], /synth failed[\s\S]*unknown profile "no-such-profile"/],
  ])('usage and synth errors exit 2: %j', (args, message) => {
    const r = diff(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  test('a broken overlay reports the synth error and exits 2', () => {
    const bad = write('bad.yaml', 'temporal: [unclosed\n');
    const r = diff('--profile', anyProfile, '--overlay', bad, '--against', fresh);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not valid YAML/);
  });
});

describe('lineDiff', () => {
  const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`);

  test('equal texts: no hunks', () => {
    expect(lineDiff('a\nb\n', 'a\nb\n')).toEqual([]);
    expect(lineDiff('', '')).toEqual([]);
  });

  test('one changed line with three lines of context', () => {
    const a = numbered(10);
    const b = [...a];
    b[4] = 'LINE 5';
    expect(lineDiff(a, b)).toEqual([
      '@@ -2,7 +2,7 @@',
      ' line 2',
      ' line 3',
      ' line 4',
      '-line 5',
      '+LINE 5',
      ' line 6',
      ' line 7',
      ' line 8',
    ]);
  });

  test('changes far apart make two hunks, close ones one', () => {
    const a = numbered(30);
    const far = [...a];
    far[2] = 'x';
    far[25] = 'y';
    expect(lineDiff(a, far).filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,6 +1,6 @@', '@@ -23,7 +23,7 @@']);
    const close = [...a];
    close[2] = 'x';
    close[8] = 'y'; // six unchanged lines between: still one hunk
    expect(lineDiff(a, close).filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,12 +1,12 @@']);
  });

  test('insertions and deletions at the edges use GNU-style ranges', () => {
    expect(lineDiff('', 'a\nb\n')).toEqual(['@@ -0,0 +1,2 @@', '+a', '+b']);
    expect(lineDiff('a\n', '')).toEqual(['@@ -1 +0,0 @@', '-a']);
    expect(lineDiff('b\nc\n', 'a\nb\nc\n')).toEqual(['@@ -1,2 +1,3 @@', '+a', ' b', ' c']);
  });

  test('a missing newline at the end of the file is a difference', () => {
    expect(lineDiff('a\nb', 'a\nb\n')).toEqual(['@@ -1,2 +1,2 @@', ' a', '-b', '\\ No newline at end of file', '+b']);
  });

  test('random inputs: the edit script rebuilds both sides and is a shortest one', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const lcs = (a: string[], b: string[]) => {
      const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
      for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) t[i][j] = a[i - 1] === b[j - 1] ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
      }
      return t[a.length][b.length];
    };
    for (let run = 0; run < 300; run++) {
      const a = Array.from({ length: rand(25) }, () => 'abcde'[rand(5)]);
      const b = Array.from({ length: rand(25) }, () => 'abcde'[rand(5)]);
      const ops = editScript(a, b);
      expect(ops.filter((o) => o.op !== '+').map((o) => o.line)).toEqual(a);
      expect(ops.filter((o) => o.op !== '-').map((o) => o.line)).toEqual(b);
      expect(ops.filter((o) => o.op !== ' ').length).toBe(a.length + b.length - 2 * lcs(a, b));
      // Hunk headers agree with the lines below them.
      const out = lineDiff(a, b);
      let counts: [number, number] | undefined;
      const check = () => {
        if (counts) expect(counts).toEqual([0, 0]);
      };
      for (const l of out) {
        const h = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@$/.exec(l);
        if (h) {
          check();
          counts = [Number(h[1] ?? 1), Number(h[2] ?? 1)];
          continue;
        }
        if (l[0] !== '+') counts![0]--;
        if (l[0] !== '-') counts![1]--;
      }
      check();
    }
  });
});
