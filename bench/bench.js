#!/usr/bin/env node
// `npm run bench`: wall time of the synth entry point (the `app:` of cdk8s.yaml, all profiles) and
// of `npm run synth`, against the floor `node -e "require('cdk8s-plus-27')"` measured in the same
// run (median of alternating runs), plus the extra time of 100 more worker pools.
// Goals: entry ≤ 3× floor, npm run synth ≤ 4× floor, +100 pools ≤ 0.5 s.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 7);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-bench-'));
const out = path.join(work, 'dist');
const pools = path.join(work, 'pools.yaml');
fs.writeFileSync(pools, 'workerPools:\n' + Array.from({ length: 101 }, (_, i) =>
  `  - name: ${i === 0 ? 'app-worker' : `pool-${i}`}\n    taskQueues: [queue-${i}]\n`).join(''));

const entry = /^app:\s*(.+)$/m.exec(fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf8'))[1].trim().split(/\s+/);
const commands = {
  floor: [process.execPath, ['-e', "require('cdk8s-plus-27')"]],
  entry: [entry[0] === 'node' ? process.execPath : entry[0], [...entry.slice(1), '--outdir', out, '--quiet']],
  'npm run synth': ['npm', ['run', '--silent', 'synth', '--', '--outdir', out, '--quiet']],
  // Production renders everything a pool brings: certificate, NetworkPolicy, ServiceMonitor, dashboard entry.
  'production': [process.execPath, ['scripts/run.js', 'main.ts', '--outdir', out, '--quiet', '--profile', 'production']],
  'production +100 pools': [process.execPath, ['scripts/run.js', 'main.ts', '--outdir', out, '--quiet', '--profile', 'production', '--overlay', pools]],
};

function time([cmd, args]) {
  const t = process.hrtime.bigint();
  const res = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${res.stderr}`);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

try {
  for (const c of Object.values(commands)) time(c); // warm-up: builds the bundle, fills the page cache
  const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) for (const [k, c] of Object.entries(commands)) samples[k].push(time(c));
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  console.log(`node ${process.version}, ${os.cpus().length} CPUs, median of ${runs} alternating runs; profiles: ${fs.readdirSync(out).join(', ')}`);
  for (const [k, v] of Object.entries(m)) console.log(`  ${k.padEnd(16)} ${v.toFixed(3)} s`);
  const extra = m['production +100 pools'] - m.production;
  const rows = [
    ['entry / floor', m.entry / m.floor, 3],
    ['npm run synth / floor', m['npm run synth'] / m.floor, 4],
  ];
  for (const [k, v, goal] of rows) console.log(`  ${k.padEnd(24)} ${v.toFixed(2)}×  (goal ≤ ${goal}×) ${v <= goal ? 'ok' : 'OVER'}`);
  console.log(`  ${'+100 worker pools'.padEnd(24)} ${extra.toFixed(3)} s (goal ≤ 0.5 s) ${extra <= 0.5 ? 'ok' : 'OVER'}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
