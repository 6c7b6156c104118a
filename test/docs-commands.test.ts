/**
 * Every command shown in a `sh`, `bash` or `console` block of README.md and docs/*.md is accounted for
 * by COMMANDS below, and the first entry it matches says where it runs:
 *   - here: commands that work offline in a few seconds (synth, spec, diff, docs, the cdk8s CLI, git diff,
 *     kubectl kustomize) run in one shared temporary copy of the project and must exit as documented;
 *   - real run: commands that need a cluster, root or Go builds are run by npm run cluster-check
 *     (test/cluster/cluster-check.sh) or .ci/run; the entry's check reads that script (and the generated
 *     dist/<profile>/README.md it runs the prune command of), so the claim cannot drift from it;
 *   - not run: commands no automated run executes (they need AWS, or a cluster with backups); the entry
 *     says why and checks the names they use against the committed dist/.
 * A command matching no entry fails with a message saying to add one.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadAll } from 'js-yaml';
import { loadSpec } from '../config/load';
import { specValue } from '../config/set-values';
import { parsePruneCommand } from './cluster/cluster-check';
import { DocCommand, docPages, ROOT, shellCommands } from './docs-markdown';

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
/** A shell script with its `\` continuations joined. */
const script = (file: string) => read(file).replace(/[ \t]*\\\n\s*/g, ' ');

const CLUSTER_CHECK = 'test/cluster/cluster-check.sh';
const CI = '.ci/run';
const clusterCheck = script(CLUSTER_CHECK);
const ci = script(CI);
const packageScripts: Record<string, string> = JSON.parse(read('package.json')).scripts;

// ------------------------------------------------------------------------------------ the committed dist/
type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [k: string]: any;
};

const distCache = new Map<string, K8sObject[]>();
/** The objects of dist/<dir>/ (committed; what cluster-check applies). */
function distObjects(dir: string): K8sObject[] {
  const hit = distCache.get(dir);
  if (hit) return hit;
  const full = path.join(ROOT, 'dist', dir);
  const objects = fs.existsSync(full)
    ? fs
        .readdirSync(full)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .flatMap((f) => (loadAll(fs.readFileSync(path.join(full, f), 'utf8')) as K8sObject[]).filter(Boolean))
    : [];
  distCache.set(dir, objects);
  return objects;
}
const profileFolders = () =>
  fs
    .readdirSync(path.join(ROOT, 'dist'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'argocd' && !e.name.endsWith('-custom-resources'))
    .map((e) => e.name);
const profileObjects = (p: string) => [...distObjects(p), ...distObjects(`${p}-custom-resources`)];
const namespaceOf = (p: string) => distObjects(p).find((o) => o.kind === 'Namespace')?.metadata.name;
const profileWithNamespace = (ns: string) => profileFolders().find((p) => namespaceOf(p) === ns);

/** The profiles cluster-check runs when given none: `profiles=(dev staging production)`. */
function clusterCheckProfiles(): string[] {
  const m = /\|\| profiles=\(([^)]*)\)/.exec(clusterCheck);
  if (!m) throw new Error(`${CLUSTER_CHECK}: no default profile list`);
  return m[1].split(/\s+/).filter(Boolean);
}

/** The body of a shell function of cluster-check.sh. */
function shellFunction(name: string): string {
  const m = new RegExp(`\\n${name}\\(\\) \\{\\n([\\s\\S]*?)\\n\\}\\n`).exec(clusterCheck);
  if (!m) throw new Error(`${CLUSTER_CHECK}: no function ${name}()`);
  return m[1];
}

const profilesIn = (args: string) => [...args.matchAll(/--profile[ =](\S+)/g)].map((m) => m[1]);

// ------------------------------------------------------------------------------------------- the table
type Check = (m: RegExpExecArray, c: DocCommand) => void;

interface RunHere {
  readonly where: 'here';
  /** What to run (default: the command itself). */
  readonly run?: (m: RegExpExecArray) => string;
  /** The documented exit code (default 0). */
  readonly exit?: number;
  readonly needsKubectl?: boolean;
}

