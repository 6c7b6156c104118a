// `npm run bench` (`node scripts/run.js bench/bench.ts`): wall time of the synth entry point (the `app:`
// of cdk8s.yaml, all profiles) and of `npm run synth`, against the floor `node -e "require('cdk8s-plus-27')"`
// measured in the same run (median of alternating runs), plus the extra time of 100 more worker pools.
// Goals: entry ≤ 3× floor, npm run synth ≤ 4× floor, +100 pools ≤ 0.5 s.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadSpec } from '../config/load';
import type { Spec } from '../config/schema';
import { projectRoot } from '../scripts/project-root';

/**
 * How many pools the bench adds. The schema allows at most 100 pools per profile, so the extra time is
 * measured from production without pools to production with these.
 */
export const BENCH_POOLS = 100;

/** The name of the i-th (from 1) generated pool. */
export const benchPoolName = (i: number): string => `pool-${i}`;

/** The profile being timed: the pools are added to it. */
export const BENCH_PROFILE = 'production';

/**
 * The Temporal namespace the generated pools poll: the profile's own (its first pool's, else the first
 * registered), so the overlay stays valid however the profile's namespaces are customised.
 */
export function benchTemporalNamespace(spec: Spec): string {
  return spec.workerPools[0]?.temporalNamespace ?? spec.temporal.namespaces[0].name;
}

/**
 * An overlay that replaces the profile's worker pools with `count` pools, written as a user would for
 * production (see overlays/production.ts): each pool polls its own task queue in `temporalNamespace`
 * (see benchTemporalNamespace) and names the Secret with its token, which production's authorizing
 * frontend requires (the external store provides `<pool>-temporal-api-key`). `count` 0 removes every pool.
 */
export function workerPoolsOverlay(count: number, temporalNamespace: string): string {
  if (count === 0) return 'workerPools: []\n';
  return (
    // The pools replace the profile's (lists of named entries merge by name otherwise).
    'workerPools:\n  - $patch: replace\n' +
    Array.from({ length: count }, (_, i) => {
      const name = benchPoolName(i + 1);
      return [
        `  - name: ${name}`,
        `    temporalNamespace: ${temporalNamespace}`,
        `    taskQueues: [queue-${i + 1}]`,
        `    apiKeySecret: { name: ${name}-temporal-api-key, key: api-key }`,
        '',
      ].join('\n');
    }).join('')
  );
}

type Command = [cmd: string, args: string[]];

function time(root: string, [cmd, args]: Command): number {
  const t = process.hrtime.bigint();
  const res = spawnSync(cmd, args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${res.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** The `app:` command of cdk8s.yaml, split into words. */
function entryCommand(root: string): string[] {
  const app = /^app:\s*(.+)$/m.exec(fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf8'));
  if (!app) throw new Error('cdk8s.yaml has no "app:" line');
  return app[1].trim().split(/\s+/);
}

const USAGE = `usage: npm run bench [-- --help]

Times the synth entry point (all profiles) and npm run synth against the cost of loading cdk8s-plus-27, and
the extra time of ${BENCH_POOLS} worker pools on production; medians of BENCH_RUNS (default 7) alternating runs.
Goals: entry ≤ 3× floor, npm run synth ≤ 4× floor, +${BENCH_POOLS} pools ≤ 0.5 s. Prints a table; exit 0.`;

export function main(args: readonly string[]): number {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  if (args.length) {
    console.error(`unknown argument "${args[0]}"\n${USAGE}`);
    return 1;
  }
  const root = projectRoot();
  const runs = Number(process.env.BENCH_RUNS ?? 7);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-bench-'));
  const out = path.join(work, 'dist');
  const noPools = path.join(work, 'no-pools.yaml');
  const pools = path.join(work, 'pools.yaml');
  const temporalNamespace = benchTemporalNamespace(loadSpec(BENCH_PROFILE));
  fs.writeFileSync(noPools, workerPoolsOverlay(0, temporalNamespace));
  fs.writeFileSync(pools, workerPoolsOverlay(BENCH_POOLS, temporalNamespace));

  const entry = entryCommand(root);
  const production = (overlay: string): Command => [
    process.execPath,
    ['scripts/run.js', 'main.ts', '--outdir', out, '--quiet', '--profile', BENCH_PROFILE, '--overlay', overlay],
  ];
  const commands: Record<string, Command> = {
    floor: [process.execPath, ['-e', "require('cdk8s-plus-27')"]],
    entry: [entry[0] === 'node' ? process.execPath : entry[0], [...entry.slice(1), '--outdir', out, '--quiet']],
    'npm run synth': ['npm', ['run', '--silent', 'synth', '--', '--outdir', out, '--quiet']],
    // Production renders everything a pool brings: certificate, NetworkPolicy, ServiceMonitor, dashboard entry,
    // the ExternalSecret with its token.
    'production, no pools': production(noPools),
    [`production +${BENCH_POOLS} pools`]: production(pools),
  };

  try {
    for (const c of Object.values(commands)) time(root, c); // warm-up: builds the bundle, fills the page cache
    const samples: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
    for (let i = 0; i < runs; i++) for (const [k, c] of Object.entries(commands)) samples[k].push(time(root, c));
    const m: Record<string, number> = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
    const profiles = fs.readdirSync(out).join(', ');
    console.log(`node ${process.version}, ${os.cpus().length} CPUs, median of ${runs} alternating runs; profiles: ${profiles}`);
    const width = Math.max(16, ...Object.keys(m).map((k) => k.length));
    for (const [k, v] of Object.entries(m)) console.log(`  ${k.padEnd(width)} ${v.toFixed(3)} s`);
    const extra = m[`production +${BENCH_POOLS} pools`] - m['production, no pools'];
    const rows: [string, number, number][] = [
      ['entry / floor', m.entry / m.floor, 3],
      ['npm run synth / floor', m['npm run synth'] / m.floor, 4],
    ];
    for (const [k, v, goal] of rows) console.log(`  ${k.padEnd(24)} ${v.toFixed(2)}×  (goal ≤ ${goal}×) ${v <= goal ? 'ok' : 'OVER'}`);
    console.log(`  ${`+${BENCH_POOLS} worker pools`.padEnd(24)} ${extra.toFixed(3)} s (goal ≤ 0.5 s) ${extra <= 0.5 ? 'ok' : 'OVER'}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return 0;
}
