/** Shared test fixtures: synthesized profiles (built once per test file) and small lookups. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { loadAll } from 'js-yaml';
import { synthProfile } from '../main';
import { listProfiles, loadSpec } from '../overlays';
import type { Spec } from '../overlays/schema';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
};

export interface SynthesizedProfile {
  readonly profile: string;
  readonly spec: Spec;
  /** file name → YAML text, in file order */
  readonly files: Record<string, string>;
  readonly objects: K8sObject[];
}

const cache = new Map<string, SynthesizedProfile>();

export function synthesized(profile: string): SynthesizedProfile {
  const hit = cache.get(profile);
  if (hit) return hit;
  const spec = loadSpec(profile);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `synth-${profile}-`));
  synthProfile(spec, dir);
  const files: Record<string, string> = {};
  for (const f of fs.readdirSync(dir).sort()) files[f] = fs.readFileSync(path.join(dir, f), 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  const objects = Object.values(files).flatMap((text) => loadAll(text) as K8sObject[]);
  const result = { profile, spec, files, objects };
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
export function selects(selector: { matchLabels?: Record<string, string>; matchExpressions?: any[] }, labels: Record<string, string>): boolean {
  return matches(selector.matchLabels ?? {}, labels) && (selector.matchExpressions ?? []).every((e) => {
    switch (e.operator) {
      case 'In': return e.values.includes(labels[e.key]);
      case 'NotIn': return !e.values.includes(labels[e.key]);
      case 'Exists': return e.key in labels;
      case 'DoesNotExist': return !(e.key in labels);
      default: throw new Error(`unknown operator ${e.operator}`);
    }
  });
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