interface RealRun {
  readonly where: 'real run';
  /** Which real run executes the command, and where in it. */
  readonly by: string;
  /** The claim, checked against that run's own text. */
  readonly check: Check;
}

interface NotRun {
  readonly where: 'not run';
  /** Why no automated run executes it, and what covers it instead. */
  readonly why: string;
  readonly check: Check;
}

type Entry = { readonly pattern: RegExp } & (RunHere | RealRun | NotRun);

const PROFILE = '[a-z0-9]+(?:-[a-z0-9]+)*';

export const COMMANDS: readonly Entry[] = [
  // ---------------------------------------------------------------- run here (temporary copy)
  { pattern: /^npm run (synth|spec|diff|docs)(?: -- [^…<>]*)?$/, where: 'here' },
  { pattern: /^npm run cdk8s -- synth$/, where: 'here' },
  // A name read from the profile (`ns=$(npm run --silent spec -- --profile staging --get namespace.name)`).
  { pattern: new RegExp(`^\\w+=\\$\\(npm run --silent spec -- --profile ${PROFILE} --get [\\w.\\[\\]-]+\\)$`), where: 'here' },
  { pattern: /^git diff dist\/?$/, where: 'here' },
  {
    // The build is run here; applying its output needs a cluster, and no automated run applies it (its
    // objects are those of dist/staging, which cluster-check applies; test/kustomize-example.test.ts checks that).
    pattern: /^(kubectl kustomize --load-restrictor LoadRestrictionsNone examples\/[\w-]+) \| kubectl apply -f -$/,
    where: 'here',
    run: (m) => m[1],
    needsKubectl: true,
  },

  // ---------------------------------------------------------------- npm run cluster-check
  {
    pattern: new RegExp(`^kubectl apply -f dist/(${PROFILE})-custom-resources --recursive$`),
    where: 'real run',
    by: `${CLUSTER_CHECK}, install and upgrade steps (apply_profile: the custom-resources folder after the profile folder)`,
    check: (m) => {
      const applyProfile = shellFunction('apply_profile');
      expect(applyProfile).toContain('kubectl_checked "$tag-$p" apply -f "$dist/$p" --recursive');
      expect(applyProfile).toContain('apply -f "$cr" --recursive');
      expect(clusterCheck).toContain('cr_dir() { [[ -d $1/$2-custom-resources ]] && echo "$1/$2-custom-resources"');
      expect(clusterCheckProfiles()).toContain(m[1]);
      expect(distObjects(`${m[1]}-custom-resources`).length).toBeGreaterThan(0);
    },
  },
  {
    pattern: new RegExp(`^kubectl apply -f dist/(?!argocd )((?!\\S*-custom-resources )${PROFILE}) --recursive$`),
    where: 'real run',
    by: `${CLUSTER_CHECK}, install step (do_install → apply_profile) and upgrade step`,
    check: (m) => {
      expect(shellFunction('apply_profile')).toContain('kubectl_checked "$tag-$p" apply -f "$dist/$p" --recursive');
      expect(shellFunction('do_install')).toContain('apply_profile install "$DIST" "$p"');
      expect(clusterCheckProfiles()).toContain(m[1]);
      expect(namespaceOf(m[1])).toBeDefined();
    },
  },
  {
    pattern: new RegExp(`^kubectl apply -f dist/(${PROFILE})/(\\d{4}-datastores\\.k8s\\.yaml)$`),
    where: 'real run',
    by: `${CLUSTER_CHECK}, upgrade step (do_upgrade: the datastores file first, then both folders)`,
    check: (m) => {
      const upgrade = shellFunction('do_upgrade');
      expect(upgrade).toContain(`ds=$(find "$DIST/$p" -maxdepth 1 -name '*-datastores.k8s.yaml' | sort | head -n1)`);
      const first = upgrade.indexOf('kubectl_checked "upgrade-$p-datastores" apply -f "$ds"');
      expect(first).toBeGreaterThan(0);
      expect(upgrade.indexOf('apply_profile upgrade "$DIST" "$p"')).toBeGreaterThan(first);
      expect(clusterCheckProfiles()).toContain(m[1]);
      expect(fs.existsSync(path.join(ROOT, 'dist', m[1], m[2]))).toBe(true);
    },
  },
  {
    pattern: new RegExp(`^kubectl create namespace (${PROFILE}) --save-config$`),
    where: 'real run',
    by: `${CLUSTER_CHECK}, readme_prestep before the install and the upgrade of the profile whose namespace it is`,
    check: (m) => {
      // cluster-check creates the namespace so for every profile whose README leaves a Secret to you.
      const profile = profileWithNamespace(m[1]);
      expect(profile).toBeDefined();
      const prestep = shellFunction('readme_prestep');
      expect(prestep).toContain('secret-commands "$dist/$profile/README.md"');
      expect(prestep).toContain('create namespace "$ns" --save-config');
      expect(shellFunction('do_install')).toContain('readme_prestep "$DIST" "$p" "$ns"');
      expect(read(path.join('dist', profile!, 'README.md'))).toContain('**you**: `kubectl -n ');
    },
  },
  {
    pattern: new RegExp(`^kubectl -n (${PROFILE}) create secret generic (${PROFILE}) --from-literal=(\\w+)=\\S+$`),
    where: 'real run',
    by: `${CLUSTER_CHECK}, readme_prestep (with a made-up value)`,
    check: (m, c) => {
      // The page's command is the one the profile's generated README prints, which cluster-check runs.
      const profile = profileWithNamespace(m[1]);
      expect(profile).toBeDefined();
      expect(read(path.join('dist', profile!, 'README.md'))).toContain(`**you**: \`${c.command}\``);
      expect(shellFunction('readme_prestep')).toContain('kubectl_checked "prestep-$profile-secret-$((i++))" "${args[@]}"');
    },
  },
  {
    pattern: new RegExp(`^kubectl apply -f dist/(${PROFILE}) -f dist/\\1-custom-resources --recursive --prune .*$`),
    where: 'real run',
    by: `${CLUSTER_CHECK}, prune step: the command printed in dist/<profile>/README.md ("Apply with prune"), run as printed`,
    check: (m, c) => {
      const prune = shellFunction('do_prune');
      expect(prune).toContain('readme="$DIST/$p/README.md"');
      expect(prune).toContain('mapfile -t args < <("${HELPER[@]}" prune-args "$readme")');
      expect(prune).toContain('kubectl_checked "prune-$p" "${args[@]}"');
      const readme = path.join('dist', m[1], 'README.md');
      const generated = parsePruneCommand(read(readme), readme);
      // The page shows part of the generated command ("…" for the rest): the same folders, in one call,
      // and nothing the generated command does not have.
      const shown = c.command
        .split(' ')
        .slice(1)
        .filter((w) => w !== '…');
      const folders = (args: string[]) => args.flatMap((a, i) => (args[i - 1] === '-f' ? [a] : []));
      expect(folders(shown)).toEqual(folders(generated));
      expect(shown.filter((w) => !generated.includes(w))).toEqual([]);
    },
  },

  // ---------------------------------------------------------------- .ci/run
  { pattern: /^npm ci$/, where: 'real run', by: `${CI} ("== npm ci")`, check: () => expect(ci).toMatch(/^npm ci\b/m) },
  {
    pattern: /^npm test$/,
    where: 'real run',
    by: `${CI} ("== npm test": npm test -- --ci)`,
    check: () => expect(ci).toMatch(/\bnpm test -- --ci\b/),
  },
  {
    pattern: /^npm run e2e -- (--upgrade )?((?:--profile \S+ ?)+)$/,
    where: 'real run',
    by: `${CI} ("== real run" for every profile, "== real upgrade" for dev and staging)`,
    check: (m) => {
      const line = (
        m[1]
          ? /npm run --silent e2e -- --upgrade \$\{E2E_UPGRADE_PROFILES:-([^}]*)\}/
          : /npm run --silent e2e -- \$\{E2E_PROFILES:-([^}]*)\}/
      ).exec(ci);
      expect(line).not.toBeNull();
      const ciProfiles = profilesIn(line![1]);
      for (const p of profilesIn(m[2])) expect(ciProfiles).toContain(p);
    },
  },
  {
    pattern: /^npm run cluster-check(?: -- ((?:--profile \S+ ?)+))?$/,
    where: 'real run',
    by: `${CI} ("== real API server": npm run cluster-check, every profile)`,
    check: (m) => {
      expect(ci).toMatch(/^npm run --silent cluster-check$/m);
      expect(packageScripts['cluster-check']).toBe(`bash ${CLUSTER_CHECK}`);
      for (const p of profilesIn(m[1] ?? '')) expect(clusterCheckProfiles()).toContain(p);
    },
  },

  // ---------------------------------------------------------------- not run by any automated run
  {
    pattern: new RegExp(`^kubectl -n (${PROFILE}) wait --for=condition=complete job -l ([\\w./-]+)=([\\w.-]+) --timeout=\\w+$`),
    where: 'not run',
    why:
      'cluster-check applies the datastores file first but skips this wait (no nodes, so no Job completes; it says so); ' +
      'npm run e2e -- --upgrade runs the schema Jobs to completion before it rolls the roles',
    check: (m) => {
      expect(shellFunction('do_upgrade')).toContain('wait for the schema Job is skipped');
      const profile = profileWithNamespace(m[1]);
      expect(profile).toBeDefined();
      const jobs = distObjects(profile!).filter((o) => o.kind === 'Job' && o.metadata.labels?.[m[2]] === m[3]);
      expect(jobs.length).toBeGreaterThan(0);
    },
  },
  {
    pattern: /^aws secretsmanager create-secret --name "?([^"\s]+)"? --secret-string '(\{.*\})'$/,
    where: 'not run',
    why: 'needs an AWS account; npm run e2e hands every ExternalSecret its Secret through a stand-in store instead',
    check: (m) => {
      const refs = profileFolders()
        .flatMap((p) => distObjects(`${p}-custom-resources`))
        .filter((o) => o.kind === 'ExternalSecret')
        .flatMap((o) => (o.spec.data ?? []) as { remoteRef: { key: string; property?: string } }[])
        .filter((d) => d.remoteRef.key === m[1]);
      expect(refs.map((d) => d.remoteRef.property).sort()).toEqual(Object.keys(JSON.parse(m[2])).sort());
    },
  },
  {
    pattern: new RegExp(`^kubectl -n (${PROFILE}) (?:patch cronjob|scale deployment|create job|wait|logs|delete job) .*$`),
    where: 'not run',
    why:
      'the restore procedure needs a cluster whose backup CronJob has written dumps; test/backup-restore.test.ts runs ' +
      'the restore.sh this Job starts against a real PostgreSQL, and cluster-check starts a Job from every CronJob',
    check: (m, c) => {
      // The block reads its namespace from a profile: every object it names exists there.
      const profile = profileWithNamespace(m[1]);
      expect(profile).toBeDefined();
      const objects = profileObjects(profile!);
      // (temporal-restore is the Job the procedure itself creates; m[1] is the namespace.)
      const names = [...c.command.matchAll(/\b(temporal-[a-z-]+)\b/g)]
        .map((x) => x[1])
        .filter((n) => n !== 'temporal-restore' && n !== m[1]);
      for (const n of names) expect(objects.some((o) => ['CronJob', 'Deployment'].includes(o.kind) && o.metadata.name === n)).toBe(true);
      if (c.command.includes('/scripts/restore.sh')) {
        const cronJob = objects.find((o) => o.kind === 'CronJob' && o.metadata.name === 'temporal-postgres-backup')!;
        const pod = cronJob.spec.jobTemplate.spec.template.spec;
        const mount = pod.containers[0].volumeMounts.find((v: { mountPath: string }) => v.mountPath === '/scripts');
        const volume = pod.volumes.find((v: { name: string }) => v.name === mount.name);
        const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap.name)!;
        expect(Object.keys(configMap.data)).toContain('restore.sh');
      }
    },
  },
];

