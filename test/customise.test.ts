/**
 * The example profiles (overlays/dev.ts, staging.ts, production.ts) are yours to change, and the tests
 * must not get in the way: they assert the project's guarantees, and values only on the fixture
 * profiles of test/fixtures/profiles. This proves it by doing what an adopter does first, in a copy of
 * the project: YAML overlays `overlays/<profile>.yaml` that change every example profile's hosts,
 * Kubernetes namespace, instance, Temporal namespaces, sizes (shards, replicas, storage, resources) and
 * worker pools (one added, one removed with `$patch: delete`, one changed); then `npm run synth`,
 * `npm run test:update` and `npx jest`, all of which must pass.
 *
 * `npm run test:update` runs only main.test.ts, the one suite with snapshots: under `-u` the others
 * would run exactly as the `npx jest` after it runs them, so running them twice would prove nothing
 * more. That `npx jest` leaves out only this file (it would copy the copy). Nothing else is left out:
 * the real runs (`npm run e2e`, `npm run cluster-check`) are not jest suites, and the backup/restore
 * suite, which starts a throw-away PostgreSQL when the binaries are installed, runs as it does here.
 *
 * Slow (a synth and the whole suite again, about a minute on 2 cores). KEEP_CUSTOMISED_COPY=1 keeps
 * the copy and prints where it is.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dump } from 'js-yaml';
import { TYPED_PROFILES, loadSpec } from '../config/load';
import type { Spec } from '../config/schema';
import { cpuMillis, memoryBytes } from '../lib/quantities';

const root = path.resolve(__dirname, '..');
/** Set in the copy's environment: a suite run there must not start another copy. */
const IN_COPY = 'TEMPORAL_CDK8S_CUSTOMISED_COPY';

/** Top-level entries not copied: dependencies (linked instead), history, and what the build writes. */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', '.build', '.cdk8s-out', '.e2e', 'coverage']);
/** Nested build output (as .gitignore lists it): a worker's dependencies and build folders. */
const NOT_COPIED_BELOW = [/(^|\/)node_modules$/, /^\.dist-tmp-/, /^test\/e2e\/workers\/[^/]+\/(lib|target)$/];

// ------------------------------------------------------------------------------------------------
// The adopter's overlays, derived from each example profile as it is (so they stay valid when the
// examples change): every value below differs from the profile's.

const MI = 2 ** 20;
const cpuQuantity = (m: number) => (m % 1000 === 0 ? String(m / 1000) : `${m}m`);
const memQuantity = (bytes: number) => {
  const mi = Math.ceil(bytes / MI);
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
};

type Resources = Spec['postgres']['resources'];
type Scaled = { replicas: number; autoscaling?: { minReplicas: number; maxReplicas: number } };

/** Bigger requests and limits. */
const resized = (r: Resources) => ({
  requests: { cpu: cpuQuantity(cpuMillis(r.requests.cpu)! + 50), memory: memQuantity(memoryBytes(r.requests.memory)! + 64 * MI) },
  limits: {
    ...(r.limits.cpu !== undefined ? { cpu: cpuQuantity(cpuMillis(r.limits.cpu)! + 250) } : {}),
    memory: memQuantity(memoryBytes(r.limits.memory)! + 128 * MI),
  },
});
/** One pod more, at every bound. */
const rescaled = (w: Scaled) => ({
  replicas: w.replicas + 1,
  ...(w.autoscaling ? { autoscaling: { minReplicas: w.autoscaling.minReplicas + 1, maxReplicas: w.autoscaling.maxReplicas + 1 } } : {}),
});
const grown = (size: string) => memQuantity(memoryBytes(size)! * 2);

/** The Temporal namespace the adopter adds; the changed and the added pool poll it. */
const NEW_TEMPORAL_NAMESPACE = 'orders';
const NEW_POOL = 'orders-worker';

