/**
 * Shared test fixtures: synthesized profiles (built once per test file) and small lookups.
 *
 * Two kinds of profiles: the example profiles (`PROFILES`, whatever overlays/ holds — meant to be
 * customised, so no test asserts their values; the full-profile snapshots cover them) and the fixture
 * profiles under test/fixtures/profiles (`FIXTURE_PROFILES`, `FX`), which tests that need specific
 * values read. Invariants iterate over both (`ALL_PROFILES`).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { loadAll } from 'js-yaml';
import { customResourcesDir, synthProfile } from '../output/synth';
import { listProfiles, loadSpec } from '../config/load';
import type { Spec } from '../config/schema';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
};

export interface SynthesizedProfile {
  readonly profile: string;
  readonly spec: Spec;
  /** file name → YAML text of dist/<profile>/, in file order */
  readonly files: Record<string, string>;
  /** file name → YAML text of dist/<profile>-custom-resources/ (objects that need CRDs) */
  readonly customFiles: Record<string, string>;
  /** dist/<profile>/README.md */
  readonly readme: string;
  readonly objects: K8sObject[];
}

/** The fixture profiles' overlays folder: pass it as `overlaysDir` (or `--overlays-dir`) to load one. */
export const FIXTURES_DIR = path.join(__dirname, 'fixtures', 'profiles');

/** The example profiles: every profile of overlays/ (typed and YAML-only), whatever their values. */
export const PROFILES = listProfiles();

/** The fixture profiles, in name order: YAML-only profiles of FIXTURES_DIR (never a typed profile's name). */
export const FIXTURE_PROFILES = fs
  .readdirSync(FIXTURES_DIR)
  .filter((f) => /^[a-z0-9-]+\.yaml$/.test(f))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

/** The fixtures by the example they are shaped like; tests asserting values read these. */
export const FX = { dev: 'fixture-dev', staging: 'fixture-staging', production: 'fixture-production' } as const;
for (const name of Object.values(FX)) {
  if (!FIXTURE_PROFILES.includes(name)) throw new Error(`test/fixtures/profiles/${name}.yaml is missing`);
}
for (const name of FIXTURE_PROFILES) {
  // A fixture must not layer on a profile of overlays/ (it would inherit that profile's values).
  if (PROFILES.includes(name)) throw new Error(`profile "${name}" exists in overlays/ too; fixture names must be the fixtures' own`);
}

/** Every profile an invariant must hold for: the example profiles and the fixtures. */
export const ALL_PROFILES = [...PROFILES, ...FIXTURE_PROFILES];

export const isFixture = (profile: string): boolean => FIXTURE_PROFILES.includes(profile);

/** loadSpec for an example or a fixture profile (fixtures load from FIXTURES_DIR), with extra YAML overlays. */
export function loadProfile(profile: string, extraOverlays: readonly string[] = []): Spec {
  return loadSpec(profile, { ...(isFixture(profile) ? { overlaysDir: FIXTURES_DIR } : {}), extraOverlays });
}

/** CLI arguments that make `--profile <fixture>` resolvable (the synth's `--overlays-dir`). */
export const FIXTURE_ARGS: readonly string[] = ['--overlays-dir', FIXTURES_DIR];

const cache = new Map<string, SynthesizedProfile>();

export function synthesized(profile: string): SynthesizedProfile {
  const hit = cache.get(profile);
  if (hit) return hit;
  const spec = loadProfile(profile);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `synth-${profile}-`));
  const dir = path.join(root, profile);
  synthProfile(spec, dir);
  const read = (d: string) => {
    const out: Record<string, string> = {};
    if (!fs.existsSync(d)) return out;
    for (const f of fs.readdirSync(d).sort()) out[f] = fs.readFileSync(path.join(d, f), 'utf8');
    return out;
  };
  const all = read(dir);
  const files = Object.fromEntries(Object.entries(all).filter(([f]) => f.endsWith('.yaml')));
  const customFiles = read(customResourcesDir(dir));
  const readme = all['README.md'];
  fs.rmSync(root, { recursive: true, force: true });
  const objects = [...Object.values(files), ...Object.values(customFiles)].flatMap((text) => loadAll(text) as K8sObject[]);
  const result = { profile, spec, files, customFiles, readme, objects };
  cache.set(profile, result);
  return result;
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${kind}/${name} not found`);
  return o;
}

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Job', 'CronJob', 'DaemonSet'];

const podTemplate = (o: K8sObject): any => (o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template);

/** Pod template spec of a workload (Deployment, StatefulSet, Job, CronJob). */
export function podSpec(o: K8sObject): any {
  return podTemplate(o)?.spec;
}

export function podLabels(o: K8sObject): Record<string, string> {
  return podTemplate(o)?.metadata?.labels ?? {};
}

/** Kubernetes LabelSelector semantics (matchLabels and matchExpressions). */
export function selects(
  selector: { matchLabels?: Record<string, string>; matchExpressions?: any[] },
  labels: Record<string, string>,
): boolean {
  return (
    matches(selector.matchLabels ?? {}, labels) &&
    (selector.matchExpressions ?? []).every((e) => {
      switch (e.operator) {
        case 'In':
          return e.values.includes(labels[e.key]);
        case 'NotIn':
          return !e.values.includes(labels[e.key]);
        case 'Exists':
          return e.key in labels;
        case 'DoesNotExist':
          return !(e.key in labels);
        default:
          throw new Error(`unknown operator ${e.operator}`);
      }
    })
  );
}

export function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** A fresh chart for construct unit tests, synthesized with Testing.synth. */
export function testChart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'temporal-test', disableResourceNameHashes: true });
}

export function synthChart(chart: Chart): K8sObject[] {
  return Testing.synth(chart) as K8sObject[];
}