// ------------------------------------------------------------------------------------------- the pages
/** `VAR=$(npm run --silent spec -- --profile P --get PATH)`: the pages read names from the profile, not from memory. */
const ASSIGNMENT = new RegExp(`^(\\w+)=\\$\\(npm run --silent spec -- --profile (${PROFILE}) --get ([\\w.\\[\\]-]+)\\)$`);

/** Each later command of the page with `$VAR` replaced by the value the profile has now. */
export function withProfileValues(page: readonly DocCommand[]): DocCommand[] {
  const values = new Map<string, string>();
  return page.map((c) => {
    const a = ASSIGNMENT.exec(c.command);
    if (a) {
      const value = specValue(loadSpec(a[2]), a[3]);
      if (value === undefined || typeof value === 'object')
        throw new Error(`${c.file}:${c.line}: ${a[3]} is not a value of profile ${a[2]}`);
      values.set(a[1], String(value));
      return c;
    }
    let command = c.command;
    for (const [name, value] of values) command = command.replace(new RegExp(`"\\$${name}"|\\$${name}\\b`, 'g'), value);
    return { ...c, command };
  });
}

const commands: DocCommand[] = docPages().flatMap((f) => withProfileValues(shellCommands(read(f), f)));
const label = (c: DocCommand) => `${c.file}:${c.line} ${c.command.length > 110 ? `${c.command.slice(0, 109)}…` : c.command}`;

