/**
 * The overlay `npm run bench` times (bench/bench.ts): production with 100 more worker pools must stay a
 * valid spec, or the bench breaks without anyone noticing. It is synthesized once through the real CLI,
 * as the bench runs it; no timings are asserted here.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadAll } from 'js-yaml';
import { BENCH_POOLS, BENCH_PROFILE, benchPoolName, benchTemporalNamespace, workerPoolsOverlay } from '../bench/bench';
import { customResourcesDir, synthProfile } from '../output/synth';
import { loadSpec } from '../config/load';
import type { K8sObject } from './helpers';

jest.setTimeout(60_000);

const root = path.resolve(__dirname, '..');
const isPool = (o: K8sObject) => o.metadata.labels?.['app.kubernetes.io/component'] === 'worker-pool';
const names = (objects: K8sObject[]) => objects.map((o) => o.metadata.name).sort();

/** The objects of dist/<profile>/ and dist/<profile>-custom-resources/. */
function readProfile(dir: string): K8sObject[] {
  return [dir, customResourcesDir(dir)]
    .filter((d) => fs.existsSync(d))
    .flatMap((d) =>
      fs
        .readdirSync(d)
        .filter((f) => f.endsWith('.yaml'))
        .flatMap((f) => loadAll(fs.readFileSync(path.join(d, f), 'utf8')) as K8sObject[]),
    );
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-overlay-'));
});
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test(`${BENCH_PROFILE} +${BENCH_POOLS} worker pools synthesizes: one more Deployment per pool, nothing else lost`, () => {
  // Whatever the profile holds (it is an example profile, yours to change): the bench adapts to it.
  const temporalNamespace = benchTemporalNamespace(loadSpec(BENCH_PROFILE));
  const overlay = path.join(tmp, 'pools.yaml');
  fs.writeFileSync(overlay, workerPoolsOverlay(BENCH_POOLS, temporalNamespace));
  const outdir = path.join(tmp, 'dist');
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'scripts', 'run.js'), 'main.ts', '--quiet', '--outdir', outdir, '--profile', BENCH_PROFILE, '--overlay', overlay],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  expect(r.stderr).toMatch(/^(note: [^\n]*workerPools replaces the whole inherited list[^\n]*\n)?$/);
  expect(r.status).toBe(0);
  const deployments = readProfile(path.join(outdir, BENCH_PROFILE)).filter((o) => o.kind === 'Deployment');

  // The bench's baseline, production without pools (synthesized in-process, which is quicker).
  const noPools = path.join(tmp, 'no-pools.yaml');
  fs.writeFileSync(noPools, workerPoolsOverlay(0, temporalNamespace));
  const baseDir = path.join(tmp, 'no-pools', BENCH_PROFILE);
  synthProfile(loadSpec(BENCH_PROFILE, { extraOverlays: [noPools] }), baseDir);
  const baseline = readProfile(baseDir).filter((o) => o.kind === 'Deployment');
  expect(baseline.filter(isPool)).toEqual([]);

  expect(deployments.length - baseline.length).toBe(BENCH_POOLS);
  const pools = Array.from({ length: BENCH_POOLS }, (_, i) => benchPoolName(i + 1));
  expect(names(deployments.filter(isPool))).toEqual([...pools].sort());
  expect(names(deployments.filter((o) => !isPool(o)))).toEqual(names(baseline));
});