function customisation(profile: string, spec: Spec): Record<string, unknown> {
  const pools = spec.workerPools;
  const [changed, removed] = [pools[0], pools.length > 1 ? pools[pools.length - 1] : undefined];
  const keptAsIs = pools.filter((p) => p !== changed && p !== removed);
  // A Temporal namespace no pool polls any more, besides "default": the adopter's rename.
  const dropped = spec.temporal.namespaces.find(
    (n) => n.name !== 'default' && !keptAsIs.some((p) => p.temporalNamespace === n.name) && n.name !== NEW_TEMPORAL_NAMESPACE,
  );
  const conns = spec.persistence.pools.default.maxConns + (spec.persistence.pools.visibility?.maxConns ?? 0);
  const inCluster = spec.persistence.mode === 'inCluster';
  const single = (p: (typeof pools)[number]) => p.volume?.accessMode === 'ReadWriteOnce';
  return {
    namespace: { name: `acme-${profile}-temporal` },
    instance: `acme-${profile}`.slice(0, 18).replace(/-+$/, ''),
    temporal: {
      numHistoryShards: spec.temporal.numHistoryShards * 2,
      ...Object.fromEntries(
        (['frontend', 'history', 'matching', 'worker'] as const).map((role) => [
          role,
          { ...rescaled(spec.temporal[role]), resources: resized(spec.temporal[role].resources) },
        ]),
      ),
      namespaces: [
        ...(dropped ? [{ name: dropped.name, $patch: 'delete' }] : []),
        { name: NEW_TEMPORAL_NAMESPACE, retention: '14d', description: 'Orders (added by the adopter)' },
      ],
    },
    ...(spec.persistence.external ? { persistence: { external: { host: `pg-${profile}.db.acme.internal` } } } : {}),
    postgres: {
      ...(inCluster ? { maxConnections: Math.min(spec.postgres.maxConnections + 10 * conns, 262143) } : {}),
      resources: resized(spec.postgres.resources),
      storage: { size: grown(spec.postgres.storage.size) },
    },
    ...(spec.elasticsearch.enabled
      ? {
          elasticsearch: {
            ...(spec.elasticsearch.replicas >= 3 ? { replicas: spec.elasticsearch.replicas + 2 } : {}),
            resources: resized(spec.elasticsearch.resources),
            storage: { size: grown(spec.elasticsearch.storage.size) },
          },
        }
      : {}),
    ...(spec.backup.enabled
      ? { backup: { retentionDays: spec.backup.retentionDays + 7, storage: { size: grown(spec.backup.storage.size) } } }
      : {}),
    ...(spec.archival.provider?.type === 'filestore'
      ? { archival: { provider: { storage: { size: grown(spec.archival.provider.storage.size) } } } }
      : {}),
    ui: {
      ...(spec.ui.enabled ? rescaled(spec.ui) : {}),
      ingress: { host: `temporal-${profile}.acme.test` },
      ...(spec.ui.auth.enabled ? { auth: { providerUrl: `https://sso.acme.test/realms/${profile}` } } : {}),
    },
    ...(spec.authorization.enabled
      ? { authorization: { jwtKeySourceURIs: [`https://sso.acme.test/realms/${profile}/protocol/openid-connect/certs`] } }
      : {}),
    ...(spec.networkPolicies.clientNamespaces.length ? { networkPolicies: { clientNamespaces: [{ 'acme.test/team': 'orders' }] } } : {}),
    workerPools: [
      ...(removed ? [{ name: removed.name, $patch: 'delete' }] : []),
      ...(changed
        ? [
            {
              name: changed.name,
              temporalNamespace: NEW_TEMPORAL_NAMESPACE,
              resources: resized(changed.resources),
              env: { ACME_REGION: 'eu-west-1' },
              ...(single(changed)
                ? {}
                : changed.keda
                  ? { keda: { maxReplicas: changed.keda.maxReplicas + 3 } }
                  : changed.autoscaling
                    ? { autoscaling: { maxReplicas: changed.autoscaling.maxReplicas + 2 } }
                    : { replicas: changed.replicas + 1 }),
            },
          ]
        : []),
      {
        name: NEW_POOL,
        temporalNamespace: NEW_TEMPORAL_NAMESPACE,
        taskQueues: ['orders'],
        replicas: 2,
        autoscaling: { minReplicas: 2, maxReplicas: 6 },
        ...(spec.authorization.enabled ? { apiKeySecret: { name: `${NEW_POOL}-api-key`, key: 'token' } } : {}),
      },
    ],
  };
}

// ------------------------------------------------------------------------------------------------

interface Step {
  readonly command: string;
  readonly status: number | null;
  readonly seconds: number;
  readonly output: string;
}