/** The entry of a command, or why there is none. */
export function entryOf(command: string): { entry: Entry; match: RegExpExecArray } | string {
  for (const entry of COMMANDS) {
    const match = entry.pattern.exec(command);
    if (match) return { entry, match };
  }
  return (
    `"${command}" matches no entry of COMMANDS in test/docs-commands.test.ts: add one saying where it runs ` +
    `(here, if it works offline in seconds; else the real run that executes it, checked against that run's script)`
  );
}

const classified = commands.map((c) => ({ c, e: entryOf(c.command) }));
const of = (where: Entry['where']) =>
  classified
    .flatMap(({ c, e }) => (typeof e !== 'string' && e.entry.where === where ? [{ c, ...e }] : []))
    .map((x) => [label(x.c), x] as const);

test('commands are read from sh, bash and console blocks: continuations, comments, prompts, lists', () => {
  const page = [
    '```console',
    '$ npm run synth -- \\',
    '>   --profile dev   # one profile',
    'dev: 62 objects → dist/dev/ (70 ms)',
    '$ git diff dist/',
    '```',
    '```sh',
    '# a comment line',
    'npm ci && npm run synth   # two commands',
    '$ kubectl apply -f x \\',
    '    --recursive',
    `echo 'a # not a comment' "b#c" x#y`,
    '```',
    '```yaml',
    'not: a command',
    '```',
    '```',
    'plain block: output, not commands',
    '```',
  ].join('\n');
  expect(shellCommands(page, 'p.md').map((c) => `${c.line}: ${c.command}`)).toEqual([
    '2: npm run synth -- --profile dev',
    '5: git diff dist/',
    '9: npm ci',
    '9: npm run synth',
    '10: kubectl apply -f x --recursive',
    `12: echo 'a # not a comment' "b#c" x#y`,
  ]);
});

