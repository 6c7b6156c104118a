/** Shared test fixtures: synthesized profiles (built once per test file) and small lookups. */
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

const cache = new Map<string, SynthesizedProfile>();

export function synthesized(profile: string): SynthesizedProfile {
  const hit = cache.get(profile);
  if (hit) return hit;
  const spec = loadSpec(profile);
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

export const PROFILES = listProfiles();

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
