/**
 * Lists of named entries (worker pools, Temporal namespaces) merge by name across layers: a YAML
 * overlay that adds a pool keeps the profile's others; removal and whole-list replacement are explicit.
 * The inherited lists are the fixture profiles' (test/fixtures/profiles).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadSpec } from '../config/load';
import { deepMerge, MergeError } from '../config/merge';
import type { Spec } from '../config/schema';
import { badInputHarness } from './bad-input-harness';
import { FIXTURES_DIR, FX, loadProfile } from './helpers';

let dir = '';
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'overlay-lists-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function load(profile: string, yaml: string, notes: string[] = []) {
  const file = path.join(dir, `${profile}-${Math.random().toString(16).slice(2)}.yaml`);
  fs.writeFileSync(file, yaml);
  return loadSpec(profile, { overlaysDir: FIXTURES_DIR, extraOverlays: [file], onNotice: (m) => notes.push(m) });
}
const poolNames = (spec: Spec) => spec.workerPools.map((p) => p.name);

describe('worker pools merge by name', () => {
  test('adding a pool keeps the profile’s pools, and the new one gets the pool defaults', () => {
    const staging = loadProfile(FX.staging);
    const spec = load(FX.staging, 'workerPools:\n  - name: billing-worker\n    temporalNamespace: staging\n');
    expect(poolNames(spec)).toEqual([...poolNames(staging), 'billing-worker']);
    const billing = spec.workerPools.find((p) => p.name === 'billing-worker')!;
    const appWorker = spec.workerPools.find((p) => p.name === 'app-worker')!;
    expect(appWorker).toEqual(staging.workerPools.find((p) => p.name === 'app-worker'));
    expect(billing.taskQueues.length).toBeGreaterThan(0); // from workerPoolDefaults
  });

  test('naming an inherited pool changes only the fields given', () => {
    const staging = loadProfile(FX.staging);
    const spec = load(FX.staging, 'workerPools:\n  - name: ruby-worker\n    replicas: 5\n');
    const before = staging.workerPools.find((p) => p.name === 'ruby-worker')!;
    const after = spec.workerPools.find((p) => p.name === 'ruby-worker')!;
    expect(after).toEqual({ ...before, replicas: 5 });
    expect(poolNames(spec)).toEqual(poolNames(staging));
  });

  test('`null` on a field of an inherited pool removes it (autoscaling: null pins replicas)', () => {
    const spec = load(FX.production, 'workerPools:\n  - name: app-worker\n    autoscaling: null\n    replicas: 3\n');
    const pool = spec.workerPools.find((p) => p.name === 'app-worker')!;
    expect(pool.autoscaling).toBeUndefined();
    expect(pool.replicas).toBe(3);
  });

  test('{name, $patch: delete} removes one inherited pool', () => {
    const spec = load(FX.staging, 'workerPools:\n  - name: ruby-worker\n    $patch: delete\n');
    expect(poolNames(spec)).toEqual(['app-worker']);
  });

  test('{$patch: replace} replaces the whole list, and says so', () => {
    const notes: string[] = [];
    const spec = load(FX.staging, 'workerPools:\n  - $patch: replace\n  - name: solo\n    temporalNamespace: staging\n', notes);
    expect(poolNames(spec)).toEqual(['solo']);
    expect(notes).toEqual([
      expect.stringMatching(
        new RegExp(
          `^profile "${FX.staging}": .*\\.yaml: workerPools replaces the whole inherited list \\(drops app-worker, ruby-worker\\)$`,
        ),
      ),
    ]);
  });

  test('`workerPools: null` then a fresh list in a later layer starts over', () => {
    const a = path.join(dir, 'none.yaml');
    const b = path.join(dir, 'fresh.yaml');
    fs.writeFileSync(a, 'workerPools: null\n');
    fs.writeFileSync(b, 'workerPools:\n  - name: fresh\n    temporalNamespace: staging\n');
    expect(poolNames(loadProfile(FX.staging, [a, b]))).toEqual(['fresh']);
  });
});

describe('Temporal namespaces merge by name', () => {
  test('adding a namespace keeps the profile’s; changing one keeps the rest', () => {
    const production = loadProfile(FX.production);
    const spec = load(
      FX.production,
      'temporal:\n  namespaces:\n    - {name: billing, retention: 30d}\n    - {name: default, retention: 14d}\n',
    );
    const names = spec.temporal.namespaces.map((n) => n.name);
    expect(names).toEqual([...production.temporal.namespaces.map((n) => n.name), 'billing']);
    expect(spec.temporal.namespaces.find((n) => n.name === 'default')!.retention).toBe('14d');
    expect(spec.temporal.namespaces.find((n) => n.name === 'production')).toEqual(
      production.temporal.namespaces.find((n) => n.name === 'production'),
    );
  });
});

describe('the merge itself', () => {
  test('lists of values still replace', () => {
    expect(deepMerge({ cidrs: ['10.0.0.0/8', '192.168.0.0/16'] }, { cidrs: ['172.16.0.0/12'] })).toEqual({ cidrs: ['172.16.0.0/12'] });
  });

  test('wrong directives and deleting what is not inherited are refused with the list path', () => {
    const base = { pools: [{ name: 'a' }] };
    const err = (o: unknown) => {
      try {
        deepMerge(base, o);
      } catch (e) {
        return e instanceof MergeError ? `${e.path.join('.')}: ${e.message}` : String(e);
      }
      return 'accepted';
    };
    expect(err({ pools: [{ name: 'b', $patch: 'delete' }] })).toBe(
      'pools: cannot delete "b": no inherited entry has that name (inherited: a)',
    );
    expect(err({ pools: [{ name: 'a', $patch: 'remove' }] })).toMatch(/^pools\.0: "\$patch: remove" is not a list directive here/);
    expect(err({ pools: [{ name: 'x' }, { name: 'x' }] })).toBe('pools.1: "x" is listed twice in one list; list each name once');
  });
});

describe('through the CLI', () => {
  const h = badInputHarness();

  test('a bad directive exits 1 naming profile, file and field path; dist/ untouched', () => {
    h.expectRefused(FX.staging, 'workerPools:\n  - name: nope\n    $patch: delete\n', [
      'workerPools: cannot delete "nope": no inherited entry has that name (inherited: app-worker, ruby-worker)',
    ]);
  });

  test('replacing a whole list prints a note on stderr and succeeds', () => {
    const file = h.overlay('replace', 'workerPools:\n  - $patch: replace\n  - name: solo\n    temporalNamespace: staging\n');
    const res = h.synthElsewhere(['--profile', FX.staging, '--overlay', file, '--quiet']);
    expect(res.code).toBe(0);
    expect(res.err).toMatch(
      new RegExp(
        `^note: profile "${FX.staging}": .*replace\\.yaml: workerPools replaces the whole inherited list \\(drops app-worker, ruby-worker\\)$`,
      ),
    );
  });
});