test('the pages show commands in shell blocks', () => {
  const files = new Set(commands.map((c) => c.file));
  for (const f of ['README.md', 'docs/deploy.md', 'docs/customise.md', 'docs/operate.md', 'docs/testing.md']) expect(files).toContain(f);
  expect(commands.length).toBeGreaterThan(30);
});

test.each(commands.map((c) => [label(c), c] as const))('has an entry: %s', (_label, c) => {
  const e = entryOf(c.command);
  if (typeof e === 'string') throw new Error(`${c.file}:${c.line}: ${e}`);
});

test('a command the table does not know fails, saying what to add', () => {
  expect(entryOf('kubectl delete namespace temporal')).toMatch(/matches no entry of COMMANDS in test\/docs-commands\.test\.ts: add one/);
  expect(entryOf('npm run synth -- --overlay <file>')).toMatch(/matches no entry/); // placeholders are not run
});

test('every entry of the table is used by a page (no stale claims)', () => {
  const used = new Set(classified.flatMap(({ e }) => (typeof e === 'string' ? [] : [e.entry])));
  expect(COMMANDS.filter((e) => !used.has(e)).map((e) => String(e.pattern))).toEqual([]);
});

describe('run by a real run: the claim holds against its script', () => {
  test.each(of('real run'))('%s', (_label, { entry, match, c }) => {
    expect((entry as RealRun).by).toBeTruthy();
    (entry as RealRun).check(match, c);
  });
});