function runIn(cwd: string, cmd: string, args: string[]): Step {
  const env: NodeJS.ProcessEnv = { ...process.env, [IN_COPY]: '1' };
  delete env.JEST_WORKER_ID;
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28, timeout: 10 * 60_000 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`;
  return { command: [cmd, ...args].join(' '), status: r.status, seconds: (Date.now() - started) / 1000, output };
}

/** What failed in a jest run, from its --json report: "suite › test" lines (or the suite's error). */
function jestFailures(reportFile: string, copy: string): string[] {
  if (!fs.existsSync(reportFile)) return ['(no jest report was written)'];
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as {
    testResults: { name: string; status: string; message: string; assertionResults: { status: string; fullName: string }[] }[];
  };
  return report.testResults
    .filter((s) => s.status === 'failed')
    .flatMap((s) => {
      const suite = path.relative(copy, s.name);
      const tests = s.assertionResults.filter((a) => a.status === 'failed').map((a) => `${suite} › ${a.fullName}`);
      return tests.length ? tests : [`${suite}: ${s.message.split('\n').find((l) => l.trim()) ?? 'failed'}`];
    });
}

const tail = (text: string, lines = 40) => text.trimEnd().split('\n').slice(-lines).join('\n');

const npmOnPath = spawnSync('npm', ['--version'], { encoding: 'utf8' }).status === 0;
const skipReason = process.env[IN_COPY]
  ? `${IN_COPY} is set: this is already a customised copy`
  : !npmOnPath
    ? 'npm is not on PATH: the adopter steps are `npm run synth` and `npm run test:update`'
    : undefined;
if (skipReason) console.warn(`Skipping test/customise.test.ts: ${skipReason}.`);

(skipReason ? test.skip : test)(
  'customising every example profile (hosts, namespaces, instances, sizes, worker pools) keeps synth, test:update and jest green',
  () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'customise-'));
    const copy = path.join(work, 'project');
    let passed = false;
    try {
      fs.cpSync(root, copy, {
        recursive: true,
        filter: (src) => {
          const rel = path.relative(root, src).split(path.sep).join('/');
          return rel === '' || (!NOT_COPIED.has(rel) && !NOT_COPIED_BELOW.some((re) => re.test(rel)));
        },
      });
      fs.symlinkSync(fs.realpathSync(path.join(root, 'node_modules')), path.join(copy, 'node_modules'));
      // ../shared (reference files some suites read) resolves from the copy as it does from here.
      const shared = path.join(root, '..', 'shared');
      if (fs.existsSync(shared)) fs.symlinkSync(fs.realpathSync(shared), path.join(work, 'shared'));

      // The adopter's overlays, one per example profile (beside any YAML overlay already there).
      const examples = Object.keys(TYPED_PROFILES);
      expect(examples.length).toBeGreaterThan(0);
      const before = new Map(examples.map((p) => [p, loadSpec(p)]));
      const overlays: Record<string, string> = {};
      for (const [profile, spec] of before) {
        const taken = fs.existsSync(path.join(copy, 'overlays', `${profile}.yaml`));
        const file = path.join(copy, 'overlays', `${profile}.${taken ? 'yml' : 'yaml'}`);
        overlays[path.relative(copy, file)] = `# What an adopter changes first.\n${dump(customisation(profile, spec), { lineWidth: 160 })}`;
        fs.writeFileSync(file, overlays[path.relative(copy, file)]);
      }
      const shown = Object.entries(overlays)
        .map(([f, text]) => `--- ${f}\n${text}`)
        .join('');

      const synth = runIn(copy, 'npm', ['run', 'synth']);
      expect([synth.command, synth.status, synth.status === 0 ? '' : `${tail(synth.output)}\n\noverlays:\n${shown}`]).toEqual([
        synth.command,
        0,
        '',
      ]);
      // The overlays took effect: each profile's new namespace is rendered, and its snapshot is rewritten.
      const renamed = (p: string) => (customisation(p, before.get(p)!).namespace as { name: string }).name;
      for (const p of examples) {
        expect(fs.readFileSync(path.join(copy, 'dist', p, '0000-namespace.k8s.yaml'), 'utf8')).toContain(`name: ${renamed(p)}\n`);
      }

      const update = runIn(copy, 'npm', [
        'run',
        'test:update',
        '--',
        '--json',
        `--outputFile=${path.join(work, 'update.json')}`,
        'main.test.ts',
      ]);
      const updateFailures = jestFailures(path.join(work, 'update.json'), copy);
      expect([update.command, updateFailures, update.status === 0 ? '' : tail(update.output)]).toEqual([update.command, [], '']);
      for (const p of examples) {
        const snapshot = fs.readFileSync(path.join(copy, '__snapshots__', `${p}.k8s.yaml`), 'utf8');
        expect(snapshot).toContain(`name: ${renamed(p)}\n`);
        expect(snapshot).not.toBe(fs.readFileSync(path.join(root, '__snapshots__', `${p}.k8s.yaml`), 'utf8'));
      }

      // Every core: the suite that started this copy only waits for it.
      const jest = runIn(copy, 'npx', [
        'jest',
        `--maxWorkers=${os.cpus().length}`,
        '--json',
        `--outputFile=${path.join(work, 'jest.json')}`,
        '--testPathIgnorePatterns',
        '/node_modules/',
        '/test/customise\\.test\\.ts$',
      ]);
      const failures = jestFailures(path.join(work, 'jest.json'), copy);
      expect([
        jest.command,
        failures,
        jest.status === 0 ? '' : `${failures.length ? '' : tail(jest.output)}\n\noverlays:\n${shown}`,
      ]).toEqual([jest.command, [], '']);
      const report = JSON.parse(fs.readFileSync(path.join(work, 'jest.json'), 'utf8')) as { numTotalTestSuites: number };
      expect(report.numTotalTestSuites).toBeGreaterThan(10);
      passed = true;
    } finally {
      if (process.env.KEEP_CUSTOMISED_COPY === '1') {
        console.warn(`customised copy (${passed ? 'passed' : 'failed'}) kept in ${copy}`);
      } else {
        fs.rmSync(work, { recursive: true, force: true });
      }
    }
  },
  20 * 60_000,
);