describe('not run by any automated run: the names it uses exist', () => {
  test.each(of('not run'))('%s', (_label, { entry, match, c }) => {
    expect((entry as NotRun).why).toBeTruthy();
    (entry as NotRun).check(match, c);
  });
});

// ------------------------------------------------------------------------------------------- run here
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const requireKubectl = process.env.REQUIRE_KUBECTL_TESTS === '1';

/** Folders never copied: dependencies, VCS, build output (dist/ is synthesized in the copy). */
const SKIP_ANYWHERE = new Set(['node_modules', '.git', '.build', '.cdk8s-out', '.e2e', 'coverage', 'target']);

function run(cwd: string, file: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(file, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 2 ** 20, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} (in ${cwd}) exited ${r.status}: ${r.stderr}${r.stdout}`.slice(0, 4000));
  return r;
}

/** `npm run X -- args` as npm would run it: X's script with the args appended (without npm's start-up). */
function shellText(command: string): string {
  const m = /^npm run ([\w:-]+)(?: -- (.*))?$/.exec(command);
  if (!m) return command;
  const s = packageScripts[m[1]];
  if (!s) throw new Error(`no npm script "${m[1]}" in package.json`);
  return m[2] ? `${s} ${m[2]}` : s;
}

describe('run here, in one temporary copy of the project', () => {
  let work = '';
  const git = (...args: string[]) => run(work, 'git', ['-c', 'user.name=docs', '-c', 'user.email=docs@example.invalid', ...args]);

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-commands-'));
    fs.cpSync(ROOT, work, {
      recursive: true,
      filter: (src) => {
        const rel = path.relative(ROOT, src);
        const base = path.basename(src);
        return !SKIP_ANYWHERE.has(base) && rel !== 'dist' && !base.startsWith('.dist-tmp-');
      },
    });
    fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules')), path.join(work, 'node_modules'));
    // dist/ as a fresh synth writes it, committed, so `git diff dist/` and `npm run diff` compare against it.
    run(work, process.execPath, ['scripts/run.js', 'main.ts', '--quiet']);
    git('init', '-q');
    fs.appendFileSync(path.join(work, '.git', 'info', 'exclude'), 'node_modules\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'docs-commands: the project with a fresh dist/');
  }, 120_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test.each(of('here'))(
    '%s',
    (_label, { entry, match, c }) => {
      const here = entry as RunHere;
      if (/[…<>]/.test(c.command.replace(/ \| /g, ' ')))
        throw new Error(`${c.file}:${c.line}: "${c.command}" shows a placeholder; a command run here must run as shown`);
      if (here.needsKubectl && !kubectl) {
        if (requireKubectl) throw new Error('kubectl not found (REQUIRE_KUBECTL_TESTS=1)');
        console.warn(`kubectl not found: not running ${label(c)}`);
        return;
      }
      // Each command starts from the committed state of the copy.
      git('checkout', '-q', '--', '.');
      git('clean', '-fdq', '--', 'dist');
      const text = shellText(here.run ? here.run(match) : c.command);
      const env = { ...process.env, PATH: `${path.join(work, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}` };
      const r = spawnSync('bash', ['-c', text], { cwd: work, env, encoding: 'utf8', maxBuffer: 256 * 2 ** 20, timeout: 120_000 });
      const expected = here.exit ?? 0;
      if (r.status !== expected) {
        throw new Error(
          `${c.file}:${c.line}: "${c.command}" (run as: ${text}) exited ${r.status}, not ${expected}:\n${`${r.stderr}\n${r.stdout}`.slice(0, 3000)}`,
        );
      }
    },
    120_000,
  );
});
